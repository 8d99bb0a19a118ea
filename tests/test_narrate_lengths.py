"""Lengths and dates in words for the introduction (narrate/lengths.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from audio_leaflet.narrate.lengths import describe_date, describe_length


@pytest.mark.parametrize(
    ("ms", "words"),
    [
        (0, "a few seconds"),
        (4_000, "a few seconds"),
        (12_000, "about ten seconds"),
        (26_000, "about thirty seconds"),
        (44_000, "about forty seconds"),
        (45_000, "about a minute"),
        (89_000, "about a minute"),
        (90_000, "about two minutes"),
        (250_000, "about four minutes"),
        (59 * 60_000, "about fifty-nine minutes"),
        (3_600_000, "about an hour"),
        (3_600_000 + 11 * 60_000, "about an hour and ten minutes"),
        (2 * 3_600_000 + 4 * 60_000, "about two hours and five minutes"),
        (95 * 3_600_000, "about ninety-five hours"),
    ],
)
def test_describe_length(ms: int, words: str) -> None:
    assert describe_length(ms) == words


def test_describe_length_says_the_same_for_a_few_seconds_more() -> None:
    assert describe_length(241_000) == describe_length(245_000) == "about four minutes"


@pytest.mark.parametrize(
    ("date", "words"),
    [
        (dt.date(2026, 11, 25), "the twenty-fifth of November twenty twenty-six"),
        (dt.date(2000, 1, 1), "the first of January two thousand"),
        (dt.date(2019, 3, 22), "the twenty-second of March twenty nineteen"),
    ],
)
def test_describe_date(date: dt.date, words: str) -> None:
    assert describe_date(date) == words
