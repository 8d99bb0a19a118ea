"""What the studio's pages show, as plain data the templates read (no work is done here
but turning what the build made into words staff read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from audio_leaflet.manifest import Manifest
from audio_leaflet.model import Narration, Speech
from audio_leaflet.studio.outline_edit import LeftOutLine, OutlineLine

if TYPE_CHECKING:
    from audio_leaflet.studio.desk import LeafletRef
    from audio_leaflet.versions import Version


def length_words(ms: int) -> str:
    """ "10 min 29 s", "45 s"."""
    seconds = round(ms / 1000)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


@dataclass(frozen=True)
class SentenceView:
    chapter: int
    index: int
    """Its place among the chapter's sentences, from 0."""
    text: str
    """What will be said: the script's line, with lengths and dates in words."""
    spoken: bool
    """Whether a take of it, as the next build would say it, is in the cache."""
    script_text: str
    """The line as the script has it (placeholders such as {total length} kept)."""


@dataclass(frozen=True)
class ChapterSummary:
    """One chapter in the list of chapters."""

    number: int
    title: str
    sentences: int
    """How many sentences it says."""
    pending: int
    """How many of them are to be spoken at the next build."""
    edited: bool
    """Whether its script was edited by hand."""


@dataclass(frozen=True)
class ChapterView:
    """The chapter shown, sentence by sentence."""

    number: int
    title: str
    sentences: tuple[SentenceView, ...]
    edited: bool
    script: str
    """The script file's name in the narration folder."""
    script_sha256: str
    """The script file's checksum when the page was made, so a change can see a newer one."""


@dataclass(frozen=True)
class PublishedView:
    """What listeners get now."""

    built: str
    """When it was built (ISO 8601)."""
    chapters: int
    length: str
    """Its length in words ("10 min 29 s")."""
    files: int
    """How many files the bundle holds."""


def published_view(manifest: Manifest | None) -> PublishedView | None:
    if manifest is None:
        return None
    return PublishedView(
        manifest.built_at,
        len(manifest.chapters),
        length_words(manifest.full_duration_ms),
        len(manifest.files),
    )


@dataclass(frozen=True)
class VersionView:
    """One earlier published version, as the versions list shows it."""

    name: str
    """Its name in the store (what "Put this version back" sends)."""
    built: str
    title: str
    length: str
    sentences: int
    changed: str
    """What its build changed, in words ("sections 2 and 5 made again")."""
    sound: bool
    problem: str
    """Why it cannot be put back, when it is damaged."""
    published_now: bool
    """Whether it is the bundle published now (then it is not offered)."""
    audio: str
    """Its whole-leaflet MP3, to hear it before it is put back ("" when damaged)."""

    @classmethod
    def of(cls, version: Version, published: Manifest | None) -> VersionView:
        manifest = version.manifest
        changed = ""
        if manifest and manifest.history:
            last = manifest.history[-1]
            numbers = list(last.chapters_changed)
            if not numbers:
                changed = "nothing spoken again"
            elif manifest.chapters and len(numbers) == len(manifest.chapters):
                changed = "every section made"
            else:
                said = ", ".join(str(n) for n in numbers[:-1])
                said = f"{said} and {numbers[-1]}" if said else str(numbers[-1])
                changed = f"section{'s' if len(numbers) > 1 else ''} {said} made again"
        return cls(
            name=version.name,
            built=version.built,
            title=manifest.title if manifest else "",
            length=length_words(manifest.full_duration_ms) if manifest else "",
            sentences=version.sentences,
            changed=changed,
            sound=version.sound,
            problem=version.problem,
            published_now=version.same_as(published),
            audio=manifest.full_file if manifest and version.sound else "",
        )


@dataclass(frozen=True)
class WordView:
    """One pronunciation of the project's lexicon."""

    word: str
    say: str
    ipa: str


@dataclass(frozen=True)
class LeafletView:
    """A leaflet's page."""

    ref: LeafletRef
    slug: str
    title: str
    chapters: tuple[ChapterSummary, ...]
    chapter: ChapterView
    """The chapter shown."""
    warnings: tuple[str, ...]
    left_out: tuple[tuple[str, str], ...]
    """The left-out ledger: each line not spoken, with why (`left-out.txt`)."""
    outline_lines: tuple[OutlineLine, ...]
    """The outline's lines, each with its role, for correcting how it was read."""
    outline_left_out: tuple[LeftOutLine, ...]
    """The lines the outline lists as left out."""
    outline_sha256: str
    """The outline's checksum when the page was made."""
    published: PublishedView | None
    versions: tuple[VersionView, ...]
    voice: str
    out_dir: str
    """The bundle's folder, which staff upload with the out-dir."""
    last_refusal: tuple[dict[str, Any], ...]
    """What the check found in the last build it refused (kept until a build passes)."""
    words: tuple[WordView, ...]
    undo: str
    """What "Undo" would undo, in words, or "" when nothing can be undone."""

    @property
    def pending(self) -> int:
        """Sentences to be spoken at the next build, in every chapter."""
        return sum(chapter.pending for chapter in self.chapters)


def spoken_sentences(
    narration: Narration, manifest: Manifest | None, wpm: int
) -> dict[int, list[str]]:
    """Each chapter's sentences as they will be said, by chapter number.

    The introduction's lengths and recording date are filled in by a build.
    Where the published bundle said the same introduction, its words are
    used; otherwise the lengths are estimated from the words at `wpm` (close
    enough to proofread by ear; the build says the measured ones).
    """
    from audio_leaflet.engines.base import count_words
    from audio_leaflet.speak import fill_placeholders

    def speech(chapter: Any) -> list[str]:
        return [line.text for line in chapter.lines if isinstance(line, Speech)]

    said = {chapter.number: speech(chapter) for chapter in narration.chapters}
    for chapter in narration.chapters:
        texts = said[chapter.number]
        if not any("{" in text for text in texts):
            continue
        entry = manifest.chapter(chapter.number) if manifest else None
        heard = [cue.text for cue in entry.cues] if entry else []
        if len(heard) == len(texts) and all(
            "{" in text or text == cue for text, cue in zip(texts, heard, strict=True)
        ):
            said[chapter.number] = heard
            continue
        lengths = {}
        for other in narration.chapters:
            published = manifest.chapter(other.number) if manifest else None
            words = sum(count_words(text) for text in said[other.number])
            lengths[other.number] = (
                published.duration_ms if published else round(words * 60_000 / wpm)
            )
        today = dt.date.today().isoformat()
        filled = fill_placeholders(chapter, lengths, sum(lengths.values()), today)
        said[chapter.number] = speech(filled)
    return said
