"""The espeak-ng engine, run for real through the library of the espeakng-loader wheel."""

from __future__ import annotations

import re
import threading

import numpy as np
import pytest

from audio_leaflet.engines import make_engine
from audio_leaflet.engines.base import count_words, from_clip
from audio_leaflet.engines.espeak import EspeakEngine
from audio_leaflet.errors import EngineError
from audio_leaflet.lexicon import Lexicon, load_lexicon, parse_lexicon
from audio_leaflet.model import Clip

SENTENCE = "The main treatments for mental health conditions are medication and talking therapies."


@pytest.fixture(scope="module")
def espeak() -> EspeakEngine:
    engine = make_engine("espeak")
    assert isinstance(engine, EspeakEngine)
    return engine


def rms_dbfs(clip: Clip) -> float:
    samples = from_clip(clip).astype(np.float64)
    return 20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12)


def test_espeak_speaks_a_sentence_in_british_english(espeak: EspeakEngine) -> None:
    assert espeak.voice_id == "en-gb"
    clip = espeak.synthesize(espeak.engine_text(SENTENCE))
    assert clip.sample_rate == 22_050 == espeak.sample_rate
    assert 3_500 < clip.duration_ms < 6_500
    assert 120 < count_words(SENTENCE) / (clip.duration_ms / 60_000) < 210
    assert rms_dbfs(clip) > -30
    samples = from_clip(clip)
    assert samples[0] == 0.0 and samples[-1] == 0.0


def test_espeak_voices_differ(espeak: EspeakEngine) -> None:
    american = make_engine("espeak", voice="en-us")
    assert american.voice_id == "en-us"
    british = espeak.synthesize(espeak.engine_text("Can't you ask after the tomato?"))
    other = american.synthesize(american.engine_text("Can't you ask after the tomato?"))
    assert british.pcm != other.pcm


def test_an_unknown_espeak_voice_is_an_engine_error() -> None:
    with pytest.raises(EngineError) as caught:
        make_engine("espeak", voice="xx-nowhere")
    assert "audio-leaflet voices" in str(caught.value)


def test_the_rate_follows_wpm(espeak: EspeakEngine) -> None:
    slow = make_engine("espeak", wpm=110)
    fast = make_engine("espeak", wpm=200)
    assert isinstance(slow, EspeakEngine) and isinstance(fast, EspeakEngine)
    assert slow.rate < espeak.rate < fast.rate
    assert slow.settings_key() != espeak.settings_key() != fast.settings_key()
    durations = [
        engine.synthesize(engine.engine_text(SENTENCE)).duration_ms
        for engine in (slow, espeak, fast)
    ]
    assert durations[0] > durations[1] * 1.2 > durations[2] * 1.2 * 1.2
    quicker = espeak.retimed(1.25)
    assert quicker.rate > espeak.rate and quicker.settings_key() != espeak.settings_key()


def test_lexicon_words_reach_espeak_as_its_own_phonemes(espeak: EspeakEngine) -> None:
    plain = make_engine("espeak", lexicon=Lexicon())
    sentence = "Botox can help torticollis."
    text = espeak.engine_text(sentence)
    assert text == "[[b'oUt0ks]] can help [[t,O:tIk'0lIs]]."
    assert plain.engine_text(sentence) == sentence
    with_lexicon = espeak.synthesize(text)
    without = plain.synthesize(sentence)
    assert with_lexicon.pcm != without.pcm
    # Phonemes are spoken, not spelt out letter by letter: about as long as the words.
    assert 0.6 < with_lexicon.duration_ms / without.duration_ms < 1.4


