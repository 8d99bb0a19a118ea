"""Content-addressed cache of synthesized sentences and assembled chapters.

A sentence's key covers everything that changes its sound: the exact engine
input (the spoken text with the lexicon entries that apply), the engine, voice,
pace and sample rate, and SYNTHESIS_VERSION. Entries are written atomically
(temporary file, then rename), so a build killed at any moment leaves only
whole entries, and the next build reuses every sentence already synthesized.
"""

from __future__ import annotations

import hashlib
import json
import wave
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.fileio import write_atomic
from audio_leaflet.model import Clip, Cue

# Bump when a change in synthesis or assembly code changes the audio produced
# for the same text and settings, so stale audio is never reused.
SYNTHESIS_VERSION = "1"
ASSEMBLY_VERSION = "2"


def sentence_key(engine_settings: str, engine_text: str) -> str:
    """Cache key of one sentence as one engine with one voice and pace says it."""
    material = f"sentence|{SYNTHESIS_VERSION}|{engine_settings}|{engine_text}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def chapter_key(parts: Sequence[str]) -> str:
    """Cache key of an assembled chapter from its sentence keys, pauses and plan."""
    material = "\n".join(["chapter", ASSEMBLY_VERSION, *parts])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CachedChapter:
    """An assembled, loudness-normalised chapter as kept in the cache."""

    clip: Clip
    """The chapter's audio."""
    cues: tuple[Cue, ...]
    """When each sentence is heard, relative to the chapter start."""
    pace_factor: float = 1.0
    """How much faster than the engine's own pace its sentences were said."""
    sentence_keys: tuple[str, ...] = ()
    """Cache keys of the sentence clips it was made of, in order."""


class AudioCache:
    """Sentences and chapters on disk, keyed by content."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def get_sentence(self, key: str) -> Clip | None:
        """The cached clip for `key`, or None (also for an unreadable entry)."""
        return _read_wav(self._path("sentences", key, ".wav"))

    def put_sentence(self, key: str, clip: Clip) -> None:
        """Keep `clip` under `key`."""
        write_atomic(self._path("sentences", key, ".wav"), _wav_bytes(clip))

    def get_chapter(self, key: str) -> CachedChapter | None:
        """The cached chapter for `key`, or None."""
        clip = _read_wav(self._path("chapters", key, ".wav"))
        cues_path = self._path("chapters", key, ".json")
        if clip is None or not cues_path.is_file():
            return None
        try:
            raw = json.loads(cues_path.read_text(encoding="utf-8"))
            if isinstance(raw, list):  # the first format: cues only
                raw = {"cues": raw}
            cues = tuple(Cue(c["start_ms"], c["end_ms"], c["text"]) for c in raw["cues"])
            factor = float(raw.get("pace_factor", 1.0))
            keys = tuple(str(k) for k in raw.get("sentence_keys", ()))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None
        return CachedChapter(clip, cues, factor, keys)

    def put_chapter(self, key: str, chapter: CachedChapter) -> None:
        """Keep an assembled chapter under `key` (facts first, audio last)."""
        facts = {
            "cues": [
                {"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text} for c in chapter.cues
            ],
            "pace_factor": chapter.pace_factor,
            "sentence_keys": list(chapter.sentence_keys),
        }
        write_atomic(self._path("chapters", key, ".json"), json.dumps(facts).encode("utf-8"))
        write_atomic(self._path("chapters", key, ".wav"), _wav_bytes(chapter.clip))


def _wav_bytes(clip: Clip) -> bytes:
    import io

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(clip.sample_rate)
        wav.writeframes(clip.pcm)
    return buffer.getvalue()


def _read_wav(path: Path) -> Clip | None:
    try:
        with wave.open(str(path), "rb") as wav:
            if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                return None
            return Clip(wav.readframes(wav.getnframes()), wav.getframerate())
    except (OSError, EOFError, wave.Error):
        return None


class Retakes(AudioCache):
    """The cache, with some sentences said again: their new take replaces the old one.

    For a sentence the listening check could not hear clearly. The old take is
    not offered; the new one is kept under the same key once said, so the
    sentence is said once however often it occurs, and later builds reuse it.
    Chapters made with a sentence being retaken are assembled again.
    """

    def __init__(self, root: Path, keys: Collection[str]) -> None:
        super().__init__(root)
        self.stale = set(keys)
        """Sentences whose cached take must not be used."""
        self.retaken: set[str] = set()
        """Sentences said again by this build."""

    def get_sentence(self, key: str) -> Clip | None:
        return None if key in self.stale else super().get_sentence(key)

    def put_sentence(self, key: str, clip: Clip) -> None:
        super().put_sentence(key, clip)
        if key in self.stale:
            self.stale.discard(key)
            self.retaken.add(key)

    def get_chapter(self, key: str) -> CachedChapter | None:
        chapter = super().get_chapter(key)
        if chapter and (self.stale | self.retaken).intersection(chapter.sentence_keys):
            return None
        return chapter
