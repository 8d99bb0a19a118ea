"""Content-addressed cache of synthesized sentences and assembled chapters.

A sentence's key covers everything that changes its sound: the exact engine
input (the spoken text with the lexicon entries that apply), the engine, voice,
pace and sample rate, and SYNTHESIS_VERSION. Entries are written atomically
(temporary file, then rename), so a build killed at any moment leaves only
whole entries, and the next build reuses every sentence already synthesized.

An entry is a WAV file that also carries its own length and checksum (a
private `alck` chunk, which WAV readers skip). A file cut short, changed or
unreadable is dropped, spoken again and counted in `damaged`, so the build
can say so: damaged audio is never published, and never refused for ever.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.fileio import write_atomic
from audio_leaflet.model import Clip, Cue

log = logging.getLogger(__name__)

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
        self.damaged: list[Path] = []
        """Entries found damaged (and dropped) by this build."""

    def _path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def _read(self, path: Path) -> Clip | None:
        """The clip kept at `path`; None when absent, or when damaged (then it is removed)."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.info("cannot read the cached audio %s (%s); saying it again", path, error)
            return None
        clip = _clip_from_wav(data)
        if clip is None:
            log.info("cached audio %s is damaged; dropped, and said again", path)
            self.damaged.append(path)
            path.unlink(missing_ok=True)
        return clip

    def get_sentence(self, key: str) -> Clip | None:
        """The cached clip for `key`, or None (also for a damaged entry, which is dropped)."""
        clip = self._read(self._path("sentences", key, ".wav"))
        log.debug("sentence %s: %s", key[:12], "cached" if clip else "to be spoken")
        return clip

    def has_sentence(self, key: str) -> bool:
        """Whether a take of the sentence is kept (not read, so not checked)."""
        return self._path("sentences", key, ".wav").is_file()

    def put_sentence(self, key: str, clip: Clip) -> None:
        """Keep `clip` under `key`."""
        write_atomic(self._path("sentences", key, ".wav"), wav_bytes(clip))

    def get_chapter(self, key: str) -> CachedChapter | None:
        """The cached chapter for `key`, or None."""
        clip = self._read(self._path("chapters", key, ".wav"))
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
        write_atomic(self._path("chapters", key, ".wav"), wav_bytes(chapter.clip))


_CHECK_CHUNK = b"alck"
"""A private WAV chunk: the PCM's frame count and SHA-256, so damage is seen on reading."""


def wav_bytes(clip: Clip) -> bytes:
    """16-bit mono WAV with the `alck` chunk before the audio."""
    frames = len(clip.pcm) // 2
    fmt = struct.pack("<HHIIHH", 1, 1, clip.sample_rate, clip.sample_rate * 2, 2, 16)
    check = struct.pack("<Q", frames) + hashlib.sha256(clip.pcm).digest()
    body = b"WAVE" + _chunk(b"fmt ", fmt) + _chunk(_CHECK_CHUNK, check) + _chunk(b"data", clip.pcm)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _chunk(name: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) % 2 else b""
    return name + struct.pack("<I", len(payload)) + payload + pad


def _clip_from_wav(data: bytes) -> Clip | None:
    """The clip in a cache entry, or None when it is not whole (cut short, changed, other)."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    chunks: dict[bytes, bytes] = {}
    offset = 12
    while offset + 8 <= len(data):
        name = data[offset : offset + 4]
        (size,) = struct.unpack("<I", data[offset + 4 : offset + 8])
        payload = data[offset + 8 : offset + 8 + size]
        if len(payload) != size:
            return None  # cut short
        chunks[name] = payload
        offset += 8 + size + (size % 2)
    fmt, pcm = chunks.get(b"fmt "), chunks.get(b"data")
    if fmt is None or pcm is None or len(fmt) < 16:
        return None
    _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", fmt[:16])
    if channels != 1 or bits != 16 or rate <= 0 or len(pcm) % 2:
        return None
    check = chunks.get(_CHECK_CHUNK)
    if check is not None:
        (frames,) = struct.unpack("<Q", check[:8])
        if frames != len(pcm) // 2 or hashlib.sha256(pcm).digest() != check[8:40]:
            return None
    return Clip(pcm, rate)


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
