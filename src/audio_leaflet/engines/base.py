"""The speech engine interface (docs/architecture.md, "Engines").

An engine turns one sentence of narration into a `Clip`. It applies the
pronunciation lexicon in the form it takes (respelling or phonemes) in
`engine_text`, so the narration and captions keep the real spelling while the
cache key still changes when a lexicon entry that applies changes.
"""

from __future__ import annotations

import dataclasses
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from audio_leaflet.model import Clip


class Engine(ABC):
    """One speech engine with one voice at one pace."""

    NAME: ClassVar[str]
    """Registry name used by `--engine`."""
    OFFLINE: ClassVar[bool]
    """True when the engine needs no network."""
    PACE_TRIES: ClassVar[int] = 1
    """How many times a chapter outside its pace band may be said again at a corrected
    speed: one for a voice whose pace follows its speed smoothly."""
    VARIES: ClassVar[bool] = False
    """True when every take of a sentence sounds a little different (Piper samples noise):
    a sentence the listening check could not hear clearly is then worth saying again."""

    sample_rate: int
    """Sample rate of every clip this engine returns."""
    voice_id: str
    """Stable identifier of the voice (goes into cache keys and the manifest)."""
    wpm: int
    """Target pace in words per minute, pauses included."""

    @abstractmethod
    def engine_text(self, sentence: str) -> str:
        """The exact input the engine will be given for `sentence`, lexicon applied."""

    @abstractmethod
    def synthesize(self, engine_text: str) -> Clip:
        """Speak one sentence (already passed through `engine_text`).

        Raises EngineError with a message naming the engine on failure; never
        returns partial audio.
        """

    def settings_key(self) -> str:
        """Everything besides the text that changes the audio, for the cache key."""
        return f"{self.NAME}|{self.voice_id}|{self.wpm}|{self.sample_rate}"

    def retimed(self, factor: float) -> Engine:
        """A copy of this engine whose speech is `factor` times as fast (pauses untouched).

        For a chapter whose pace, pauses included, lands outside the band (see
        `pace_correction`): re-speak it with the copy. The copy shares loaded
        voices and has its own `settings_key`.
        """
        raise NotImplementedError(f"engine {self.NAME} cannot change its pace")


# --------------------------------------------------------------------------
# What `audio-leaflet voices` lists
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers on this machine."""

    engine: str
    """Registry name of the engine (`--engine`)."""
    voice_id: str
    """What to pass as `--voice` to get this voice."""
    language: str
    """BCP 47 language of the voice, e.g. "en-GB"."""
    offline: bool
    """True when the voice works without a network."""
    usable: bool
    """True when the engine and the voice's files are present and load."""
    note: str = ""
    """One line for people: default voice, what is missing, or what it needs."""

    def to_json(self) -> dict[str, str | bool]:
        """The voice as a JSON object for `voices --json`."""
        return dataclasses.asdict(self)


# --------------------------------------------------------------------------
# Pace (docs/narration.md; docs/formats.md "Chapters and pauses")
# --------------------------------------------------------------------------

# The pace is the speaking rate a listener hears: words a minute of speech
# and of the short pauses between the sentences of a paragraph (400 ms). The
# structural pauses (a file's lead and tail, paragraph, list and section
# pauses, [pause 2s]: every silence of STRUCTURAL_PAUSE_MS or more) come on
# top, so a chapter with many of them is not said faster to make up for them.
# Those short pauses per spoken word, over the narration of the seed leaflet:
# 11.5 ms (4 to 29 from chapter to chapter); of the built-in sample: 14.4 ms.
SENTENCE_GAP_MS_PER_WORD = 12.0
STRUCTURAL_PAUSE_MS = 600
"""A silence at least this long is structural: it is not part of the speaking rate."""


def speech_wpm(wpm: int) -> float:
    """Words a minute a voice must speak so a chapter's speaking rate is heard at `wpm`."""
    ms_per_word = 60_000 / wpm - SENTENCE_GAP_MS_PER_WORD
    return 60_000 / max(ms_per_word, 60_000 / 600)


MAX_PACE_CORRECTION = 1.15
"""`pace_correction` never asks for speech more than this much faster or slower: 15 %
faster keeps the bundled Piper voice slower than its own trained pace (183 words a
minute of speech at length_scale 1.0), where it still sounds natural."""


