"""The one structuring step shared by every format (read/structure.py)."""

from __future__ import annotations

import pytest

from audio_leaflet.errors import LeafletError
from audio_leaflet.model import BulletList, Contact, ContactKind, Document, Paragraph, SectionRole
from audio_leaflet.read.structure import (
    Gap,
    Heading,
    Hints,
    Item,
    Piece,
    Table,
    Text,
    build_document,
    join_lines,
    table_blocks,
)

DISCLAIMER = "The Trust provides this leaflet as general information only."
NOT_RESPONSIBLE = "The Trust is not responsible for decisions you make."


def build(*pieces: Piece, name: str = "leaflet.txt", hints: Hints | None = None) -> Document:
    return build_document(pieces, source_name=name, hints=hints)


def headings(*pieces: Piece, name: str = "leaflet.txt") -> list[tuple[str | None, SectionRole]]:
    return [(s.heading, s.role) for s in build(*pieces, name=name).sections]


OPENING, BODY, SMALL_PRINT = SectionRole.OPENING, SectionRole.BODY, SectionRole.DISCLAIMER


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["One line."], "One line."),
        (
            ["Prose wrapped by the page at a", "fixed width goes on here."],
            "Prose wrapped by the page at a fixed width goes on here.",
        ),
        (
            ["Kestrel House", "4 Mill Lane", "York YO1 7HH"],
            "Kestrel House, 4 Mill Lane, York YO1 7HH",
        ),
        (["Short line.", "Another short line."], "Short line. Another short line."),
        (
            ["Page last reviewed: 12 March 2024", "Next review due: 12 March 2027"],
            "Page last reviewed: 12 March 2024, Next review due: 12 March 2027",
        ),
        # A cover: the charity's name and address over a long line keep their pauses.
        (
            [
                "The Kestrel Dystonia Network",
                "Kestrel House, 4 Mill Lane, York YO1 7HH",
                "Registered charity number 1234567 (England and Wales) and SC012345",
            ],
            "The Kestrel Dystonia Network, Kestrel House, 4 Mill Lane, York YO1 7HH, "
            "Registered charity number 1234567 (England and Wales) and SC012345",
        ),
        # A short line broken mid-sentence, before a name with a capital, is prose.
        (
            ["Ring the", "Helpline on 0330 123 4567 if you are worried about anything."],
            "Ring the Helpline on 0330 123 4567 if you are worried about anything.",
        ),
        (
            ["If you have questions please ring", "Sister Patel on the ward."],
            "If you have questions please ring Sister Patel on the ward.",
        ),
    ],
)
def test_join_lines(lines: list[str], expected: str) -> None:
    assert join_lines(lines) == expected


@pytest.mark.parametrize(
    ("pieces", "name", "title", "sections"),
    [
        # The only h1 outranks the h2s: it is the title, its text the opening.
        (
            [Heading("Botox", 1), Text(("Intro.",)), Heading("What is it?", 2), Text(("Body.",))],
            "x.md",
            "Botox",
            [(None, OPENING), ("What is it?", BODY)],
        ),
        # Plain text has no levels: a leaflet that starts with a heading starts with its title.
        (
            [Heading("Dystonia"), Text(("Intro.",)), Heading("Symptoms"), Text(("Body.",))],
            "x.txt",
            "Dystonia",
            [(None, OPENING), ("Symptoms", BODY)],
        ),
        # Equal levels: the first h2 is a section like the others.
        (
            [Heading("First", 2), Text(("One.",)), Heading("Second", 2), Text(("Two.",))],
            "x.md",
            None,
            [("First", BODY), ("Second", BODY)],
        ),
        # A heading straight after it: title and subtitle.
        (
            [
                Heading("Guide", 2),
                Heading("About", 2),
                Text(("One.",)),
                Heading("Further help", 2),
                Text(("Two.",)),
            ],
            "x.md",
            "Guide",
            [("About", BODY), ("Further help", BODY)],
        ),
        # A heading that repeats the file name is the title.
        (
            [
                Heading("Sleep and dystonia", 2),
                Text(("One.",)),
                Heading("Further help", 2),
                Text(("Two.",)),
            ],
            "sleep-and-dystonia.md",
            "Sleep and dystonia",
            [(None, OPENING), ("Further help", BODY)],
        ),
        # Text before the first heading: no title from headings.
        (
            [Text(("Opening.",)), Heading("Only", 1), Text(("Body.",))],
            "x.md",
            None,
            [(None, OPENING), ("Only", BODY)],
        ),
        # A Word Title paragraph (level 0) outranks Heading 1.
        (
            [Heading("Leaflet", 0), Heading("Part", 1), Text(("Body.",))],
            "x.docx",
            "Leaflet",
            [("Part", BODY)],
        ),
    ],
)
def test_leading_title_and_sections(
    pieces: list[Piece],
    name: str,
    title: str | None,
    sections: list[tuple[str | None, SectionRole]],
) -> None:
    document = build(*pieces, name=name)
    assert document.title == title
    assert [(s.heading, s.role) for s in document.sections] == sections


