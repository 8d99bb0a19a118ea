"""The engine registry, `voices`, pace arithmetic and the clip shaping all engines share."""

from __future__ import annotations

import numpy as np
import pytest

from audio_leaflet.engines import ENGINES, available_voices, make_engine
from audio_leaflet.engines.base import (
    FADE_MS,
    LEAD_MARGIN_MS,
    TRAIL_MARGIN_MS,
    count_words,
    from_clip,
    join_with_gaps,
    pace_correction,
    speech_wpm,
    to_clip,
    trim_silence,
)
from audio_leaflet.engines.espeak import espeak_rate
from audio_leaflet.engines.piper import PACE_TABLE, length_scale_for
from audio_leaflet.errors import EngineError, UsageError

RATE = 22_050


def test_registry_names_the_three_engines() -> None:
    assert sorted(ENGINES) == ["espeak", "gtts", "hibari", "piper"]
    assert all(name == cls.NAME for name, cls in ENGINES.items())
    assert ENGINES["piper"].OFFLINE and ENGINES["espeak"].OFFLINE and ENGINES["hibari"].OFFLINE
    assert not ENGINES["gtts"].OFFLINE


def test_an_unknown_engine_is_a_usage_error_listing_the_engines() -> None:
    with pytest.raises(UsageError) as caught:
        make_engine("pipr")
    assert str(caught.value) == "Unknown engine 'pipr'. Available: espeak, gtts, hibari, piper"


@pytest.mark.parametrize("wpm", [79, 251, 0])
def test_a_pace_out_of_range_is_a_usage_error(wpm: int) -> None:
    with pytest.raises(UsageError, match="between 80 and 250"):
        make_engine("espeak", wpm=wpm)


def test_an_engine_checks_its_voice_when_built() -> None:
    with pytest.raises(EngineError, match="no voice 'xx-nowhere'"):
        make_engine("espeak", voice="xx-nowhere")
    with pytest.raises(EngineError, match="no accent"):
        make_engine("gtts", voice="fr")


def test_available_voices_lists_piper_and_espeak_as_usable_offline() -> None:
    voices = available_voices()
    piper = [v for v in voices if v.engine == "piper"]
    espeak = [v for v in voices if v.engine == "espeak"]
    gtts = [v for v in voices if v.engine == "gtts"]
    assert voices[0].engine == "hibari" and voices[0].voice_id == "hibari-heart"
    assert piper[0].usable and piper[0].offline and ".onnx" in piper[0].note
    assert "default" in voices[0].note
    assert espeak[0].voice_id == "en-gb" and espeak[0].language == "en-GB"
    assert all(v.usable and v.offline for v in espeak)
    assert {"en-gb", "en-us", "en-gb-x-rp"} <= {v.voice_id for v in espeak}
    assert gtts[0].voice_id == "co.uk" and not gtts[0].offline
    assert all(v.language.lower().startswith("en") for v in voices)
    # Every voice listed is one the engine accepts.
    for voice in espeak:
        assert make_engine("espeak", voice=voice.voice_id).voice_id == voice.voice_id


def test_available_voices_can_list_every_language() -> None:
    everything = available_voices(language=None)
    assert len(everything) > len(available_voices())
    assert "cy" in {v.voice_id for v in everything if v.engine == "espeak"}


# --------------------------------------------------------------------------
# pace
# --------------------------------------------------------------------------


def test_speech_is_a_little_quicker_than_the_speaking_rate_for_the_sentence_gaps() -> None:
    # Only the short gaps between sentences count; the structural pauses come on top.
    assert 152 < speech_wpm(150) < 158
    assert speech_wpm(120) < speech_wpm(150) < speech_wpm(180)


def test_piper_length_scale_follows_the_measured_table() -> None:
    for scale, spoken in PACE_TABLE:
        assert length_scale_for(spoken) == pytest.approx(scale, abs=0.001)
    assert 1.2 < length_scale_for(speech_wpm(150)) < 1.35
    assert length_scale_for(speech_wpm(80)) > length_scale_for(speech_wpm(250))


def test_espeak_rate_rises_with_the_pace_and_stays_in_its_range() -> None:
    assert 140 <= espeak_rate(150) <= 175
    assert espeak_rate(120) < espeak_rate(150) < espeak_rate(180)
    assert espeak_rate(80) >= 80 and espeak_rate(250) <= 450


def test_pace_correction_says_how_much_faster_to_speak() -> None:
    # 150 words at 150 wpm take a minute: 56 s of speech and 4 s of sentence gaps is right.
    assert pace_correction(150, 56_000, 4_000, 150) == pytest.approx(1.0)
    # 61.6 s of speech must fit in 56 s: 10 % faster.
    assert pace_correction(150, 61_600, 4_000, 150) == pytest.approx(1.1)
    assert pace_correction(150, 50_400, 4_000, 150) == pytest.approx(0.9)
    # Never more than 15 % faster or slower: past that a voice stops sounding natural.
    assert pace_correction(150, 80_000, 4_000, 150) == pytest.approx(1.15)
    assert pace_correction(150, 30_000, 4_000, 150) == pytest.approx(1 / 1.15)
    assert pace_correction(10, 3_000, 9_000, 150) == pytest.approx(1.15)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Section 3 of 8. Managing mental health conditions.", 8),
        ("one one six, one two three", 6),
        ("It's a self-esteem issue – really.", 5),
        ("", 0),
        ("...", 0),
    ],
)
def test_count_words(text: str, words: int) -> None:
    assert count_words(text) == words


# --------------------------------------------------------------------------
# clip shaping
# --------------------------------------------------------------------------


def _tone(ms: int, amplitude: float = 0.5) -> np.ndarray:
    t = np.arange(RATE * ms // 1000) / RATE
    return (amplitude * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def test_trim_keeps_speech_and_margins_and_fades_the_cut_edges() -> None:
    silence = np.zeros(RATE // 2, dtype=np.float32)
    noise = (1e-4 * np.random.default_rng(1).standard_normal(RATE // 2)).astype(np.float32)
    samples = np.concatenate([silence, _tone(300), noise])
    trimmed = trim_silence(samples, RATE)
    expected_ms = 300 + LEAD_MARGIN_MS + TRAIL_MARGIN_MS
    assert abs(len(trimmed) * 1000 / RATE - expected_ms) <= 12
    # Edges start and end at zero (no click); the tone inside is untouched.
    assert trimmed[0] == 0.0 and trimmed[-1] == 0.0
    fade = RATE * FADE_MS // 1000
    assert np.max(np.abs(trimmed[:fade])) < 0.5
    assert np.max(np.abs(trimmed)) == pytest.approx(0.5, abs=1e-3)


def test_trim_of_silence_is_empty() -> None:
    assert len(trim_silence(np.zeros(RATE, dtype=np.float32), RATE)) == 0
    assert len(trim_silence(np.zeros(10, dtype=np.float32), RATE)) == 0


def test_join_puts_the_gaps_between_parts() -> None:
    joined = join_with_gaps([_tone(100), _tone(200)], [400], RATE)
    assert len(joined) == RATE * 700 // 1000
    assert not np.any(joined[RATE * 100 // 1000 : RATE * 500 // 1000])


def test_clip_round_trip_keeps_samples() -> None:
    samples = _tone(50)
    clip = to_clip(samples, RATE)
    assert clip.sample_rate == RATE and clip.frames == len(samples)
    assert np.allclose(from_clip(clip), samples, atol=1 / 16_000)
