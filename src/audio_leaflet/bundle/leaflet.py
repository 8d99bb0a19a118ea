"""A typed, checked view of one bundle's manifest (CONTRACTS.md), for every bundle writer.

The manifest is plain JSON written by the pipeline; reading it once here means
the playlist, captions, player, zip and feed never index into dicts and all
report a broken manifest the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from audio_leaflet.errors import BuildError


@dataclass(frozen=True)
class CueInfo:
    """One spoken sentence and when it is heard."""

    start_ms: int
    """Start, relative to the file the cue belongs to."""
    end_ms: int
    """End, relative to the same file."""
    text: str
    """The sentence as narrated."""


@dataclass(frozen=True)
class ChapterInfo:
    """One chapter: its own MP3 file and a seek point in the whole file."""

    number: int
    """1-based chapter number (also the spoken section number)."""
    title: str
    """Chapter title for menus and the player."""
    file: str
    """Chapter MP3 file name inside the bundle, e.g. "01-introduction.mp3"."""
    start_ms: int
    """Where the chapter starts in the whole-leaflet MP3."""
    duration_ms: int
    """Length of the chapter."""
    bytes: int
    """Size of the chapter MP3 in bytes (0 when the manifest does not say)."""
    cues: tuple[CueInfo, ...]
    """Sentences, times relative to the chapter file's start."""

    @property
    def stem(self) -> str:
        """The file name without its extension, e.g. "01-introduction"."""
        return PurePosixPath(self.file).stem

    @property
    def captions_file(self) -> str:
        """The chapter's WebVTT file name, e.g. "01-introduction.vtt"."""
        return f"{self.stem}.vtt"

    @property
    def end_ms(self) -> int:
        """Where the chapter ends in the whole-leaflet MP3."""
        return self.start_ms + self.duration_ms

    def absolute_cues(self) -> tuple[CueInfo, ...]:
        """The cues with times in the whole-leaflet MP3."""
        return tuple(
            CueInfo(c.start_ms + self.start_ms, c.end_ms + self.start_ms, c.text) for c in self.cues
        )


@dataclass(frozen=True)
class LeafletInfo:
    """What the bundle writers need to know about one built leaflet."""

    slug: str
    """ASCII slug: folder name and file stem."""
    title: str
    """The leaflet's title."""
    organisation: str
    """Who publishes it; may be empty."""
    language: str
    """BCP 47 language tag, e.g. "en-GB"."""
    full_file: str
    """The whole-leaflet MP3 file name."""
    full_duration_ms: int
    """Length of the whole-leaflet MP3."""
    full_bytes: int
    """Size of the whole-leaflet MP3 (0 when the manifest does not say)."""
    full_sha256: str
    """Checksum of the whole-leaflet MP3 (empty when the manifest does not say)."""
    cover_file: str
    """The cover image's file name (empty when there is none)."""
    updated: str
    """The date the leaflet's text last changed (ISO date), or empty."""
    chapters: tuple[ChapterInfo, ...]
    """Chapters in order, the introduction first."""

    @property
    def playlist_file(self) -> str:
        """The extended M3U playlist's file name."""
        return f"{self.slug}.m3u8"

    @property
    def captions_file(self) -> str:
        """The whole-leaflet WebVTT file name."""
        return f"{self.slug}.vtt"

    @property
    def zip_file(self) -> str:
        """The zip archive's file name."""
        return f"{self.slug}.zip"

    def all_cues(self) -> tuple[CueInfo, ...]:
        """Every sentence, with times in the whole-leaflet MP3."""
        return tuple(cue for chapter in self.chapters for cue in chapter.absolute_cues())


def leaflet_info(manifest: Mapping[str, Any]) -> LeafletInfo:
    """Read the parts of a manifest the bundle needs; BuildError names what is missing."""
    slug = _text(manifest, "slug", "the manifest")
    where = f"the manifest of '{slug}'"
    full = _mapping(manifest, "full", where)
    raw_chapters = manifest.get("chapters")
    if not isinstance(raw_chapters, list) or not raw_chapters:
        raise BuildError(f"{where} lists no chapters; rebuild the leaflet")
    chapters = tuple(_chapter(raw, where) for raw in raw_chapters)
    cover = manifest.get("cover")
    source = manifest.get("source")
    info = LeafletInfo(
        slug=slug,
        title=_text(manifest, "title", where),
        organisation=str(manifest.get("organisation") or ""),
        language=str(manifest.get("language") or "en-GB"),
        full_file=_text(full, "file", f"{where} (full)"),
        full_duration_ms=_int(full, "duration_ms", f"{where} (full)"),
        full_bytes=int(full.get("bytes") or 0),
        full_sha256=str(full.get("sha256") or ""),
        cover_file=str(cover.get("file") or "") if isinstance(cover, Mapping) else "",
        updated=str(source.get("updated") or "") if isinstance(source, Mapping) else "",
        chapters=chapters,
    )
    _check_names(info, where)
    return info


def _chapter(raw: Any, where: str) -> ChapterInfo:
    if not isinstance(raw, Mapping):
        raise BuildError(f"{where} has a chapter that is not an object; rebuild the leaflet")
    place = f"{where} (chapter {raw.get('number', '?')})"
    cues = []
    for cue in raw.get("cues") or []:
        cues.append(
            CueInfo(_int(cue, "start_ms", place), _int(cue, "end_ms", place), str(cue["text"]))
        )
    return ChapterInfo(
        number=_int(raw, "number", place),
        title=_text(raw, "title", place),
        file=_text(raw, "file", place),
        start_ms=_int(raw, "start_ms", place),
        duration_ms=_int(raw, "duration_ms", place),
        bytes=int(raw.get("bytes") or 0),
        cues=tuple(cues),
    )


def _check_names(info: LeafletInfo, where: str) -> None:
    """File names go into URLs, playlists and zips: plain ASCII names, never paths."""
    names = [info.slug, info.full_file, *(c.file for c in info.chapters)]
    if info.cover_file:
        names.append(info.cover_file)
    for name in names:
        if (
            not name.isascii()
            or "/" in name
            or "\\" in name
            or name.startswith(".")
            or any(ch.isspace() or not ch.isprintable() for ch in name)
        ):
            raise BuildError(f"{where} names the file {name!r}, which is not a plain ASCII name")


def _mapping(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise BuildError(f"{where} has no '{key}' object; rebuild the leaflet")
    return value


def _text(data: Mapping[str, Any], key: str, where: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise BuildError(f"{where} has no '{key}'; rebuild the leaflet")
    return value


def _int(data: Mapping[str, Any], key: str, where: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BuildError(f"{where} has no whole, non-negative '{key}'; rebuild the leaflet")
    return value