def pace_correction(words: int, speech_ms: int, gap_ms: int, wpm: int) -> float:
    """How much faster (> 1) speech must be for a chapter's speaking rate to be `wpm`.

    `speech_ms` is the chapter's spoken audio, `gap_ms` the short pauses between
    its sentences (the structural pauses do not count). Pass the result to
    `Engine.retimed`. Clamped to 1 / MAX_PACE_CORRECTION .. MAX_PACE_CORRECTION.
    """
    if words <= 0 or speech_ms <= 0:
        return 1.0
    wanted_speech_ms = words * 60_000 / wpm - gap_ms
    if wanted_speech_ms <= 0:
        return MAX_PACE_CORRECTION
    factor = speech_ms / wanted_speech_ms
    return min(MAX_PACE_CORRECTION, max(1 / MAX_PACE_CORRECTION, factor))


def count_words(text: str) -> int:
    """Words in `text` as pace counts them: runs of letters or digits."""
    return len(_WORD.findall(text))


_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


# --------------------------------------------------------------------------
# Shaping a sentence's audio the same way for every engine
# --------------------------------------------------------------------------

# Engines start and end a sentence with their own, different amounts of silence.
# Each clip is trimmed to its speech plus these margins, so the pauses the
# assembly adds are the pauses heard. The margins keep the soft start of a
# consonant ("h", "f") and the release of a final stop ("t", "k"), which sit
# below the trimming threshold.
SENTENCE_GAP_MS = 400
"""Silence between two sentences an engine finds in one script line (docs/formats.md: 400 ms)."""
LEAD_MARGIN_MS = 20
TRAIL_MARGIN_MS = 50
FADE_MS = 4
"""Raised-cosine fade at a trimmed edge, so a cut never clicks."""
SILENCE_BELOW_DB = -45.0
"""A 10 ms window this far below the clip's loudest window counts as silence."""
_WINDOW_MS = 10


def trim_silence(samples: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float32]:
    """`samples` without leading and trailing near-silence (margins kept), edges faded."""
    window = max(1, sample_rate * _WINDOW_MS // 1000)
    count = len(samples) // window
    if count == 0:
        return np.zeros(0, dtype=np.float32)
    frames = samples[: count * window].astype(np.float64).reshape(count, window)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    loudest = float(rms.max())
    if loudest < 1e-5:  # about -100 dBFS: nothing was said
        return np.zeros(0, dtype=np.float32)
    voiced = np.nonzero(rms > loudest * 10 ** (SILENCE_BELOW_DB / 20))[0]
    start = max(0, int(voiced[0]) * window - sample_rate * LEAD_MARGIN_MS // 1000)
    end = min(len(samples), (int(voiced[-1]) + 1) * window + sample_rate * TRAIL_MARGIN_MS // 1000)
    return fade_edges(samples[start:end].astype(np.float32), sample_rate)


def fade_edges(samples: npt.NDArray[np.float32], sample_rate: int) -> npt.NDArray[np.float32]:
    """`samples` with a short raised-cosine fade in and out."""
    n = min(len(samples) // 2, sample_rate * FADE_MS // 1000)
    if n == 0:
        return samples
    ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n, dtype=np.float64))).astype(np.float32)
    out = samples.copy()
    out[:n] *= ramp
    out[-n:] *= ramp[::-1]
    return out


def join_with_gaps(
    parts: Sequence[npt.NDArray[np.float32]], gaps_ms: Sequence[int], sample_rate: int
) -> npt.NDArray[np.float32]:
    """`parts` in order with `gaps_ms[i]` of silence between part i and part i + 1."""
    pieces: list[npt.NDArray[np.float32]] = []
    for index, part in enumerate(parts):
        if index:
            pieces.append(np.zeros(sample_rate * gaps_ms[index - 1] // 1000, dtype=np.float32))
        pieces.append(part)
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)


def join_sentences(
    chunks: Sequence[npt.NDArray[np.float32]], sample_rate: int
) -> npt.NDArray[np.float32] | None:
    """The sentences an engine said for one script line, each trimmed, joined by the
    sentence gap; None when none of them holds any sound."""
    parts = [trim_silence(np.asarray(chunk, dtype=np.float32), sample_rate) for chunk in chunks]
    parts = [part for part in parts if len(part)]
    if not parts:
        return None
    return join_with_gaps(parts, [SENTENCE_GAP_MS] * (len(parts) - 1), sample_rate)


def to_clip(samples: npt.NDArray[np.float32], sample_rate: int) -> Clip:
    """Float samples in [-1, 1] as a 16-bit `Clip`."""
    scaled = np.clip(samples.astype(np.float64) * 32767.0, -32767, 32767)
    return Clip(np.round(scaled).astype("<i2").tobytes(), sample_rate)


def from_clip(clip: Clip) -> npt.NDArray[np.float32]:
    """A `Clip`'s samples as floats in [-1, 1]."""
    return (np.frombuffer(clip.pcm, dtype="<i2").astype(np.float32) / 32768.0).astype(np.float32)
