"""`<slug>.m4b`: the whole leaflet as a chaptered audiobook, for audiobook apps.

Apple Books, Smart AudioBook Player, Audiobookshelf and most audiobook players
expect AAC audio in an MP4 file with chapters, named `.m4b`
(docs/formats.md, "The audiobook"). It is made from the same PCM as the MP3s,
so it has the same loudness.

As the whole MP3 is its chapters' frames joined (`mp3.py`), the audiobook is
its chapters' AAC frames joined: each chapter is encoded once (kept in the
cache by its audio's key, so an edit encodes only the chapter it changed) and
the frames are put in an MP4 without being encoded again. What a player plays
is exact to the sample: chapter k's first sample is at

    (AAC frames of the chapters before it) x 1024 + 1024

(the encoder's priming frame, which each chapter keeps; measured with a click
in every chapter: `tests/test_audiobook.py`). Its chapter marks (ffmetadata
with a timebase of one sample) run on from 0 to those starts; the manifest
records them (`Manifest.audiobook_starts_ms`), since they differ by a few
milliseconds a chapter from the MP3's. The mp4 muxer writes them both as a
QuickTime chapter track (Apple's players) and as a Nero `chpl` atom (most
others, and mutagen). ffmpeg writes the audio, the chapters and the text tags;
mutagen adds what ffmpeg cannot, the cover (`covr`) and the tool's own
freeform tags.

Like the MP3s, the file is made afresh only when what it is made from changes
(the whole MP3's `file_key`: the audio, tags, chapter titles and cover, plus
the AAC settings); otherwise the published file is reused byte for byte.
"""

from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audio_leaflet.errors import AudioError
from audio_leaflet.fileio import sha256_file
from audio_leaflet.fingerprint import digest, source_digest
from audio_leaflet.manifest import FullEntry, Manifest

if TYPE_CHECKING:
    from audio_leaflet.encode import BundleFiles
    from audio_leaflet.speak import SpokenChapter

log = logging.getLogger(__name__)

AAC_BITRATE_KBPS = 64
"""AAC bitrate: mono speech at 64 kbps is transparent to the ear and half a typical book's."""
SUFFIX = ".m4b"
FREEFORM = "----:com.apple.iTunes:"
"""mutagen's prefix for iTunes freeform tags ("----:mean:name")."""
VERSION_TAG = FREEFORM + "audio-leaflet version"
NARRATION_SHA256_TAG = FREEFORM + "audio-leaflet narration sha256"


def audiobook_file(slug: str) -> str:
    """The audiobook's file name, "<slug>.m4b"."""
    return slug + SUFFIX


@dataclass(frozen=True)
class BookChapter:
    """One chapter of the audiobook, in samples of the whole leaflet's audio."""

    title: str
    """The chapter's title."""
    start: int
    """First sample."""
    end: int
    """One past the last sample (the next chapter's start)."""


@dataclass(frozen=True)
class BookTags:
    """What the audiobook's tags say: the whole MP3's, in MP4's names."""

    title: str
    """©nam: the leaflet's title."""
    album: str
    """©alb: the leaflet's title."""
    artist: str
    """©ART and aART: the organisation (may be empty)."""
    genre: str
    """©gen: "Speech", as the MP3's TCON."""
    year: str
    """©day: the year of the build."""
    comment: str
    """©cmt: the MP3's comment and the voice with its licence."""
    description: str
    """desc: what the file is, as the MP3's comment says it."""
    lyrics: str
    """©lyr: the words spoken, as the MP3's USLT."""
    narration_sha256: str
    """Freeform "audio-leaflet narration sha256", as the MP3's TXXX."""
    tool_version: str
    """Freeform "audio-leaflet version", as the MP3's TXXX."""


PRIMING = 1024
"""Samples of the AAC encoder's priming frame, before each chapter's first sample."""
SAMPLES_PER_FRAME = 1024
"""Samples in one AAC frame."""


def book_chapters(titles: Sequence[str], frames: Sequence[int]) -> list[BookChapter]:
    """Chapters from each chapter's title and AAC frame count, contiguous from sample 0:
    each but the first starts on its own first sample, after the chapters before it."""
    starts = []
    position = 0
    for count in frames:
        starts.append(position + PRIMING)
        position += count * SAMPLES_PER_FRAME
    bounds = [0, *starts[1:], position]
    return [
        BookChapter(title, start, end)
        for title, start, end in zip(titles, bounds, bounds[1:], strict=False)
    ]


def aac_frames(data: bytes) -> int:
    """How many ADTS frames `data` holds (AudioError when it is not ADTS from end to end)."""
    count = at = 0
    while at + 7 <= len(data):
        if data[at] != 0xFF or data[at + 1] & 0xF0 != 0xF0:
            raise AudioError(f"not an ADTS frame at byte {at}")
        at += ((data[at + 3] & 3) << 11) | (data[at + 4] << 3) | (data[at + 5] >> 5)
        count += 1
    if at != len(data):
        raise AudioError("ADTS frames cut short")
    return count


def book_tags(files: BundleFiles) -> BookTags:
    """The whole MP3's tags (as `BundleFiles` plans them), for the audiobook."""
    base = files.tags_base
    lyrics = "\n".join("\n".join(cue.text for cue in entry.cues) for entry in files.chapters)
    credit = base.get("voice_credit", "")
    return BookTags(
        title=files.narration.title,
        album=base["album"],
        artist=base["artist"],
        genre=_genre(),
        year=base["date"],
        comment=f"{base['comment']} {credit}".strip(),
        description=base["comment"],
        lyrics=lyrics,
        narration_sha256=digest(lyrics),
        tool_version=base["tool_version"],
    )


def _genre() -> str:
    from audio_leaflet.tags import GENRE

    return GENRE


