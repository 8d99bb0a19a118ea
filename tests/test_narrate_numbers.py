"""Numbers in words, British style (narrate/numbers.py)."""

from __future__ import annotations

import doctest

import pytest

from audio_leaflet.narrate import numbers
from audio_leaflet.narrate.numbers import cardinal, decimal, digits, ordinal, year


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (13, "thirteen"),
        (20, "twenty"),
        (24, "twenty-four"),
        (99, "ninety-nine"),
        (100, "one hundred"),
        (116, "one hundred and sixteen"),
        (250, "two hundred and fifty"),
        (1000, "one thousand"),
        (1005, "one thousand and five"),
        (1200, "one thousand two hundred"),
        (1500, "one thousand five hundred"),
        (21_000, "twenty-one thousand"),
        (365_250, "three hundred and sixty-five thousand two hundred and fifty"),
        (1_000_000, "one million"),
        (2_300_004, "two million three hundred thousand and four"),
        (3_000_000_000, "three billion"),
        (7_100_000_000_000, "seven trillion one hundred billion"),
        (-5, "minus five"),
    ],
)
def test_cardinal(number: int, words: str) -> None:
    assert cardinal(number) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (1, "first"),
        (2, "second"),
        (3, "third"),
        (4, "fourth"),
        (5, "fifth"),
        (8, "eighth"),
        (9, "ninth"),
        (11, "eleventh"),
        (12, "twelfth"),
        (20, "twentieth"),
        (21, "twenty-first"),
        (22, "twenty-second"),
        (25, "twenty-fifth"),
        (31, "thirty-first"),
        (100, "one hundredth"),
        (101, "one hundred and first"),
        (1000, "one thousandth"),
    ],
)
def test_ordinal(number: int, words: str) -> None:
    assert ordinal(number) == words


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (2026, "twenty twenty-six"),
        (1990, "nineteen ninety"),
        (1905, "nineteen oh five"),
        (1900, "nineteen hundred"),
        (2000, "two thousand"),
        (2005, "two thousand and five"),
        (2010, "twenty ten"),
        (1066, "ten sixty-six"),
        (999, "nine hundred and ninety-nine"),
    ],
)
def test_year(number: int, words: str) -> None:
    assert year(number) == words


@pytest.mark.parametrize(
    ("printed", "words"),
    [
        ("2.5", "two point five"),
        ("0.25", "zero point two five"),
        ("10.05", "ten point zero five"),
        ("1,500", "one thousand five hundred"),
        ("12", "twelve"),
    ],
)
def test_decimal(printed: str, words: str) -> None:
    assert decimal(printed) == words


def test_digits_always_say_zero() -> None:
    assert digits("0300") == "zero three zero zero"
    assert digits("+44 (0)20") == "four four zero two zero"


def test_docstring_examples() -> None:
    result = doctest.testmod(numbers)
    assert result.attempted > 0
    assert result.failed == 0
