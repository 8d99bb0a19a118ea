"""Lengths and dates in words, for the introduction's placeholders (model.py).

The introduction is spoken last (docs/narration.md): the pipeline measures every
other chapter, then fills "{total length}", "{length of section n}" and
"{recording date}" with these words. Lengths are rounded the way a person would
say them, so that a few seconds' difference between builds says the same thing.
"""

from __future__ import annotations

import datetime as dt

from audio_leaflet.narrate.numbers import cardinal
from audio_leaflet.narrate.rules import date_words

_MINUTE = 60
_HOUR = 60 * _MINUTE


def _minutes(count: int) -> str:
    return "one minute" if count == 1 else f"{cardinal(count)} minutes"


def describe_length(ms: int) -> str:
    """A duration as said aloud: 250_000 -> "about four minutes".

    Under 45 s it is given to the nearest ten seconds, up to an hour to the
    nearest minute, beyond that to the nearest five minutes.
    """
    seconds = round(max(ms, 0) / 1000)
    if seconds < 10:
        return "a few seconds"
    if seconds < 45:
        return f"about {cardinal(round(seconds / 10) * 10)} seconds"
    if seconds < 90:
        return "about a minute"
    if seconds < _HOUR - 30:
        return f"about {_minutes(round(seconds / _MINUTE))}"
    hours, minutes = divmod(round(seconds / (5 * _MINUTE)) * 5, 60)
    said = "an hour" if hours == 1 else f"{cardinal(hours)} hours"
    return f"about {said}" + (f" and {_minutes(minutes)}" if minutes else "")


def describe_date(date: dt.date) -> str:
    """A date as said aloud: 2026-11-25 -> "the twenty-fifth of November twenty twenty-six"."""
    return date_words(date.day, date.month, date.year)
