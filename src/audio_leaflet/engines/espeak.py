"""espeak-ng: the small, robotic but always-there offline voice (docs/architecture.md, "Engines").

The library and its data come from the `espeakng-loader` wheel, so pip alone
installs it. It is driven through its C API (`speak_lib.h`, API revision 12)
with ctypes in synchronous retrieval mode: `espeak_Synth` returns once every
sample has been handed to our callback. The library keeps one global state
(voice, rate, callback), so every call goes through one module lock.
"""

from __future__ import annotations

import copy
import ctypes
import ctypes.util
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio_leaflet.engines.base import (
    Engine,
    VoiceInfo,
    count_words,
    speech_wpm,
    to_clip,
    trim_silence,
)
from audio_leaflet.errors import EngineError
from audio_leaflet.lexicon import Lexicon, LexiconForm, load_lexicon
from audio_leaflet.model import Clip

DEFAULT_VOICE = "en-gb"

# speak_lib.h values (checked against espeak-ng's src/include/espeak-ng/speak_lib.h).
AUDIO_OUTPUT_SYNCHRONOUS = 2
"""espeak_AUDIO_OUTPUT: as RETRIEVAL, but espeak_Synth returns when synthesis is done."""
espeakINITIALIZE_DONT_EXIT = 0x8000
"""Without it, espeak_Initialize calls exit() when its data is missing."""
POS_CHARACTER = 1
espeakCHARS_UTF8 = 1
espeakPHONEMES = 0x100
"""Text within [[ ]] is espeak phoneme mnemonics (how lexicon entries are given)."""
espeakRATE = 1
"""espeak_PARAMETER: speaking speed, nominally words a minute, 80 to 450."""
espeakPHONEMES_IPA = 0x02
"""espeak_SetPhonemeTrace mode: write the phonemes spoken, as IPA."""
EE_OK = 0
RATE_MINIMUM, RATE_MAXIMUM = 80, 450

# Measured on the seed leaflet's sentences with voice en-gb (engines report):
# spoken words a minute over trimmed clips = RATE_SLOPE * rate + RATE_OFFSET.
# (section chapters, 1241 words: rate 130 -> 137.7, 150 -> 157.7, 175 -> 183.8,
# 200 -> 209.1 spoken words a minute).
RATE_SLOPE = 1.02
RATE_OFFSET = 5.1

AUDIO_VERSION = 1
"""Bump when the shaping of espeak's audio changes, so cached sentences are redone."""


class _Voice(ctypes.Structure):
    """espeak_VOICE."""

    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


# int SynthCallback(short *wav, int numsamples, espeak_EVENT *events); events unused.
_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@dataclass
class _Library:
    """The loaded library, its sample rate and the samples of the sentence being spoken."""

    lib: ctypes.CDLL
    sample_rate: int
    chunks: list[bytes] = field(default_factory=list)
    callback: object = None
    """Kept referenced: ctypes frees a callback that Python no longer holds."""


_LOCK = threading.Lock()
_LIBRARY: _Library | None = None


