"""`audio-leaflet build` with the real Piper voice on a leaflet of awkward titles (issue 3).

A chapter title of 200 characters (ffmpeg drops ID3 v2.4 chapter titles of
126 bytes or more: docs/formats.md, "Audio and tags") and titles in French, Polish, German,
Danish and Greek must come back unchanged from ffmpeg and eyeD3, while every
file name stays an ASCII slug.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import eyed3
import pytest

from audio_leaflet.ffmpeg import read_metadata
from helpers.cli import (
    ASCII_SLUG,
    CHAPTER_FILE,
    chapter_figures,
    chapter_files,
    manifest_of,
    run,
)

LONG_TITLE = (
    "What to expect at your first appointment at the movement disorders clinic: "
    "who you will meet, how long it will take, what the doctor will ask, "
    "and how to prepare so that nothing important is forgotten"
)
TITLE = "Dystonie et santé : guide rapide"
ORGANISATION = "Société française de la dystonie"
HEADINGS = [
    LONG_TITLE,
    "Café, crème brûlée and naïve questions",
    "Łódź, Straße and Ærø: travelling with dystonia",
    "Δυστονία",
]
EXPECTED_FILES = [
    "01-introduction.mp3",
    "02-overview.mp3",
    "03-what-to-expect-at-your-first-appointment-at-the-movement.mp3",
    "04-cafe-creme-brulee-and-naive-questions.mp3",
    "05-lodz-strasse-and-aero-travelling-with-dystonia.mp3",
    "06-chapter.mp3",
]
LEAFLET = f"""# {TITLE}

Most people with dystonia see a specialist at least once a year.

## {HEADINGS[0]}

Bring a list of your medicines. Write down your questions before you go.

## {HEADINGS[1]}

Some people find that coffee makes their spasms worse. Others notice no change at all.

## {HEADINGS[2]}

Plan rest stops on long journeys. Ask for help at the airport if you need it.

## {HEADINGS[3]}

This heading is the Greek word for dystonia.
"""


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, session_cache: Path
) -> tuple[Path, dict[str, Any]]:
    """The leaflet built through the command line; returns the bundle and its manifest."""
    assert len(LONG_TITLE) == 200
    work = tmp_path_factory.mktemp("titles")
    leaflet = work / "titles.md"
    leaflet.write_text(LEAFLET, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        result = run(
            "build",
            leaflet,
            "--organisation",
            ORGANISATION,
            "--no-check",
            "--cache-dir",
            session_cache,
        )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "audio_out/dystonie-et-sante-guide-rapide\n"
    bundle = work / result.stdout.strip()
    return bundle, manifest_of(bundle)


def test_titles_reach_the_manifest_unchanged_and_files_are_ascii_slugs(
    built: tuple[Path, dict[str, Any]],
) -> None:
    bundle, manifest = built
    assert manifest["title"] == TITLE and manifest["organisation"] == ORGANISATION
    assert [c["title"] for c in manifest["chapters"]] == ["Introduction", "Overview", *HEADINGS]
    assert chapter_files(bundle) == EXPECTED_FILES == [c["file"] for c in manifest["chapters"]]
    for path in bundle.iterdir():
        assert path.name.isascii(), path.name
    for name in EXPECTED_FILES:
        match = CHAPTER_FILE.match(name)
        assert match and ASCII_SLUG.match(match[2])
    for chapter in manifest["chapters"]:
        # A file name only: the manifest is published and names no local path.
        assert chapter["narration"].isascii() and "/" not in chapter["narration"]
        assert chapter["narration"] == chapter["file"].removesuffix(".mp3") + ".txt"


def test_ffmpeg_reads_every_title_back(built: tuple[Path, dict[str, Any]]) -> None:
    bundle, manifest = built
    full = read_metadata(bundle / manifest["full"]["file"])
    assert full.tags["title"] == full.tags["album"] == TITLE
    assert full.tags["artist"] == ORGANISATION
    assert [c.title for c in full.chapters] == [c["title"] for c in manifest["chapters"]]
    chapters = manifest["chapters"]
    for number, (read, expected) in enumerate(zip(full.chapters, chapters, strict=True)):
        assert abs(read.start_ms - expected["start_ms"]) <= 50
        if number + 1 < len(chapters):  # a chapter ends where the next one starts
            assert abs(read.end_ms - chapters[number + 1]["start_ms"]) <= 50
        # Its span in the joined frames is its audio, with the encoder's delay and
        # padding around it: under three MP3 frames (78 ms) more.
        span = read.end_ms - read.start_ms
        assert expected["duration_ms"] - 50 <= span <= expected["duration_ms"] + 78 + 50
    for chapter in manifest["chapters"]:
        tags = read_metadata(bundle / chapter["file"]).tags
        assert tags["title"] == chapter["title"]
        assert tags["album"] == TITLE and tags["artist"] == ORGANISATION


def test_eyed3_reads_every_title_back(built: tuple[Path, dict[str, Any]]) -> None:
    bundle, manifest = built
    audio = eyed3.load(bundle / manifest["full"]["file"])
    assert audio is not None and audio.tag is not None
    (toc,) = list(audio.tag.table_of_contents)
    assert toc.description == TITLE
    chapters = list(audio.tag.chapters)
    assert [c.title for c in chapters] == [c["title"] for c in manifest["chapters"]]
    assert [c.element_id for c in chapters] == list(toc.child_ids)
    for chapter in manifest["chapters"]:
        tagged = eyed3.load(bundle / chapter["file"])
        assert tagged is not None and tagged.tag is not None
        assert tagged.tag.title == chapter["title"]
        assert (tagged.tag.album, tagged.tag.artist) == (TITLE, ORGANISATION)


def test_the_long_title_is_spoken_and_captioned_whole(built: tuple[Path, dict[str, Any]]) -> None:
    _, manifest = built
    chapter = manifest["chapters"][2]
    assert chapter["cues"][0]["text"] == f"Section three of six. {LONG_TITLE}."
    intro = [cue["text"] for cue in manifest["chapters"][0]["cues"]]
    assert any(text.startswith(f"Section three, {LONG_TITLE}, ") for text in intro)


def test_loudness_of_a_small_leaflet(built: tuple[Path, dict[str, Any]]) -> None:
    bundle, _ = built
    for figure in chapter_figures(bundle):
        assert abs(figure.lufs + 19.0) <= 1.0, figure
        assert figure.true_peak_dbtp <= -1.0, figure