def test_empty_parent_heading_is_dropped_and_its_children_kept() -> None:
    assert headings(
        Text(("Opening.",)),
        Heading("Treatment", 2),
        Heading("Medicines", 3),
        Text(("Tablets.",)),
        Heading("Surgery", 3),
        Text(("Rarely.",)),
    ) == [(None, OPENING), ("Medicines", BODY), ("Surgery", BODY)]


def test_list_points_group_into_lists() -> None:
    document = build(
        Text(("Some types are:",)),
        Item("one", group=1),
        Item("two", group=1),
        Item("first", ordered=True, group=1),
        Item("three", group=2),
        Text(("Between.",)),
        Item("four", group=2),
    )
    assert document.sections[0].blocks == (
        Paragraph("Some types are:"),
        BulletList(("one", "two")),
        BulletList(("first",), ordered=True),
        BulletList(("three",)),
        Paragraph("Between."),
        BulletList(("four",)),
    )


def test_contact_lines_split_prose_and_web_leftovers_are_dropped() -> None:
    document = build(
        Text(("Click here to download our leaflet on Sleep and dystonia.",)),
        Text(
            (
                "If you need information, you can contact Mind:",
                "Mind: 0300 123 3393 /",
                "Back to top",
            )
        ),
        Heading("Expand"),
        Item("Share"),
        Item("A real point"),
    )
    assert document.title == "Sleep and dystonia"
    assert [s.heading for s in document.sections] == [None]
    assert document.sections[0].blocks == (
        Paragraph("If you need information, you can contact Mind:"),
        Contact("Mind", "0300 123 3393", ContactKind.PHONE),
        BulletList(("A real point",)),
    )


@pytest.mark.parametrize(
    ("tail", "body_blocks", "disclaimer_blocks"),
    [
        # Trailing paragraphs that read as a disclaimer.
        ([Text((DISCLAIMER,)), Text((NOT_RESPONSIBLE,))], 2, 2),
        # A publisher's imprint right before or after a disclaimer belongs to it.
        ([Text(("© 2024 The Trust",)), Text((DISCLAIMER,))], 2, 2),
        ([Text((DISCLAIMER,)), Text(("Registered charity number 1234567",))], 2, 2),
        # After a wide gap, a short run holding a disclaimer is small print from the gap on.
        ([Gap(), Text(("Thank you for reading.",)), Text((DISCLAIMER,))], 2, 2),
        ([Gap(), Text((DISCLAIMER,)), Text(("Thank you for reading.",))], 2, 2),
        # An imprint alone is not a disclaimer: it stays in the section.
        ([Text(("© 2024 The Trust",))], 3, None),
        # A disclaimer followed by ordinary prose (without a gap) is not closing small print.
        ([Text((DISCLAIMER,)), Text(("Thank you for reading.",))], 4, None),
        # A contact after the small print: the disclaimer is not at the end.
        ([Text((DISCLAIMER,)), Text(("Mind: 0300 123 3393",))], 4, None),
    ],
)
def test_closing_disclaimer(
    tail: list[Piece], body_blocks: int, disclaimer_blocks: int | None
) -> None:
    document = build(
        Text(("Opening.",)),
        Heading("Sources of help"),
        Text(("Call us:", "Helpline: 020 7946 0123")),
        *tail,
    )
    last_body = next(s for s in document.sections if s.heading == "Sources of help")
    assert len(last_body.blocks) == body_blocks
    disclaimers = [s for s in document.sections if s.role is SMALL_PRINT]
    if disclaimer_blocks is None:
        assert disclaimers == []
    else:
        assert document.sections[-1] is disclaimers[0]
        assert disclaimers[0].heading is None
        assert len(disclaimers[0].blocks) == disclaimer_blocks


