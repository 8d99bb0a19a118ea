"""Encode and tag the bundle's MP3 files, reusing the ones the last build published.

The stage after assembly: each chapter becomes a tagged MP3, and the whole
leaflet one MP3 with chapter markers (docs/formats.md, "Audio and tags"),
made of the chapters' own frames (`mp3.py`), never encoded a second time. A
published file is reused (hard-linked into staging) only when its `file_key`
(audio, tags, cover and encoder) is the same as last time and its bytes are
intact; every other chapter file is encoded afresh, two at a time.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio_leaflet import __version__
from audio_leaflet.fileio import sha256_file
from audio_leaflet.fingerprint import digest, encoding_key
from audio_leaflet.manifest import ChapterEntry, FullEntry, Manifest, ManifestCue, sha256_bytes
from audio_leaflet.model import Narration
from audio_leaflet.progress import Progress, Stage, Step

if TYPE_CHECKING:
    from audio_leaflet.audio import ChapterAudio
    from audio_leaflet.model import Clip
    from audio_leaflet.speak import SpokenChapter
    from audio_leaflet.tags import ChapterTags

log = logging.getLogger(__name__)

ENCODERS = 2
"""MP3 files encoded at once (each ffmpeg uses one core)."""


@dataclass(frozen=True)
class TagFacts:
    """What every file's tags say about the leaflet, besides its own title and text."""

    title: str
    """The leaflet's title (the album)."""
    organisation: str
    """Who publishes it (the artist)."""
    language: str
    """BCP 47 language of the leaflet."""
    year: int
    """The year of the build."""
    cover: bytes
    """The cover image, JPEG."""
    voice_credit: str = ""
    """The voice that speaks and its licence, for a COMM frame."""


