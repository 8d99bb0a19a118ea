"""hibari: a small offline neural voice distilled from Kokoro-82M (docs/architecture.md).

The `hibari-tts` wheel (Apache-2.0) carries its American voice "heart" (every
file of its model checked against its pin before first use, model_files.py); its
British voices (emma, fable) are files of the same size that `voices add`
downloads and checks (catalogue names `hibari-emma`, `hibari-fable`). A British
voice also gets hibari's British spelling-to-sound rules. Lexicon words reach
the voice as misaki-style inline phonemes, `[dystonia](/dɪstˈQnɪə/)`.
Synthesis is seeded, so the same sentence always gives the same audio.
"""

from __future__ import annotations

import copy
import functools
import itertools
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from audio_leaflet.engines.base import (
    Engine,
    VoiceInfo,
    count_words,
    join_sentences,
    speech_wpm,
    to_clip,
    trim_silence,
)
from audio_leaflet.errors import AudioLeafletError, EngineError
from audio_leaflet.fileio import sha256_file
from audio_leaflet.lexicon import Lexicon, LexiconForm, load_lexicon
from audio_leaflet.model import Clip
from audio_leaflet.model_files import checked_folder

if TYPE_CHECKING:
    import numpy.typing as npt

BUNDLED_VOICE = "heart"
PACKAGE = "hibari-tts"
"""The package carrying hibari's code and model (data/models.toml pins its files)."""
SEED = 0
"""hibari's noise component is seeded: a sentence said twice is the same audio."""
AUDIO_VERSION = 1
"""Bump when the shaping of hibari's audio changes, so cached sentences are redone."""

# Words a minute the voice heart speaks (speech alone, trimmed sentence clips) at
# a speed, over the seed leaflet's section chapters (77 sentences, 1294 words,
# lexicon applied). Its durations move in steps, not in proportion (probably
# because each phoneme lasts a whole number of frames): from 0.79 to 0.81 the pace
# rises by a sixth, and below 0.79 it hardly moves, so the voice is not slowed
# further. Between the points durations are interpolated, and a chapter that
# lands on the wrong side of a step is corrected again (PACE_TRIES).
PACE_TABLE: tuple[tuple[float, float], ...] = (
    (0.79, 124.4),
    (0.8, 134.0),
    (0.81, 146.5),
    (0.84, 149.2),
    (0.86, 156.1),
    (0.9, 162.3),
    (1.0, 168.3),
    (1.1, 173.2),
)

# hibari's text front end says "no." as "number" ("Say no." becomes "Say number."):
# narration has already said "no. 5" as "number five", so a "no." left is the word,
# and a space before its full stop keeps the word and the stop's falling tone.
_NO_BEFORE_STOP = re.compile(r"\b([Nn]o)\.(?=[\s\"')\]]|$)")

# Another hibari voice speaks at its own pace: it says this text once when
# loaded, and its pace is compared with heart's on the same text at speed 1.0
# (heart: 186.7 words a minute of speech here), so PACE_TABLE serves it too.
REFERENCE_WPM = 186.7
REFERENCE_TEXT = (
    "Talking therapies give you time to talk about your troubles with a trained professional. "
    "Many people with dystonia find that stress can make their symptoms worse. "
    "Ask your doctor before you start any new exercise or treatment."
)

_LOAD_LOCK = threading.Lock()


class HibariEngine(Engine):
    """The hibari neural voice, offline."""

    NAME = "hibari"
    OFFLINE = True
    # Its pace moves in steps (PACE_TABLE): a correction may land on the far side of one.
    PACE_TRIES = 3

    def __init__(
        self, *, voice: str | None = None, wpm: int = 150, lexicon: Lexicon | None = None
    ) -> None:
        # Every hibari voice speaks through the wheel's model, word lists and nets:
        # each file is compared with its pin before the first voice is loaded.
        checked_folder(PACKAGE)
        name, model = _voice_of(voice)
        self._tts = _load(name, str(model) if model else "")
        self._model_sha256 = _file_sha256(self._tts.model_path)
        self._british = bool(_registry()[name].get("british"))
        self._lexicon = lexicon if lexicon is not None else load_lexicon()
        self._symbols = frozenset(self._tts.vocab)
        self.sample_rate = int(self._tts.sample_rate)
        self.voice_id = f"hibari-{name}"
        self.wpm = wpm
        self._pace_ratio = (
            1.0 if name == BUNDLED_VOICE else _pace_ratio(self._tts, self._model_sha256)
        )
        self.speed = speed_for(speech_wpm(wpm) / self._pace_ratio)

    def settings_key(self) -> str:
        """Engine, voice file contents, speed and audio shaping, for the cache key."""
        return (
            f"{super().settings_key()}|{self._model_sha256[:16]}"
            f"|speed={self.speed}|v{AUDIO_VERSION}"
        )

    def retimed(self, factor: float) -> HibariEngine:
        """A copy speaking `factor` times as fast; the loaded voice is shared."""
        twin = copy.copy(self)
        twin.speed = speed_for(speech_wpm(self.wpm) * factor / self._pace_ratio)
        return twin

    def engine_text(self, sentence: str) -> str:
        """`sentence` with lexicon words as inline misaki phonemes (else respelt)."""
        # "[word](/.../)" is hibari's inline pronunciation; narration never means that.
        text = sentence.replace("[", "(").replace("]", ")")
        text = _NO_BEFORE_STOP.sub(r"\1 .", text)
        return self._lexicon.apply(
            text,
            LexiconForm.MISAKI,
            dialect="en-gb" if self._british else "en-us",
            ipa_symbols=self._symbols,
        )

    def phonemes(self, engine_text: str) -> list[str]:
        """The phonemes hibari will speak for `engine_text`, one string per sentence."""
        return list(self._tts.phonemize(engine_text))

    def synthesize(self, engine_text: str) -> Clip:
        """Speak one script line; sentences hibari finds in it are joined by the sentence gap."""
        if count_words(engine_text) == 0:
            return Clip(b"", self.sample_rate)
        try:
            chunks = list(self._tts.stream(engine_text, speed=self.speed, seed=SEED))
        except Exception as error:  # onnxruntime and the G2P raise anything
            raise EngineError(f"hibari could not say {engine_text[:60]!r}: {error}") from error
        joined = join_sentences(chunks, self.sample_rate)
        if joined is None:
            raise EngineError(f"hibari produced no sound for {engine_text[:60]!r}")
        return to_clip(_peak_safe(joined), self.sample_rate)


