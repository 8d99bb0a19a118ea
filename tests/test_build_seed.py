"""The seed leaflet built offline with the real Piper voice (issues 2 and 3, "Must show").

Everything is read back by tools other than the ones that wrote it: ffmpeg's
ffmetadata muxer and eyeD3 for chapters and tags, ffmpeg's ebur128 filter on
the decoded files for loudness, the decoded sample count for lengths.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import eyed3
import pytest
from eyed3.id3 import ID3_V2_3

from audio_leaflet.audio import measure_loudness
from audio_leaflet.ffmpeg import read_metadata
from audio_leaflet.narrate.lengths import describe_length
from helpers.cli import (
    ASCII_SLUG,
    CHAPTER_FILE,
    FileFigures,
    chapter_figures,
    chapter_files,
    manifest_of,
    run,
    spoken_words,
)

SLUG = "dystonia-and-mental-health"
TOLERANCE_MS = 50
TARGET_LUFS, LUFS_TOLERANCE, MAX_TRUE_PEAK = -19.0, 1.0, -1.0
SPEAKING_RATE_BAND = (140.0, 165.0)

# Issue 2: the chapters the seed leaflet must give, in order.
SEED_CHAPTERS = [
    "Introduction",
    None,  # the untitled opening text, under a title of the narration's choosing
    "The relationship between dystonia and mental health",
    "Managing mental health conditions",
    "Talking therapies",
    "Other ways to manage mental health",
    "Sources of help",
    None,  # the closing disclaimer, a short chapter of its own
]


@pytest.fixture(scope="module")
def bundle(seed_build: Path) -> Path:
    return seed_build / "audio_out" / SLUG


@pytest.fixture(scope="module")
def manifest(bundle: Path) -> dict[str, Any]:
    return manifest_of(bundle)


@pytest.fixture(scope="module")
def figures(bundle: Path) -> list[FileFigures]:
    """Loudness, length and pace of each chapter file, measured once for the module."""
    return chapter_figures(bundle)


def test_one_chapter_file_per_chapter_with_ascii_names(
    bundle: Path, manifest: dict[str, Any]
) -> None:
    files = chapter_files(bundle)
    assert files == [c["file"] for c in manifest["chapters"]]
    assert len(files) == len(SEED_CHAPTERS)
    for number, name in enumerate(files, 1):
        match = CHAPTER_FILE.match(name)
        assert match and int(match[1]) == number and ASCII_SLUG.match(match[2])
    titles = [c["title"] for c in manifest["chapters"]]
    assert [t for t, want in zip(titles, SEED_CHAPTERS, strict=True) if want] == [
        want for want in SEED_CHAPTERS if want
    ]


def test_chapters_read_back_by_ffmpeg_match_the_manifest(
    bundle: Path, manifest: dict[str, Any]
) -> None:
    chapters = read_metadata(bundle / manifest["full"]["file"]).chapters
    assert len(chapters) == len(manifest["chapters"]) == len(chapter_files(bundle))
    starts = [c.start_ms for c in chapters]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "not in time order"
    ends = _marker_ends(manifest)
    for read, expected, end_ms in zip(chapters, manifest["chapters"], ends, strict=True):
        assert read.title == expected["title"]
        assert abs(read.start_ms - expected["start_ms"]) <= TOLERANCE_MS, (read, expected)
        assert abs(read.end_ms - end_ms) <= TOLERANCE_MS, (read, expected)
        # The chapter's own audio lies inside its marker.
        assert read.end_ms >= expected["start_ms"] + expected["duration_ms"]
    assert chapters[0].start_ms == 0
    assert abs(chapters[-1].end_ms - manifest["full"]["duration_ms"]) <= TOLERANCE_MS


def test_chapters_read_back_by_eyed3_match_the_manifest(
    bundle: Path, manifest: dict[str, Any]
) -> None:
    audio = eyed3.load(bundle / manifest["full"]["file"])
    assert audio is not None and audio.tag is not None
    tag = audio.tag
    assert tag.version == ID3_V2_3
    tocs = list(tag.table_of_contents)
    assert len(tocs) == 1
    toc = tocs[0]
    assert toc.toplevel and toc.ordered
    in_file_order = list(tag.chapters)
    ids = [c.element_id for c in in_file_order]
    assert ids == list(toc.child_ids) == [f"chp{n:03d}".encode() for n in range(1, len(ids) + 1)]
    assert len(in_file_order) == len(manifest["chapters"]) == len(chapter_files(bundle))
    ends = _marker_ends(manifest)
    for read, expected, end_ms in zip(in_file_order, manifest["chapters"], ends, strict=True):
        assert read.title == expected["title"]
        assert abs(read.times.start - expected["start_ms"]) <= TOLERANCE_MS
        assert abs(read.times.end - end_ms) <= TOLERANCE_MS


def _marker_ends(manifest: dict[str, Any]) -> list[int]:
    """Markers run on from 0: each ends where the next chapter's audio starts in the whole
    file (its frames joined after this one's), the last where the file ends."""
    starts = [chapter["start_ms"] for chapter in manifest["chapters"]]
    return [*starts[1:], manifest["full"]["duration_ms"]]


def test_chapter_files_are_tagged_for_any_player(bundle: Path, manifest: dict[str, Any]) -> None:
    total = len(manifest["chapters"])
    for chapter in manifest["chapters"]:
        audio = eyed3.load(bundle / chapter["file"])
        assert audio is not None and audio.tag is not None
        tag = audio.tag
        assert tag.version == ID3_V2_3
        assert tag.title == chapter["title"]
        assert tag.album == manifest["title"] == "Dystonia and mental health"
        assert tag.artist == manifest["organisation"] == "The Dystonia Society"
        assert tuple(tag.track_num) == (chapter["number"], total)
        assert tag.genre is not None and tag.genre.name == "Speech"
        assert tag.frame_set[b"TLAN"][0].text == "eng"
        assert tag.recording_date is not None and tag.recording_date.year >= 2024
        assert [c.text for c in tag.comments] and all(c.text for c in tag.comments)
        assert [i.mime_type for i in tag.images] == ["image/jpeg"]
        assert [ly.text for ly in tag.lyrics] == ["\n".join(c["text"] for c in chapter["cues"])]


def test_loudness_of_every_file_from_decoded_audio(
    bundle: Path, manifest: dict[str, Any], figures: list[FileFigures]
) -> None:
    full = measure_loudness(bundle / manifest["full"]["file"])
    report = "\n".join(map(str, figures)) + f"\nwhole: {full}"
    for lufs, peak in [(f.lufs, f.true_peak_dbtp) for f in figures] + [
        (full.integrated_lufs, full.true_peak_dbtp)
    ]:
        assert abs(lufs - TARGET_LUFS) <= LUFS_TOLERANCE, report
        assert peak <= MAX_TRUE_PEAK, report
    for figure, chapter in zip(figures, manifest["chapters"], strict=True):
        # Chapter times come from sample counts: the decoded file is as long.
        assert abs(figure.duration_ms - chapter["duration_ms"]) <= TOLERANCE_MS, report


def test_speaking_rate_of_every_chapter_structural_pauses_left_out(
    figures: list[FileFigures],
) -> None:
    report = "\n".join(map(str, figures))
    low, high = SPEAKING_RATE_BAND
    slow_or_fast = [f for f in figures if not low <= f.speaking_wpm <= high]
    assert not slow_or_fast, f"outside {SPEAKING_RATE_BAND} wpm:\n{report}"
    # The pauses come on top: over the whole file, paragraph pauses included, it is slower.
    assert all(f.wpm < f.speaking_wpm for f in figures), report


def test_the_introduction_says_the_real_lengths(manifest: dict[str, Any]) -> None:
    chapters = manifest["chapters"]
    intro = [cue["text"] for cue in chapters[0]["cues"]]
    total = describe_length(manifest["full"]["duration_ms"])
    assert f"This recording lasts {total}." in intro
    assert not [t for t in intro if "{" in t]
    for chapter in chapters[1:]:
        said = [t for t in intro if t.startswith("Section ") and chapter["title"] in t]
        assert said and said[0].endswith(f", {describe_length(chapter['duration_ms'])}."), said


def test_every_spoken_line_is_in_words(manifest: dict[str, Any]) -> None:
    cues = [cue["text"] for chapter in manifest["chapters"] for cue in chapter["cues"]]
    assert not [t for t in cues if re.search(r"\d|https?:|click here|[/{}]", t, re.I)]


# --------------------------------------------------------------------------
# issue 2 through `audio-leaflet script`
# --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scripts(seed_leaflet_path: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The seed's narration scripts as `audio-leaflet script` writes them (bodies only)."""
    work = tmp_path_factory.mktemp("seed-script")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        result = run("script", seed_leaflet_path)
    assert result.exit_code == 0, result.stderr
    paths = [work / line for line in result.stdout.splitlines()]
    assert [p.relative_to(work / "narration" / SLUG).name[:3] for p in paths] == [
        f"{n:02d}-" for n in range(1, 9)
    ]
    return [p.read_text("utf-8").split("\n\n", 1)[1] for p in paths]


@pytest.fixture(scope="module")
def seed_leaflet_path() -> Path:
    from conftest import SEED_LEAFLET

    if not SEED_LEAFLET.is_file():
        pytest.skip(f"seed leaflet not found at {SEED_LEAFLET} (../shared is absent)")
    return SEED_LEAFLET


def spoken(body: str) -> list[str]:
    return [line for line in body.splitlines() if line.strip() and not line.startswith("#")]


def test_script_chapters_in_the_order_issue_2_gives(scripts: list[str]) -> None:
    firsts = [spoken(body)[0] for body in scripts]
    for first, title in zip(firsts, SEED_CHAPTERS, strict=True):
        assert first.startswith("Section ") and " of eight. " in first
        if title:
            assert first.endswith(f". {title}."), first
    disclaimer = spoken(scripts[-1])
    assert (
        "The Dystonia Society provides the information on this page as general " in (disclaimer[1])
    )
    assert disclaimer[-1] == "End of leaflet."
    assert [spoken(b)[-1] for b in scripts[:-1]] == [
        f"End of section {n}." for n in ["one", "two", "three", "four", "five", "six", "seven"]
    ]
    # The opening text is its own chapter: it starts with the leaflet's first paragraph.
    assert spoken(scripts[1])[1].startswith("Both our physical and mental health")
    # The disclaimer is short and holds no contact numbers of its own: they stay in
    # "Sources of help" and are only gathered again at the very end.
    before_recap = "\n".join(scripts[-1].split("Before you go")[0].splitlines())
    assert "one one six" not in before_recap and spoken_words(before_recap) < 200


def test_script_says_numbers_addresses_and_abbreviations_for_the_ear(scripts: list[str]) -> None:
    lines = [line for body in scripts for line in spoken(body)]
    text = "\n".join(lines)
    assert "click here" not in text.lower()
    # Digits only inside the introduction's placeholders, which the build fills in words.
    assert not [line for line in lines if re.search(r"\d|/", re.sub(r"\{[^}]*\}", "", line))]
    for number in (
        "one one six, one two three",
        "zero three zero zero, one two three, three three nine three",
        "zero two zero, seven seven nine three, three six five zero",
    ):
        said = [line for line in lines if line.endswith(f"{number}.")]
        assert len(said) >= 3, number  # said, said again straight away, and gathered at the end
        index = lines.index(said[0])
        assert lines[index + 1] == f"That number again: {number}."
    assert "twenty-four hours" in text and "One in four people" in text
    assert "O C D" in text and "C B T" in text and "OCD" not in text and "CBT" not in text
    assert "tardive dystonia or dyskinesia" in text
    assert "Some common types are the following four:" in text
    assert "There are three points." in text
