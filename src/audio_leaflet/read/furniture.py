"""Whole blocks that are a page's furniture, not its text: menus, contents lists, labels.

`read.rules` knows single lines ("Skip to main content", "Expand"); these
rules need a block's neighbours to decide, so they run on a reader's pieces
before they are gathered into sections (`read.structure`). Everything they
take out goes to the left-out ledger with its reason; nothing is dropped
silently.

- A **menu** copied with a web page: a run of five or more short lines (a
  few words, no full stop, no number), with page furniture among them or
  before any of the leaflet's prose.
- A **contents list**: a "Contents" heading (or line, or a magazine's "inside
  this issue") and the entries under it, which end in page numbers or repeat
  the leaflet's own headings, with their blurbs. The entries are the
  sections, which are spoken as chapters; the introduction lists them
  again, with their lengths.
- A **label** over the title: "Eye Department", "Information for patients".
"""

from __future__ import annotations

import collections
import itertools
import re
from collections.abc import Sequence

from audio_leaflet.model import LeftOut, LeftOutReason
from audio_leaflet.read import rules
from audio_leaflet.read.pieces import Gap, Heading, Item, Omitted, Piece, Table, Text

MIN_MENU_LINES = 5
"""Fewest short lines that make a menu: an address or a short list has fewer."""
MAX_MENU_WORDS = 7
"""Most words on one line of a menu ("Support groups in Australia and New Zealand")."""
MENU_SHARE = 0.75
"""Share of a block's lines that must be menu lines or furniture."""

CONTENTS_HEADING = re.compile(
    r"^(?:contents|table of contents"
    r"|in this (?:leaflet|guide|booklet|issue|factsheet)|inside this (?:issue|edition))$",
    re.IGNORECASE,
)
_CONTENTS_ENTRY = re.compile(r"^(?P<entry>\D.{0,100}?)(?:\s*[.·…_]{2,}\s*|\s+)(?P<page>\d{1,3})$")
_CONTENTS_ENTRY_PAGE_FIRST = re.compile(r"^(?P<page>\d{1,3})\s+(?P<entry>[^\W\d].{0,100})$")
_CONTENTS_CELL = re.compile(r"\d{1,3}(?:\.\d{1,2})?|section|page|chapter|part", re.IGNORECASE)
_LABEL = re.compile(
    r"^(?:(?:[A-Z][\w&'’-]*\s+){1,5}(?:Department|Directorate)"
    r"|patient information(?: leaflet)?"
    r"|information (?:for|about) (?:patients|parents|carers|relatives|visitors)"
    r"(?: and (?:carers|relatives|visitors|families))?"
    # A site's section word over a page's title ("Medicines" over "Baclofen for muscle spasm").
    r"|medicines|conditions|health a ?- ?z|services|news|publications|resources"
    r"|(?:patient )?leaflets|treatments"
    r"|patients(?:,| (?:&|and)) visitors(?:,? (?:&|and) the public)?)$",
    re.IGNORECASE,
)


def is_label(line: str) -> bool:
    """Whether a line is a label over a title: a department, an audience, a site's section."""
    return bool(_LABEL.match(rules.clean_text(line)))


def without_furniture(pieces: Sequence[Piece], left_out: list[LeftOut]) -> list[Piece]:
    """`pieces` without menus, contents lists and labels; what was taken is in `left_out`."""
    headings = {rules.clean_text(p.text).casefold() for p in pieces if isinstance(p, Heading)}
    kept: list[Piece] = []
    prose_seen = False
    in_contents = False
    for index, piece in enumerate(pieces):
        if isinstance(piece, Heading):
            text = rules.clean_text(piece.text)
            if CONTENTS_HEADING.match(text) and _entries_follow(pieces, index, headings):
                left_out.append(LeftOut(piece.text, LeftOutReason.CONTENTS))
                in_contents = True
                continue
            in_contents = False
            if not prose_seen and _LABEL.match(text) and _another_heading_follows(pieces, index):
                left_out.append(LeftOut(piece.text, LeftOutReason.LABEL))
                continue
            kept.append(piece)
            continue
        if isinstance(piece, Gap | Table | Omitted):
            kept.append(piece)
            continue
        lines = [piece.text] if isinstance(piece, Item) else list(piece.lines)
        if in_contents and _is_contents(lines, headings):
            left_out += [LeftOut(line.strip(), LeftOutReason.CONTENTS) for line in lines]
            continue
        if in_contents and isinstance(piece, Text) and (count := _contents_prefix(lines, headings)):
            # The entries, then the text that follows them with no blank line between.
            left_out += [LeftOut(line.strip(), LeftOutReason.CONTENTS) for line in lines[:count]]
            if count == len(lines):
                continue
            piece, lines = Text(tuple(lines[count:])), lines[count:]
        in_contents = False
        if isinstance(piece, Text):
            if (
                lines
                and CONTENTS_HEADING.match(rules.clean_text(lines[0]))
                and _is_contents(lines[1:], headings)
            ):
                left_out += [LeftOut(line.strip(), LeftOutReason.CONTENTS) for line in lines]
                continue
            if is_menu(lines, prose_seen):
                start, end = _menu_span(lines)
                left_out += [LeftOut(line.strip(), menu_reason(line)) for line in lines[start:end]]
                # A line around the menu that is neither an item nor furniture is text: a
                # magazine's masthead over its cover's lines.
                kept += [Text(tuple(part)) for part in (lines[:start], lines[end:]) if part]
                continue
            if len(lines) == 1 and not prose_seen and _LABEL.match(rules.clean_text(lines[0])):
                left_out.append(LeftOut(lines[0].strip(), LeftOutReason.LABEL))
                continue
            prose_seen = prose_seen or any(rules.ends_sentence(line) for line in lines)
        kept.append(piece)
    return kept


