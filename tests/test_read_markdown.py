"""Markdown reader (read/markdown.py)."""

from __future__ import annotations

import pytest

from audio_leaflet.read.markdown import read_markdown
from audio_leaflet.read.structure import Gap, Heading, Item, Piece, Table, Text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# Title\n\n## Part\n\nBody.",
            [Heading("Title", 1), Heading("Part", 2), Text(("Body.",))],
        ),
        (
            "Title\n=====\n\nBody *with* **emphasis**.",
            [Heading("Title", 1), Text(("Body with emphasis.",))],
        ),
        (
            "- a\n- b\n\n1. c\n2. d",
            [Item("a", False, 1), Item("b", False, 1), Item("c", True, 2), Item("d", True, 2)],
        ),
        # Nested points follow their parent, in the same list.
        ("- a\n  - a1\n- b", [Item("a", False, 1), Item("a1", False, 1), Item("b", False, 1)]),
        # A loose list point with two paragraphs is one point.
        (
            "- one\n\n  more of one\n\n- two",
            [Item("one more of one", False, 1), Item("two", False, 1)],
        ),
        # Line breaks inside a paragraph keep contact lines on their own line.
        ("Contact Mind:\nMind: 0300 123 3393", [Text(("Contact Mind:", "Mind: 0300 123 3393"))]),
        ("[A link](https://example.org) and `code`.", [Text(("A link and code.",))]),
        (
            "| Day | Time |\n|---|---|\n| Monday | 10am |",
            [Table((("Day", "Time"), ("Monday", "10am")), header_row=True)],
        ),
        ("One.\n\n---\n\nTwo.", [Text(("One.",)), Gap(), Text(("Two.",))]),
    ],
)
def test_read_markdown(text: str, expected: list[Piece]) -> None:
    assert read_markdown(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Before.\n\n<script>\nalert(1)\n</script>\n\nAfter.",
        "Before. <script>alert(1)</script>After.",
        "Before.\n\n<div><script>alert(1)</script><style>p{}</style></div>\n\nAfter.",
        "Before. <style>p { color: red }</style>After.",
    ],
)
def test_raw_html_scripts_and_styles_are_dropped(text: str) -> None:
    pieces = read_markdown(text)
    said = " ".join(line for piece in pieces if isinstance(piece, Text) for line in piece.lines)
    assert "alert" not in said and "color" not in said
    assert "Before." in said and "After." in said


def test_raw_html_blocks_keep_their_text() -> None:
    pieces = read_markdown(
        "<div class='note'><p>Important: <b>keep</b> this.</p><ul><li>x</li></ul></div>"
    )
    assert pieces == [Text(("Important: keep this.",)), Item("x", False, 1)]
