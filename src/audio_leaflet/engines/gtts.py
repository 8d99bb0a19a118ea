"""Google Translate's voice through gTTS: online only, British accent.

See docs/architecture.md, "Engines".

gTTS cuts text into 100-character pieces wherever the limit falls, mid-phrase;
this engine hands it one sentence at a time, cut at commas or between words
when a sentence is longer. Google rate-limits (HTTP 429) and networks fail:
both are retried with exponential backoff, then reported with the offline
engines to use instead. Audio stays in memory: nothing is written to disk,
so a failure can never leave a half-written file.
"""

from __future__ import annotations

import copy
import io
import re
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from audio_leaflet.engines.base import (
    SENTENCE_GAP_MS,
    Engine,
    VoiceInfo,
    count_words,
    from_clip,
    join_with_gaps,
    speech_wpm,
    to_clip,
    trim_silence,
)
from audio_leaflet.errors import EngineError
from audio_leaflet.ffmpeg import change_tempo, decode_mp3
from audio_leaflet.lexicon import Lexicon, LexiconForm, load_lexicon
from audio_leaflet.model import Clip

SAMPLE_RATE = 24_000
"""Google's MP3s are 24 kHz mono."""
MAX_CHARS = 100
"""gTTS.GOOGLE_TTS_MAX_CHARS: the most Google's endpoint takes in one request."""
DEFAULT_ACCENT = "co.uk"
"""Top-level domain of the Google host: co.uk gives the British accent."""
ACCENTS = {
    "co.uk": "en-GB",
    "com": "en-US",
    "com.au": "en-AU",
    "ie": "en-IE",
    "co.in": "en-IN",
    "ca": "en-CA",
    "co.za": "en-ZA",
}
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_RETRY_AFTER_S = 30.0
OFFLINE_HINT = "Use an offline engine: --engine piper or --engine espeak"

CLAUSE_GAP_MS = 150
"""Silence where a long sentence was cut at a comma (plus the clips' own margins)."""
WORD_GAP_MS = 0
"""No silence where a sentence was cut between words: the margins already part them."""

# Google's voice has no rate control. Each sentence's pace is measured and,
# when it is more than PACE_TOLERANCE off the pace asked for, brought towards
# it with ffmpeg's atempo (pitch kept), by at most MAX_TEMPO_CHANGE either way.
PACE_TOLERANCE = 0.05
MAX_TEMPO_CHANGE = 1.25
MIN_WORDS_FOR_PACE = 4
"""Shorter sentences are too few words to measure a pace on."""

AUDIO_VERSION = 1
"""Bump when the shaping of Google's audio changes, so cached sentences are redone."""


