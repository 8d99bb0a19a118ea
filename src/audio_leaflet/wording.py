"""How audio-leaflet says a count to people, on the command line, in the studio and in
reports alike ("1 sentence", "3 sentences")."""

from __future__ import annotations


def counted(number: int, unit: str) -> str:
    """ "1 sentence", "3 sentences", "1 more difference": a count with its unit spelt right
    (units whose plural is not "+s" are not used)."""
    return f"{number} {unit if number == 1 else unit + 's'}"