def _menu_line(line: str) -> bool:
    text = rules.clean_text(line)
    words = text.split()
    return (
        0 < len(words) <= MAX_MENU_WORDS
        and not re.search(r"[.!?:;,]$", text)
        and not any(ch.isdigit() for ch in text)
        and rules.parse_contact(text) is None
    )


def is_menu(lines: Sequence[str], prose_seen: bool) -> bool:
    """Whether a block of lines is a menu copied with a web page."""
    furniture = [rules.leftover_reason(line) is not None for line in lines]
    short = [_menu_line(line) for line in lines]
    if sum(short) < MIN_MENU_LINES:
        return False
    if rules.clean_text(lines[0]).endswith(":"):
        return False  # "Symptoms include:" and its points
    share = sum(a or b for a, b in zip(furniture, short, strict=True)) / len(lines)
    return share >= MENU_SHARE and (any(furniture) or not prose_seen)


def _menu_span(lines: Sequence[str]) -> tuple[int, int]:
    """The first and past-the-last lines of a menu's block that are its items or furniture."""
    inside = [i for i, line in enumerate(lines) if _menu_line(line) or rules.leftover_reason(line)]
    return inside[0], inside[-1] + 1


def menu_reason(line: str) -> LeftOutReason:
    """Why a line of a menu is left out: its own furniture reason, else being in a menu."""
    return rules.leftover_reason(line) or LeftOutReason.MENU


def _is_contents(lines: Sequence[str], headings: set[str]) -> bool:
    """Whether lines are the entries of a contents list (page numbers, or later headings)."""
    entries = [rules.clean_text(line) for line in lines if rules.clean_text(line)]
    if not entries:
        return False
    found = sum(_is_entry(entry, headings) for entry in entries)
    return found / len(entries) >= 0.6


def _is_entry(text: str, headings: set[str]) -> bool:
    """Whether a line is a contents entry: with its page number, or naming a heading."""
    match = _CONTENTS_ENTRY.match(text) or _CONTENTS_ENTRY_PAGE_FIRST.match(text)
    named = (match["entry"] if match else text).strip(" .").casefold()
    # A contents table flattened one cell a line: page and section numbers, column headers.
    return bool(match or named in headings or _CONTENTS_CELL.fullmatch(text))


MIN_LISTED_ENTRIES = 3
"""Fewest entries that make the start of a text a contents list by their rhythm."""
MAX_BLURB_LINES = 2
"""Most lines of an entry's blurb ("Meet Jake, Jana, and Megan") between two entries."""
MAX_BLURB_WORDS = 12


def _contents_prefix(lines: Sequence[str], headings: set[str]) -> int:
    """How many lines from the first are a contents list, when its text follows with no
    blank line between: a magazine's "inside this issue" over entries with page numbers,
    each with a line or two of blurb.

    The list keeps its rhythm: it ends after its last entry and as many blurb
    lines as most entries have, where the magazine's own text begins.
    """
    texts = [rules.clean_text(line) for line in lines]
    entries = [i for i, text in enumerate(texts) if _is_entry(text, headings)]
    if not entries or entries[0] > MAX_BLURB_LINES:
        return 0
    run = [entries[0]]
    for entry in entries[1:]:
        if entry - run[-1] - 1 > MAX_BLURB_LINES:
            break
        run.append(entry)
    if len(run) < MIN_LISTED_ENTRIES:
        return 0
    gaps = collections.Counter(b - a - 1 for a, b in itertools.pairwise(run))
    # On a tie, the shorter blurb: a line of text said beats a line of it lost.
    blurb = min(gap for gap, count in gaps.items() if count == max(gaps.values()))
    end = min(run[-1] + 1 + blurb, len(texts))
    blurbs = [text for i, text in enumerate(texts[:end]) if i not in run]
    if any(len(text.split()) > MAX_BLURB_WORDS for text in blurbs):
        return 0
    return end


def _entries_follow(pieces: Sequence[Piece], index: int, headings: set[str]) -> bool:
    """Whether the pieces after a "Contents" heading are its entries."""
    lines: list[str] = []
    for piece in pieces[index + 1 :]:
        if isinstance(piece, Heading | Gap | Table):
            break
        if isinstance(piece, Omitted):
            continue
        lines += [piece.text] if isinstance(piece, Item) else list(piece.lines)
    return bool(lines) and (_is_contents(lines, headings) or _contents_prefix(lines, headings) > 0)


def _another_heading_follows(pieces: Sequence[Piece], index: int) -> bool:
    """A label is taken off only when a real title comes after it."""
    return any(isinstance(p, Heading) for p in pieces[index + 1 : index + 4])
