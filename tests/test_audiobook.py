"""The M4B audiobook (issue 23): chapters, tags, cover and loudness, read back by other tools.

A small leaflet of ours is built with the default voice; the M4B is then read
by the project's ffmpeg (`-f ffmetadata`, as an ffprobe would) and by
mutagen, and compared with the manifest and the whole MP3, never with the
code that wrote it.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4

from audio_leaflet.audio import measure_loudness
from audio_leaflet.ffmpeg import read_metadata
from audio_leaflet.manifest import Manifest, load_manifest
from audio_leaflet.pipeline import build_leaflet
from helpers.browser import CHROMIUM, CHROMIUM_ARGS, run_axe, screenshot
from helpers.pipeline import settings_for, small_leaflet

ORGANISATION = "The Sleep Charity"
TOLERANCE_MS = 50


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> SimpleNamespace:
    folder = tmp_path_factory.mktemp("audiobook")
    leaflet = small_leaflet("pipeline-sleep.txt", folder)
    settings = settings_for(folder / "work", folder / "cache", organisation=ORGANISATION)
    result = build_leaflet(leaflet, settings)
    manifest = load_manifest(result.bundle)
    assert manifest.audiobook is not None, "the manifest lists no audiobook"
    return SimpleNamespace(
        folder=folder,
        leaflet=leaflet,
        settings=settings,
        bundle=result.bundle,
        manifest=manifest,
        book=result.bundle / manifest.audiobook.file,
    )


def test_the_audiobook_is_listed_with_its_checksum(built: SimpleNamespace) -> None:
    manifest: Manifest = built.manifest
    assert manifest.audiobook is not None
    assert built.book.name == f"{manifest.slug}.m4b"
    assert manifest.audiobook.sha256 == _sha256(built.book)
    assert manifest.audiobook.bytes == built.book.stat().st_size
    assert manifest.files[built.book.name] == _sha256(built.book)
    # Its own frames, as the MP3's are its own: lengths apart by at most a frame a chapter.
    frames_apart = 2 * 1152 * 1000 // 44100 * len(manifest.chapters)
    assert abs(manifest.audiobook.duration_ms - manifest.full.duration_ms) <= frames_apart


def _book_marks(manifest: Manifest) -> list[tuple[int, int]]:
    """(start, end) of each audiobook chapter as the manifest records them, running on."""
    assert manifest.audiobook is not None
    starts = list(manifest.audiobook_starts_ms)
    return list(zip([0, *starts[1:]], [*starts[1:], manifest.audiobook.duration_ms], strict=True))


def test_ffmpeg_reads_every_chapter_within_50_ms_of_the_manifest(built: SimpleNamespace) -> None:
    read = read_metadata(built.book)
    chapters = built.manifest.chapters
    assert [c.title for c in read.chapters] == [c.title for c in chapters]
    for found, (start, end) in zip(read.chapters, _book_marks(built.manifest), strict=True):
        assert abs(found.start_ms - start) <= TOLERANCE_MS, found.title
        assert abs(found.end_ms - end) <= TOLERANCE_MS, found.title
    # And each within a few frames of where the whole MP3 has it.
    for found, entry in zip(read.chapters[1:], chapters[1:], strict=True):
        assert abs(found.start_ms - entry.start_ms) <= 60 * entry.number, found.title


def test_mutagen_reads_every_chapter_within_50_ms_of_the_manifest(built: SimpleNamespace) -> None:
    book = MP4(built.book)
    assert book.chapters is not None
    found = list(book.chapters)
    chapters = built.manifest.chapters
    assert [c.title for c in found] == [c.title for c in chapters]
    for chapter, (start, _end) in zip(found, _book_marks(built.manifest), strict=True):
        assert abs(chapter.start * 1000 - start) <= TOLERANCE_MS, chapter.title
    assert book.info.codec.startswith("mp4a")
    assert book.info.channels == 1
    assert book.info.sample_rate == 44_100


def test_its_tags_say_what_the_mp3_says(built: SimpleNamespace) -> None:
    mp3 = ID3(built.bundle / built.manifest.full_file)
    book = MP4(built.book).tags
    assert book is not None
    assert book["©nam"] == [str(mp3["TIT2"])]
    assert book["©alb"] == [str(mp3["TALB"])]
    assert book["©ART"] == [str(mp3["TPE1"])] == [ORGANISATION]
    assert book["aART"] == [ORGANISATION]
    assert book["©gen"] == [str(mp3["TCON"])] == ["Speech"]
    assert book["©day"] == [str(mp3["TDRC"])]
    comments = {frame.desc: str(frame) for frame in mp3.getall("COMM")}
    assert book["desc"] == [comments[""]]
    assert comments["voice"] in book["©cmt"][0]  # the voice and its licence
    assert built.manifest.engine.licence in book["©cmt"][0]
    assert book["©lyr"] == [str(mp3.getall("USLT")[0])]
    cover = book["covr"][0]
    assert bytes(cover) == (built.bundle / built.manifest.cover_file).read_bytes()
    assert cover.imageformat == cover.FORMAT_JPEG


def test_ffmpeg_sees_the_same_tags(built: SimpleNamespace) -> None:
    tags = read_metadata(built.book).tags
    assert tags["title"] == built.manifest.title
    assert tags["artist"] == ORGANISATION
    assert tags["genre"] == "Speech"
    assert "Voice: " in tags["comment"]


def test_it_is_as_loud_as_the_mp3(built: SimpleNamespace) -> None:
    book = measure_loudness(built.book)
    mp3 = measure_loudness(built.bundle / built.manifest.full_file)
    assert abs(book.integrated_lufs - mp3.integrated_lufs) <= 0.5
    assert abs(book.integrated_lufs - -19.0) <= 1.0
    assert book.true_peak_dbtp <= -1.0 + 0.5  # AAC overshoots a little; the MP3 limit is -1
    assert abs(book.duration_ms - built.manifest.full.duration_ms) <= 25


def test_the_player_the_readme_and_the_site_index_offer_it(built: SimpleNamespace) -> None:
    name = built.book.name
    player = (built.bundle / "index.html").read_text(encoding="utf-8")
    assert f'href="{name}" download' in player
    with zipfile.ZipFile(built.bundle / built.manifest.zip_file) as archive:
        assert name not in archive.namelist()  # the MP3 in the zip holds the same audio
        readme = archive.read("README.txt").decode("utf-8")
    assert name in readme and "audiobook" in readme.lower()
    index = (built.settings.out_dir / "index.html").read_text(encoding="utf-8")
    assert f'href="{built.manifest.slug}/{name}"' in index


def test_it_is_reused_until_the_audio_changes(built: SimpleNamespace) -> None:
    before = built.book.stat()
    digest = _sha256(built.book)
    # A line that is not spoken changes the leaflet but no audio: the build runs, and
    # the published audiobook stays, byte for byte.
    text = built.leaflet.read_text(encoding="utf-8")
    built.leaflet.write_text(text + "\nClick here to download this leaflet\n", encoding="utf-8")
    again = build_leaflet(built.leaflet, built.settings)
    assert not again.up_to_date
    assert again.synthesized == 0 and again.chapters_changed == ()
    after = built.book.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert _sha256(built.book) == digest
    # A changed sentence changes the audio: the audiobook is made again, chapters follow.
    text = built.leaflet.read_text(encoding="utf-8")
    built.leaflet.write_text(text.replace("Keep a regular bedtime.", "Keep to a bedtime."))
    build_leaflet(built.leaflet, built.settings)
    manifest = load_manifest(built.bundle)
    assert manifest.audiobook is not None
    assert _sha256(built.book) == manifest.audiobook.sha256 != digest
    read = read_metadata(built.book)
    for found, (start, _end) in zip(read.chapters, _book_marks(manifest), strict=True):
        assert abs(found.start_ms - start) <= TOLERANCE_MS


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_the_links_are_large_and_the_pages_stay_axe_clean(built: SimpleNamespace) -> None:
    from playwright.sync_api import sync_playwright

    name = built.book.name
    pages = {
        "player": (built.bundle / "index.html", f'a[href="{name}"]'),
        "site": (built.settings.out_dir / "index.html", f'a[href$="/{name}"]'),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844})
            for label, (path, selector) in pages.items():
                page.goto(path.as_uri())
                link = page.locator(selector)
                assert link.count() == 1, label
                box = link.bounding_box()
                assert box is not None and box["height"] >= 44, (label, box)
                run_axe(page)
                screenshot(page, f"audiobook-{label}-390.png")
        finally:
            browser.close()


def test_each_chapter_plays_where_its_mark_says(tmp_path: Path) -> None:
    """A click in each chapter, encoded and joined as a build does, then decoded by ffmpeg,
    is found exactly where the audiobook's chapter starts say."""
    import numpy as np

    from audio_leaflet.audiobook import aac_frames, book_chapters
    from audio_leaflet.ffmpeg import decode_file, encode_aac
    from audio_leaflet.model import Clip

    rate = 44_100
    lengths = [(rate * 2 + 123, rate), (rate * 3 + 77, rate // 2), (rate + 5, 1000)]
    segments = []
    for number, (samples, click_at) in enumerate(lengths):
        audio = np.zeros(samples, dtype=np.int16)
        audio[click_at], audio[click_at + 1] = 20000, -20000
        path = tmp_path / f"{number}.aac"
        encode_aac(Clip(audio.tobytes(), rate), path)
        segments.append(path.read_bytes())
    joined = tmp_path / "joined.aac"
    joined.write_bytes(b"".join(segments))
    decoded = np.frombuffer(decode_file(joined, rate).pcm, dtype=np.int16)
    loud = {int(i) for i in np.flatnonzero(np.abs(decoded) > 8000)}
    clicks = sorted(i for i in loud if i - 1 not in loud)
    chapters = book_chapters(["a", "b", "c"], [aac_frames(s) for s in segments])
    first_samples = [1024, *(c.start for c in chapters[1:])]
    assert clicks == [start + at for start, (_, at) in zip(first_samples, lengths, strict=True)]
