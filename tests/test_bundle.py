"""Bundle extras from real MP3 bundles: playlist, chapters.json, captions, player page, zip."""

from __future__ import annotations

import html
import itertools
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from audio_leaflet.bundle import write_bundle_extras
from audio_leaflet.bundle.archive import README_FILE
from audio_leaflet.bundle.captions import (
    LINE_WIDTH,
    caption_cues,
    escape_cue_text,
    split_sentence,
    timestamp,
)
from audio_leaflet.bundle.player import player_data, player_html
from audio_leaflet.bundle.render import clock, json_for_script, length_words
from audio_leaflet.bundle.zipping import FIXED_TIME
from audio_leaflet.errors import BuildError, ManifestError
from audio_leaflet.manifest import Manifest, ManifestCue
from helpers.bundle import NASTY, make_bundle, parse_m3u, parse_vtt, unescape_vtt

LONG = (
    "If you have thoughts of harming yourself, or you feel that you cannot keep yourself safe, "
    "call the Samaritans free of charge at any time of the day or night, every day of the year, "
    "or go straight to the accident and emergency department of your nearest hospital, where "
    "someone will talk with you and help you to stay safe."
)
TWO_LINES = "The main treatments for mental health conditions are medication and talking therapies."
CHAPTERS = [
    ("Introduction", ["Section 1 of 3. Introduction.", "This leaflet is about dystonia."]),
    ("Managing anxiety", ["Section 2 of 3. Managing anxiety.", LONG, "End of section 2."]),
    ("Getting support", ["Section 3 of 3. Getting support.", "End of leaflet."]),
]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("out")
    manifest = make_bundle(out, title="Dystonia and anxiety", chapters=CHAPTERS)
    return out / manifest["slug"], manifest


