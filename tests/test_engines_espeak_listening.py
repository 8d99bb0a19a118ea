"""Does the lexicon make espeak-ng's medical words easier to recognise? Heard with the
listening check's own recogniser (faster-whisper tiny.en), as `check` hears them.

Measured (each built-in word in "Ask your doctor about <word> today.", heard
as the check hears it: a first listening, then a careful one): with the
lexicon 16 to 18 of 24 words heard, without it 11 to 12 (espeak-ng's samples
vary a little from run to run); Piper with the lexicon 23.
"botulinum" is spoken exactly as the lexicon's IPA says
(test_engines_espeak.py) and is still never heard from espeak-ng, with or
without the lexicon, whatever the respelling ("your item", "what you're in
them"): tiny.en does not know espeak-ng's version of the word. The listening
check therefore takes a lexicon word that espeak-ng said but the recogniser
wrote as other words as a warning, not an error (`thresholds_for`).
"""

from __future__ import annotations

import pytest

from audio_leaflet.check.content import similarity
from audio_leaflet.check.recognise import WHISPER_SAMPLE_RATE, WhisperRecogniser, pcm_16k
from audio_leaflet.check.report import Thresholds
from audio_leaflet.check.words import normalise
from audio_leaflet.engines import make_engine
from audio_leaflet.engines.base import Engine
from audio_leaflet.lexicon import Lexicon, load_lexicon

pytestmark = pytest.mark.slow

CARRIER = "Ask your doctor about {} today."


def heard_as_the_check_hears(engine: Engine, recogniser: WhisperRecogniser, word: str) -> bool:
    """Whether the check would count `word` as heard in the carrier sentence."""
    clip = engine.synthesize(engine.engine_text(CARRIER.format(word)))
    pad = b"\0\0" * (clip.sample_rate // 2)
    pcm = pcm_16k(pad + clip.pcm + pad, clip.sample_rate)
    for careful in (False, True):
        tokens = normalise(
            " ".join(
                w.text for w in recogniser.transcribe(pcm, WHISPER_SAMPLE_RATE, careful=careful)
            )
        )
        joined = [
            "".join(tokens[start:end])
            for start in range(len(tokens))
            for end in range(start + 1, min(start + 3, len(tokens)) + 1)
        ]
        if any(similarity(word, text) >= Thresholds().min_lexicon_similarity for text in joined):
            return True
    return False


def test_the_lexicon_makes_espeak_words_heard_at_least_as_well() -> None:
    recogniser = WhisperRecogniser()
    with_lexicon = make_engine("espeak")
    without = make_engine("espeak", lexicon=Lexicon())
    words = list(load_lexicon().entries)
    heard_with = {w for w in words if heard_as_the_check_hears(with_lexicon, recogniser, w)}
    heard_without = {w for w in words if heard_as_the_check_hears(without, recogniser, w)}
    print(f"with the lexicon {len(heard_with)} of {len(words)}: missed {set(words) - heard_with}")
    print(f"without {len(heard_without)}: missed {set(words) - heard_without}")
    assert len(heard_with) >= len(heard_without)
    assert len(heard_with) >= len(words) // 2
