"""Page furniture found by block and by line, each with the reason staff read."""

from __future__ import annotations

import pytest

from audio_leaflet.model import LeftOut, LeftOutReason
from audio_leaflet.read import rules
from audio_leaflet.read.furniture import without_furniture
from audio_leaflet.read.pieces import Heading, Piece, Text

R = LeftOutReason


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Basket: 0 items", R.PAGE_FURNITURE),
        ("Log in", R.PAGE_FURNITURE),
        ("You are using an outdated browser. Please upgrade your browser.", R.PAGE_FURNITURE),
        ("PDF patient information leaflet (95kB)", R.PAGE_FURNITURE),
        ("Easy read version (PDF, 1.2 MB)", R.PAGE_FURNITURE),
        ("Facebook", R.PAGE_FURNITURE),
        ("(Fig 1)", R.FIGURE_REFERENCE),
        ("Expand", R.WEB_FURNITURE),
        ("Home > Types of dystonia > Blepharospasm", R.WEB_FURNITURE),
        ("Conditions > Dystonia > Treatment", R.BREADCRUMBS),
        ("We use cookies to make this site work better for you.", R.COOKIE_NOTICE),
        ("Click here to download our leaflet on Dystonia and sleep.", R.DOWNLOAD_LINK),
        ("ENDS", R.PAGE_FURNITURE),
        ("- ends -", R.PAGE_FURNITURE),
        # Leaflet text, never furniture.
        ("Log in to your online NHS account to see your results.", None),
        ("The basket weaving group meets on Tuesdays.", None),
        ("Share your story with us: we would love to hear from you.", None),
        ("Ends of the fingers may tingle.", None),
    ],
)
def test_line_furniture_and_its_reason(line: str, reason: LeftOutReason | None) -> None:
    assert rules.leftover_reason(line) == reason


MENU = Text(("Home", "About dystonia", "Types of dystonia", "Treatments", "Get involved", "Shop"))


@pytest.mark.parametrize(
    ("pieces", "kept", "reasons"),
    [
        # A menu before any prose.
        ([MENU, Heading("Symptoms"), Text(("Pain.",))], 2, {R.MENU}),
        # Short lines after a colon are a list, not a menu.
        (
            [Text(("Symptoms include:", "Pain", "Tremor", "Fatigue", "Low mood", "Poor sleep"))],
            1,
            set(),
        ),
        # A contents list: entries with page numbers.
        (
            [
                Heading("Contents"),
                Text(("About this guide .... 2", "Treatment .... 4", "Help .... 6")),
                Heading("Treatment"),
                Text(("Injections help.",)),
            ],
            2,
            {R.CONTENTS},
        ),
        # Entries that repeat the leaflet's headings, with no page numbers (a web page).
        (
            [
                Heading("In this leaflet"),
                Text(("What is dystonia?", "Treatment")),
                Heading("What is dystonia?"),
                Text(("A condition.",)),
                Heading("Treatment"),
                Text(("Injections.",)),
            ],
            4,
            {R.CONTENTS},
        ),
        # A department label over the title.
        ([Heading("Eye Department"), Heading("Blepharospasm"), Text(("It is.",))], 2, {R.LABEL}),
        # A title that ends in "Clinic" is a title.
        ([Heading("Botulinum toxin clinic"), Text(("It is.",))], 2, set()),
    ],
)
def test_block_furniture(pieces: list[Piece], kept: int, reasons: set[LeftOutReason]) -> None:
    left_out: list[LeftOut] = []
    assert len(without_furniture(pieces, left_out)) == kept
    assert {item.reason for item in left_out} == reasons


def test_a_magazines_contents_list_by_its_rhythm_keeps_the_text_after_it() -> None:
    entries = ("8", "The Currency Of Curiosity", "Meet Stanley", "11 Candid Kids", "Meet Jake")
    entries += ("15 The Web We Weave", "Internet connections")
    text = ("The Dialogue is the magazine of", "the foundation.")
    left_out: list[LeftOut] = []
    kept = without_furniture([Heading("inside this issue"), Text(entries + text)], left_out)
    assert kept == [Text(text)]
    assert [item.text for item in left_out] == ["inside this issue", *entries]
    # The list alone, with no text after it, leaves nothing behind.
    left_out = []
    assert without_furniture([Heading("inside this issue"), Text(entries)], left_out) == []
    assert len(left_out) == 1 + len(entries)
