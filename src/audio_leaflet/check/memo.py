"""What the check measured and heard before, kept by the audio's own checksum.

A rebuild after a one-sentence edit changes one chapter's audio; every other
chapter is the same audio, and must cost nothing to check again. So each
chapter file is known by the digest of its MP3 audio frames (its tags left
out: a new title or track number is not new audio), and kept under it:

- `facts/<key>.json` and `.npy`: its loudness, peak, silences, clipping and
  level envelope (`AudioFacts`);
- `transcripts/<key>.json`: words heard in it, or in a stretch of it;
- `transcripts/<key>.json` under a *take* key: the words heard in one
  sentence's take (the sentence cache's key, `ManifestCue.key`), relative to
  the sentence's start: a changed sentence is heard with its neighbours, and
  the rest of its chapter is assembled from takes heard before.

An entry that cannot be read is heard or measured again; one that cannot be
written only costs time next time.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np

from audio_leaflet.check.audio_checks import AudioFacts, Silence
from audio_leaflet.check.recognise import Word
from audio_leaflet.errors import AudioError

FACTS_VERSION = "1"
"""Changes when `AudioFacts` or the way they are measured changes."""


def audio_digest(path: Path) -> str:
    """The digest of an MP3 file's audio (its frames, tags left out); of its bytes when it is
    not an MP3 this tool could read (such a file is measured, found wrong, and not kept)."""
    from audio_leaflet.mp3 import audio_frames

    try:
        return hashlib.sha256(b"mp3 frames\0" + audio_frames(path).data).hexdigest()
    except AudioError:
        return hashlib.sha256(b"file\0" + path.read_bytes()).hexdigest()


def key_of(*parts: str) -> str:
    """A cache key made of its parts."""
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


class Memo:
    """The check's cache in `<cache>/facts/` and `<cache>/transcripts/` (None: no cache)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.root = cache_dir

    def _path(self, folder: str, key: str, suffix: str) -> Path | None:
        return self.root / folder / f"{key}{suffix}" if self.root is not None else None

    def words(self, key: str) -> list[Word] | None:
        """Words kept under `key`, or None."""
        path = self._path("transcripts", key, ".json")
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return [Word(w["text"], w["start_s"], w["end_s"], w["probability"]) for w in data]
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing or damaged: listen again

    def put_words(self, key: str, words: list[Word]) -> None:
        path = self._path("transcripts", key, ".json")
        text = json.dumps([dataclasses.asdict(w) for w in words], ensure_ascii=False)
        _write(path, text.encode("utf-8"))

    def facts(self, key: str) -> AudioFacts | None:
        """Audio facts kept under `key`, or None."""
        path = self._path("facts", key, ".json")
        if path is None:
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            envelope = np.load(path.with_suffix(".npy"), allow_pickle=False)
            return AudioFacts(
                duration_s=float(data["duration_s"]),
                loudness_lufs=data["loudness_lufs"],
                true_peak_dbtp=data["true_peak_dbtp"],
                silences=tuple(Silence(float(a), float(b)) for a, b in data["silences"]),
                clipped_runs=int(data["clipped_runs"]),
                first_clip_s=data["first_clip_s"],
                envelope=envelope.astype(np.float32),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put_facts(self, key: str, facts: AudioFacts) -> None:
        path = self._path("facts", key, ".json")
        if path is None:
            return
        data = {
            "duration_s": facts.duration_s,
            "loudness_lufs": facts.loudness_lufs,
            "true_peak_dbtp": facts.true_peak_dbtp,
            "silences": [[s.start_s, s.end_s] for s in facts.silences],
            "clipped_runs": facts.clipped_runs,
            "first_clip_s": facts.first_clip_s,
        }
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".npy.tmp")
            with open(temporary, "wb") as stream:
                np.save(stream, np.asarray(facts.envelope, dtype=np.float32), allow_pickle=False)
            temporary.replace(path.with_suffix(".npy"))
        except OSError:
            return
        _write(path, json.dumps(data).encode("utf-8"))


def _write(path: Path | None, data: bytes) -> None:
    """Write a cache entry whole (a temporary file renamed), or not at all."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(path.suffix + ".tmp")
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError:
        pass  # a cache that cannot be written only costs time
