"""ID3 v2.3 tags and chapter markers, read back by ffmpeg, eyeD3 and mutagen (docs/formats.md)."""

from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import eyed3
import pytest
from mutagen.id3 import ID3

from audio_leaflet import ffmpeg, mp3, tags
from audio_leaflet.audio import SpokenSentence, assemble_chapter
from audio_leaflet.cover import make_cover
from audio_leaflet.errors import AudioError
from audio_leaflet.tags import ChapterMark, ChapterTags, id3_language
from helpers.speech import speak

LONG_TITLE = ("Managing anxiety, low mood and sleep problems when you live with dystonia: " * 3)[
    :200
]
TITLES = (
    "Introduction",
    LONG_TITLE,
    "Café, Übungen und Ärzte",
    "肌张力障碍与心理健康 🎧 support",
    "Contacts — é ü 中文 😀",
)
assert len(LONG_TITLE) == 200


@pytest.fixture(scope="session")
def cover_jpeg() -> bytes:
    return make_cover("Dystonia and mental health", "The Dystonia Society")


def base_tags(cover_jpeg: bytes, **changes: object) -> ChapterTags:
    values: dict[str, object] = {
        "title": "Managing mental health conditions",
        "album": "Dystonia and mental health",
        "artist": "The Dystonia Society",
        "language": "eng",
        "date": "2026-11-25",
        "comment": "Section 3 of 8 of Dystonia and mental health.",
        "lyrics": "Section 3 of 8. Managing mental health conditions.\nEnd of section 3.",
        "cover_jpeg": cover_jpeg,
        "source_sha256": "0123456789abcdef" * 4,
        "tool_version": "0.1.0",
        "track": 3,
        "track_total": 8,
    }
    values.update(changes)
    return ChapterTags(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def untagged_whole(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ChapterMark]]:
    """A whole-leaflet MP3 of five chapters of real speech, not yet tagged, and its marks."""
    chapters = [
        assemble_chapter([SpokenSentence(text, speak(text))])
        for text in (f"Section {n} of 5." for n in range(1, 6))
    ]
    # Made as a build makes it: each chapter encoded, their frames joined.
    folder = tmp_path_factory.mktemp("whole")
    parts = []
    for number, chapter in enumerate(chapters, start=1):
        ffmpeg.encode_mp3(chapter.clip, folder / f"{number:02d}.mp3")
        parts.append(mp3.audio_frames(folder / f"{number:02d}.mp3"))
    path = folder / "leaflet.mp3"
    mp3.join(parts, path)
    rate = ffmpeg.OUTPUT_SAMPLE_RATE
    starts = [0, *(start * 1000 // rate for start in mp3.starts(parts)[1:])]
    ends = [*starts[1:], sum(part.samples for part in parts) * 1000 // rate]
    marks = [
        ChapterMark(title, start, end)
        for title, start, end in zip(TITLES, starts, ends, strict=True)
    ]
    return path, marks


@pytest.fixture
def whole(
    untagged_whole: tuple[Path, list[ChapterMark]], cover_jpeg: bytes, tmp_path: Path
) -> tuple[Path, list[ChapterMark]]:
    """A tagged copy of the whole-leaflet MP3."""
    source, marks = untagged_whole
    path = tmp_path / source.name
    shutil.copy(source, path)
    tags.tag_full_file(path, base_tags(cover_jpeg, title="Dystonia and mental health"), marks)
    return path, marks


@pytest.fixture
def chapter_file(untagged_whole: tuple[Path, list[ChapterMark]], tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "03-managing.mp3"
    shutil.copy(untagged_whole[0], path)
    yield path


def raw_frames(path: Path) -> list[tuple[str, bytes]]:
    """(id, body) of each frame of the ID3 v2.3 tag at the start of `path`, in file order."""
    data = path.read_bytes()
    assert data[:4] == b"ID3\x03", "not an ID3 v2.3 tag"
    size = tags._syncsafe(data[6:10])
    body = data[10 : 10 + size]
    frames = []
    offset = 0
    while offset + 10 <= len(body) and body[offset] != 0:
        frame_id = body[offset : offset + 4].decode("ascii")
        (length,) = struct.unpack(">I", body[offset + 4 : offset + 8])
        frames.append((frame_id, body[offset + 10 : offset + 10 + length]))
        offset += 10 + length
    return frames


def audio_bytes(path: Path) -> bytes:
    """The MP3 data after the ID3 tag."""
    data = path.read_bytes()
    if data[:3] != b"ID3":
        return data
    return data[10 + tags._syncsafe(data[6:10]) :]


# --------------------------------------------------------------------------
# the whole file: chapters
# --------------------------------------------------------------------------


def test_ffmpeg_reads_the_chapters_in_time_order(
    whole: tuple[Path, list[ChapterMark]],
) -> None:
    path, marks = whole
    chapters = ffmpeg.read_metadata(path).chapters
    assert len(chapters) == len(marks)
    assert [c.title for c in chapters] == [m.title for m in marks]
    for chapter, mark in zip(chapters, marks, strict=True):
        assert abs(chapter.start_ms - mark.start_ms) <= 50
        assert abs(chapter.end_ms - mark.end_ms) <= 50
    starts = [c.start_ms for c in chapters]
    assert starts == sorted(starts)
    # Measured: exact to the millisecond with -copyts (25 ms early without it).
    assert [(c.start_ms, c.end_ms) for c in chapters] == [(m.start_ms, m.end_ms) for m in marks]


def test_eyed3_reads_the_chapters_and_the_table_of_contents(
    whole: tuple[Path, list[ChapterMark]],
) -> None:
    path, marks = whole
    audio_file = eyed3.load(str(path))
    assert audio_file is not None and audio_file.tag is not None
    tag = audio_file.tag
    assert tag.version == (2, 3, 0)
    chapters = list(tag.chapters)
    assert len(chapters) == len(marks)
    assert [c.title for c in chapters] == [m.title for m in marks]
    for chapter, mark in zip(chapters, marks, strict=True):
        assert abs(chapter.times.start - mark.start_ms) <= 50
        assert abs(chapter.times.end - mark.end_ms) <= 50
    tocs = list(tag.table_of_contents)
    assert len(tocs) == 1
    toc = tocs[0]
    assert toc.element_id == b"toc" and toc.toplevel and toc.ordered
    assert toc.child_ids == [f"chp{n:03d}".encode() for n in range(1, len(marks) + 1)]
    assert toc.description == "Dystonia and mental health"
    # The children are in time order.
    by_id = {c.element_id: c for c in chapters}
    starts = [by_id[child].times.start for child in toc.child_ids]
    assert starts == sorted(starts) and starts[0] == 0


def test_chapter_frames_reach_the_file_in_time_order(
    whole: tuple[Path, list[ChapterMark]],
) -> None:
    path, marks = whole
    frames = raw_frames(path)
    ids = [frame_id for frame_id, _ in frames]
    assert ids.count("CTOC") == 1
    chaps = [body for frame_id, body in frames if frame_id == "CHAP"]
    assert len(chaps) == len(marks)
    starts = []
    for number, body in enumerate(chaps, start=1):
        element_id, _, rest = body.partition(b"\x00")
        assert element_id == f"chp{number:03d}".encode()
        start, _end, start_offset, end_offset = struct.unpack(">IIII", rest[:16])
        starts.append(start)
        assert (start_offset, end_offset) == (0xFFFFFFFF, 0xFFFFFFFF)
        assert rest[16:20] == b"TIT2"  # TIT2 is the first sub-frame
    assert starts == [m.start_ms for m in marks]
    ctoc = dict(frames)["CTOC"]
    element_id, _, rest = ctoc.partition(b"\x00")
    assert element_id == b"toc"
    assert rest[0] == 0x03  # top-level and ordered
    assert rest[1] == len(marks)
    # The sizes differ, so mutagen's own order (smallest first) would not be this one.
    assert len({len(body) for body in chaps}) > 1


def test_long_and_non_ascii_titles_are_utf16_in_v23(
    whole: tuple[Path, list[ChapterMark]],
) -> None:
    path, _ = whole
    loaded = ID3(path)
    assert loaded.version == (2, 3, 0)
    titles = {chap.element_id: chap.sub_frames["TIT2"] for chap in loaded.getall("CHAP")}
    assert titles["chp001"].encoding == 0  # Latin-1 when it fits
    assert str(titles["chp002"]) == LONG_TITLE
    assert titles["chp004"].encoding == 1  # UTF-16 with BOM: v2.3 has no UTF-8
    assert str(titles["chp004"]) == TITLES[3]


def test_retagging_replaces_the_tag_and_keeps_the_audio(
    whole: tuple[Path, list[ChapterMark]],
    untagged_whole: tuple[Path, list[ChapterMark]],
    cover_jpeg: bytes,
) -> None:
    path, marks = whole
    assert audio_bytes(path) == untagged_whole[0].read_bytes()
    shorter = [*marks[:-2], ChapterMark("The end", marks[-2].start_ms, marks[-1].end_ms)]
    tags.tag_full_file(path, base_tags(cover_jpeg, title="Second build"), shorter)
    assert audio_bytes(path) == untagged_whole[0].read_bytes()
    assert [c.title for c in ffmpeg.read_metadata(path).chapters] == [m.title for m in shorter]
    assert [frame_id for frame_id, _ in raw_frames(path)].count("CHAP") == len(shorter)


def test_255_chapters_fit_and_256_are_refused(
    untagged_whole: tuple[Path, list[ChapterMark]], cover_jpeg: bytes, tmp_path: Path
) -> None:
    path = tmp_path / "many.mp3"
    shutil.copy(untagged_whole[0], path)
    marks = [ChapterMark(f"Part {n}", n * 20, (n + 1) * 20) for n in range(255)]
    tags.tag_full_file(path, base_tags(cover_jpeg), marks)
    chapters = ffmpeg.read_metadata(path).chapters
    assert len(chapters) == 255
    assert [c.start_ms for c in chapters] == [m.start_ms for m in marks]
    too_many = [*marks, ChapterMark("Part 255", 5100, 5120)]
    with pytest.raises(AudioError, match=r"256 chapters .* at most 255"):
        tags.tag_full_file(path, base_tags(cover_jpeg), too_many)


@pytest.mark.parametrize(
    "marks",
    [
        [],
        [ChapterMark("a", 10, 100)],
        [ChapterMark("a", 0, 100), ChapterMark("b", 150, 200)],
        [ChapterMark("a", 0, 100), ChapterMark("b", 100, 100)],
    ],
    ids=["none", "not-from-zero", "gap", "empty-chapter"],
)
def test_marks_must_be_contiguous_from_zero(
    marks: list[ChapterMark], chapter_file: Path, cover_jpeg: bytes
) -> None:
    before = chapter_file.read_bytes()
    with pytest.raises(AudioError, match="chapter"):
        tags.tag_full_file(chapter_file, base_tags(cover_jpeg), marks)
    assert chapter_file.read_bytes() == before


# --------------------------------------------------------------------------
# per-chapter tags
# --------------------------------------------------------------------------


def test_chapter_file_tags_read_back_by_mutagen(chapter_file: Path, cover_jpeg: bytes) -> None:
    tags.tag_chapter_file(chapter_file, base_tags(cover_jpeg))
    loaded = ID3(chapter_file)
    assert loaded.version == (2, 3, 0)
    assert str(loaded["TIT2"]) == "Managing mental health conditions"
    assert str(loaded["TALB"]) == "Dystonia and mental health"
    assert str(loaded["TPE1"]) == "The Dystonia Society"
    assert str(loaded["TRCK"]) == "3/8"
    assert str(loaded["TCON"]) == "Speech"
    assert str(loaded["TLAN"]) == "eng"
    assert str(loaded["TDRC"]) == "2026-11-25"  # merged back from TYER + TDAT
    comment = loaded.getall("COMM")[0]
    assert (comment.lang, comment.text) == (
        "eng",
        ["Section 3 of 8 of Dystonia and mental health."],
    )
    lyrics = loaded.getall("USLT")[0]
    assert lyrics.lang == "eng" and lyrics.text.startswith("Section 3 of 8.")
    picture = loaded.getall("APIC")[0]
    assert (picture.type, picture.mime, picture.data) == (3, "image/jpeg", cover_jpeg)
    assert str(loaded["TXXX:audio-leaflet narration sha256"]) == "0123456789abcdef" * 4
    assert str(loaded["TXXX:audio-leaflet version"]) == "0.1.0"
    assert not loaded.getall("CHAP") and not loaded.getall("CTOC")


def test_v23_stores_the_date_as_tyer_and_tdat(chapter_file: Path, cover_jpeg: bytes) -> None:
    tags.tag_chapter_file(chapter_file, base_tags(cover_jpeg))
    frames = dict(raw_frames(chapter_file))
    assert "TDRC" not in frames  # a v2.4 frame: not written into a v2.3 tag
    assert frames["TYER"].rstrip(b"\x00") == b"\x002026"  # Latin-1, "2026"
    assert frames["TDAT"].rstrip(b"\x00") == b"\x002511"  # DDMM


def test_a_year_alone_survives(chapter_file: Path, cover_jpeg: bytes) -> None:
    tags.tag_chapter_file(chapter_file, base_tags(cover_jpeg, date="2026"))
    assert str(ID3(chapter_file)["TDRC"]) == "2026"
    assert "TDAT" not in dict(raw_frames(chapter_file))


def test_chapter_file_tags_read_back_by_eyed3_and_ffmpeg(
    chapter_file: Path, cover_jpeg: bytes
) -> None:
    tags.tag_chapter_file(chapter_file, base_tags(cover_jpeg, title="Ängste & 焦虑"))
    audio_file = eyed3.load(str(chapter_file))
    assert audio_file is not None and audio_file.tag is not None
    tag = audio_file.tag
    assert tag.title == "Ängste & 焦虑"
    assert (tag.album, tag.artist) == ("Dystonia and mental health", "The Dystonia Society")
    assert tuple(tag.track_num) == (3, 8)
    assert tag.genre is not None and tag.genre.name == "Speech"
    assert str(tag.getBestDate()) == "2026-11-25"
    assert [image.picture_type for image in tag.images] == [3]
    assert tag.lyrics[0].text.startswith("Section 3 of 8.")
    found = ffmpeg.read_metadata(chapter_file).tags
    assert found["title"] == "Ängste & 焦虑"
    assert found["track"] == "3/8"
    assert found["genre"] == "Speech"
    assert found["date"] == "2026-11-25"
    assert found["language"] == "eng"


def test_whole_file_without_track_or_artist(chapter_file: Path, cover_jpeg: bytes) -> None:
    tags.tag_chapter_file(chapter_file, base_tags(cover_jpeg, track=None, artist=""))
    loaded = ID3(chapter_file)
    assert "TRCK" not in loaded and "TPE1" not in loaded


def test_empty_title_and_missing_file_are_refused(
    chapter_file: Path, cover_jpeg: bytes, tmp_path: Path
) -> None:
    with pytest.raises(AudioError, match="empty title"):
        tags.tag_chapter_file(chapter_file, base_tags(cover_jpeg, title="  "))
    with pytest.raises(AudioError, match="does not exist"):
        tags.tag_chapter_file(tmp_path / "nope.mp3", base_tags(cover_jpeg))


@pytest.mark.parametrize(
    ("bcp47", "iso"),
    [
        ("en-GB", "eng"),
        ("en", "eng"),
        ("cy", "wel"),
        ("fr-FR", "fre"),
        ("eng", "eng"),
        ("xx", "und"),
    ],
)
def test_id3_language(bcp47: str, iso: str) -> None:
    assert id3_language(bcp47) == iso


def test_bcp47_language_in_tags_becomes_iso_639_2(chapter_file: Path, cover_jpeg: bytes) -> None:
    tags.tag_chapter_file(chapter_file, base_tags(cover_jpeg, language="en-GB"))
    loaded = ID3(chapter_file)
    assert str(loaded["TLAN"]) == "eng"
    assert loaded.getall("COMM")[0].lang == "eng"