def audiobook_key(full_key: str, bitrate_kbps: int = AAC_BITRATE_KBPS) -> str:
    """What the audiobook is made from: the whole MP3's inputs and the AAC settings."""
    return digest(full_key, f"aac {bitrate_kbps} kbps", source_digest("audiobook.py"))


def make_audiobook(
    files: BundleFiles,
    spoken: Sequence[SpokenChapter],
    previous: Manifest | None,
    cache_dir: Path,
) -> tuple[FullEntry, tuple[int, ...]]:
    """Write `<slug>.m4b` into the staging folder, or reuse the published one: its entry,
    and where each chapter starts in it (ms).

    Call after `files.encode`: the whole MP3's entry (its key) and the chapter
    entries must be planned.
    """
    from audio_leaflet.encode import _reuse_if_intact

    assert files.full is not None, "plan the whole MP3 before the audiobook"
    name = audiobook_file(files.narration.slug)
    key = audiobook_key(files.full.file_key)
    old = previous.audiobook if previous else None
    target = files.staging / name
    reused = (
        not files.retake
        and old is not None
        and previous is not None
        and old.file_key == key
        and len(previous.audiobook_starts_ms) == len(spoken)
        and _reuse_if_intact(files.bundle / name, target, old.sha256)
    )
    from audio_leaflet.ffmpeg import OUTPUT_SAMPLE_RATE as rate

    if reused:
        assert previous is not None
        starts_ms = previous.audiobook_starts_ms
        duration_ms = old.duration_ms if old else 0
    else:
        segments = [_chapter_aac(item, cache_dir) for item in spoken]
        chapters = book_chapters(
            [entry.title for entry in files.chapters], [aac_frames(s) for s in segments]
        )
        write_book(segments, target, chapters, book_tags(files), files.tags_base["cover_jpeg"])
        starts_ms = tuple(chapter.start * 1000 // rate for chapter in chapters)
        duration_ms = chapters[-1].end * 1000 // rate
    log.debug("%s: %s", name, "reused" if reused else "made afresh")
    entry = FullEntry(name, duration_ms, target.stat().st_size, sha256_file(target), key)
    return entry, starts_ms


def _chapter_aac(item: SpokenChapter, cache_dir: Path) -> bytes:
    """One chapter's audio as AAC frames, encoded once and kept in the cache by its audio."""
    from audio_leaflet.ffmpeg import encode_aac
    from audio_leaflet.fileio import write_atomic

    key = digest(item.key, f"aac {AAC_BITRATE_KBPS} kbps", source_digest("audiobook.py"))
    kept = cache_dir / "audiobook" / key[:2] / f"{key}.aac"
    try:
        data = kept.read_bytes()
        aac_frames(data)
        return data
    except (OSError, ValueError, AudioError):
        pass  # not kept yet, or damaged: encode it again
    with tempfile.TemporaryDirectory(prefix="audiobook-") as folder:
        path = Path(folder) / "chapter.aac"
        encode_aac(item.audio.clip, path)
        data = path.read_bytes()
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        write_atomic(kept, data)
    return data


def write_book(
    segments: Sequence[bytes],
    target: Path,
    chapters: Sequence[BookChapter],
    tags: BookTags,
    cover_jpeg: bytes,
) -> None:
    """The chapters' AAC frames joined into a chaptered, tagged M4B at `target`."""
    from audio_leaflet.ffmpeg import OUTPUT_SAMPLE_RATE, write_m4b

    with tempfile.TemporaryDirectory(prefix="audiobook-") as folder:
        joined = Path(folder) / "leaflet.aac"
        joined.write_bytes(b"".join(segments))
        metadata = Path(folder) / "metadata.txt"
        metadata.write_text(ffmetadata_text(chapters, tags, OUTPUT_SAMPLE_RATE), encoding="utf-8")
        write_m4b(joined, metadata, target)
    _add_tags(target, tags, cover_jpeg)


def ffmetadata_text(chapters: Sequence[BookChapter], tags: BookTags, sample_rate: int) -> str:
    """The ffmetadata file for ffmpeg: text tags and chapters in samples."""
    lines = [";FFMETADATA1"]
    for key, value in (
        ("title", tags.title),
        ("album", tags.album),
        ("artist", tags.artist),
        ("album_artist", tags.artist),
        ("genre", tags.genre),
        ("date", tags.year),
        ("comment", tags.comment),
        ("description", tags.description),
        ("lyrics", tags.lyrics),
    ):
        if value:
            lines.append(f"{key}={_escaped(value)}")
    for chapter in chapters:
        lines += [
            "[CHAPTER]",
            f"TIMEBASE=1/{sample_rate}",
            f"START={chapter.start}",
            f"END={chapter.end}",
            f"title={_escaped(chapter.title)}",
        ]
    return "\n".join(lines) + "\n"


def _escaped(value: str) -> str:
    """A value as ffmetadata takes it: "=", ";", "#", "\\" and newlines quoted by a backslash."""
    return "".join("\\" + char if char in "=;#\\\n" else char for char in value)


def _add_tags(path: Path, tags: BookTags, cover_jpeg: bytes) -> None:
    """The cover and the freeform tags, which ffmpeg's mp4 muxer does not write."""
    from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

    book = MP4(path)
    assert book.tags is not None, "ffmpeg wrote the text tags"
    if cover_jpeg:
        book.tags["covr"] = [MP4Cover(cover_jpeg, imageformat=MP4Cover.FORMAT_JPEG)]
    book.tags[VERSION_TAG] = [MP4FreeForm(tags.tool_version.encode("utf-8"))]
    book.tags[NARRATION_SHA256_TAG] = [MP4FreeForm(tags.narration_sha256.encode("ascii"))]
    book.save()
