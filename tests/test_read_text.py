"""Plain-text reader (read/text.py): what each kind of line becomes."""

from __future__ import annotations

import pytest

from audio_leaflet.read.structure import Gap, Heading, Item, Piece, Text
from audio_leaflet.read.text import read_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A short stand-alone line followed by text is a heading.
        (
            "Intro text.\n\nTalking therapies\n\nBody.",
            [Text(("Intro text.",)), Heading("Talking therapies"), Text(("Body.",))],
        ),
        # ...but not at the very end (a sign-off) nor when it introduces a list.
        ("Body.\n\nWith best wishes", [Text(("Body.",)), Text(("With best wishes",))]),
        (
            "Some common types are:\n\n• One\n• Two",
            [Text(("Some common types are:",)), Item("One", False, 1), Item("Two", False, 1)],
        ),
        # A heading that lost its blank line.
        (
            "Talking therapies\nTalking therapies provide a regular time to talk.",
            [
                Heading("Talking therapies"),
                Text(("Talking therapies provide a regular time to talk.",)),
            ],
        ),
        # A title and subtitle on the first lines.
        (
            "Botulinum toxin\nInformation for patients\n\nBody.",
            [Heading("Botulinum toxin"), Text(("Information for patients",)), Text(("Body.",))],
        ),
        # An address is not a heading.
        (
            "Intro.\n\nKestrel House\nMill Lane\n\nBody.",
            [Text(("Intro.",)), Text(("Kestrel House", "Mill Lane")), Text(("Body.",))],
        ),
        # Bullets of every kind, numbered points, wrapped points.
        (
            "- one\n* two\n– three\n  • four\n    goes on",
            [
                Item("one", False, 1),
                Item("two", False, 1),
                Item("three", False, 1),
                Item("four goes on", False, 1),
            ],
        ),
        ("1. First\n2) Second\nwrapped", [Item("First", True, 1), Item("Second wrapped", True, 1)]),
        # Points separated by blank lines are still one list; prose between starts a new one.
        (
            "- a\n\n- b\n\nProse.\n\n- c",
            [Item("a", False, 1), Item("b", False, 1), Text(("Prose.",)), Item("c", False, 2)],
        ),
        # A lone numbered heading between paragraphs.
        (
            "Intro.\n\n1. What is dystonia?\n\nBody.",
            [Text(("Intro.",)), Heading("What is dystonia?", numbered=True), Text(("Body.",))],
        ),
        # Two or more blank lines make a wide gap.
        ("One.\n\n\nTwo.", [Text(("One.",)), Gap(), Text(("Two.",))]),
        # Contact lines stay in the text run; structure makes them contacts.
        (
            "Talk to someone:\nSamaritans: 116 123",
            [Text(("Talk to someone:", "Samaritans: 116 123"))],
        ),
    ],
)
def test_read_text(text: str, expected: list[Piece]) -> None:
    assert read_text(text) == expected


def test_windows_line_endings_and_no_break_spaces() -> None:
    assert read_text("Heading here\r\n\r\nBody.\u00a0\r\n") == [
        Heading("Heading here"),
        Text(("Body.",)),
    ]
