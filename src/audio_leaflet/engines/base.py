"""The speech engine interface (DESIGN section 6).

An engine turns one sentence of narration into a `Clip`. It applies the
pronunciation lexicon in the form it takes (respelling or phonemes) in
`engine_text`, so the narration and captions keep the real spelling while the
cache key still changes when a lexicon entry that applies changes.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from audio_leaflet.model import Clip


class Engine(ABC):
    """One speech engine with one voice at one pace."""

    NAME: ClassVar[str]
    """Registry name used by `--engine`."""
    OFFLINE: ClassVar[bool]
    """True when the engine needs no network."""

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
