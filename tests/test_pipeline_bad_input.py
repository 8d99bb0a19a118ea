"""Every bad input of docs/safety.md through `build`: a clear one-line error, or a correct result.

The CLI engineer tests exit codes in general; here the point is the build and
publish side: a refused leaflet leaves nothing in audio_out/ and speaks nothing;
an odd but valid one builds, with every file inside its bundle and every text
escaped.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from audio_leaflet.cli import cli
from audio_leaflet.config import Settings
from audio_leaflet.model import MAX_CHAPTERS
from audio_leaflet.pipeline import prepare
from helpers.pipeline import BASE_URL, FIXTURES, build_arguments, cached_sentences


def _build(work: Path, cache: Path, leaflet: Path, *extra: str) -> Result:
    arguments = build_arguments(leaflet, work, cache, "--no-check", *extra)
    return CliRunner(mix_stderr=False).invoke(cli, arguments)


def _refused(outcome: Result, work: Path, cache: Path, *words: str) -> str:
    """The build failed with one line naming `words`, wrote nothing to audio_out/, spoke nothing."""
    assert outcome.exit_code == 1, outcome.stderr
    assert outcome.stdout == ""
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, outcome.stderr
    for word in words:
        assert word in lines[0]
    assert not (work / "audio_out").exists(), "nothing written to audio_out/"
    assert cached_sentences(cache) == {}, "nothing synthesized"
    return lines[0]


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("empty.txt", b"", ("is empty",)),
        ("blank.txt", b"  \n\n\t\n", ("is empty",)),
        ("leaflet.txt", random.Random(4).randbytes(4096), ("binary",)),
        ("leaflet.docx", b"PK\x03\x04 not really a zip", ("not a Word .docx file",)),
        ("leaflet.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", ("as a PDF",)),
        # UTF-16 without its byte-order mark: NUL bytes, refused as binary.
        ("leaflet.txt", "Dystonia\n\nAbout\n\nText.\n".encode("utf-16-le"), ("binary",)),
        ("punctuation.txt", b"* * *\n\n----\n\n###\n", ("Nothing to say",)),
        (
            "page.html",
            b"<html><head><title>Dystonia</title><script>var x = 'Take two';</script></head>"
            b'<body><nav><a href="/">Skip navigation</a></nav><script>alert(1)</script></body>'
            b"</html>",
            ("No leaflet text found",),
        ),
    ],
)
def test_a_leaflet_that_cannot_be_read_is_refused_before_anything_is_written(
    tmp_path: Path, name: str, content: bytes, words: tuple[str, ...]
) -> None:
    leaflet = tmp_path / name
    leaflet.write_bytes(content)
    work, cache = tmp_path / "work", tmp_path / "cache"
    _refused(_build(work, cache, leaflet), work, cache, name, *words)


def test_a_password_protected_pdf_says_so(tmp_path: Path) -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    leaflet = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(leaflet), encrypt=StandardEncryption("secret", ownerPassword="x"))
    pdf.drawString(72, 720, "Botulinum toxin injections")
    pdf.save()
    work, cache = tmp_path / "work", tmp_path / "cache"
    line = _refused(_build(work, cache, leaflet), work, cache, "locked.pdf", "password")
    assert "damaged" not in line and "()" not in line


def test_a_paragraph_with_nothing_to_say_is_no_sentence(tmp_path: Path) -> None:
    """Emoji or stars alone would be a clip of no length (EPUBCheck refuses those)."""
    leaflet = tmp_path / "sleep.txt"
    leaflet.write_text(
        (FIXTURES / "pipeline-sleep.txt").read_text()
        + "\n\U0001f60a\U0001f44d\n\n\u2605 \u2605 \u2605\n"
    )
    prepared = prepare(leaflet, Settings(narration_dir=tmp_path / "narration"))
    said = [s for chapter in prepared.narration.chapters for s in chapter.sentences]
    assert not [s for s in said if not any(c.isalnum() for c in s)], said
    assert prepared.lost == ()


def test_a_script_line_with_nothing_to_say_stops_the_build_naming_it(tmp_path: Path) -> None:
    work, cache = tmp_path / "work", tmp_path / "cache"
    leaflet = FIXTURES / "pipeline-sleep.txt"
    prepare(leaflet, Settings(narration_dir=work / "narration"))
    script = sorted((work / "narration" / "sleep-and-dystonia").glob("02-*.txt"))[0]
    script.write_text(script.read_text() + "\n\u2026\n", encoding="utf-8")
    outcome = _build(work, cache, leaflet)
    assert outcome.exit_code == 1
    (line,) = outcome.stderr.strip().splitlines()
    assert script.name in line and "has no words to say" in line


def test_a_missing_leaflet_is_refused(tmp_path: Path) -> None:
    work, cache = tmp_path / "work", tmp_path / "cache"
    outcome = _build(work, cache, tmp_path / "nowhere.txt")
    assert outcome.exit_code in (1, 2)
    assert len(outcome.stderr.strip().splitlines()) == 1
    assert "nowhere.txt" in outcome.stderr
    assert not (work / "audio_out").exists()


def test_windows_1252_text_is_read_as_written(tmp_path: Path) -> None:
    settings = Settings(narration_dir=tmp_path / "narration")
    prepared = prepare(FIXTURES / "windows-1252.txt", settings, write=False)
    spoken = " ".join(s for c in prepared.narration.chapters for s in c.sentences)
    assert "\ufffd" not in spoken and "Ã" not in spoken
    assert "pounds" in spoken


def test_bytes_behind_a_utf16_mark_that_are_not_utf16_are_refused(tmp_path: Path) -> None:
    leaflet = tmp_path / "leaflet.txt"
    leaflet.write_bytes(b"\xff\xfe\x00\xd8 bad \x80\x81\xfe")
    work, cache = tmp_path / "work", tmp_path / "cache"
    outcome = _build(work, cache, leaflet)
    _refused(outcome, work, cache, "leaflet.txt")
    assert "starts like UTF-16 text but the rest is not" in outcome.stderr


def test_300_sections_are_refused_before_any_speech_with_the_scripts_written(
    tmp_path: Path,
) -> None:
    sections = "".join(
        f"Part {n}\n\nThis is paragraph {n} of the leaflet.\n\n" for n in range(1, 301)
    )
    leaflet = tmp_path / "many.txt"
    leaflet.write_text(f"Many sections\n\n{sections}", encoding="utf-8")
    work, cache = tmp_path / "work", tmp_path / "cache"
    line = _refused(_build(work, cache, leaflet), work, cache, "many.txt", "301 sections")
    assert f"at most {MAX_CHAPTERS}" in line and "split the leaflet" in line
    # The scripts are still there to proofread and to see where to split.
    assert len(list((work / "narration" / "many-sections").glob("[0-9]*.txt"))) == 301


@pytest.mark.slow
def test_a_5_mb_leaflet_is_refused_before_it_is_narrated(tmp_path: Path) -> None:
    rng = random.Random(5)
    words = ["the", "patient", "dystonia", "muscle", "spasm", "treatment"]
    words += ["doctor", "neck", "pain", "may", "help", "you"]
    parts = ["Very long leaflet\n\n"]
    for number in range(1, 21):
        parts.append(f"Part {number}\n\n")
        for _ in range(480):
            sentence = " ".join(rng.choice(words) for _ in range(rng.randint(8, 20)))
            parts.append((sentence.capitalize() + ". ") * 6 + "\n\n")
    leaflet = tmp_path / "long.txt"
    leaflet.write_text("".join(parts), encoding="utf-8")
    assert leaflet.stat().st_size >= 5_000_000
    work, cache = tmp_path / "work", tmp_path / "cache"

    line = _refused(_build(work, cache, leaflet), work, cache, "long.txt", "hours")
    assert "split it" in line.lower() and "not narrated" in line
    # Ninety hours of speech: no megabytes of scripts are written for it.
    assert not (work / "narration" / "very-long-leaflet").exists()


@pytest.mark.slow
def test_a_path_like_heading_and_script_tags_build_safely(
    tmp_path: Path, session_cache: Path
) -> None:
    leaflet = tmp_path / "clinic.html"
    leaflet.write_text(
        """<!DOCTYPE html>
