"""Sentence splitting and breathing (narrate/sentences.py)."""

from __future__ import annotations

import pytest

from audio_leaflet.narrate.sentences import MAX_WORDS, breathe, sentences_of, split_sentences


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("One. Two. Three.", ["One.", "Two.", "Three."]),
        (
            "Some drugs, e.g. Botox, help. Others do not.",
            ["Some drugs, e.g. Botox, help.", "Others do not."],
        ),
        ("Ask i.e. Your doctor. Then rest.", ["Ask i.e. Your doctor.", "Then rest."]),
        ("See Dr. Smith today. He is kind.", ["See Dr. Smith today.", "He is kind."]),
        ("Visit St. Thomas. It is near.", ["Visit St. Thomas.", "It is near."]),
        ("Take 2.5 mg. Then wait.", ["Take 2.5 mg.", "Then wait."]),
        ("Written by J. K. Rowling. It sold well.", ["Written by J. K. Rowling.", "It sold well."]),
        ("It is called O C D. Even so.", ["It is called O C D.", "Even so."]),
        ("Really? Yes! Good.", ["Really?", "Yes!", "Good."]),
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("Pens, paper etc. are fine.", ["Pens, paper etc. are fine."]),
        ("Call no. 5 today.", ["Call no. 5 today."]),
        # From a real FAQ (tests/fixtures/real/12-dystonia-ireland-faq.txt): the voice said
        # "Yes and number" when "no." was taken for an abbreviation.
        ("Yes and no. At present it is not known.", ["Yes and no.", "At present it is not known."]),
        ("See Nos. 4 and 5. Then rest.", ["See Nos. 4 and 5.", "Then rest."]),
        ("Winter 2013, Vol. 36. Then rest.", ["Winter 2013, Vol. 36.", "Then rest."]),
        ("Ends without a stop", ["Ends without a stop"]),
        ("", []),
    ],
)
def test_split_sentences(text: str, sentences: list[str]) -> None:
    assert split_sentences(text) == sentences


def _words(count: int, word: str = "word") -> str:
    return " ".join([word] * count)


def test_breathe_splits_a_long_sentence_at_a_semicolon() -> None:
    sentence = f"{_words(24)}; {_words(24)}."
    parts = breathe(sentence)
    assert parts == [f"{_words(24)}.", f"Word {_words(23)}."]


def test_breathe_splits_at_comma_but_nearest_the_middle() -> None:
    sentence = f"{_words(8)}, but {_words(14)}, but {_words(22)}."
    parts = breathe(sentence)
    assert len(parts) == 2
    assert parts[0] == f"{_words(8)}, but {_words(14)}."
    assert parts[1].startswith("But ")


def test_breathe_keeps_not_x_but_y_whole() -> None:
    sentence = f"It is not {_words(22)}, but {_words(22)}."
    assert breathe(sentence) == [sentence]


def test_breathe_leaves_short_sentences_and_those_without_a_place_to_cut() -> None:
    short = "A short sentence; with a semicolon."
    assert breathe(short) == [short]
    long_without_cut = _words(MAX_WORDS + 10) + "."
    assert breathe(long_without_cut) == [long_without_cut]


def test_breathe_never_leaves_a_tiny_fragment() -> None:
    sentence = f"Yes; {_words(50)}."
    assert breathe(sentence) == [sentence]


def test_sentences_of_ends_every_sentence_with_punctuation() -> None:
    assert sentences_of("First point\nSecond point. Third?") == [
        "First point.",
        "Second point.",
        "Third?",
    ]
