"""Nothing lost, nothing trusted blindly: each fault found by trying to break a build.

Every test here failed on the code before its fix. Builds are real (Piper,
ffmpeg) and run the command line in-process; a fault of the file system that
cannot be made for real as root (a full disk) is injected at the write.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import struct
import time
import zipfile
from pathlib import Path

import pytest

from audio_leaflet.cache import AudioCache
from audio_leaflet.check.report import ProblemKind
from audio_leaflet.check.structure import checksum_problems, read_bundle
from audio_leaflet.errors import ManifestError
from audio_leaflet.manifest import Manifest
from audio_leaflet.model import BulletList, Clip, Paragraph
from audio_leaflet.read import read_leaflet
from helpers.cli import assert_one_line_error, run, tree_state
from helpers.pipeline import build_arguments, build_command, small_leaflet, start

pytestmark = pytest.mark.slow

WORK_SLUG = "dystonia-at-work"


def _build(leaflet: Path, work: Path, cache: Path, *extra: str):  # type: ignore[no-untyped-def]
    return run(*build_arguments(leaflet, work, cache, "--no-check", *extra))


def _leaflet(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- 1. a build never replaces a folder it did not make ------------------------


def test_a_folder_that_is_not_this_leaflets_bundle_is_never_replaced(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    staff_folder = work / "audio_out" / WORK_SLUG
    staff_folder.mkdir(parents=True)
    (staff_folder / "minutes.docx").write_bytes(b"the staff's own file")
    before = tree_state(work / "audio_out")

    result = _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache)

    assert_one_line_error(result, 1, "left as it was", "--slug")
    assert tree_state(work / "audio_out") == before


def test_a_leaflet_titled_narration_does_not_replace_the_narration_folder(
    tmp_path: Path, session_cache: Path
) -> None:
    # --out-dir and the narration folder side by side in one web root.
    work = tmp_path / "site"
    assert _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache).exit_code == 0
    narration = work / "narration"
    scripts_before = tree_state(narration)
    titled_narration = _leaflet(tmp_path, "n.txt", "Narration\n\nHow the voice reads aloud.\n")

    result = run(
        "build", titled_narration, "--out-dir", work, "--narration-dir", narration,
        "--cache-dir", session_cache, "--no-check",
    )  # fmt: skip

    assert_one_line_error(result, 1, "left as it was")
    after = tree_state(narration)
    assert {k: after.get(k) for k in scripts_before} == scripts_before


# -- 2. two leaflets with one title ---------------------------------------------


def test_two_leaflets_with_one_title_do_not_share_a_bundle_or_scripts(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    first = _leaflet(tmp_path / "hospital-a", "botox-a.txt", "Botox\n\nCome to clinic A.\n")
    second = _leaflet(tmp_path / "hospital-b", "pil-1234.txt", "Botox\n\nCome to clinic B.\n")
    assert _build(first, work, session_cache).exit_code == 0
    bundle_before = tree_state(work / "audio_out" / "botox")
    scripts_before = tree_state(work / "narration" / "botox")

    refused = _build(second, work, session_cache)

    assert_one_line_error(refused, 1, "another leaflet with the same title", "--slug")
    assert tree_state(work / "audio_out" / "botox") == bundle_before
    assert tree_state(work / "narration" / "botox") == scripts_before

    own = _build(second, work, session_cache, "--slug", "botox-b")
    assert own.exit_code == 0, own.stderr
    assert tree_state(work / "audio_out" / "botox") == bundle_before
    said = (work / "narration" / "botox-b" / "02-overview.txt").read_text(encoding="utf-8")
    assert "clinic B" in said


def test_the_same_leaflet_moved_or_copied_keeps_its_bundle(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    leaflet = small_leaflet("pipeline-work.txt", tmp_path / "old")
    assert _build(leaflet, work, session_cache).exit_code == 0
    renamed = tmp_path / "new" / "work-leaflet.txt"  # moved and renamed, text the same
    renamed.parent.mkdir()
    leaflet.rename(renamed)
    assert _build(renamed, work, session_cache).exit_code == 0
    copied = tmp_path / "laptop" / "work-leaflet.txt"  # the project copied, then edited
    copied.parent.mkdir()
    copied.write_text(renamed.read_text() + "\nOne more line.\n")
    result = _build(copied, work, session_cache)
    assert result.exit_code == 0, result.stderr


def test_two_project_leaflets_with_one_slug_are_refused(tmp_path: Path) -> None:
    (tmp_path / "audio-leaflet.toml").write_text(
        '[[leaflet]]\npath = "a.txt"\nslug = "botox"\n[[leaflet]]\npath = "b.txt"\nslug = "botox"\n'
    )
    from audio_leaflet.config import load_project
    from audio_leaflet.errors import UsageError

    with pytest.raises(UsageError, match="same slug"):
        load_project(tmp_path)


# -- 3. a damaged cache ---------------------------------------------------------


def test_a_damaged_cache_entry_is_dropped_and_reported(tmp_path: Path) -> None:
    cache = AudioCache(tmp_path)
    clip = Clip(struct.pack("<4h", 1, -2, 300, -400) * 2000, 22_050)
    cache.put_sentence("ab" * 32, clip)
    path = tmp_path / "sentences" / "ab" / f"{'ab' * 32}.wav"
    assert cache.get_sentence("ab" * 32) == clip

    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # cut short
    assert cache.get_sentence("ab" * 32) is None
    cache.put_sentence("ab" * 32, clip)
    flipped = bytearray(path.read_bytes())
    flipped[-10] ^= 0xFF  # same length, changed audio
    path.write_bytes(bytes(flipped))
    assert cache.get_sentence("ab" * 32) is None
    assert cache.damaged == [path, path]
    assert not path.exists(), "a damaged entry is removed, so it is spoken again"


def test_a_build_from_a_truncated_cache_speaks_again_and_says_so(tmp_path: Path) -> None:
    work, cache = tmp_path / "work", tmp_path / "cache"
    leaflet = small_leaflet("pipeline-work.txt", tmp_path)
    assert _build(leaflet, work, cache).exit_code == 0
    first = json.loads((work / "audio_out" / WORK_SLUG / "manifest.json").read_text())
    for entry in (cache / "sentences").rglob("*.wav"):
        entry.write_bytes(entry.read_bytes()[:200])
    for entry in (cache / "chapters").rglob("*.wav"):
        entry.write_bytes(entry.read_bytes()[:200])
    (work / "audio_out" / WORK_SLUG / "manifest.json").unlink()  # so the audio is needed again
    import shutil

    shutil.rmtree(work / "audio_out" / WORK_SLUG)

    again = _build(leaflet, work, cache)

    assert again.exit_code == 0, again.stderr
    assert "damaged" in again.stderr and "spoken again" in again.stderr
    second = json.loads((work / "audio_out" / WORK_SLUG / "manifest.json").read_text())
    for old, new in zip(first["chapters"], second["chapters"], strict=True):
        assert abs(old["duration_ms"] - new["duration_ms"]) < 0.3 * old["duration_ms"]
        assert new["duration_ms"] > 3000


# -- 4. one bad manifest never harms another leaflet ----------------------------


def test_a_bad_manifest_stops_no_other_build_and_is_named(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    assert _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache).exit_code == 0
    manifest_path = work / "audio_out" / WORK_SLUG / "manifest.json"
    damaged = json.loads(manifest_path.read_text())
    damaged["chapters"][0]["duration_ms"] = "long"
    damaged["full"] = []
    manifest_path.write_text(json.dumps(damaged))

    other = _build(small_leaflet("pipeline-sleep.txt", tmp_path), work, session_cache)

    assert other.exit_code == 0, other.stderr
    assert WORK_SLUG in other.stderr and "build that leaflet again" in other.stderr
    index = (work / "audio_out" / "index.html").read_text(encoding="utf-8")
    assert "Sleep" in index
    with pytest.raises(ManifestError, match="duration_ms"):
        Manifest.from_json(damaged)

    repaired = _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache)
    assert repaired.exit_code == 0, repaired.stderr
    Manifest.from_json(json.loads(manifest_path.read_text()))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda m: m["chapters"][0].pop("sha256"), "sha256"),
        (lambda m: m["chapters"][0].update(number=True), "number"),
        (lambda m: m.update(chapters="all"), "chapters"),
        (lambda m: m["full"].update(file="../../etc/passwd"), "plain ASCII name"),
        (lambda m: m["files"].update({"index.html": "x"}), "SHA-256"),
    ],
)
def test_the_manifest_is_checked_on_reading(change, words: str) -> None:  # type: ignore[no-untyped-def]
    good = {
        "schema": 1,
        "tool": {"name": "audio-leaflet", "version": "0.1.0"},
        "slug": "a",
        "title": "A",
        "source": {"file": "a.txt", "sha256": "0" * 64, "updated": "2026-01-01"},
        "engine": {"name": "piper", "voice": "v", "wpm": 150},
        "full": {"file": "a.mp3", "duration_ms": 10, "bytes": 5, "sha256": "1" * 64},
        "chapters": [
            {
                "number": 1,
                "title": "Intro",
                "file": "01-intro.mp3",
                "start_ms": 0,
                "duration_ms": 10,
                "bytes": 5,
                "sha256": "2" * 64,
                "cues": [],
            },
        ],
        "files": {"index.html": "3" * 64},
    }
    assert Manifest.from_json(good).to_json()["chapters"][0]["sha256"] == "2" * 64
    change(good)
    with pytest.raises(ManifestError, match=words):
        Manifest.from_json(good)


# -- 5. bytes and settings ------------------------------------------------------


def test_control_characters_anywhere_in_a_leaflet_are_cleaned(tmp_path: Path) -> None:
    filler = "Dystonia can affect the neck. " * 2500  # past the first 64 KB
    text = f"Title here\n\nFirst part.\n\n{filler}\n\nLate\x00 NUL\x07 bell \x1b[31mred\u202e.\n"
    leaflet = _leaflet(tmp_path, "late.txt", text)

    document = read_leaflet(leaflet)

    joined = "\n".join(
        text for section in document.sections for block in section.blocks for text in _texts(block)
    )
    assert "Late" in joined and "bell" in joined
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in joined)
    assert "\u202e" not in joined


def _texts(block: object) -> tuple[str, ...]:
    if isinstance(block, BulletList):
        return block.items
    if isinstance(block, Paragraph):
        return (block.text,)
    return ()


def test_status_prints_no_terminal_escapes(tmp_path: Path) -> None:
    words = "Dystonia is a condition that makes muscles move on their own. " * 5
    leaflet = _leaflet(tmp_path, "esc.txt", f"Evil \x1b]0;owned\x07title\n\n{words}\n")
    result = run(
        "status", leaflet, "--out-dir", tmp_path / "out", "--narration-dir", tmp_path / "n"
    )
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout


@pytest.mark.parametrize(
    ("toml", "words"),
    [
        ('leaflets = "a.txt"', "list of file names"),
        ('check = "no"', "true or false"),
        ("wpm = 999", "80 to 250"),
        ("wpm = true", "whole number"),
        ('language = "en\\u0007GB"', "language tag"),
        ("title = 5", "text"),
        ('base_url = "ftp://example.org/"', "http(s)"),
        ('base_url = "https://exa mple.org/"', "http(s)"),
        ('slug = "Not A Slug"', "lower-case"),
        ('[[leaflet]]\npath = "a.txt"\ncolour = "red"', "unknown key"),
    ],
)
def test_project_file_values_are_checked(tmp_path: Path, toml: str, words: str) -> None:
    (tmp_path / "audio-leaflet.toml").write_text(toml + "\n", encoding="utf-8")
    from audio_leaflet.config import load_project
    from audio_leaflet.errors import UsageError

    with pytest.raises(UsageError, match=words):
        load_project(tmp_path)


def test_a_bad_base_url_is_refused_before_anything_is_written(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    result = _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache,
                    "--base-url", "https://example.org/a\x01b/")  # fmt: skip
    assert_one_line_error(result, 2, "base-url")
    assert not (work / "audio_out").exists()


def test_a_base_url_with_spaces_is_encoded_in_the_feed(tmp_path: Path, session_cache: Path) -> None:
    work = tmp_path / "work"
    result = _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache,
                    "--base-url", "https://example.org/our audio/")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    feed = (work / "audio_out" / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.org/our%20audio/dystonia-at-work/" in feed
    assert "our audio" not in feed.split("<item>")[1].split("<title>")[0]


def test_a_long_lexicon_saying_is_refused(tmp_path: Path) -> None:
    from audio_leaflet.errors import UsageError
    from audio_leaflet.lexicon import parse_lexicon

    with pytest.raises(UsageError, match="at most 100"):
        parse_lexicon(f'[words.dystonia]\nsay = "{"da " * 40_000}"\n', "words.toml")


def test_an_out_dir_that_starts_with_a_dash_is_not_an_ffmpeg_option(
    tmp_path: Path, session_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    leaflet = small_leaflet("pipeline-work.txt", tmp_path)
    result = run("build", leaflet, "--out-dir", "-y", "--narration-dir", "n",
                 "--cache-dir", session_cache, "--no-check")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "-y" / WORK_SLUG / f"{WORK_SLUG}.mp3").stat().st_size > 10_000


# -- 6. file-system errors and SIGTERM -----------------------------------------


def test_a_full_disk_is_one_line_and_the_bundle_stays(
    tmp_path: Path, session_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    leaflet = small_leaflet("pipeline-work.txt", tmp_path)
    assert _build(leaflet, work, session_cache).exit_code == 0
    before = tree_state(work / "audio_out")
    with leaflet.open("a") as stream:
        stream.write("\nA new line for the last section.\n")

    from audio_leaflet import fileio

    real = fileio.write_atomic

    def full_disk(path: Path, data: bytes | str, **options: bool) -> None:
        if path.suffix == ".vtt":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        real(path, data, **options)

    monkeypatch.setattr("audio_leaflet.bundle.write_atomic", full_disk)
    result = _build(leaflet, work, session_cache)

    message = assert_one_line_error(result, 1, "No space left on device", "free some disk space")
    assert "unchanged" in message
    assert tree_state(work / "audio_out") == before


def test_a_cache_folder_that_cannot_be_made_is_one_line(
    tmp_path: Path, session_cache: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache should be")
    cache = blocker / "cache"  # its parent is a file: no folder can be made there
    result = _build(small_leaflet("pipeline-work.txt", tmp_path), tmp_path / "w", cache)
    assert_one_line_error(result, 1, "not a directory")


def test_sigterm_stops_a_build_like_ctrl_c(tmp_path: Path) -> None:
    work, cache = tmp_path / "work", tmp_path / "cache"  # an empty cache: it is still speaking
    leaflet = small_leaflet("pipeline-work.txt", tmp_path)
    # Piper, the slower voice, and the signal as soon as its first sentence is cached:
    # hibari can say the whole leaflet before a later signal lands.
    command = build_command(leaflet, work, cache, "--no-check", "--engine", "piper")
    process = start(command, tmp_path)
    deadline = time.monotonic() + 300

    def speaking() -> bool:
        return any(p.is_file() and "locks" not in p.parts for p in cache.rglob("*"))

    while not speaking():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Interrupted" in err and "Traceback" not in err
    assert not list((work / "audio_out").glob(".*staging*"))
    assert not (work / "audio_out" / WORK_SLUG).exists()


# -- 7. inputs too large ---------------------------------------------------------


def test_a_word_file_that_unpacks_too_large_is_refused_at_once(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/padding.bin", b"\0" * (120 * 1024 * 1024))
    assert bomb.stat().st_size < 1024 * 1024
    started = time.monotonic()
    result = run("script", bomb, "--narration-dir", tmp_path / "n")
    assert_one_line_error(result, 1, "unpacks to", "100 MB")
    assert time.monotonic() - started < 10
    assert not (tmp_path / "n").exists()


def test_a_book_is_refused_before_any_script_is_written(tmp_path: Path) -> None:
    chapter = "Dystonia makes muscles move on their own, and it can be painful. " * 2000
    book = _leaflet(tmp_path, "book.txt", "A very long book\n\n" + f"{chapter}\n\n" * 40)
    result = run("script", book, "--narration-dir", tmp_path / "n")
    assert_one_line_error(result, 1, "hours of listening", "not narrated")
    assert not (tmp_path / "n").exists()


def test_a_huge_html_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    with page.open("w") as stream:
        stream.write("<html><body>")
        stream.write("<p>Dystonia words.</p>" * 1_000_000)
    result = run("script", page, "--narration-dir", tmp_path / "n")
    assert_one_line_error(result, 1, "20 MB")
    assert not (tmp_path / "n").exists()


# -- 8. check trusts no manifest --------------------------------------------------


def test_check_reports_files_not_listed_and_manifests_without_checksums(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    assert _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache).exit_code == 0
    bundle = work / "audio_out" / WORK_SLUG
    player = bundle / "index.html"
    player.write_text(player.read_text() + "<script>steal()</script>")
    (bundle / "extra.js").write_text("steal()")

    spec, problems = read_bundle(bundle)
    assert spec is not None and problems == []
    kinds = {(p.kind, p.file) for p in checksum_problems(spec)}
    assert (ProblemKind.CHECKSUM, "index.html") in kinds
    assert (ProblemKind.UNLISTED_FILE, "extra.js") in kinds

    manifest = json.loads((bundle / "manifest.json").read_text())
    for entry in (*manifest["chapters"], manifest["full"]):
        del entry["sha256"]
    manifest["files"] = {}
    (bundle / "manifest.json").write_text(json.dumps(manifest))
    spec, problems = read_bundle(bundle)
    assert spec is None and problems[0].kind is ProblemKind.MANIFEST
    assert "sha256" in problems[0].message


# -- 9. the feed never goes stale ---------------------------------------------------


def test_a_later_build_without_base_url_keeps_the_feed_true(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    with_url = _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache,
                      "--base-url", "https://example.org/audio/")  # fmt: skip
    assert with_url.exit_code == 0, with_url.stderr
    without = _build(small_leaflet("pipeline-sleep.txt", tmp_path), work, session_cache)
    assert without.exit_code == 0, without.stderr
    feed = (work / "audio_out" / "feed.xml").read_text(encoding="utf-8")
    assert "https://example.org/audio/dystonia-at-work/" in feed
    assert "https://example.org/audio/sleep-and-dystonia/" in feed


# -- 10. no local paths in published files; 11. no locks in the published tree ------


def test_published_files_name_no_local_path_and_no_lock_is_published(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    leaflet = small_leaflet("pipeline-work.txt", tmp_path / "private-folder")
    assert _build(leaflet, work, session_cache, "--base-url", "https://e.org/a/").exit_code == 0
    out_dir = work / "audio_out"
    for path in out_dir.rglob("*"):
        if path.is_file() and path.suffix in (".json", ".html", ".xml", ".m3u8", ".vtt"):
            text = path.read_text(encoding="utf-8")
            assert str(tmp_path) not in text and "private-folder" not in text, path
    manifest = json.loads((out_dir / WORK_SLUG / "manifest.json").read_text())
    assert manifest["source"]["file"] == "pipeline-work.txt"
    assert all("/" not in chapter["narration"] for chapter in manifest["chapters"])
    assert [p.name for p in out_dir.rglob("*.lock")] == []
    assert os.listdir(session_cache / "locks"), "the locks live with the cache"


def test_build_tells_staff_what_to_open(tmp_path: Path, session_cache: Path) -> None:
    work = tmp_path / "work"
    result = _build(small_leaflet("pipeline-work.txt", tmp_path), work, session_cache,
                    "--base-url", "https://e.org/a/")  # fmt: skip
    bundle = (work / "audio_out" / WORK_SLUG).absolute()
    assert f"Listen: {(bundle / 'index.html').as_uri()}" in result.stderr
    assert str(bundle / f"{WORK_SLUG}.zip") in result.stderr
    assert "feed.xml" in result.stderr
    assert result.stdout.strip() == str(work / "audio_out" / WORK_SLUG)