<html lang="en-GB"><head><title>Botulinum toxin clinic | Kestrel Dystonia Network</title>
<script>document.write("Take ten tablets a day");</script></head>
<body><h1>Botulinum toxin clinic</h1>
<h2>../../x</h2>
<p>Injections are given every three months.</p>
<script>alert("pwned")</script>
<h2>&lt;script&gt;alert(1)&lt;/script&gt; After your injection</h2>
<p>Rest for a day. Call us if you feel unwell.</p>
</body></html>
""",
        encoding="utf-8",
    )
    work = tmp_path / "work"
    outcome = _build(work, session_cache, leaflet, "--base-url", BASE_URL)
    assert outcome.exit_code == 0, outcome.stderr
    out_dir = work / "audio_out"
    bundle = out_dir / "botulinum-toxin-clinic"
    assert outcome.stdout.strip() == str(bundle)

    # Every file stays inside the out-dir's bundle, named by an ASCII slug.
    everything = [p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()]
    outside = [
        p
        for p in everything
        if p.parts[0] not in ("work", "clinic.html") or p.parts[:2] == ("work", "x")
    ]
    assert outside == []
    for path in bundle.iterdir():
        assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*", path.name), path.name
    assert sorted(p.name for p in bundle.glob("0*.mp3")) == [
        "01-introduction.mp3",
        "02-x.mp3",
        "03-script-alert-1-script-after-your-injection.mp3",
    ]
    assert {p.name for p in out_dir.iterdir() if not p.name.startswith(".")} == {
        "botulinum-toxin-clinic",
        "index.html",
        "feed.xml",
    }

    # Scripts in the page are not spoken; markup in a heading is text, escaped everywhere.
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    spoken = " ".join(c["text"] for chapter in manifest["chapters"] for c in chapter["cues"])
    for leftover in ("tablets", "pwned", "document", "write"):
        assert leftover not in spoken
    assert manifest["chapters"][2]["title"].startswith("<script>alert(1)</script>")
    # (chapters.json is JSON, where "<script>" is a string like any other.)
    for name in ("index.html", "botulinum-toxin-clinic.vtt"):
        assert "<script>alert" not in (bundle / name).read_text(encoding="utf-8"), name
    for page in (out_dir / "index.html", out_dir / "feed.xml"):
        assert "<script>alert" not in page.read_text(encoding="utf-8"), page.name
