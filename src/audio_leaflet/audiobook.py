"""`<slug>.m4b`: the whole leaflet as a chaptered audiobook, for audiobook apps.

Apple Books, Smart AudioBook Player, Audiobookshelf and most audiobook players
expect AAC audio in an MP4 file with chapters, named `.m4b`
(docs/formats.md, "The audiobook"). It is made from the same PCM as the whole
MP3, so it has the same loudness, and its chapters are placed at the sample
each chapter starts on (ffmetadata with a timebase of one sample): the
mp4 muxer writes them both as a QuickTime chapter track (Apple's players) and
as a Nero `chpl` atom (most others, and mutagen). ffmpeg writes the audio, the
chapters and the text tags; mutagen adds what ffmpeg cannot, the cover (`covr`)
and the tool's own freeform tags.

Like the MP3s, the file is made afresh only when what it is made from changes
(the whole MP3's `file_key`: the audio, tags, chapter marks and cover, plus
the AAC settings); otherwise the published file is reused byte for byte.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audio_leaflet.fileio import sha256_file
from audio_leaflet.fingerprint import digest, source_digest
from audio_leaflet.manifest import FullEntry, Manifest

if TYPE_CHECKING:
    from audio_leaflet.encode import BundleFiles
    from audio_leaflet.model import Clip
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


def book_chapters(titles: Sequence[str], clips: Sequence[Clip]) -> list[BookChapter]:
    """Chapters from each chapter's title and audio, contiguous from sample 0."""
    chapters = []
    position = 0
    for title, clip in zip(titles, clips, strict=True):
        chapters.append(BookChapter(title, position, position + clip.frames))
        position += clip.frames
    return chapters


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
    clip: Clip,
    previous: Manifest | None,
) -> FullEntry:
    """Write `<slug>.m4b` into the staging folder, or reuse the published one; its entry.

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
        and old.file_key == key
        and _reuse_if_intact(files.bundle / name, target, old.sha256)
    )
    if not reused:
        chapters = book_chapters(
            [entry.title for entry in files.chapters], [item.audio.clip for item in spoken]
        )
        write_m4b(clip, target, chapters, book_tags(files), files.tags_base["cover_jpeg"])
    log.debug("%s: %s", name, "reused" if reused else "made afresh")
    return FullEntry(name, clip.duration_ms, target.stat().st_size, sha256_file(target), key)


def write_m4b(
    clip: Clip,
    target: Path,
    chapters: Sequence[BookChapter],
    tags: BookTags,
    cover_jpeg: bytes,
    bitrate_kbps: int = AAC_BITRATE_KBPS,
) -> None:
    """Encode `clip` as a chaptered, tagged M4B at `target`."""
    from audio_leaflet.ffmpeg import encode_m4b

    with tempfile.TemporaryDirectory(prefix="audiobook-") as folder:
        metadata = Path(folder) / "metadata.txt"
        metadata.write_text(ffmetadata_text(chapters, tags, clip.sample_rate), encoding="utf-8")
        encode_m4b(clip, metadata, target, bitrate_kbps)
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