def _peak_safe(samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """The output kept below full scale; the assembly sets loudness afterwards."""
    peak = float(np.abs(samples).max()) if len(samples) else 0.0
    return samples * (0.9 / peak) if peak > 0.9 else samples


def speed_for(spoken_wpm: float) -> float:
    """The speed at which heart speaks `spoken_wpm` (speech alone), within PACE_TABLE.

    Interpolated on durations (1 / wpm); outside the table, its end: the voice
    is neither slowed into its jump nor pushed past its measured range.
    """
    table = PACE_TABLE
    if spoken_wpm <= table[0][1]:
        return table[0][0]
    if spoken_wpm >= table[-1][1]:
        return table[-1][0]
    for (speed_a, wpm_a), (speed_b, wpm_b) in itertools.pairwise(table):
        if wpm_a <= spoken_wpm <= wpm_b:
            share = (1 / spoken_wpm - 1 / wpm_a) / (1 / wpm_b - 1 / wpm_a)
            return round(speed_a + share * (speed_b - speed_a), 3)
    raise AssertionError("PACE_TABLE must rise with speed")  # pragma: no cover


@functools.cache
def _registry() -> dict[str, Any]:
    try:
        from hibari.voices import VOICES
    except ImportError as error:
        raise EngineError("hibari is not installed: pip install hibari-tts") from error
    return dict(VOICES)


def _voice_of(voice: str | None) -> tuple[str, Path | None]:
    """hibari's voice name, and the model file to load (None: hibari finds its own)."""
    registry = _registry()
    if voice is None:
        return BUNDLED_VOICE, None
    name = voice.removeprefix("hibari-")
    if name in registry:
        if registry[name].get("bundled"):
            return name, None
        raise EngineError(
            f"hibari voice {name} is not installed: run `audio-leaflet voices add hibari-{name}`"
        )
    path = Path(voice).expanduser()
    for candidate, facts in registry.items():
        if facts.get("file") == path.name:
            if not path.is_file():
                raise EngineError(f"hibari voice file {path} not found")
            return candidate, path
    raise EngineError(
        f"Unknown hibari voice '{voice}'. Available: " + ", ".join(f"hibari-{n}" for n in registry)
    )


@functools.lru_cache(maxsize=4)
def _load(name: str, model: str) -> Any:
    """Load a voice once per process (about 0.1 s)."""
    try:
        from hibari import Hibari
    except ImportError as error:
        raise EngineError("hibari is not installed: pip install hibari-tts") from error
    with _LOAD_LOCK:
        try:
            return Hibari(voice=name, model=model or None)
        except Exception as error:  # onnxruntime raises its own classes for a bad model
            raise EngineError(f"hibari could not load its voice {name}: {error}") from error


@functools.lru_cache(maxsize=4)
def _file_sha256(path: str) -> str:
    """The voice file's checksum, once per process (it is part of the cache key)."""
    return sha256_file(Path(path))


@functools.lru_cache(maxsize=4)
def _pace_ratio(tts: Any, model_sha256: str) -> float:
    """This voice's pace over heart's on REFERENCE_TEXT at speed 1.0, rounded, so the same
    voice file always gets the same speed (it is part of the cache key)."""
    clips = [
        trim_silence(np.asarray(c, np.float32), tts.sample_rate)
        for c in tts.stream(REFERENCE_TEXT, speed=1.0, seed=SEED)
    ]
    seconds = sum(len(c) for c in clips) / tts.sample_rate
    spoken = count_words(REFERENCE_TEXT) / (seconds / 60)
    return round(max(0.5, min(2.0, spoken / REFERENCE_WPM)), 2)


def list_voices() -> list[VoiceInfo]:
    """hibari's bundled voice, and whether it loads here."""
    try:
        checked_folder(PACKAGE)
        _load(BUNDLED_VOICE, "")
    except AudioLeafletError as error:
        return [VoiceInfo("hibari", "hibari-heart", "en-US", True, False, str(error))]
    return [
        VoiceInfo(
            "hibari",
            "hibari-heart",
            "en-US",
            offline=True,
            usable=True,
            note="default; British voices: audio-leaflet voices add hibari-emma",
        )
    ]