def test_a_headed_section_of_small_print_becomes_the_disclaimer_with_its_heading() -> None:
    assert headings(
        Text(("Opening.",)), Heading("Disclaimer"), Text((DISCLAIMER,)), Text((NOT_RESPONSIBLE,))
    ) == [(None, OPENING), ("Disclaimer", SMALL_PRINT)]


def test_a_leaflet_that_is_only_small_print_stays_one_section() -> None:
    assert headings(Text((DISCLAIMER,)), Text((NOT_RESPONSIBLE,))) == [(None, OPENING)]


def test_a_leaflet_without_headings_is_one_section() -> None:
    assert headings(Text(("One.",)), Text(("Two.",)), Item("a"), Text(("Three.",))) == [
        (None, OPENING)
    ]


def test_nothing_left_after_leftovers_is_an_error() -> None:
    with pytest.raises(LeafletError) as caught:
        build(Text(("Skip to main content", "Back to top")), Heading("Expand"), name="page.html")
    assert str(caught.value) == (
        "No leaflet text found in page.html: it holds no paragraphs or lists once page "
        "furniture is removed. Check that it is the right file."
    )


def test_hints_are_used_only_when_the_text_says_nothing() -> None:
    hints = Hints(title="Page title", organisation="Site name")
    plain = build(Text(("Just text.",)), hints=hints)
    assert (plain.title, plain.organisation) == ("Page title", "Site name")
    said = build(
        Heading("Real title", 1),
        Text(("Body.",)),
        Text(("© 2024 The Kestrel Trust",)),
        hints=hints,
    )
    assert (said.title, said.organisation) == ("Real title", "The Kestrel Trust")


def test_three_hundred_sections() -> None:
    pieces: list[Piece] = [Text(("Opening.",))]
    for number in range(1, 301):
        pieces += [Heading(f"Part {number}"), Text((f"Body of part {number}.",))]
    document = build(*pieces)
    assert len(document.sections) == 301
    assert document.sections[-1].heading == "Part 300"


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        # Each cell keeps its column's meaning: what worsens is never heard as what eases.
        (
            Table(
                (("Makes symptoms worse", "Eases symptoms"), ("Stress", "Rest"), ("", "Warmth")),
                header_row=True,
            ),
            [
                BulletList(
                    (
                        "Makes symptoms worse: Stress. Eases symptoms: Rest.",
                        "Eases symptoms: Warmth.",
                    )
                )
            ],
        ),
        # A row's own name is said first, bare; one row is a paragraph.
        (
            Table((("", "Morning", "Afternoon"), ("Monday", "Clinic", "")), True, True),
            [Paragraph("Monday. Morning: Clinic.")],
        ),
        # A header that asks a question is followed by its answer.
        (
            Table((("Who can have it?", "When?"), ("Adults", "Any time")), header_row=True),
            [Paragraph("Who can have it? Adults. When? Any time.")],
        ),
        # One column: a list under its header.
        (
            Table((("Things that help",), ("Rest",), ("Heat",)), header_row=True),
            [Paragraph("Things that help"), BulletList(("Rest", "Heat"))],
        ),
        # No headers: the cells in order, with a pause between them.
        (
            Table((("Kestrel House", "York"), ("Tel", "0330 123 4567"))),
            [BulletList(("Kestrel House, York", "Tel, 0330 123 4567"))],
        ),
        (Table((("", ""),), caption="Empty"), [Paragraph("Empty")]),
    ],
)
def test_a_table_is_read_so_each_cell_keeps_its_meaning(table: Table, expected: list) -> None:
    assert table_blocks(table) == expected


def test_a_table_of_what_worsens_and_what_eases_is_heard_apart() -> None:
    from audio_leaflet.narrate import narrate

    document = build(
        Heading("Triggers"),
        Text(("Some things make symptoms worse and others ease them:",)),
        Table(
            (("Makes it worse", "Eases it"), ("Stress", "Rest"), ("Cold", "Warmth")),
            header_row=True,
        ),
    )
    said = narrate(document, title="T", organisation="", slug="t").chapters[1].sentences
    assert "Makes it worse: Stress." in said and "Eases it: Rest." in said
    assert said.index("Makes it worse: Cold.") < said.index("Eases it: Warmth.")