class BundleFiles:
    """The bundle's MP3 files: their manifest entries, and the ones to encode afresh."""

    def __init__(
        self,
        staging: Path,
        bundle: Path,
        narration: Narration,
        facts: TagFacts,
        bitrate_kbps: int,
        previous: Manifest | None,
        retake: frozenset[str] = frozenset(),
    ) -> None:
        self.staging = staging
        self.bundle = bundle
        self.narration = narration
        self.retake = retake
        self.bitrate_kbps = bitrate_kbps
        self.tags_base = _tags_base(facts)
        self.cover_sha256 = sha256_bytes(facts.cover)
        self.encoding = encoding_key(bitrate_kbps)
        self.scripts = {c.number: c for c in narration.chapters}
        self.previous_chapters = {c.file: c for c in previous.chapters} if previous else {}
        self.previous_full = previous.full if previous else None
        self.chapters: list[ChapterEntry] = []
        """Manifest entries of the chapter files, in order (sizes and checksums once encoded)."""
        self.full: FullEntry | None = None
        """Manifest entry of the whole-leaflet file."""
        self.jobs: list[tuple[str, Callable[[], None]]] = []
        """(chapter title, encode and tag) for each chapter file made afresh."""
        self.full_tags: ChapterTags | None = None
        """The whole-leaflet file's tags; None when the published file is reused."""
        self.changed: list[int] = []
        """Numbers of the chapters whose file is made afresh."""

    def add_chapter(self, item: SpokenChapter, count: int) -> None:
        """Plan chapter `item`'s file (its start in the whole file is known once encoded)."""
        from audio_leaflet.tags import ChapterTags

        chapter = item.chapter
        lyrics = _lyrics(item.audio)
        tags = ChapterTags(
            **self.tags_base,
            title=chapter.title,
            track=chapter.number,
            track_total=count,
            lyrics=lyrics,
            source_sha256=sha256_bytes(lyrics.encode("utf-8")),
        )
        entry = ChapterEntry(
            number=chapter.number,
            title=chapter.title,
            file=f"{chapter.slug}.mp3",
            start_ms=0,
            duration_ms=item.audio.clip.duration_ms,
            bytes=0,
            sha256="",
            cues=tuple(
                ManifestCue(c.start_ms, c.end_ms, c.text, k)
                for c, k in zip(item.audio.cues, item.sentence_keys, strict=True)
            ),
            narration=f"{chapter.slug}.txt",
            file_key=digest(item.key, repr(tags), self.cover_sha256, self.encoding),
            pace_factor=item.factor,
            # The script's sentences before lengths were filled in, for `status`.
            script=tuple(self.scripts[chapter.number].sentences),
        )
        self.chapters.append(entry)
        old = self.previous_chapters.get(entry.file)
        if self.retake.intersection(item.sentence_keys) or not self._reused(
            entry.file, entry.file_key, old.file_key if old else "", old.sha256 if old else ""
        ):
            job = functools.partial(
                _encode_chapter, item.audio.clip, self.staging / entry.file, self.bitrate_kbps, tags
            )
            self.jobs.append((chapter.title, job))
            self.changed.append(chapter.number)

    def add_full(self, spoken: list[SpokenChapter]) -> None:
        """Plan the whole-leaflet file, after every chapter has been added.

        Its chapter marks follow from the chapters' frames, which follow from their
        audio, so the chapters' keys and the tags say all the file holds.
        """
        from audio_leaflet.tags import ChapterTags

        lyrics = "\n".join(_lyrics(item.audio) for item in spoken)
        tags = ChapterTags(
            **self.tags_base,
            title=self.narration.title,
            lyrics=lyrics,
            source_sha256=sha256_bytes(lyrics.encode("utf-8")),
        )
        titles = [e.title for e in self.chapters]
        key = digest(
            *(item.key for item in spoken),
            repr(tags),
            repr(titles),
            self.cover_sha256,
            self.encoding,
            "joined frames",
        )
        self.full = FullEntry(f"{self.narration.slug}.mp3", 0, 0, "", key)
        old = self.previous_full
        if self.retake or not self._reused(
            self.full.file, key, old.file_key if old else "", old.sha256 if old else ""
        ):
            self.full_tags = tags

    def _reused(self, name: str, key: str, old_key: str, old_sha256: str) -> bool:
        """Link the published file into staging when it is still what the entry describes."""
        if not old_key or old_key != key:
            return False
        reused = _reuse_if_intact(self.bundle / name, self.staging / name, old_sha256)
        log.debug("%s: %s", name, "reused" if reused else "damaged, encoded again")
        return reused

    def encode(self, progress: Progress) -> tuple[tuple[ChapterEntry, ...], FullEntry]:
        """Run the planned encodes, then join the chapters' frames into the whole file;
        the entries with each file's start, size and checksum."""
        from audio_leaflet.mp3 import audio_frames, join, starts

        assert self.full is not None, "add_full plans the whole file before encode"
        _encode(self, progress)
        parts = [audio_frames(self.staging / entry.file) for entry in self.chapters]
        whole = self.staging / self.full.file
        rate = parts[0].sample_rate
        total = sum(part.samples for part in parts)
        # A reused whole file holds the same chapters' frames, so the same starts.
        starts_ms = [start * 1000 // rate for start in starts(parts)]
        if self.full_tags is not None:
            join(parts, whole)
            _tag_full(whole, self.full_tags, self.chapters, starts_ms, total * 1000 // rate)

        def measured(name: str) -> tuple[int, str]:
            target = self.staging / name
            return target.stat().st_size, sha256_file(target)

        chapters = []
        for entry, start_ms in zip(self.chapters, starts_ms, strict=True):
            size, checksum = measured(entry.file)
            chapters.append(_with_size(entry, size, checksum, start_ms))
        size, checksum = measured(self.full.file)
        full = FullEntry(self.full.file, total * 1000 // rate, size, checksum, self.full.file_key)
        return tuple(chapters), full


def _with_size(entry: ChapterEntry, size: int, checksum: str, start_ms: int) -> ChapterEntry:
    import dataclasses

    return dataclasses.replace(entry, bytes=size, sha256=checksum, start_ms=start_ms)


def _tag_full(
    whole: Path, tags: ChapterTags, chapters: list[ChapterEntry], starts_ms: list[int], total: int
) -> None:
    """Tag the whole file, its chapter marks contiguous from 0 (each ends where the next
    starts; the first starts at 0, before the encoder's delay)."""
    from audio_leaflet.tags import ChapterMark, tag_full_file

    bounds = [0, *starts_ms[1:], total]
    marks = [
        ChapterMark(entry.title, start, end)
        for entry, start, end in zip(chapters, bounds, bounds[1:], strict=False)
    ]
    tag_full_file(whole, tags, marks)


def _encode(files: BundleFiles, progress: Progress) -> None:
    """Run the planned chapter encodes, two at a time: LAME in ffmpeg uses one core."""
    with ThreadPoolExecutor(max_workers=ENCODERS) as pool:
        labels = {pool.submit(job): label for label, job in files.jobs}
        for number, future in enumerate(as_completed(labels), 1):
            future.result()
            progress(Step(Stage.ENCODING, number, len(labels), "chapters", labels[future]))


def _encode_chapter(clip: Clip, target: Path, bitrate_kbps: int, tags: ChapterTags) -> None:
    from audio_leaflet.ffmpeg import encode_mp3
    from audio_leaflet.tags import tag_chapter_file

    encode_mp3(clip, target, bitrate_kbps)
    tag_chapter_file(target, tags)


def _tags_base(facts: TagFacts) -> dict[str, Any]:
    return {
        "album": facts.title,
        "artist": facts.organisation,
        "language": facts.language,
        "date": str(facts.year),
        "comment": f"Audio version of the leaflet '{facts.title}'.",
        "cover_jpeg": facts.cover,
        "tool_version": __version__,
        "voice_credit": facts.voice_credit,
    }


def tag_facts(
    narration: Narration,
    language: str,
    cover: bytes,
    started: dt.datetime,
    voice_credit: str = "",
) -> TagFacts:
    """The leaflet-wide facts every file's tags carry."""
    return TagFacts(
        narration.title, narration.organisation, language, started.year, cover, voice_credit
    )


def _lyrics(audio: ChapterAudio) -> str:
    return "\n".join(cue.text for cue in audio.cues)


def _reuse_if_intact(source: Path, target: Path, expected_sha256: str) -> bool:
    """Put a published file into staging when it is still what the manifest says.

    A hard link where the file system allows (no copy, and the file keeps its
    inode across the swap), else a copy. Files reused this way are never
    opened for writing again: tags are written only into freshly encoded files.
    """
    if not expected_sha256 or not source.is_file() or sha256_file(source) != expected_sha256:
        return False
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return True
