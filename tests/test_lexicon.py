"""The pronunciation lexicon: file format, matching, the forms each engine takes."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.errors import UsageError
from audio_leaflet.lexicon import (
    BUILTIN_NAME,
    Lexicon,
    LexiconForm,
    adapt_ipa,
    ipa_to_espeak,
    load_lexicon,
    normalise_ipa,
    parse_lexicon,
)

SMALL = """
[words.torticollis]
say = "tor-tih-KOLL-iss"
ipa = "ˌtɔːtɪˈkɒlɪs"

[words."spasmodic dysphonia"]
say = "spaz-MOD-ik dis-FOH-nee-uh"

[words]
tardive = "TAR-div"
"""


@pytest.fixture
def small() -> Lexicon:
    return parse_lexicon(SMALL, "small.toml")


# --------------------------------------------------------------------------
# built-in entries
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "dystonia",
        "dystonic",
        "dyskinesia",
        "blepharospasm",
        "torticollis",
        "botulinum",
        "anxiolytics",
        "myoclonus",
        "Botox",
        "trihexyphenidyl",
        "clonazepam",
        "tetrabenazine",
        "psychoses",
    ],
)
def test_builtin_lexicon_has_the_words_leaflets_on_dystonia_use(word: str) -> None:
    entry = load_lexicon().get(word)
    assert entry is not None
    assert entry.say and entry.ipa
    assert entry.source == BUILTIN_NAME


def test_every_builtin_ipa_has_espeak_phonemes() -> None:
    for entry in load_lexicon().entries.values():
        assert entry.ipa is not None
        assert ipa_to_espeak(entry.ipa), entry.word


# --------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Torticollis is common.", "tor-tih-KOLL-iss is common."),
        ("TORTICOLLIS", "tor-tih-KOLL-iss"),
        ("torticollis's effects", "tor-tih-KOLL-iss's effects"),
        ("‘torticollis’", "‘tor-tih-KOLL-iss’"),
        ("torticollis-like", "tor-tih-KOLL-iss-like"),
        ("tardive dystonia", "TAR-div dystonia"),
        ("two tardives", "two TAR-divs"),
        # Whole words only.
        ("torticollisation", "torticollisation"),
        ("pretardive", "pretardive"),
        # A phrase entry, across any whitespace, wins over shorter ones.
        ("spasmodic\n dysphonia", "spaz-MOD-ik dis-FOH-nee-uh"),
        ("spasmodic movements", "spasmodic movements"),
    ],
)
def test_respelling_replaces_whole_words_in_any_case(
    small: Lexicon, text: str, expected: str
) -> None:
    assert small.apply(text, "respell") == expected


def test_ipa_form_gives_piper_phoneme_blocks_with_plural_endings(small: Lexicon) -> None:
    assert small.apply("torticollis", LexiconForm.IPA) == "[[ tˌɔːtɪkˈɒlɪs ]]"
    # /ɪz/ after a sibilant; an entry without IPA falls back to its respelling.
    assert small.apply("torticollis's", LexiconForm.IPA) == "[[ tˌɔːtɪkˈɒlɪsɪz ]]"
    assert small.apply("tardive", LexiconForm.IPA) == "TAR-div"
    botox = load_lexicon().apply("Botox", LexiconForm.IPA, dialect="en-gb")
    assert botox == "[[ bˈəʊtɒks ]]"


def test_ipa_is_adapted_to_an_american_voice() -> None:
    # The lexicon is British; en_US-joe-medium was trained on American espeak-ng output.
    assert adapt_ipa("ˈbəʊtɒks", "en-us") == "ˈboʊtɑːks"
    assert adapt_ipa("ˈbəʊtɒks", "en-gb") == "ˈbəʊtɒks"
    assert adapt_ipa("ˈbroʊ", "en-gb") == "ˈbɹəʊ"


def test_ipa_with_symbols_the_voice_lacks_falls_back_to_the_respelling(small: Lexicon) -> None:
    assert small.apply("torticollis", "ipa", ipa_symbols=set("tɪkɒls")) == "tor-tih-KOLL-iss"


def test_espeak_form_gives_espeak_mnemonics(small: Lexicon) -> None:
    assert small.apply("torticollis.", LexiconForm.ESPEAK) == "[[t,O:tIk'0lIs]]."


def test_espeak_form_falls_back_to_the_respelling_in_lower_case(small: Lexicon) -> None:
    # espeak-ng spells "TAR" out as the letters T, A, R.
    assert small.apply("Tardive dystonia", LexiconForm.ESPEAK) == "tar-div dystonia"
    assert small.apply("two tardives", LexiconForm.ESPEAK) == "two tar-divs"
    assert small.apply("tardive", LexiconForm.RESPELL) == "TAR-div"


def test_entries_in_lists_each_entry_once_in_order_of_use(small: Lexicon) -> None:
    found = small.entries_in(
        "Tardive torticollis; torticollis's and TARDIVES. Spasmodic dysphonia."
    )
    assert [entry.word for entry in found] == ["tardive", "torticollis", "spasmodic dysphonia"]
    assert small.entries_in("Nothing to see.") == ()


def test_entries_in_changes_when_an_entry_that_applies_changes(small: Lexicon) -> None:
    edited = parse_lexicon(SMALL.replace("TAR-div", "TAR-dive"), "small.toml")
    sentence = "Tardive dyskinesia."
    assert small.entries_in(sentence) != edited.entries_in(sentence)
    assert small.entries_in("Torticollis.") == edited.entries_in("Torticollis.")


def test_an_empty_lexicon_changes_nothing() -> None:
    assert Lexicon().apply("Torticollis.", "ipa") == "Torticollis."
    assert Lexicon().entries_in("Torticollis.") == ()
    assert Lexicon().get("torticollis") is None


@pytest.mark.parametrize(
    ("sentence", "piper_text"),
    [
        ("Go to A and E.", "Go to [[ ˈeɪ ]] and E."),
        ("A and E is open.", "[[ ˈeɪ ]] and E is open."),
        ("Vitamin A is fine.", "Vitamin [[ ˈeɪ ]] is fine."),
        ("Hepatitis A or B.", "Hepatitis [[ ˈeɪ ]] or B."),
        ("Grade A.", "Grade [[ ˈeɪ ]]."),
        ("S W one A, two A A.", "S W one [[ ˈeɪ ]], two [[ ˈeɪ ]] [[ ˈeɪ ]]."),
        ("From A to Z.", "From [[ ˈeɪ ]] to Z."),
        # the article stays the article, in a sentence and in a title-case heading
        ("A nurse will call you.", "A nurse will call you."),
        ("What To Do In A Crisis", "What To Do In A Crisis"),
        ("A and the other one.", "A and the other one."),
        ("Ask for a leaflet.", "Ask for a leaflet."),
    ],
)
def test_a_spelt_letter_a_is_said_as_the_letter_not_the_article(
    sentence: str, piper_text: str
) -> None:
    assert Lexicon().apply(sentence, LexiconForm.IPA) == piper_text
    espeak_text = piper_text.replace("[[ ˈeɪ ]]", "[['eI]]")
    assert Lexicon().apply(sentence, LexiconForm.ESPEAK) == espeak_text
    # Google reads letters well and takes no phonemes: its text is left alone.
    assert Lexicon().apply(sentence, LexiconForm.RESPELL) == sentence


# --------------------------------------------------------------------------
# IPA clean-up
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("dɪˈstoʊniə", "dɪstˈoʊniə"),
        ("/dɪˈstoʊ.ni.ə/", "dɪstˈoʊniə"),
        ("ˌblɛfəroʊˈspæzəm", "blˌɛfəroʊspˈæzəm"),
        ("ˈtʃ͡ɪp", "tʃˈɪp"),
        ("spæzˈmɒdɪk  dɪsˈfoʊniə", "spæzmˈɒdɪk dɪsfˈoʊniə"),
    ],
)
def test_stress_marks_move_before_the_vowel_as_espeak_writes_them(
    written: str, normalised: str
) -> None:
    assert normalise_ipa(written) == normalised


def test_ipa_with_no_espeak_equivalent_gives_none() -> None:
    assert ipa_to_espeak("ʘa") is None


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------


def test_a_project_lexicon_adds_and_overrides_builtin_words(tmp_path: Path) -> None:
    project = tmp_path / "words.toml"
    project.write_text(
        '[words.dystonia]\nsay = "diss-TONE-ya"\n\n[words]\nSegawa = "seh-GAH-wuh"\n',
        encoding="utf-8",
    )
    lexicon = load_lexicon(project)
    dystonia = lexicon.get("dystonia")
    assert dystonia is not None and dystonia.say == "diss-TONE-ya"
    assert dystonia.ipa is None and dystonia.source == str(project)
    assert lexicon.apply("Segawa", "respell") == "seh-GAH-wuh"
    assert lexicon.get("torticollis") is not None
    assert len(lexicon) == len(load_lexicon()) + 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[words.dystonia\nsay = "x"', "is not valid TOML"),
        ('[word.dystonia]\nsay = "x"', "unknown table 'word'"),
        ('[words.dystonia]\nsai = "x"', "unknown key 'sai'"),
        ("[words.dystonia]\nnote = 'only a note'", "give say"),
        ('[words.dystonia]\nipa = "d1stonia"', "'1'"),
        ('[words.dystonia]\nipa = "ˈ"', "no vowel"),
        ('[words.dystonia]\nsay = "[[dIst]]"', "put phonemes in ipa"),
        ('[words."a/b"]\nsay = "x"', "must be letters"),
        ("[words]\ndystonia = 3", "give say"),
    ],
)
def test_a_bad_lexicon_file_is_a_usage_error_naming_it(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "my-words.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError) as caught:
        load_lexicon(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_missing_lexicon_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not found"):
        load_lexicon(tmp_path / "nope.toml")