class GttsEngine(Engine):
    """Google Translate's voice, online; `voice` is the accent's domain ("co.uk")."""

    NAME = "gtts"
    OFFLINE = False

    def __init__(
        self,
        *,
        voice: str | None = None,
        wpm: int = 150,
        lexicon: Lexicon | None = None,
        attempts: int = 4,
        first_delay_s: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout_s: tuple[float, float] = (10.0, 30.0),
    ) -> None:
        try:
            import gtts  # noqa: F401  (checked when built, used when speaking)
        except ImportError as error:
            raise EngineError("gTTS is not installed: pip install gTTS") from error
        accent = (voice or DEFAULT_ACCENT).strip().lower().removeprefix("en-")
        if accent not in ACCENTS:
            raise EngineError(
                f"Google's voice has no accent '{voice}'. Available: {', '.join(ACCENTS)}"
            )
        self.accent = accent
        self._lexicon = lexicon if lexicon is not None else load_lexicon()
        self._attempts = max(1, attempts)
        self._first_delay_s = first_delay_s
        self._sleep = sleep
        self._timeout_s = timeout_s
        # Google's MP3 per text, kept for this process. A `retimed` copy shares the
        # dict, so a chapter re-spoken at another pace asks a rate-limited voice nothing.
        self._answers: dict[str, bytes] = {}
        self.sample_rate = SAMPLE_RATE
        self.voice_id = f"en-{accent}"
        self.wpm = wpm
        self.target_speech_wpm = speech_wpm(wpm)

    def settings_key(self) -> str:
        """Engine, accent, pace and audio shaping, for the cache key."""
        return f"{super().settings_key()}|pace={self.target_speech_wpm:.1f}|v{AUDIO_VERSION}"

    def retimed(self, factor: float) -> GttsEngine:
        """A copy speaking `factor` times as fast."""
        twin = copy.copy(self)
        twin.target_speech_wpm = self.target_speech_wpm * factor
        return twin

    def engine_text(self, sentence: str) -> str:
        """`sentence` with lexicon words respelt (Google takes no phonemes)."""
        return self._lexicon.apply(sentence, LexiconForm.RESPELL)

    def synthesize(self, engine_text: str) -> Clip:
        """Speak one script line, in pieces Google accepts, at the pace asked for."""
        pieces = split_for_google(engine_text)
        if not pieces:
            return Clip(b"", self.sample_rate)
        parts: list[np.ndarray[Any, np.dtype[np.float32]]] = []
        gaps: list[int] = []
        for text, gap_after in pieces:
            if text not in self._answers:
                self._answers[text] = self._fetch(text)
            clip = decode_mp3(self._answers[text], self.sample_rate)
            samples = trim_silence(from_clip(clip), self.sample_rate)
            if len(samples):
                parts.append(samples)
                gaps.append(gap_after)
        if not parts:
            raise EngineError(f"Google's voice returned silence for {engine_text[:60]!r}")
        factor = self._tempo(count_words(engine_text), sum(len(p) for p in parts))
        if factor != 1.0:
            parts = [
                trim_silence(
                    from_clip(change_tempo(to_clip(p, self.sample_rate), factor)), self.sample_rate
                )
                for p in parts
            ]
        return to_clip(join_with_gaps(parts, gaps[:-1], self.sample_rate), self.sample_rate)

    def _tempo(self, words: int, frames: int) -> float:
        """The atempo factor that brings `words` spoken in `frames` samples to the target pace."""
        if words < MIN_WORDS_FOR_PACE or frames == 0:
            return 1.0
        measured = words / (frames / self.sample_rate / 60)
        factor = self.target_speech_wpm / measured
        if abs(factor - 1.0) <= PACE_TOLERANCE:
            return 1.0
        return round(min(MAX_TEMPO_CHANGE, max(1 / MAX_TEMPO_CHANGE, factor)), 3)

    def _fetch(self, text: str) -> bytes:
        """Google's MP3 for `text` (at most MAX_CHARS), retrying rate limits and failures."""
        import requests
        from gtts import gTTS, gTTSError

        delay = self._first_delay_s
        problem = "no answer"
        for attempt in range(1, self._attempts + 1):
            wait = delay
            try:
                buffer = io.BytesIO()
                gTTS(
                    text,
                    tld=self.accent,
                    lang="en",
                    lang_check=False,  # "en" is known; the check adds nothing
                    pre_processor_funcs=[],  # narration is already written for the ear
                    timeout=self._timeout_s,
                ).write_to_fp(buffer)
                data = buffer.getvalue()
                if data:
                    return data
                problem = "an empty answer"
            except gTTSError as error:
                response = error.rsp
                if response is None:
                    problem = "cannot connect"
                elif response.status_code == 200:  # answered, but with no audio in it
                    raise EngineError(
                        f"Google's voice sent no audio for {text[:60]!r}. {OFFLINE_HINT}"
                    ) from error
                else:
                    problem = f"HTTP {response.status_code} {response.reason or ''}".strip()
                    if response.status_code not in RETRY_STATUSES:
                        raise EngineError(
                            f"Google's voice refused the text ({problem}). {OFFLINE_HINT}"
                        ) from error
                    wait = max(wait, _retry_after(response.headers.get("Retry-After")))
            except requests.RequestException as error:  # a failure while reading the answer
                problem = f"connection failed: {type(error).__name__}"
            if attempt < self._attempts:
                self._sleep(wait)
                delay *= 2
        raise EngineError(
            f"Google's voice is unreachable ({problem}, {self._attempts} attempts). {OFFLINE_HINT}"
        )


def _retry_after(value: str | None) -> float:
    """Seconds asked for by a Retry-After header (seconds form only), capped; 0 if none."""
    try:
        return min(MAX_RETRY_AFTER_S, max(0.0, float(value or 0)))
    except ValueError:
        return 0.0


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"(?<=[,;:–—])\s+")


def split_for_google(text: str, limit: int = MAX_CHARS) -> list[tuple[str, int]]:
    """`text` cut into pieces of at most `limit` characters, each with the gap (ms) after it.

    Cuts fall at sentence ends first, then at commas (and ; : dashes), then
    between words; a single word longer than `limit` is cut at the limit.
    """
    text = " ".join(text.split())
    if not re.search(r"[^\W_]", text):
        return []
    pieces: list[tuple[str, int]] = []
    while len(text) > limit:
        cut, gap = _best_cut(text, limit)
        pieces.append((text[:cut].rstrip(), gap))
        text = text[cut:].lstrip()
    pieces.append((text, 0))
    return [(piece, gap) for piece, gap in pieces if re.search(r"[^\W_]", piece)]


def _best_cut(text: str, limit: int) -> tuple[int, int]:
    """Where to cut `text` (an index at most `limit`) and the gap that follows the cut."""
    window = text[: limit + 1]
    for pattern, gap in ((_SENTENCE_END, SENTENCE_GAP_MS), (_CLAUSE_END, CLAUSE_GAP_MS)):
        ends = [m.start() for m in pattern.finditer(window) if 0 < m.start() <= limit]
        if ends:
            return ends[-1], gap
    space = window.rfind(" ")
    return (space, WORD_GAP_MS) if space > 0 else (limit, WORD_GAP_MS)


def list_voices() -> list[VoiceInfo]:
    """Google's English accents; usable when gTTS is installed (the network is not checked)."""
    try:
        import gtts  # noqa: F401
    except ImportError:
        return [VoiceInfo("gtts", DEFAULT_ACCENT, "en-GB", False, False, "pip install gTTS")]
    return [
        VoiceInfo(
            "gtts",
            accent,
            language,
            offline=False,
            usable=True,
            note="online only, rate-limited" + ("; default" if accent == DEFAULT_ACCENT else ""),
        )
        for accent, language in ACCENTS.items()
    ]