def _library() -> _Library:
    """Load and initialise espeak-ng once per process. Call with `_LOCK` held."""
    global _LIBRARY
    if _LIBRARY is not None:
        return _LIBRARY
    try:
        import espeakng_loader

        lib = ctypes.CDLL(espeakng_loader.get_library_path())
        data = Path(espeakng_loader.get_data_path())
    except (ImportError, OSError, RuntimeError) as error:
        raise EngineError(
            f"espeak-ng is not available ({error}): pip install espeakng-loader"
        ) from error
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    lib.espeak_SetSynthCallback.restype = None
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_Voice)]
    lib.espeak_SetVoiceByProperties.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_SetParameter.restype = ctypes.c_int
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Synchronize.argtypes = []
    lib.espeak_Synchronize.restype = ctypes.c_int
    lib.espeak_SetPhonemeTrace.argtypes = [ctypes.c_int, ctypes.c_void_p]
    lib.espeak_SetPhonemeTrace.restype = None
    lib.espeak_ListVoices.argtypes = [ctypes.c_void_p]
    lib.espeak_ListVoices.restype = ctypes.POINTER(ctypes.POINTER(_Voice))
    # The path is the folder that holds espeak-ng-data (speak_lib.h).
    sample_rate = lib.espeak_Initialize(
        AUDIO_OUTPUT_SYNCHRONOUS, 0, str(data.parent).encode(), espeakINITIALIZE_DONT_EXIT
    )
    if sample_rate <= 0:
        raise EngineError(f"espeak-ng could not start: its data folder {data} is missing or bad")
    state = _Library(lib, sample_rate)

    def collect(wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if wav and count > 0:
            state.chunks.append(ctypes.string_at(wav, count * 2))
        return 0  # 0 = continue

    state.callback = _SynthCallback(collect)
    lib.espeak_SetSynthCallback(state.callback)
    _LIBRARY = state
    return state


def _libc() -> ctypes.CDLL:
    """The C library, for the FILE stream espeak-ng writes its phoneme trace to."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.fopen.restype = ctypes.c_void_p
    libc.fclose.argtypes = [ctypes.c_void_p]
    libc.fclose.restype = ctypes.c_int
    return libc


def _select_voice(state: _Library, voice: str) -> bool:
    """Make `voice` (a voice name, file or language such as "en-gb") current. Hold `_LOCK`."""
    encoded = voice.encode("utf-8")
    if state.lib.espeak_SetVoiceByName(encoded) == EE_OK:
        return True
    # A language ("en-gb") is not a voice name: espeak-ng's own command line
    # falls back to selecting by language the same way.
    spec = _Voice(languages=encoded)
    return bool(state.lib.espeak_SetVoiceByProperties(ctypes.byref(spec)) == EE_OK)


def espeak_rate(wpm: int) -> int:
    """The espeakRATE value that makes a chapter heard at `wpm`, pauses included."""
    return _rate_for(speech_wpm(wpm))


def _rate_for(spoken_wpm: float) -> int:
    """The espeakRATE value at which espeak-ng speaks `spoken_wpm` (speech alone)."""
    rate = (spoken_wpm - RATE_OFFSET) / RATE_SLOPE
    return max(RATE_MINIMUM, min(RATE_MAXIMUM, round(rate)))


class EspeakEngine(Engine):
    """espeak-ng through its C library, British English by default."""

    NAME = "espeak"
    OFFLINE = True

    def __init__(
        self, *, voice: str | None = None, wpm: int = 150, lexicon: Lexicon | None = None
    ) -> None:
        name = (voice or DEFAULT_VOICE).strip()
        with _LOCK:
            state = _library()
            if not name or not _select_voice(state, name):
                raise EngineError(
                    f"espeak-ng has no voice '{name}': run `audio-leaflet voices` to list them"
                )
        self._voice = name
        self._lexicon = lexicon if lexicon is not None else load_lexicon()
        self.sample_rate = state.sample_rate
        self.voice_id = name.lower()
        self.wpm = wpm
        self.rate = espeak_rate(wpm)

    def settings_key(self) -> str:
        """Engine, voice, rate and audio shaping, for the cache key."""
        return f"{super().settings_key()}|rate={self.rate}|v{AUDIO_VERSION}"

    def retimed(self, factor: float) -> EspeakEngine:
        """A copy speaking `factor` times as fast."""
        twin = copy.copy(self)
        twin.rate = _rate_for(speech_wpm(self.wpm) * factor)
        return twin

    def engine_text(self, sentence: str) -> str:
        """`sentence` with lexicon words as espeak phoneme mnemonics (else respelt)."""
        # "[[" starts phoneme input with espeakPHONEMES; narration never means that.
        text = sentence.replace("[", "(").replace("]", ")")
        return self._lexicon.apply(text, LexiconForm.ESPEAK)

    def spoken_ipa(self, engine_text: str) -> str:
        """The phonemes espeak-ng speaks for `engine_text`, as IPA ("bˌɒtjʊlˈaɪnəm tˈɒksɪn").

        Taken from the library's phoneme trace while it really synthesizes the
        text, so lexicon phonemes given as `[[...]]` are included as spoken
        (`espeak_TextToPhonemes` would spell the brackets out instead). For
        checking pronunciations; the audio is thrown away.
        """
        text = engine_text.encode("utf-8") + b"\0"
        libc = _libc()
        with tempfile.TemporaryDirectory() as folder, _LOCK:
            path = Path(folder) / "phonemes.txt"
            stream = libc.fopen(str(path).encode(), b"w")
            if not stream:
                raise EngineError(f"cannot write espeak-ng's phoneme trace to {path}")
            state = _library()
            try:
                if not _select_voice(state, self._voice):
                    raise EngineError(f"espeak-ng lost its voice '{self._voice}'")
                state.lib.espeak_SetParameter(espeakRATE, self.rate, 0)
                state.lib.espeak_SetPhonemeTrace(espeakPHONEMES_IPA, stream)
                state.chunks.clear()
                state.lib.espeak_Synth(
                    text,
                    len(text),
                    0,
                    POS_CHARACTER,
                    0,
                    espeakCHARS_UTF8 | espeakPHONEMES,
                    None,
                    None,
                )
                state.lib.espeak_Synchronize()
            finally:
                state.lib.espeak_SetPhonemeTrace(0, None)
                state.chunks.clear()
                libc.fclose(stream)
            return " ".join(path.read_text(encoding="utf-8", errors="replace").split())

    def synthesize(self, engine_text: str) -> Clip:
        """Speak one script line."""
        if count_words(engine_text.replace("[[", " ").replace("]]", " ")) == 0:
            return Clip(b"", self.sample_rate)
        text = engine_text.encode("utf-8") + b"\0"
        with _LOCK:
            state = _library()
            if not _select_voice(state, self._voice):
                raise EngineError(f"espeak-ng lost its voice '{self._voice}'")
            state.lib.espeak_SetParameter(espeakRATE, self.rate, 0)
            state.chunks.clear()
            status = state.lib.espeak_Synth(
                text, len(text), 0, POS_CHARACTER, 0, espeakCHARS_UTF8 | espeakPHONEMES, None, None
            )
            state.lib.espeak_Synchronize()
            pcm = b"".join(state.chunks)
            state.chunks.clear()
        if status != EE_OK:
            raise EngineError(f"espeak-ng could not say {engine_text[:60]!r} (error {status})")
        samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
        trimmed = trim_silence(samples, self.sample_rate)
        if len(trimmed) == 0:
            raise EngineError(f"espeak-ng produced no sound for {engine_text[:60]!r}")
        return to_clip(trimmed, self.sample_rate)


def list_voices() -> list[VoiceInfo]:
    """espeak-ng's voices (one per language it speaks), the default first."""
    try:
        with _LOCK:
            state = _library()
            listed = state.lib.espeak_ListVoices(None)
            found: list[tuple[str, str]] = []
            index = 0
            while listed[index]:
                entry = listed[index].contents
                # languages: (priority byte, name, NUL) pairs; the first is the main one.
                language = (entry.languages or b"\x00")[1:].decode("utf-8", "replace")
                name = (entry.name or b"").decode("utf-8", "replace")
                found.append((language, name))
                index += 1
    except EngineError as error:
        return [VoiceInfo("espeak", DEFAULT_VOICE, "en-GB", True, False, str(error))]
    voices = [
        VoiceInfo(
            "espeak",
            language,
            _bcp47(language),
            offline=True,
            usable=True,
            note=f"{name}; default" if language == DEFAULT_VOICE else name,
        )
        for language, name in sorted(set(found))
        if language
    ]
    return sorted(voices, key=lambda v: v.voice_id != DEFAULT_VOICE)


def _bcp47(language: str) -> str:
    """espeak's "en-gb-x-rp" as BCP 47 "en-GB-x-rp"."""
    parts = language.split("-")
    return "-".join(
        [parts[0], *(p.upper() if len(p) == 2 and i == 0 else p for i, p in enumerate(parts[1:]))]
    )
