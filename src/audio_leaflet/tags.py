"""ID3 v2.3 tags, cover art and chapter markers for the MP3 files.

See docs/formats.md, "Audio and tags".

Tags are written by mutagen and saved as ID3 **v2.3**: under v2.4 ffmpeg
drops chapters whose title is 126 bytes or longer and Apple Podcasts misreads
long titles. v2.3 has no UTF-8, so text that Latin-1 cannot hold is written
as UTF-16 (encoding 1); everything else as Latin-1, which every reader takes.

The whole-leaflet file carries one top-level, ordered table of contents
(CTOC "toc") and one CHAP frame per chapter (ID3v2 Chapter Frame Addendum
1.0). mutagen orders frames by size when it saves (mutagen issue 506), while
ffmpeg lists chapters in file order, so after mutagen has written the tag the
chapter frames are put back in time order in place (`_order_chapter_frames`).
"""

from __future__ import annotations

import errno
import struct
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TLAN,
    TPE1,
    TRCK,
    TXXX,
    USLT,
    CTOCFlags,
    Encoding,
    Frame,
    PictureType,
)

from audio_leaflet.errors import AudioError
from audio_leaflet.model import MAX_CHAPTERS

TOC_ELEMENT_ID = "toc"
"""Element id of the whole file's top-level table of contents."""
GENRE = "Speech"
"""TCON of every file."""
SOURCE_SHA256_DESCRIPTION = "audio-leaflet narration sha256"
"""TXXX description of the frame that holds the sha256 of the narration spoken in the file."""
VERSION_DESCRIPTION = "audio-leaflet version"
"""TXXX description of the frame that holds the version of the tool that built the file."""
VOICE_DESCRIPTION = "voice"
"""COMM description of the frame naming the voice that spoke the file and its licence."""

# BCP 47 primary language -> ISO 639-2/B, for TLAN, COMM and USLT.
_ISO_639_2 = {
    "cy": "wel",
    "de": "ger",
    "en": "eng",
    "es": "spa",
    "fr": "fre",
    "ga": "gle",
    "it": "ita",
    "nl": "dut",
    "pl": "pol",
    "pt": "por",
    "zh": "chi",
}


@dataclass(frozen=True)
class ChapterTags:
    """What the ID3 tag of one MP3 file says (docs/formats.md, "Audio and tags")."""

    title: str
    """TIT2: the chapter's title (or the leaflet's, for the whole file)."""
    album: str
    """TALB: the leaflet's title."""
    artist: str
    """TPE1: the organisation that publishes the leaflet (may be empty)."""
    language: str
    """TLAN, and the language of COMM and USLT: ISO 639-2, e.g. "eng" (see `id3_language`)."""
    date: str
    """TDRC: "2026" or "2026-11-25" (stored as TYER and TDAT in v2.3)."""
    comment: str
    """COMM: a short description, e.g. "Section 3 of 8 of Dystonia and mental health"."""
    lyrics: str
    """USLT: what is said, the narration text."""
    cover_jpeg: bytes = field(repr=False)
    """APIC (front cover): the cover image, JPEG bytes."""
    source_sha256: str
    """TXXX "audio-leaflet narration sha256": sha256 of the text spoken in this file.

    Per file rather than of the whole leaflet, so an edit elsewhere in the
    leaflet leaves this chapter's file byte for byte the same."""
    tool_version: str
    """TXXX "audio-leaflet version": version of the tool that built the file."""
    voice_credit: str = ""
    """COMM "voice": the voice that spoke the file and its licence (empty: no frame)."""
    track: int | None = None
    """TRCK number (the chapter number); None for the whole file."""
    track_total: int | None = None
    """TRCK total (the number of chapters); None to write the number alone."""


@dataclass(frozen=True)
class ChapterMark:
    """One chapter of the whole-leaflet file."""

    title: str
    """The chapter's title (any length, any script)."""
    start_ms: int
    """Start in the whole file, ms from the start of the audio."""
    end_ms: int
    """End in the whole file (the next chapter's start)."""


def id3_language(language: str) -> str:
    """ISO 639-2 code for a BCP 47 tag: "en-GB" -> "eng"; "und" when unknown."""
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    if len(primary) == 3 and primary.isalpha():
        return primary
    return _ISO_639_2.get(primary, "und")


