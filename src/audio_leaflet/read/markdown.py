"""Markdown leaflets, parsed with markdown-it-py (CommonMark plus tables).

Raw HTML inside markdown goes through the HTML reader's furniture removal, so
a <script> in a .md file is dropped just as it is in a web page.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from audio_leaflet.read.structure import Gap, Heading, Item, Piece, Table, Text
from audio_leaflet.read.web import html_fragment_pieces

_OPENING_TAG = re.compile(r"^<\s*(?P<tag>script|style|template|noscript)\b", re.IGNORECASE)
_CLOSING_TAG = re.compile(r"^<\s*/\s*(?P<tag>script|style|template|noscript)\b", re.IGNORECASE)
_BREAK_TAG = re.compile(r"^<\s*br\b", re.IGNORECASE)


def _inline_lines(token: Token) -> list[str]:
    """The printed lines of an inline token: soft and hard breaks start a new line."""
    text: list[str] = []
    hidden_by: str | None = None  # inside an inline <script> or <style>
    for child in token.children or []:
        if child.type == "html_inline":
            if hidden_by is None and (opening := _OPENING_TAG.match(child.content)):
                if not child.content.rstrip().endswith("/>"):
                    hidden_by = opening["tag"].lower()
            elif hidden_by and (closing := _CLOSING_TAG.match(child.content)):
                if closing["tag"].lower() == hidden_by:
                    hidden_by = None
            elif hidden_by is None and _BREAK_TAG.match(child.content):
                text.append("\n")
            continue
        if hidden_by:
            continue
        if child.type in {"text", "code_inline"}:
            text.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            text.append("\n")
    return [" ".join(line.split()) for line in "".join(text).split("\n")]


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

    def read(self) -> list[Piece]:
        index = 0
        while index < len(self.tokens):
            token = self.tokens[index]
            kind = token.type
            if kind == "heading_open":
                inline = self.tokens[index + 1]
                text = " ".join(line for line in _inline_lines(inline) if line)
                self.pieces.append(Heading(text, int(token.tag[1])))
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
                lines = _inline_lines(token)
                if self.row is not None:
                    self.row.append(" ".join(line for line in lines if line))
                elif self.items:
                    self.items[-1].extend(line for line in lines if line)
                elif any(lines):
                    self.pieces.append(Text(tuple(line for line in lines if line)))
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
    """Pieces of a markdown leaflet, in reading order."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return _Reader(tokens).read()
