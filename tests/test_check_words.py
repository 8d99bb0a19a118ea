"""The listening check's normaliser and aligner: pure functions, tables of cases."""

from __future__ import annotations

import pytest

from audio_leaflet.check.align import Edit, align
from audio_leaflet.check.words import normalise, normalise_words, same_sound, sound_key


@pytest.mark.parametrize(
    ("narrated", "heard"),
    [
        # Phone numbers however the recogniser groups them
        (
            "Helpline: zero two zero, seven seven nine three, three six five zero.",
            "Helpline 0207793 -3650.",
        ),
        ("one one six, one two three", "116 -123"),
        ("one one six, one two three", "1 -16123"),
        ("zero three zero zero", "oh three oh oh"),
        ("zero three zero zero", "O3. OO."),
        ("one hundred and sixteen", "116"),
        # Numbers in words and figures
        ("twenty-four hours", "24 hours"),
        ("one in four people", "1 in 4 people"),
        ("the twenty-fifth of November", "the 25th of November"),
        ("two thousand and twenty-six", "2026"),
        ("twenty twenty-six", "2026"),
        ("nineteen ninety-nine", "1999"),
        ("a hundred people", "100 people"),
        ("two point five", "2.5"),
        ("Section 4 of 4.", "Section 4F4"),
        # A code of figures then letters, written joined (a real newsletter's "501(c)(3)")
        (
            "a non-profit, five hundred and one c, three, organization",
            "a non -profit, 501c, three, organization",
        ),
        ("Toronto, Ontario Canada M five C one B five.", "Toronto Ontario Canada M5C1B5"),
        ("leaflet E Y E zero four two", "leaflet EYE042"),
        # Amounts with decimals and a scale (a real NZ newsletter: "$2.4 million")
        ("two point four million dollars awarded", "$2 .4 million awarded"),
        ("two point four million dollars awarded", "$2.4 million awarded"),
        ("two point four five million", "2.45 million"),
        ("three million dollars", "$3 million"),
        ("one point five billion pounds", "£1.5 billion"),
        # Negations and contractions
        ("do not", "don't"),
        ("cannot", "can't"),
        ("can not", "cannot"),
        ("will not", "won't"),
        ("it is not", "it isn't"),
        # Spellings, symbols, case and punctuation
        ("behaviour", "behavior"),
        ("counselling", "counseling"),
        ("recognised", "recognized"),
        ("anaesthetic", "anesthetic"),
        ("paediatric", "pediatric"),
        ("one to two per cent", "1 to 2%"),
        ("ten percent", "10%"),
        ("Self-esteem, and... CBT!", "self esteem and cbt"),
        ("Dr Smith", "doctor smith"),
        ("it\u2019s", "it's"),
    ],
)
def test_both_sides_meet(narrated: str, heard: str) -> None:
    assert normalise(narrated) == normalise(heard)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("three six five zero", "3850"),  # a changed digit stays changed
        ("five hundred and one c", "502c"),
        ("M five C one B five", "M5C1B6"),
        ("two point four million dollars", "$2.5 million"),
        ("three million", "4 million"),
        ("seven seven nine three", "773"),  # a lost digit stays lost
        ("one one six", "1 1 6 1"),
        ("it is not known", "it is known"),
        ("do not", "do"),
        ("advise", "advice"),
        ("our", "or"),
        ("twenty-four", "twenty-five"),
    ],
)
def test_different_things_stay_different(first: str, second: str) -> None:
    assert normalise(first) != normalise(second)


def test_tokens_remember_their_source_word() -> None:
    tokens = normalise_words(["Call", "0207793", "now,", "don't", "wait"])
    texts = " ".join(t.text for t in tokens)
    assert texts == "call 0 2 0 7 7 9 3 now do not wait"
    assert {t.source for t in tokens if t.text.isdigit()} == {"0207793"}
    assert [t.origin for t in tokens if t.text in ("do", "not")] == [3, 3]


@pytest.mark.parametrize(
    ("expected", "heard", "alike"),
    [
        ("4", "for", True),
        ("2", "to", True),
        ("2", "too", True),
        ("0", "oh", True),
        ("0", "of", True),  # "two of four" heard "204"
        ("no", "know", True),
        ("chorea", "korea", True),
        ("chorea", "career", False),
        ("4", "5", False),
        ("4", "four", False),  # never compared: "four" is normalised to "4" first
        ("not", "now", False),
    ],
)
def test_sound_alike_pairs(expected: str, heard: str, alike: bool) -> None:
    assert same_sound(expected, heard) is alike


def test_sound_key_keeps_consonants() -> None:
    assert sound_key("botulinum") == "ptlnm"
    assert sound_key("bachelonum") == "pklnm"
    assert sound_key("dystonia") == sound_key("thestonya") == "tstn"


# --------------------------------------------------------------------------
# Alignment
# --------------------------------------------------------------------------


def _edits(expected: str, heard: str) -> list[tuple[str, str, str]]:
    ref, hyp = normalise(expected), normalise(heard)
    alignment = align(ref, hyp)
    return [
        (
            step.edit.value,
            " ".join(ref[step.ref_start : step.ref_end]),
            " ".join(hyp[step.hyp_start : step.hyp_end]),
        )
        for step in alignment.steps
        if step.edit is not Edit.MATCH
    ]


def test_identical_texts_have_no_errors() -> None:
    alignment = align(["a", "b", "c"], ["a", "b", "c"])
    assert alignment.errors == 0 and alignment.word_error_rate == 0.0


def test_a_changed_digit_is_one_substitution() -> None:
    assert _edits("three six five zero", "3850") == [("changed", "6", "8")]


def test_a_dropped_not_is_one_deletion() -> None:
    assert _edits("it is not your fault", "it is your fault") == [("missing", "not", "")]


def test_an_added_word_is_an_insertion() -> None:
    assert _edits("call us today", "call us right today") == [("added", "", "right")]


def test_homophones_and_compounds_cost_nothing() -> None:
    assert _edits("one in four people", "one in for people") == []
    assert _edits("inter-relationship", "interrelationship") == []
    assert _edits("antidepressants", "anti depressants") == []


def test_word_error_rate_counts_all_three_kinds() -> None:
    alignment = align(list("abcdef"), [*"abxdf", "g"])
    # c -> x, e missing, g added
    assert alignment.errors == 3
    assert alignment.word_error_rate == pytest.approx(3 / 6)


def test_nothing_heard_is_all_missing() -> None:
    alignment = align(["a", "b"], [])
    assert [s.edit for s in alignment.steps] == [Edit.MISSING, Edit.MISSING]
    assert alignment.word_error_rate == 1.0
    assert align([], ["x"]).word_error_rate == 1.0
    assert align([], []).word_error_rate == 0.0