def tag_chapter_file(path: Path, tags: ChapterTags) -> None:
    """Replace the ID3 tag of the MP3 at `path` with `tags`, saved as ID3 v2.3."""
    _save(path, _frames(tags))


def tag_full_file(path: Path, tags: ChapterTags, marks: Sequence[ChapterMark]) -> None:
    """Tag the whole-leaflet MP3 like a chapter file, plus a CTOC and one CHAP per mark.

    Marks must be in time order, contiguous from 0 ms. The CTOC ("toc",
    top-level and ordered, with the leaflet's title) lists the chapters
    `chp001`, `chp002`, ... in time order; each CHAP has its TIT2 first.
    More than 255 chapters raise AudioError: a CTOC cannot list more, and
    nested tables of contents are not read by podcast apps.
    """
    _check_marks(marks)
    ids = [f"chp{number:03d}" for number in range(1, len(marks) + 1)]
    frames = _frames(tags)
    frames.append(
        CTOC(
            element_id=TOC_ELEMENT_ID,
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[_text(TIT2, tags.album or tags.title)],
        )
    )
    for element_id, mark in zip(ids, marks, strict=True):
        frames.append(
            CHAP(
                element_id=element_id,
                start_time=mark.start_ms,
                end_time=mark.end_ms,
                # 0xFFFFFFFF: "use the times", the addendum's value for no byte offset.
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[_text(TIT2, mark.title)],
            )
        )
    _save(path, frames)
    _order_chapter_frames(path)


def _check_marks(marks: Sequence[ChapterMark]) -> None:
    """Raise AudioError unless the marks are 1 to 255 contiguous chapters from 0 ms."""
    if not marks:
        raise AudioError("The whole-leaflet MP3 needs at least one chapter marker.")
    if len(marks) > MAX_CHAPTERS:
        raise AudioError(
            f"The leaflet has {len(marks)} chapters but an ID3 table of contents holds at "
            f"most {MAX_CHAPTERS}: split the leaflet into smaller ones."
        )
    expected_start = 0
    for number, mark in enumerate(marks, start=1):
        if mark.start_ms != expected_start or mark.end_ms <= mark.start_ms:
            raise AudioError(
                f"Chapter {number} ({mark.title!r}) runs {mark.start_ms}-{mark.end_ms} ms: "
                f"chapters must be contiguous from 0 ms and start at {expected_start} ms."
            )
        if mark.end_ms > 0xFFFFFFFE:
            raise AudioError(f"Chapter {number} ends after 49 days: the audio is too long.")
        expected_start = mark.end_ms


# --------------------------------------------------------------------------
# frames
# --------------------------------------------------------------------------


def _encoding(text: str) -> int:
    """Latin-1 when it can hold `text`, else UTF-16 (v2.3 has no UTF-8)."""
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return Encoding.UTF16
    return Encoding.LATIN1


def _text(kind: type[Frame], text: str) -> Frame:
    """A text frame of `kind` holding `text`."""
    return kind(encoding=_encoding(text), text=[text])


def _frames(tags: ChapterTags) -> list[Frame]:
    """The frames every file carries (docs/formats.md), before conversion to v2.3."""
    if not tags.title.strip():
        raise AudioError("Cannot tag an MP3 file with an empty title: give the chapter a title.")
    language = tags.language if len(tags.language) == 3 else id3_language(tags.language)
    frames: list[Frame] = [
        _text(TIT2, tags.title),
        _text(TALB, tags.album),
        _text(TCON, GENRE),
        _text(TLAN, language),
        TDRC(encoding=Encoding.LATIN1, text=[tags.date]),
        COMM(encoding=_encoding(tags.comment), lang=language, desc="", text=[tags.comment]),
        USLT(encoding=_encoding(tags.lyrics), lang=language, desc="", text=tags.lyrics),
        TXXX(encoding=Encoding.LATIN1, desc=SOURCE_SHA256_DESCRIPTION, text=[tags.source_sha256]),
        TXXX(encoding=Encoding.LATIN1, desc=VERSION_DESCRIPTION, text=[tags.tool_version]),
        APIC(
            encoding=Encoding.LATIN1,
            mime="image/jpeg",
            type=PictureType.COVER_FRONT,
            desc="Cover",
            data=tags.cover_jpeg,
        ),
    ]
    if tags.artist:
        frames.append(_text(TPE1, tags.artist))
    if tags.voice_credit:
        credit = tags.voice_credit
        frames.append(
            COMM(encoding=_encoding(credit), lang=language, desc=VOICE_DESCRIPTION, text=[credit])
        )
    if tags.track is not None:
        total = f"/{tags.track_total}" if tags.track_total is not None else ""
        frames.append(_text(TRCK, f"{tags.track}{total}"))
    return frames


