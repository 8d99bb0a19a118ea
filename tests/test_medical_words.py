"""Medical words said right, and heard (issue 23): the word list and the built-in lexicon.

The list (`scripts/medical_words.toml`) and its benchmark
(`scripts/medical_words_bench.py`, Whisper base over every word with both
voices) live in scripts/; here the list is kept in step with the lexicon, and a
handful of its words are said by the default voice and heard by the listening
check's own recogniser, as a build would hear them.
"""

from __future__ import annotations

import tomllib
from collections import Counter

import pytest

from audio_leaflet.check.content import lexicon_tokens, similarity
from audio_leaflet.check.recognise import WhisperRecogniser
from audio_leaflet.check.report import Thresholds
from audio_leaflet.check.run import builtin_lexicon_words
from audio_leaflet.check.words import normalise
from audio_leaflet.engines import make_engine
from audio_leaflet.lexicon import builtin_lexicon_text, load_lexicon
from medical_words_bench import WORDS_FILE, MedicalWord, load_words

KINDS = {"condition", "drug", "procedure", "anatomy", "term", "abbreviation"}


@pytest.fixture(scope="module")
def words() -> list[MedicalWord]:
    return load_words()


def test_the_list_has_300_words_of_every_kind_each_from_a_named_source(
    words: list[MedicalWord],
) -> None:
    assert len(words) >= 300
    assert len({w.spoken for w in words}) == len(words), "a word is listed twice"
    assert set(Counter(w.kind for w in words)) == KINDS
    sources = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))["sources"]
    for word in words:
        assert word.source in sources, word.written
        assert sources[word.source]["url"] and sources[word.source]["title"]


def test_every_word_is_said_in_its_carrier_sentence(words: list[MedicalWord]) -> None:
    for word in words:
        assert word.spoken in word.sentence.lower(), (word.written, word.sentence)
    said = {w.written: w.spoken for w in words}
    assert said["DBS"] == "d b s"  # abbreviations are said as letters, as narration says them
    assert said["GPi"] == "gpi"


def test_every_word_of_the_list_is_a_lexicon_word(words: list[MedicalWord]) -> None:
    lexicon = load_lexicon()
    missing = [w.written for w in words if lexicon.get(w.spoken) is None]
    assert not missing, f"not in the built-in lexicon: {missing}"
    # ... so the listening check requires every one of them to be heard.
    critical = lexicon_tokens(builtin_lexicon_words())
    for word in words:
        assert set(normalise(word.spoken)) <= critical, word.written


def test_every_entry_for_a_listed_word_says_where_it_comes_from(
    words: list[MedicalWord],
) -> None:
    table = tomllib.loads(builtin_lexicon_text())["words"]
    by_key = {" ".join(key.lower().split()): value for key, value in table.items()}
    sources = tomllib.loads(WORDS_FILE.read_text(encoding="utf-8"))["sources"]
    for word in words:
        entry = by_key[word.spoken]
        assert isinstance(entry, dict) and entry.get("ipa"), word.written
        assert sources[word.source]["title"] in entry.get("note", ""), word.written


@pytest.mark.parametrize(
    "written",
    # Four whose pronunciation this lexicon now sets by hand, and four it pins.
    [
        *("sertraline", "carisoprodol", "valbenazine", "agomelatine"),
        *("baclofen", "gabapentin", "sternocleidomastoid", "DBS"),
    ],
)
def test_the_check_hears_the_default_voice_say_it(written: str, words: list[MedicalWord]) -> None:
    word = next(w for w in words if w.written == written)
    engine = make_engine("hibari")
    clip = engine.synthesize(engine.engine_text(word.sentence))
    heard = normalise(
        " ".join(w.text for w in WhisperRecogniser().transcribe(clip.pcm, clip.sample_rate))
    )
    threshold = Thresholds().min_lexicon_similarity
    windows = {
        "".join(heard[start:end])
        for start in range(len(heard))
        for end in range(start + 1, min(start + 3, len(heard)) + 1)
    }
    # The first listening, never told the word: as the check counts a lexicon word heard.
    for token in normalise(word.spoken):
        assert max(similarity(token, window) for window in windows) >= threshold, heard
