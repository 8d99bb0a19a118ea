"""Markdown leaflets, parsed with markdown-it-py (CommonMark plus tables and strikethrough).

Raw HTML inside markdown goes through the HTML reader's furniture removal, so
a <script> in a .md file is dropped just as it is in a web page. Struck-out
text (`~~three~~`, `<del>`, `<s>`) is not said but listed; so is a reference
link's definition line (`[1]: https://...`), an address.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from audio_leaflet.model import LeftOutReason
from audio_leaflet.read.structure import Gap, Heading, Item, Omitted, Piece, Table, Text
from audio_leaflet.read.web import html_fragment_pieces

_OPENING_TAG = re.compile(r"^<\s*(?P<tag>script|style|template|noscript)\b", re.IGNORECASE)
_CLOSING_TAG = re.compile(r"^<\s*/\s*(?P<tag>script|style|template|noscript)\b", re.IGNORECASE)
_BREAK_TAG = re.compile(r"^<\s*br\b", re.IGNORECASE)
_STRUCK_OPEN = re.compile(r"^<\s*(?P<tag>del|s|strike)\b[^>]*>$", re.IGNORECASE)
_STRUCK_CLOSE = re.compile(r"^<\s*/\s*(?P<tag>del|s|strike)\s*>$", re.IGNORECASE)


def _inline_lines(token: Token, struck: list[str] | None = None) -> list[str]:
    """The printed lines of an inline token: soft and hard breaks start a new line.

    Struck-out text is not part of them; it is added to `struck`, one entry per run.
    """
    text: list[str] = []
    hidden_by: str | None = None  # inside an inline <script> or <style>
    striking = 0  # inside ~~...~~ or <del>, <s>, <strike>
    crossed: list[str] = []
    for child in token.children or []:
        if child.type == "html_inline":
            if hidden_by is None and (opening := _OPENING_TAG.match(child.content)):
                if not child.content.rstrip().endswith("/>"):
                    hidden_by = opening["tag"].lower()
            elif hidden_by and (closing := _CLOSING_TAG.match(child.content)):
                if closing["tag"].lower() == hidden_by:
                    hidden_by = None
            elif hidden_by is None and _STRUCK_OPEN.match(child.content.strip()):
                striking += 1
            elif hidden_by is None and striking and _STRUCK_CLOSE.match(child.content.strip()):
                striking -= 1
                if not striking:
                    _struck_run(crossed, struck)
            elif hidden_by is None and _BREAK_TAG.match(child.content):
                text.append("\n")
            continue
        if hidden_by:
            continue
        if child.type == "s_open":
            striking += 1
        elif child.type == "s_close":
            striking = max(0, striking - 1)
            if not striking:
                _struck_run(crossed, struck)
        elif striking:
            if child.type in {"text", "code_inline"}:
                crossed.append(child.content)
            elif child.type in {"softbreak", "hardbreak"}:
                crossed.append(" ")
        elif child.type in {"text", "code_inline"}:
            text.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            text.append("\n")
    _struck_run(crossed, struck)
    return [" ".join(line.split()) for line in "".join(text).split("\n")]


def _struck_run(crossed: list[str], struck: list[str] | None) -> None:
    if struck is not None and (run := " ".join("".join(crossed).split())):
        struck.append(run)
    crossed.clear()


class _Reader:
    def __init__(self, tokens: Sequence[Token]) -> None:
        self.tokens = tokens
        self.pieces: list[Piece] = []
        self.groups: Iterator[int] = itertools.count(1)
        # One entry per open list: (ordered, group); the outermost list sets both.
        self.lists: list[tuple[bool, int]] = []
        # Text of the list point being read, per open list item.
        self.items: list[list[str]] = []
        self.row: list[str] | None = None
        self.table: list[tuple[str, ...]] | None = None

    def _emit_item(self) -> None:
        if self.items and self.items[-1]:
            ordered, group = self.lists[0]
            self.pieces.append(Item(" ".join(self.items[-1]), ordered=ordered, group=group))
            self.items[-1].clear()

    def _omit_struck(self, struck: list[str]) -> None:
        self.pieces += [Omitted(run, LeftOutReason.DELETED) for run in struck]

    def read(self) -> list[Piece]:
        index = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            kind = token.type
            if kind == "heading_open":
                inline = self.tokens[index + 1]
                struck: list[str] = []
                text = " ".join(line for line in _inline_lines(inline, struck) if line)
                self.pieces.append(Heading(text, int(token.tag[1])))
                self._omit_struck(struck)
                index += 3
                continue
            if kind in {"bullet_list_open", "ordered_list_open"}:
                self._emit_item()  # a parent point is read before its sub-points
                if not self.lists:
                    self.lists.append((kind == "ordered_list_open", next(self.groups)))
                else:
                    self.lists.append(self.lists[0])
            elif kind in {"bullet_list_close", "ordered_list_close"}:
                self.lists.pop()
            elif kind == "list_item_open":
                self.items.append([])
            elif kind == "list_item_close":
                self._emit_item()
                self.items.pop()
            elif kind == "table_open":
                self.table = []
            elif kind == "table_close":
                rows = tuple(self.table or ())
                # A Markdown table always has a header row; an empty one names nothing.
                named = bool(rows) and any(rows[0])
                self.pieces.append(Table(rows if named else rows[1:], header_row=named))
                self.table = None
            elif kind == "tr_open":
                self.row = []
            elif kind == "tr_close":
                if self.row is not None and self.table is not None:
                    self.table.append(tuple(self.row))
                self.row = None
            elif kind == "inline":
                struck = []
                lines = _inline_lines(token, struck)
                if self.row is not None:
                    self.row.append(" ".join(line for line in lines if line))
                elif self.items:
                    self.items[-1].extend(line for line in lines if line)
                elif any(lines):
                    self.pieces.append(Text(tuple(line for line in lines if line)))
                self._omit_struck(struck)
            elif kind in {"fence", "code_block"}:
                lines = [" ".join(line.split()) for line in token.content.splitlines()]
                if any(lines):
                    self.pieces.append(Text(tuple(line for line in lines if line)))
            elif kind == "html_block":
                self.pieces.extend(html_fragment_pieces(token.content, self.groups))
            elif kind == "hr":
                self.pieces.append(Gap())
            index += 1
        return self.pieces


def read_markdown(text: str) -> list[Piece]:
    """Pieces of a markdown leaflet, in reading order; reference definitions listed last."""
    env: dict[str, Any] = {}
    tokens = MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(text, env)
    return _Reader(tokens).read() + _reference_definitions(text, env)


def _reference_definitions(text: str, env: dict[str, Any]) -> list[Piece]:
    """The lines that define reference links ("[nhs]: https://www.nhs.uk"): addresses,
    never printed, so listed as left out."""
    lines = text.splitlines()
    omitted: list[Piece] = []
    for reference in env.get("references", {}).values():
        start, end = reference.get("map") or (0, 0)
        omitted += [
            Omitted(line.strip(), LeftOutReason.LINK_ADDRESS)
            for line in lines[start:end]
            if line.strip()
        ]
    return omitted
