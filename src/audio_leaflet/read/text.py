"""Plain-text leaflets: headings are short stand-alone lines, bullets and numbers mark lists.

The text has already been decoded (see `read.source`). This module only
splits it into blank-line separated blocks and says what each line is; the
shared rules live in `read.rules` and `read.structure`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audio_leaflet.read import rules
from audio_leaflet.read.structure import Gap, Heading, Item, Piece, Text

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
WIDE_GAP_BLANK_LINES = 2
"""Blank lines that make a wider gap than a paragraph break (a hint that small print follows)."""


@dataclass(frozen=True)
class _Block:
    lines: tuple[str, ...]
    blank_lines_before: int


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines: list[str] = []
    blanks = blanks_before = 0
    for line in text.splitlines():
        if line.strip().strip(_INVISIBLE):
            if not lines:
                blanks_before = blanks
            lines.append(line.rstrip())
            blanks = 0
            continue
        if lines:
            blocks.append(_Block(tuple(lines), blanks_before))
            lines = []
        blanks += 1
    if lines:
        blocks.append(_Block(tuple(lines), blanks_before))
    return blocks


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_list_line(line: str) -> bool:
    return rules.list_item(line) is not None


def _heading_on_first_line(lines: tuple[str, ...]) -> bool:
    """Whether a block starts with a heading line followed at once by its text.

    Pasted leaflets often lose the blank line after a heading. The first line
    is a heading when it reads as one and the next line is a list point or
    clearly longer prose starting with a capital; an address ("Kestrel House",
    "4 Mill Lane") or prose wrapped mid-sentence does not qualify.
    """
    first, second = lines[0], lines[1]
    if _is_list_line(first) or not rules.looks_like_heading(first):
        return False
    if _is_list_line(second) or rules.parse_contact(rules.clean_text(second)):
        return True  # "Contact our helpline" over "Helpline: 0330 123 4567"
    text = rules.clean_text(second)
    return text[:1].isupper() and len(text) >= 1.5 * len(rules.clean_text(first))


def _numbered_heading(block: _Block, before: _Block | None, after: _Block | None) -> str | None:
    """The heading text of a lone numbered line between paragraphs ("1. What is dystonia?")."""
    item = rules.list_item(block.lines[0])
    if item is None or not item[1]:
        return None
    if (before and _is_list_line(before.lines[-1])) or (after and _is_list_line(after.lines[0])):
        return None
    return item[0] if rules.looks_like_heading(item[0]) else None


def _title_block(block: _Block) -> bool:
    """Whether the first block is a title and a subtitle on short lines of their own.

    The subtitle may carry a date or an issue number ("Autumn 2011 · Issue 37").
    """
    title, *rest = block.lines
    return (
        1 <= len(rest) <= 2
        and rules.looks_like_heading(title)
        and not any(c.isdigit() for c in title)
        and all(rules.looks_like_heading(line) or _dated_line(line) for line in rest)
    )


def _dated_line(line: str) -> bool:
    """A short line that gives a season or month and a year (a newsletter's issue line)."""
    text = rules.clean_text(line)
    return len(text.split()) <= 8 and bool(
        re.search(
            r"\b(?:spring|summer|autumn|winter|january|february|march|april|may|june|july|"
            r"august|september|october|november|december)\b.*\b(?:19|20)\d\d\b",
            text,
            re.IGNORECASE,
        )
    )


def _split_heading(
    block: _Block, *, is_first: bool, before: _Block | None, after: _Block | None
) -> tuple[str | None, tuple[str, ...]]:
    """The block's heading, if it has one, and the lines left under it.

    A heading must be followed by something: a lone short line at the very
    end is a sign-off, not a heading.
    """
    lines = block.lines
    if is_first and _title_block(block):
        return rules.clean_text(lines[0]), lines[1:]
    if len(lines) == 1 and after is not None:
        if rules.looks_like_heading(lines[0]):
            return rules.clean_text(lines[0]), ()
        if (numbered := _numbered_heading(block, before, after)) is not None:
            return numbered, ()
    if len(lines) > 1 and _heading_on_first_line(lines):
        return rules.clean_text(lines[0]), lines[1:]
    return None, lines


_SUBTITLE = re.compile(r"^(?:for|a guide for|information for|advice for)\s", re.IGNORECASE)


def _subtitle(block: _Block) -> bool:
    """A line under the title that says who the leaflet is for: text, not a section."""
    return len(block.lines) == 1 and bool(_SUBTITLE.match(rules.clean_text(block.lines[0])))


class _Reader:
    """Turns blocks into pieces; list points in consecutive blocks form one list."""

    def __init__(self) -> None:
        self.pieces: list[Piece] = []
        self.group = 0
        self.in_list = False
        self.run: list[str] = []
        self.item: list[str] = []
        self.item_ordered = False
        self.item_indent = 0

    def heading(self, text: str) -> None:
        self.pieces.append(Heading(text))
        self.in_list = False

    def gap(self) -> None:
        self.pieces.append(Gap())

    def _flush_item(self) -> None:
        if self.item:
            if not self.in_list:
                self.group += 1
                self.in_list = True
            self.pieces.append(Item(" ".join(self.item), self.item_ordered, self.group))
            self.item = []

    def _flush_run(self) -> None:
        if self.run:
            self.pieces.append(Text(tuple(self.run)))
            self.run = []
            self.in_list = False

    def lines(self, lines: tuple[str, ...]) -> None:
        for line in lines:
            if (found := rules.list_item(line)) is not None:
                self._flush_run()
                self._flush_item()
                self.item = [found[0]]
                self.item_ordered, self.item_indent = found[1], _indent(line)
                continue
            text = rules.clean_text(line)
            # A wrapped point goes on indented, or in lower case.
            if self.item and (_indent(line) > self.item_indent or text[:1].islower()):
                self.item.append(text)
                continue
            self._flush_item()
            self.run.append(line)
        self._flush_item()
        self._flush_run()


def read_text(text: str) -> list[Piece]:
    """Pieces of a plain-text leaflet, in reading order."""
    blocks = _blocks(text)
    # The title block is the first one that is not web-page furniture.
    first = next(
        (i for i, b in enumerate(blocks) if not all(map(rules.is_web_leftover, b.lines))), None
    )
    reader = _Reader()
    for index, block in enumerate(blocks):
        if index and block.blank_lines_before >= WIDE_GAP_BLANK_LINES:
            reader.gap()
        if first is not None and index == first + 1 and _subtitle(block):
            reader.lines(block.lines)  # "For people with dystonia and their carers"
            continue
        heading, lines = _split_heading(
            block,
            is_first=index == first,
            before=blocks[index - 1] if index else None,
            after=blocks[index + 1] if index + 1 < len(blocks) else None,
        )
        if heading is not None:
            reader.heading(heading)
        reader.lines(lines)
    return reader.pieces