def test_espeak_speaks_each_line_whole_from_several_threads(espeak: EspeakEngine) -> None:
    # The library is global: without the module lock, samples of one line would
    # land in another's clip. espeak-ng varies a few samples from call to call,
    # so lengths are compared, on lines of clearly different lengths.
    lines = [" ".join(["word"] * n) + "." for n in (1, 3, 6, 10, 15, 21)]
    alone = [espeak.synthesize(espeak.engine_text(line)).frames for line in lines]
    together: dict[int, int] = {}

    def speak(index: int) -> None:
        together[index] = espeak.synthesize(espeak.engine_text(lines[index])).frames

    threads = [threading.Thread(target=speak, args=(i,)) for i in range(len(lines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for index, frames in enumerate(alone):
        assert together[index] == pytest.approx(frames, rel=0.03)


def test_espeak_and_piper_share_a_process() -> None:
    # piper-tts carries its own espeak-ng for phonemes; both must keep working.
    piper = make_engine("piper")
    espeak = make_engine("espeak")
    first = espeak.synthesize("Hello there, this is espeak.")
    assert piper.synthesize(piper.engine_text("Hello.")).frames > 0
    assert "ˈoʊ" in "".join(piper.phonemes("Hello.")[0])  # piper's phonemizer still American
    again = espeak.synthesize("Hello there, this is espeak.")
    assert again.frames == pytest.approx(first.frames, rel=0.03)


_VOWELS = "aeiouɑɒɔəɛɜɪʊʌ"


def _as_espeak_writes(ipa: str) -> str:
    """Lexicon IPA in espeak-ng en-gb's own IPA spelling: its TRAP vowel is written "a",
    its r "ɹ" before a vowel and "r" after one (the r the medical words keep for the
    American voices, which en-gb says only before a vowel), and a word of one syllable
    gets a stress mark."""
    ipa = ipa.replace("æ", "a").replace("r", "ɹ").replace("g", "ɡ")
    ipa = re.sub(rf"ɹ(?![ˈˌ]?[{_VOWELS}])", "r", ipa)
    if "ˈ" not in ipa:
        first_vowel = next(i for i, c in enumerate(ipa) if c in _VOWELS)
        ipa = ipa[:first_vowel] + "ˈ" + ipa[first_vowel:]
    return ipa


def _without_linking_r(spoken: str) -> str:
    """What espeak-ng said, without the r British speech puts between two vowels
    ("M R I" is "em ar-r-eye", "GABA-ergic" "gaba-r-ergic"): a rule of connected speech,
    not a word said wrong."""
    return re.sub(rf"(?<=[{_VOWELS}ː])ɹ(?=[ ˈˌ]*[{_VOWELS}])", "", spoken)


def test_espeak_speaks_every_builtin_lexicon_word_as_its_ipa(espeak: EspeakEngine) -> None:
    # What espeak-ng really spoke (its phoneme trace), not what we meant to send.
    # Without the lexicon it says BOT-yoo-lin-um, TOR-ti-kol-eez, BLEF-uh-ross-paz-um.
    plain = make_engine("espeak", lexicon=Lexicon())
    assert isinstance(plain, EspeakEngine)
    lexicon = load_lexicon()
    for word, entry in lexicon.entries.items():
        assert entry.ipa is not None
        spoken = espeak.spoken_ipa(espeak.engine_text(word))
        expected = _as_espeak_writes(entry.ipa)
        assert spoken == expected or _without_linking_r(spoken) == expected, word
    assert plain.spoken_ipa("botulinum") == "bˈɒtjʊlˌɪnəm"
    assert espeak.spoken_ipa(espeak.engine_text("botulinum")) == "bˌɒtjʊlˈaɪnəm"
    # in a sentence, and with a plural
    sentence = espeak.engine_text("Botulinum toxin eases torticollis's pull.")
    assert espeak.spoken_ipa(sentence).startswith("bˌɒtjʊlˈaɪnəm tˈɒksɪn")
    assert "tˌɔːtɪkˈɒlɪsɪz" in espeak.spoken_ipa(sentence)


def test_espeak_says_the_letter_a_as_a_letter_and_the_article_as_the_article(
    espeak: EspeakEngine,
) -> None:
    assert "ɐ" in espeak.spoken_ipa("Go to A and E.")
    assert "ˈeɪ and ˈiː" in espeak.spoken_ipa(espeak.engine_text("Go to A and E."))
    assert espeak.spoken_ipa(espeak.engine_text("A cup of tea.")).startswith("ɐ kˈʌp")


def test_a_respelling_reaches_espeak_as_a_word_not_letters() -> None:
    respelt = make_engine("espeak", lexicon=parse_lexicon(RESPELT, "respelt.toml"))
    assert isinstance(respelt, EspeakEngine)
    spoken = respelt.spoken_ipa(respelt.engine_text("botulinum"))
    # "LYE" in capitals used to be said as the letters L, Y, E ("ɛl waɪ iː").
    assert "lˈaɪ" in spoken and "ɛl" not in spoken and "iː" not in spoken, spoken


RESPELT = '[words]\nbotulinum = "bot-yoo-LYE-num"\n'