def _save(path: Path, frames: list[Frame]) -> None:
    """Write `frames` as the file's only ID3 tag, v2.3, with no ID3v1 tag."""
    if not path.is_file():
        raise AudioError(f"Cannot tag {path}: the file does not exist.")
    tag = ID3()
    for frame in frames:
        tag.add(frame)
    # mutagen converts only when asked (its save() docs): TDRC becomes TYER
    # ("2026") and TDAT ("2511", day then month); text frames keep the
    # encodings chosen above. Readers that load v2.3 merge them back into a date.
    tag.update_to_v23()
    try:
        tag.save(path, v2_version=3, v1=0)
    except Exception as error:  # mutagen raises MutagenError and OSError subclasses
        cause = error if isinstance(error, OSError) else error.__context__
        if isinstance(cause, OSError) and cause.errno == errno.ENOSPC:
            # As the file system's own errors say it (the command line names the fix).
            raise OSError(errno.ENOSPC, "No space left on device", str(path)) from error
        raise AudioError(f"Cannot write the ID3 tag of {path}: {error}") from error


# --------------------------------------------------------------------------
# frame order (mutagen issue 506)
# --------------------------------------------------------------------------


def _order_chapter_frames(path: Path) -> None:
    """Rewrite the v2.3 tag at the start of `path` with CTOC then CHAP frames in time order.

    mutagen sorts frames by a priority list, then by their size, so CHAP
    frames come out smallest first (mutagen issue 506). The frames are only
    permuted, so the tag keeps its length and is rewritten in place: the audio
    is not touched. Other frames keep mutagen's order; the chapter frames go
    just before the cover picture, which mutagen places last.
    """
    with path.open("r+b") as file:
        header = file.read(10)
        magic, major, _revision, flags, size_bytes = struct.unpack(">3sBBB4s", header)
        if magic != b"ID3" or major != 3 or flags & 0xC0:
            raise AudioError(
                f"Unexpected ID3 tag in {path} after saving (version 2.{major}, flags {flags:#x}):"
                " expected a plain v2.3 tag; check the mutagen version."
            )
        size = _syncsafe(size_bytes)
        body = file.read(size)
        others, pictures, tocs, chapters = [], [], [], []
        offset = 0
        while offset + 10 <= len(body) and body[offset] != 0:
            frame_id = body[offset : offset + 4]
            (frame_size,) = struct.unpack(">I", body[offset + 4 : offset + 8])
            frame = body[offset : offset + 10 + frame_size]
            if frame_id == b"CHAP":
                chapters.append((_chap_start(frame), frame))
            elif frame_id == b"CTOC":
                tocs.append(frame)
            elif frame_id == b"APIC":
                pictures.append(frame)
            else:
                others.append(frame)
            offset += 10 + frame_size
        ordered = b"".join([*others, *tocs, *(frame for _, frame in sorted(chapters)), *pictures])
        if len(ordered) != offset:
            raise AudioError(f"Could not reorder the chapter frames of {path}: tag is malformed.")
        file.seek(10)
        file.write(ordered)


def _syncsafe(data: bytes) -> int:
    """An ID3 tag size: four bytes of seven bits each."""
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
    return value


def _chap_start(frame: bytes) -> tuple[int, bytes]:
    """(start time, element id) of a raw CHAP frame, for sorting."""
    body = frame[10:]
    end_of_id = body.index(b"\x00")
    (start,) = struct.unpack(">I", body[end_of_id + 1 : end_of_id + 5])
    return start, body[:end_of_id]
