"""What a format's reader hands on: a flat list of pieces in reading order, and hints.

Each reader (text, Markdown, HTML, Word) only says what it sees; `read.structure`
turns pieces into sections once for every format.
"""

from __future__ import annotations

from dataclasses import dataclass

from audio_leaflet.model import LeftOut, LeftOutReason


@dataclass(frozen=True)
class Heading:
    """A heading as printed."""

    text: str
    """The heading's text."""
    level: int | None = None
    """1 to 6 as in HTML; 0 for a Word "Title" paragraph; None in plain text (no levels)."""
    numbered: bool = False
    """True when it was printed as a numbered point ("1. About gabapentin"): one of a run of
    numbered sections, so never the leaflet's title."""


@dataclass(frozen=True)
class Text:
    """A run of text, one entry per printed line (a paragraph, or prose with contact lines)."""

    lines: tuple[str, ...]
    """The printed lines; contact lines among them become Contact blocks."""


@dataclass(frozen=True)
class Item:
    """One bulleted or numbered point."""

    text: str
    """The point's text without its bullet or number."""
    ordered: bool = False
    """True when the point was numbered."""
    group: int = 0
    """Points of one list share a group; a new group starts a new list."""


@dataclass(frozen=True)
class Gap:
    """A wider gap than usual (two or more blank lines, a rule): a hint that small print follows."""


@dataclass(frozen=True)
class Table:
    """A table of cells, read so that each cell keeps its meaning (`read.structure`).

    A table of what makes symptoms worse beside what eases them is read row
    by row, each cell with its column's header ("Makes it worse: stress.
    Eases it: rest."), never cell after cell.
    """

    rows: tuple[tuple[str, ...], ...]
    """The rows as printed, each a tuple of cell texts ("" for an empty cell)."""
    header_row: bool = False
    """True when the first row holds the columns' headers."""
    header_column: bool = False
    """True when the first cell of each row names that row."""
    caption: str = ""
    """The table's caption or title as printed; "" when it has none."""


@dataclass(frozen=True)
class Omitted:
    """A line the reader saw and leaves out, with why: listed in left-out.txt in its place."""

    text: str
    """The line (or the struck-out words) as printed."""
    reason: LeftOutReason
    """Why it is not spoken."""


Piece = Heading | Text | Item | Gap | Table | Omitted


@dataclass(frozen=True)
class Hints:
    """What a format knows besides its text (an HTML <title>, a site name)."""

    title: str | None = None
    """A title from the file's own metadata."""
    organisation: str | None = None
    """An organisation from the file's own metadata."""
    left_out: tuple[LeftOut, ...] = ()
    """What the format's reader left out (a web page's menus, scripts), in source order."""
