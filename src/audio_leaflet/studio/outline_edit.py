"""Correcting how a leaflet was read, line by line, in its outline (`outline.md`).

The outline is the leaflet as it was understood, written as Markdown that is
itself a leaflet (`read.outline`): the title as `#`, each section as `##`,
points as `-`, paragraphs as plain lines, and the lines left out in a
comment. Staff correct it in the studio, a line at a time: make a line the
title, a heading (and its level), a point or plain text, leave a line out,
or say a left-out line after all. The corrected outline is what the next
build reads (`pipeline.prepare`), kept as scripts edited by hand are.

Each function takes the outline's text and gives the new text; nothing here
touches a file.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass

from audio_leaflet.model import LeftOutReason
from audio_leaflet.read.outline import comment_line, left_out_in_outline, markdown_line


class Role(enum.StrEnum):
    """What a line of the outline is, as staff choose it."""

    TITLE = "title"
    HEADING = "heading"
    SUBHEADING = "subheading"
    POINT = "point"
    TEXT = "text"


ROLE_NAMES = {
    Role.TITLE: "the title",
    Role.HEADING: "a heading",
    Role.SUBHEADING: "a heading under a heading",
    Role.POINT: "a point of a list",
    Role.TEXT: "plain text",
}
"""How the studio names each role."""

_PREFIXES = {Role.TITLE: "# ", Role.HEADING: "## ", Role.SUBHEADING: "### ", Role.POINT: "- "}
_NUMBERED = re.compile(r"^\d{1,9}\. ")
_UNESCAPE = re.compile(r"\\([\\`*_\[\]<>#!|~+=.)-])")
_COMMENT_START = "<!-- Left out when the leaflet was read"


@dataclass(frozen=True)
class OutlineLine:
    """One line of the outline's body that says something."""

    index: int
    """Its line number in the outline (from 0): how a change names it."""
    role: Role
    """What it is now."""
    text: str
    """Its words, as the leaflet has them."""
    in_disclaimer: bool = False
    """Whether it is in the closing small print (after a rule)."""


@dataclass(frozen=True)
class LeftOutLine:
    """One line the outline's comment lists as left out."""

    index: int
    """Its line number in the outline (from 0)."""
    reason: str
    """Why it was left out."""
    text: str
    """Its words."""


def _role_of(line: str) -> tuple[Role, str]:
    for role, prefix in _PREFIXES.items():
        if line.startswith(prefix):
            return role, line[len(prefix) :]
    if _NUMBERED.match(line):
        return Role.POINT, _NUMBERED.sub("", line, count=1)
    return Role.TEXT, line


def _comment_span(lines: Sequence[str]) -> tuple[int, int] | None:
    """(first, last) line numbers of the left-out comment, its markers included."""
    for first, line in enumerate(lines):
        if line.startswith(_COMMENT_START):
            for last in range(first + 1, len(lines)):
                if lines[last].strip() == "-->":
                    return first, last
    return None


def body_lines(outline: str) -> list[OutlineLine]:
    """The outline's lines that say something, in order, each with its role."""
    lines = outline.splitlines()
    span = _comment_span(lines)
    found = []
    disclaimer = False
    for index, line in enumerate(lines):
        if span and span[0] <= index <= span[1]:
            continue
        if line.strip() == "---":
            disclaimer = True
            continue
        if not line.strip():
            continue
        role, escaped = _role_of(line)
        found.append(OutlineLine(index, role, _UNESCAPE.sub(r"\1", escaped), disclaimer))
    return found


def left_out_lines(outline: str) -> list[LeftOutLine]:
    """The lines the outline's comment lists as left out, with why."""
    lines = outline.splitlines()
    span = _comment_span(lines)
    if span is None:
        return []
    found = []
    for index in range(span[0] + 1, span[1]):
        parsed = left_out_in_outline(lines[index])
        if parsed is not None:
            found.append(LeftOutLine(index, parsed[0], parsed[1]))
    return found


class OutlineChangeError(ValueError):
    """A change that names no line of the outline (it changed meanwhile)."""


def _line(lines: list[str], index: int, body: bool) -> str:
    if not 0 <= index < len(lines) or not lines[index].strip():
        raise OutlineChangeError(f"line {index + 1} of the outline is not there")
    span = _comment_span(lines)
    in_comment = span is not None and span[0] < index < span[1]
    if body == in_comment:
        raise OutlineChangeError(f"line {index + 1} of the outline is not that kind of line")
    return lines[index]


def with_role(outline: str, index: int, role: Role) -> str:
    """The outline with line `index` made `role`. Made the title, it takes the place of the
    title there was, which becomes plain text."""
    lines = outline.splitlines()
    current, escaped = _role_of(_line(lines, index, body=True))
    if current is role:
        return outline
    if role is Role.TITLE:
        for number, line in enumerate(lines):
            if line.startswith(_PREFIXES[Role.TITLE]):
                lines[number] = line[len(_PREFIXES[Role.TITLE]) :]
        del lines[index]
        return _tidy([_PREFIXES[Role.TITLE] + escaped, "", *lines])
    prefix = _PREFIXES.get(role, "")
    lines[index] = prefix + escaped if prefix else markdown_line(_UNESCAPE.sub(r"\1", escaped))
    return _tidy(lines)


def _tidy(lines: list[str]) -> str:
    """The outline's text with one blank line between blocks, and one line ending."""
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines).strip("\n"))
    return text + "\n"


def left_out(outline: str, index: int) -> str:
    """The outline with line `index` left out: moved into the comment, with why."""
    lines = outline.splitlines()
    _role, escaped = _role_of(_line(lines, index, body=True))
    text = _UNESCAPE.sub(r"\1", escaped)
    del lines[index]
    entry = comment_line(LeftOutReason.BY_STAFF.value, text)
    span = _comment_span(lines)
    if span is None:
        at = 2 if lines and lines[0].startswith(_PREFIXES[Role.TITLE]) else 0
        lines[at:at] = [
            "<!-- Left out when the leaflet was read (see left-out.txt):",
            entry,
            "-->",
            "",
        ]
    else:
        lines.insert(span[1], entry)
    return _tidy(lines)


def said_again(outline: str, index: int, source_lines: Sequence[str]) -> str:
    """The outline with left-out line `index` said after all, as plain text, placed before
    the first line that follows it in the leaflet (`source_lines`, in order)."""
    lines = outline.splitlines()
    parsed = left_out_in_outline(_line(lines, index, body=False))
    assert parsed is not None
    text = parsed[1]
    del lines[index]
    span = _comment_span(lines)
    if span is not None and span[1] == span[0] + 1:  # nothing left in the comment
        del lines[span[0] : span[1] + 1]
    where = _place(text, source_lines)
    at = len(lines)
    for line in body_lines("\n".join(lines)):
        if line.role is not Role.TITLE and _place(line.text, source_lines) > where:
            at = line.index
            break
    lines[at:at] = [markdown_line(text), ""]
    return _tidy(lines)


def _place(text: str, source_lines: Sequence[str]) -> int:
    """Where `text` stands in the leaflet: the first source line holding it (or its start)."""
    wanted = " ".join(text.split()).casefold()
    for number, line in enumerate(source_lines):
        found = " ".join(line.split()).casefold()
        if found and (wanted in found or found in wanted):
            return number
    return len(source_lines)
