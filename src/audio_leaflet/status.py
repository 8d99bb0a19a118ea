"""`audio-leaflet status`: what a rebuild would change, and why; writes nothing.

Compares the leaflet and its narration scripts (hand edits included) with
the last build's manifest: chapters new, removed, changed (with the sentences
added and removed) or unchanged, settings that changed, and published files
that no longer match their checksums.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audio_leaflet.config import Settings
from audio_leaflet.fingerprint import build_fingerprint, build_inputs
from audio_leaflet.manifest import ChapterEntry, read_manifest, verify_files
from audio_leaflet.model import Chapter
from audio_leaflet.pipeline import prepare, utc_now


class ChapterState(enum.StrEnum):
    """How a chapter's script differs from the last build's (prints as its value)."""

    NEW = "new"
    """Not in the last build."""
    REMOVED = "removed"
    """In the last build, no longer in the leaflet."""
    CHANGED = "changed"
    """Says something else, or sits at another place."""
    UNCHANGED = "unchanged"
    """Says exactly what the last build said."""


@dataclass(frozen=True)
class ChapterStatus:
    """How one chapter differs from the last build."""

    number: int
    """Chapter number now (or in the last build, for a removed chapter)."""
    title: str
    """Chapter title."""
    state: ChapterState
    """New, removed, changed or unchanged."""
    changed_sentences: tuple[str, ...] = ()
    """Sentences now spoken that the last build did not speak (all of them for a new chapter)."""
    removed_sentences: tuple[str, ...] = ()
    """Sentences the last build spoke that are gone."""
    edited_by_hand: bool = False
    """True when the chapter's narration script was edited by hand."""
    previous_number: int | None = None
    """The chapter's number in the last build, when it had one."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "number": self.number,
            "title": self.title,
            "state": self.state.value,
            "changed_sentences": list(self.changed_sentences),
            "removed_sentences": list(self.removed_sentences),
            "edited_by_hand": self.edited_by_hand,
            "previous_number": self.previous_number,
        }


@dataclass(frozen=True)
class LeafletStatus:
    """What a rebuild would change."""

    slug: str
    """The leaflet's slug."""
    built: bool
    """False when there is no previous build."""
    source_changed: bool
    """True when the leaflet file differs from the one last built."""
    chapters: tuple[ChapterStatus, ...]
    """Per chapter, in order; removed chapters last."""
    warnings: tuple[str, ...]
    """Messages for staff."""
    reasons: tuple[str, ...] = ()
    """Build inputs besides the text that changed since the last build (voice, pace, ...)."""
    bundle_damaged: tuple[str, ...] = ()
    """Published files that no longer match the manifest (a rebuild replaces them)."""
    up_to_date: bool = False
    """True when a build now would do nothing at all (the same test `build` makes)."""
    versions: VersionsRoom | None = None
    """The earlier versions kept to be put back, and the room they take."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "slug": self.slug,
            "versions": self.versions.to_json() if self.versions else None,
            "built": self.built,
            "up_to_date": self.up_to_date,
            "source_changed": self.source_changed,
            "reasons": list(self.reasons),
            "bundle_damaged": list(self.bundle_damaged),
            "chapters": [c.to_json() for c in self.chapters],
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class VersionsRoom:
    """The earlier versions of one leaflet kept in the data folder (`audio_leaflet.versions`)."""

    kept: int
    """How many are kept for this leaflet (damaged ones included)."""
    damaged: int
    """How many of those cannot be put back."""
    size_bytes: int
    """The room they take."""
    folder: str
    """Where they are kept."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "kept": self.kept,
            "damaged": self.damaged,
            "size_bytes": self.size_bytes,
            "folder": self.folder,
        }


def versions_room(settings: Settings, slug: str) -> VersionsRoom:
    """What the kept versions of `slug` are, and the room they take."""
    from audio_leaflet.versions import list_versions, store_size, versions_store

    store = versions_store(settings, slug)
    versions = list_versions(store)
    return VersionsRoom(
        len(versions), sum(not v.sound for v in versions), store_size(store), str(store)
    )