@pytest.fixture(scope="module")
def nasty(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("nasty")
    manifest = make_bundle(
        out,
        title=NASTY,
        organisation="Smith & Jones <Trust>",
        chapters=[
            ("Introduction", [f"Welcome to {NASTY}.", "A line with --> an arrow & <b>bold</b>."]),
            (NASTY, ['Café «crème» — ‘quoted’ & "double" </script><!-- end.']),
        ],
    )
    return out / manifest["slug"], manifest


# ---------------------------------------------------------------- pure steps


@pytest.mark.parametrize(
    ("ms", "expected"),
    [
        (0, "00:00:00.000"),
        (1, "00:00:00.001"),
        (61_001, "00:01:01.001"),
        (3_723_004, "01:02:03.004"),
    ],
)
def test_timestamp(ms: int, expected: str) -> None:
    assert timestamp(ms) == expected


@pytest.mark.parametrize(
    ("ms", "clock_text", "words"),
    [
        (0, "0:00", "0 sec"),
        (45_400, "0:45", "45 sec"),
        (130_000, "2:10", "2 min 10 sec"),
        (120_200, "2:00", "2 min"),
        (3_723_000, "1:02:03", "1 hr 2 min"),
    ],
)
def test_lengths(ms: int, clock_text: str, words: str) -> None:
    assert clock(ms) == clock_text
    assert length_words(ms) == words


def _one_chapter_manifest(duration_ms: int) -> Manifest:
    return Manifest.from_json(
        {
            "schema": 1,
            "slug": "x",
            "title": "X",
            "organisation": "The Dystonia Society",
            "source": {"file": "x.txt", "sha256": "0" * 64, "updated": ""},
            "engine": {"name": "piper"},
            "full": {"file": "x.mp3", "duration_ms": duration_ms, "bytes": 1, "sha256": "1" * 64},
            "chapters": [
                {
                    "number": 1,
                    "title": "Introduction",
                    "file": "01-introduction.mp3",
                    "start_ms": 0,
                    "duration_ms": duration_ms,
                    "bytes": 1,
                    "sha256": "2" * 64,
                    "cues": [{"start_ms": 1000, "end_ms": 2000, "text": "Hello."}],
                }
            ],
        }
    )


@pytest.mark.parametrize(
    ("ms", "words", "total"),
    [
        (628_600, "10 min 29 sec", "10:29"),  # the seed leaflet: once "10:28" under "10 min 29 sec"
        (628_499, "10 min 28 sec", "10:28"),
        (59_500, "1 min", "1:00"),
        (3_599_700, "1 hr", "1:00:00"),
    ],
)
def test_the_player_shows_one_length(ms: int, words: str, total: str) -> None:
    """The heading's length and the player's total are one number, rounded one way."""
    page = lxml_html.fromstring(player_html(_one_chapter_manifest(ms), version="v", sizes={}))
    byline = page.find_class("byline")[0].text_content()
    assert f"· {words} in " in byline
    assert page.find_class("time")[0].text_content().startswith(f"0:00 of {total}")
    length = page.xpath("string(//button[@data-chapter='0']//span[@class='len'])")
    assert length == words


def test_cue_text_escaping() -> None:
    assert escape_cue_text("a & b <c> --> d") == "a &amp; b &lt;c&gt; --&gt; d"


@pytest.mark.parametrize(
    ("text", "cues", "lines_per_cue"),
    [
        ("Section 1 of 3. Introduction.", 1, [1]),
        (TWO_LINES, 1, [2]),
        (LONG, 3, [2, 2, 2]),
    ],
)
def test_split_sentence(text: str, cues: int, lines_per_cue: list[int]) -> None:
    blocks = split_sentence(text)
    assert [len(block) for block in blocks] == lines_per_cue
    assert len(blocks) == cues
    assert all(len(line) <= LINE_WIDTH for block in blocks for line in block)
    # Never lose or reorder a word.
    assert " ".join(" ".join(block) for block in blocks).split() == text.split()


def test_two_lines_are_balanced() -> None:
    first, second = split_sentence(TWO_LINES)[0]
    assert abs(len(first) - len(second)) < 15


def test_a_word_longer_than_a_line_is_kept_whole() -> None:
    word = "x" * 80
    blocks = split_sentence(f"see {word} now")
    assert " ".join(" ".join(b) for b in blocks).split() == ["see", word, "now"]


def test_long_sentence_cues_share_its_span_exactly() -> None:
    cues = caption_cues([ManifestCue(1000, 13_000, LONG)])
    assert cues[0].start_ms == 1000 and cues[-1].end_ms == 13_000
    assert all(a.end_ms == b.start_ms for a, b in itertools.pairwise(cues))
    assert all(c.end_ms > c.start_ms for c in cues)


def test_json_for_script_cannot_close_the_script() -> None:
    text = json_for_script({"t": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028"}


# ---------------------------------------------------------------- files


def test_extras_are_all_written(bundle: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    folder, manifest = bundle
    names = write_bundle_extras(folder, Manifest.from_json(manifest))
    slug = manifest["slug"]
    assert names[-1] == f"{slug}.zip"
    assert set(names) == {
        f"{slug}.m3u8",
        "chapters.json",
        f"{slug}.vtt",
        "01-introduction.vtt",
        "02-managing-anxiety.vtt",
        "03-getting-support.vtt",
        "index.html",
        f"{slug}.epub",
        f"{slug}-daisy.zip",
        f"{slug}.zip",
    }
    assert all((folder / name).is_file() for name in names)


def test_playlist(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = bundle
    text = (folder / f"{manifest['slug']}.m3u8").read_text("utf-8")
    entries = parse_m3u(text)
    assert [(s, t, f) for s, t, f in entries] == [
        (round(c["duration_ms"] / 1000), c["title"], c["file"]) for c in manifest["chapters"]
    ]
    assert all((folder / f).is_file() for _, _, f in entries)  # relative names resolve


def test_chapters_json(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = bundle
    data = json.loads((folder / "chapters.json").read_text("utf-8"))
    assert data["version"] == "1.2.0"
    assert [(c["startTime"], c["title"]) for c in data["chapters"]] == [
        (c["start_ms"] / 1000, c["title"]) for c in manifest["chapters"]
    ]
    assert data["chapters"][0]["startTime"] == 0
    starts = [c["startTime"] for c in data["chapters"]]
    assert starts == sorted(starts)


def _caption_text(cues: list[tuple[int, int, list[str]]]) -> list[str]:
    return [" ".join(unescape_vtt(line) for line in lines) for _, _, lines in cues]


def test_whole_file_captions(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = bundle
    cues = parse_vtt((folder / f"{manifest['slug']}.vtt").read_text("utf-8"))
    assert all(1 <= len(lines) <= 2 for _, _, lines in cues)
    assert all(len(line) <= LINE_WIDTH for _, _, lines in cues for line in lines)
    expected = [
        (ch["start_ms"] + cue["start_ms"], ch["start_ms"] + cue["end_ms"], cue["text"])
        for ch in manifest["chapters"]
        for cue in ch["cues"]
    ]
    # Every sentence starts a cue at its exact time; its words are all there, in order.
    starts = {start for start, _, _ in cues}
    assert all(start in starts for start, _, _ in expected)
    ends = {end for _, end, _ in cues}
    assert all(end in ends for _, end, _ in expected)
    assert " ".join(_caption_text(cues)).split() == " ".join(t for _, _, t in expected).split()
    assert len(cues) == len(expected) + 2  # the long sentence takes three cues
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(cues))


def test_chapter_captions_are_relative_to_the_chapter_file(
    bundle: tuple[Path, dict[str, Any]],
) -> None:
    folder, manifest = bundle
    chapter = manifest["chapters"][2]
    cues = parse_vtt((folder / "03-getting-support.vtt").read_text("utf-8"))
    assert [(s, e, " ".join(lines)) for s, e, lines in cues] == [
        (c["start_ms"], c["end_ms"], c["text"]) for c in chapter["cues"]
    ]


def test_zip_holds_what_a_listener_needs(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = bundle
    slug = manifest["slug"]
    with zipfile.ZipFile(folder / f"{slug}.zip") as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == sorted(names)
        assert all(name.isascii() and "/" not in name for name in names)
        expected = (
            {c["file"] for c in manifest["chapters"]}
            | {
                f"{slug}.mp3",
                f"{slug}.m3u8",
                f"{slug}.vtt",
                "cover.jpg",
                "index.html",
                README_FILE,
            }
            | {Path(c["file"]).with_suffix(".vtt").name for c in manifest["chapters"]}
        )
        assert set(names) == expected
        for info in archive.infolist():
            assert info.date_time == FIXED_TIME
            if info.filename != README_FILE:
                assert archive.read(info) == (folder / info.filename).read_bytes()
        readme = archive.read(README_FILE).decode("utf-8")
    assert "Dystonia and anxiety" in readme
    assert f"{slug}.m3u8" in readme and "index.html" in readme
    assert "Managing anxiety" in readme


def test_extras_are_deterministic(tmp_path: Path) -> None:
    manifest = make_bundle(tmp_path, title="Same", chapters=[("Introduction", ["Hello."])])
    folder = tmp_path / "same"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    for path in folder.iterdir():  # other mtimes must not leak into the zip
        os.utime(path, (1_900_000_000, 1_900_000_000))
    write_bundle_extras(folder, Manifest.from_json(json.loads(json.dumps(manifest))))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_player_page_without_javascript(bundle: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = bundle
    doc = lxml_html.parse(str(folder / "index.html")).getroot()
    assert doc.get("lang") == "en-GB"
    assert doc.find(".//h1").text_content() == "Dystonia and anxiety"
    audio = doc.get_element_by_id("audio")
    assert audio.get("src") == manifest["full"]["file"]
    assert audio.get("autoplay") is None
    assert audio.get("controls") is not None  # usable before the script enhances it
    buttons = doc.xpath("//button[@data-chapter]")
    assert [b.xpath("string(.//span[@class='ctitle'])") for b in buttons] == [
        c["title"] for c in manifest["chapters"]
    ]
    sentences = doc.xpath("//span[@class='s']")
    assert [s.text_content() for s in sentences] == [
        cue["text"] for c in manifest["chapters"] for cue in c["cues"]
    ]
    links = [a.get("href") for a in doc.xpath("//ul[@class='downloads']//a")]
    slug = manifest["slug"]
    assert links == [
        manifest["full"]["file"],
        f"{slug}.zip",
        f"{slug}.epub",
        f"{slug}-daisy.zip",
    ] + [c["file"] for c in manifest["chapters"]]
    # Nothing is fetched: no external URL in any src or href.
    for element in doc.iter():
        for attribute in ("src", "href"):
            value = element.get(attribute) or ""
            assert "://" not in value and not value.startswith("//"), value
    data = json.loads(doc.get_element_by_id("leaflet-data").text)
    assert data["slug"] == manifest["slug"]
    assert [c["start"] for c in data["chapters"]] == [c["start_ms"] for c in manifest["chapters"]]


def test_paragraph_stops_are_the_paragraphs_the_page_shows(tmp_path: Path) -> None:
    """ "Stop after each paragraph" waits after the last sentence of each paragraph the
    transcript shows (the narration's blank lines, heard as long pauses)."""
    manifest = make_bundle(
        tmp_path,
        title="Paragraphs",
        chapters=[("One", ["A.", "B.", "C."]), ("Two", ["D.", "E.", "F.", "G."])],
        paragraph_after=[0, 4],
    )
    page = lxml_html.parse(str(tmp_path / "paragraphs" / "index.html")).getroot()
    shown = [
        p.xpath("span[@class='s']")[-1].get("id") for p in page.xpath("//div[@id='transcript']/p")
    ]
    data = json.loads(page.get_element_by_id("leaflet-data").text)
    assert [f"s-{i}" for i in data["paragraphEnds"]] == shown
    # Written by reading the chapters above: a pause after A and after E, and each chapter's end.
    assert data["paragraphEnds"] == [0, 2, 4, 6]
    assert data["paragraphEnds"] == player_data(Manifest.from_json(manifest), "v")["paragraphEnds"]


def test_missing_audio_is_a_clear_error(tmp_path: Path) -> None:
    manifest = make_bundle(
        tmp_path, title="Gone", chapters=[("Introduction", ["Hi."])], extras=False
    )
    (tmp_path / "gone" / "gone.mp3").unlink()
    with pytest.raises(BuildError, match=r"gone\.mp3 is missing"):
        write_bundle_extras(tmp_path / "gone", Manifest.from_json(manifest))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m.pop("chapters"), "no 'chapters'"),
        (lambda m: m["chapters"][0].update(file="../evil.mp3"), "not a plain ASCII name"),
        (lambda m: m["chapters"][0].update(file="café.mp3"), "not a plain ASCII name"),
        (lambda m: m["full"].pop("duration_ms"), "duration_ms"),
    ],
)
def test_broken_manifest_is_a_clear_error(change: Any, message: str) -> None:
    manifest: dict[str, Any] = {
        "schema": 1,
        "slug": "x",
        "title": "X",
        "source": {"file": "x.txt", "sha256": "0" * 64, "updated": ""},
        "engine": {"name": "piper"},
        "full": {"file": "x.mp3", "duration_ms": 10, "bytes": 1, "sha256": "1" * 64},
        "chapters": [
            {
                "number": 1,
                "title": "I",
                "file": "01-i.mp3",
                "start_ms": 0,
                "duration_ms": 10,
                "bytes": 1,
                "sha256": "2" * 64,
                "cues": [],
            }
        ],
    }
    Manifest.from_json(manifest)
    change(manifest)
    with pytest.raises(ManifestError, match=message):
        Manifest.from_json(manifest)


# ---------------------------------------------------------------- escaping


def test_nasty_text_in_playlist(nasty: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = nasty
    text = (folder / f"{manifest['slug']}.m3u8").read_text("utf-8")
    assert f"#PLAYLIST:{NASTY}" in text.splitlines()
    assert [t for _, t, _ in parse_m3u(text)] == ["Introduction", NASTY]


def test_nasty_text_in_captions(nasty: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = nasty
    raw = (folder / f"{manifest['slug']}.vtt").read_text("utf-8")
    assert "<script>" not in raw and "<b>" not in raw and "--> an" not in raw
    cues = parse_vtt(raw)
    assert _caption_text(cues) == [cue["text"] for c in manifest["chapters"] for cue in c["cues"]]


def test_nasty_text_in_chapters_json(nasty: tuple[Path, dict[str, Any]]) -> None:
    folder, _ = nasty
    data = json.loads((folder / "chapters.json").read_text("utf-8"))
    assert data["title"] == NASTY and data["chapters"][1]["title"] == NASTY


def test_nasty_text_in_player_page(nasty: tuple[Path, dict[str, Any]]) -> None:
    folder, manifest = nasty
    raw = (folder / "index.html").read_text("utf-8")
    doc = lxml_html.document_fromstring(raw)
    # Only the page's own two scripts exist: the data and the player.
    scripts = doc.xpath("//script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    assert doc.find(".//title").text == f"{NASTY} (audio)"
    assert doc.find(".//h1").text_content() == NASTY
    assert doc.xpath("string(//p[@class='byline'])").startswith("Smith & Jones <Trust> · ")
    sentences = [s.text_content() for s in doc.xpath("//span[@class='s']")]
    assert sentences == [cue["text"] for c in manifest["chapters"] for cue in c["cues"]]
    data = json.loads(scripts[0].text)
    assert data["chapters"][1]["title"] == NASTY
    assert html.escape(NASTY) in raw
