"""Speech engines by name (docs/architecture.md, "Engines"): hibari (default), piper, espeak,
gtts.

    engine = make_engine("piper", wpm=150, lexicon=load_lexicon(project_lexicon))
    clip = engine.synthesize(engine.engine_text("Section 1 of 8. Introduction."))

An engine checks what it needs when it is built (voice files, library,
package) and raises EngineError naming the missing piece; an unknown name is a
UsageError listing the engines.
"""

from __future__ import annotations

from audio_leaflet.config import WPM_RANGE
from audio_leaflet.engines import espeak, gtts, hibari, piper
from audio_leaflet.engines.base import Engine, VoiceInfo
from audio_leaflet.errors import UsageError
from audio_leaflet.lexicon import Lexicon, load_lexicon

__all__ = ["DEFAULT_ENGINE", "ENGINES", "Engine", "VoiceInfo", "available_voices", "make_engine"]

_EngineClass = type[piper.PiperEngine | hibari.HibariEngine | espeak.EspeakEngine | gtts.GttsEngine]
ENGINES: dict[str, _EngineClass] = {
    cls.NAME: cls
    for cls in (piper.PiperEngine, hibari.HibariEngine, espeak.EspeakEngine, gtts.GttsEngine)
}
DEFAULT_ENGINE = hibari.HibariEngine.NAME
MIN_WPM, MAX_WPM = WPM_RANGE


def make_engine(
    name: str, *, voice: str | None = None, wpm: int = 150, lexicon: Lexicon | None = None
) -> Engine:
    """The engine called `name`, with `voice` (engine default if None) speaking at `wpm`.

    `wpm` is the pace heard over a chapter, pauses included. `lexicon` defaults to
    the built-in one.
    """
    cls = ENGINES.get(name.strip().lower())
    if cls is None:
        raise UsageError(f"Unknown engine '{name}'. Available: {', '.join(sorted(ENGINES))}")
    if not MIN_WPM <= wpm <= MAX_WPM:
        raise UsageError(f"--wpm must be between {MIN_WPM} and {MAX_WPM}, not {wpm}")
    return cls(voice=voice, wpm=wpm, lexicon=lexicon if lexicon is not None else load_lexicon())


def available_voices(language: str | None = "en") -> list[VoiceInfo]:
    """Every engine's voices on this machine, usable or not (with why), default voices first.

    `language` keeps voices whose language starts with it (espeak-ng has over a
    hundred languages); None lists them all.
    """
    voices = [
        *hibari.list_voices(),
        *piper.list_voices(),
        *espeak.list_voices(),
        *gtts.list_voices(),
    ]
    if language is None:
        return voices
    prefix = language.lower()
    return [v for v in voices if v.language.lower().startswith(prefix)]