# What each recorded build input is called in `status`.
_INPUT_NAMES = {
    "code": "the audio-leaflet version or the libraries it uses",
    "engine": "the speech engine",
    "voice": "the voice",
    "voice_file": "the voice file",
    "wpm": "the pace (words a minute)",
    "lexicon": "the pronunciation lexicon file",
    "cover": "the cover image",
    "language": "the language",
    "bitrate_kbps": "the MP3 bitrate",
    "year": "the year in the tags",
}


def leaflet_status(
    source: Path, settings: Settings, *, now: Callable[[], dt.datetime] = utc_now
) -> LeafletStatus:
    """Compare the leaflet and its scripts with the last build's manifest; write nothing."""
    from audio_leaflet.voices import with_chosen_voice

    settings, _choice = with_chosen_voice(settings)  # the voice a build would speak with
    prepared = prepare(source, settings, write=False)
    narration = prepared.narration
    bundle = settings.out_dir / narration.slug
    previous = read_manifest(bundle)
    if previous is None:
        chapters = tuple(
            ChapterStatus(
                c.number,
                c.title,
                ChapterState.NEW,
                c.sentences,
                edited_by_hand=c.number in prepared.edited,
            )
            for c in narration.chapters
        )
        return LeafletStatus(
            narration.slug,
            False,
            True,
            chapters,
            prepared.warnings,
            versions=versions_room(settings, narration.slug),
        )

    statuses = _chapter_statuses(narration.chapters, previous.chapters, prepared.edited)
    recorded = previous.inputs
    current = build_inputs(settings, now())
    damaged = tuple(verify_files(bundle, previous))
    reasons = tuple(
        f"{_INPUT_NAMES.get(name, name)} changed"
        + (f" ({recorded[name]} -> {value})" if name in ("engine", "voice", "wpm") else "")
        for name, value in current.items()
        if name in recorded and recorded[name] != value
    )
    return LeafletStatus(
        narration.slug,
        True,
        previous.source.sha256 != prepared.source_sha256,
        tuple(statuses),
        prepared.warnings,
        reasons,
        damaged,
        previous.fingerprint
        == build_fingerprint(
            prepared.narration, prepared.source_sha256, current, prepared.owner.describe()
        )
        and not damaged,
        versions_room(settings, narration.slug),
    )


def _chapter_statuses(
    chapters: Sequence[Chapter], built: Sequence[ChapterEntry], edited_chapters: frozenset[int]
) -> list[ChapterStatus]:
    """Each chapter now against the chapter of the same title in the last build."""
    old_chapters: dict[str, ChapterEntry] = {}
    for entry in built:
        old_chapters.setdefault(entry.title, entry)
    statuses = []
    for chapter in chapters:
        old = old_chapters.pop(chapter.title, None)
        edited = chapter.number in edited_chapters
        if old is None:
            statuses.append(
                ChapterStatus(
                    chapter.number, chapter.title, ChapterState.NEW, chapter.sentences, (), edited
                )
            )
            continue
        added, removed = _sentence_changes(list(old.script), list(chapter.sentences))
        same = not added and not removed and old.number == chapter.number
        statuses.append(
            ChapterStatus(
                chapter.number,
                chapter.title,
                ChapterState.UNCHANGED if same else ChapterState.CHANGED,
                added,
                removed,
                edited,
                old.number,
            )
        )
    for title, old in old_chapters.items():
        statuses.append(
            ChapterStatus(
                old.number, title, ChapterState.REMOVED, (), old.script, previous_number=old.number
            )
        )
    return statuses


def _sentence_changes(old: list[str], new: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Sentences added and removed between two scripts, in script order (a moved one is both)."""
    added: list[str] = []
    removed: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        if tag != "equal":
            removed += old[a_start:a_end]
            added += new[b_start:b_end]
    return tuple(added), tuple(removed)
