"""A Document turned into chapters (narrate/chapters.py), on hand-built documents."""

from __future__ import annotations

import re

import pytest

from audio_leaflet.errors import NarrationError
from audio_leaflet.model import (
    RECORDED_ON_PLACEHOLDER,
    TOTAL_LENGTH_PLACEHOLDER,
    BulletList,
    Chapter,
    ChapterKind,
    Contact,
    ContactKind,
    Document,
    Narration,
    Paragraph,
    Pause,
    Section,
    SectionRole,
    Speech,
    section_length_placeholder,
)
from audio_leaflet.narrate import narrate
from audio_leaflet.narrate.chapters import PARAGRAPH_PAUSE_MS, RECAP_OPENING

CLINIC = "zero one two three four, five six seven, eight nine zero"


def _document() -> Document:
    """A small leaflet with every kind of block, written for these tests."""
    return Document(
        sections=(
            Section(
                heading=None,
                role=SectionRole.OPENING,
                blocks=(
                    Paragraph("Click here to download this leaflet."),
                    Paragraph("Botulinum toxin is a common treatment for dystonia."),
                    Paragraph("It is given as an injection."),
                ),
            ),
            Section(
                heading="What to expect",
                blocks=(
                    Paragraph("Common side effects are:"),
                    BulletList(("Weakness", "A dry mouth", "Tiredness (for 1-2 days)", "Pain")),
                    Paragraph("The effect lasts 2-3 months."),
                ),
            ),
            Section(
                heading="Before your appointment:",
                blocks=(
                    Paragraph("This is how to prepare:"),
                    BulletList(
                        ("Write down your questions.", "Bring your medicines."), ordered=True
                    ),
                    BulletList(("Arrive early.", "Bring a friend.", "Rest afterwards.")),
                ),
            ),
            Section(
                heading="Contact us",
                blocks=(
                    Paragraph("Ring the clinic on 01234 567890 if you are worried."),
                    Contact("Clinic", "01234 567890", ContactKind.PHONE),
                    Contact("Helpline", "020 7793 3650", ContactKind.PHONE),
                    Contact("", "support@dystonia.org.uk", ContactKind.EMAIL),
                    Contact("Our website", "https://www.dystonia.org.uk/", ContactKind.WEB),
                ),
            ),
            Section(
                heading=None,
                role=SectionRole.DISCLAIMER,
                blocks=(Paragraph("This is general information only."),),
            ),
        ),
        title="Botulinum toxin",
        organisation="A Clinic",
        source_name="botox.txt",
    )


@pytest.fixture
def narration() -> Narration:
    return narrate(
        _document(), title="Botulinum toxin", organisation="A Clinic", slug="botulinum-toxin"
    )


def _said(chapter: Chapter) -> list[str]:
    return list(chapter.sentences)


def test_chapters_in_order_with_titles_and_slugs(narration: Narration) -> None:
    assert [c.title for c in narration.chapters] == [
        "Introduction",
        "Overview",
        "What to expect",
        "Before your appointment",
        "Contact us",
        "About this information",
    ]
    assert [c.number for c in narration.chapters] == [1, 2, 3, 4, 5, 6]
    assert [c.slug for c in narration.chapters] == [
        "01-introduction",
        "02-overview",
        "03-what-to-expect",
        "04-before-your-appointment",
        "05-contact-us",
        "06-about-this-information",
    ]
    assert narration.chapters[0].kind is ChapterKind.INTRODUCTION
    assert {c.kind for c in narration.chapters[1:]} == {ChapterKind.SECTION}
    assert (narration.slug, narration.title, narration.organisation) == (
        "botulinum-toxin",
        "Botulinum toxin",
        "A Clinic",
    )


def test_every_chapter_opens_with_its_number_and_closes(narration: Narration) -> None:
    words = ["one", "two", "three", "four", "five", "six"]
    for chapter, word in zip(narration.chapters, words, strict=True):
        said = _said(chapter)
        assert said[0] == f"Section {word} of six. {chapter.title}."
        expected_end = "End of leaflet." if word == "six" else f"End of section {word}."
        assert said[-1] == expected_end


def test_no_pause_at_either_end_and_no_two_pauses_together(narration: Narration) -> None:
    for chapter in narration.chapters:
        assert isinstance(chapter.lines[0], Speech)
        assert isinstance(chapter.lines[-1], Speech)
        for first, second in zip(chapter.lines, chapter.lines[1:], strict=False):
            assert not (isinstance(first, Pause) and isinstance(second, Pause))


def test_introduction(narration: Narration) -> None:
    intro = narration.chapters[0]
    said = _said(intro)
    assert said[:6] == [
        "Section one of six. Introduction.",
        "Botulinum toxin.",
        "An audio leaflet from A Clinic.",
        f"This recording lasts {TOTAL_LENGTH_PLACEHOLDER}.",
        # No date in the leaflet: the recording's date, never "last updated" today.
        f"This recording was made on {RECORDED_ON_PLACEHOLDER}.",
        "There are six sections: this introduction, and five more.",
    ]
    assert said[6:11] == [
        f"Section two, Overview, {section_length_placeholder(2)}.",
        f"Section three, What to expect, {section_length_placeholder(3)}.",
        f"Section four, Before your appointment, {section_length_placeholder(4)}.",
        f"Section five, Contact us, {section_length_placeholder(5)}.",
        f"Section six, About this information, {section_length_placeholder(6)}.",
    ]
    tip = said[11]
    assert "chapter or next buttons" in tip and "its number" in tip
    assert said[-1] == "End of section one."


def test_introduction_says_a_given_date_in_words() -> None:
    narration = narrate(
        _document(), title="Botulinum toxin", organisation="", slug="b", date="25 November 2026"
    )
    said = _said(narration.chapters[0])
    assert "This leaflet is dated the twenty-fifth of November twenty twenty-six." in said
    assert not any("recording was made" in s for s in said)
    assert not any(s.startswith("An audio leaflet") for s in said)
    labelled = narrate(_document(), title="T", organisation="", slug="t", date="Reviewed: May 2025")
    assert "This leaflet is dated May twenty twenty-five." in labelled.chapters[0].sentences


@pytest.mark.parametrize(
    ("lines", "said"),
    [
        # The leaflet's own date, as what it is.
        (["Published: November 2011"], ["This leaflet is dated November twenty eleven."]),
        (["Autumn 2011 · Issue 37"], ["This leaflet is dated Autumn twenty eleven."]),
        # Only a review date: said as one, and the recording's date besides.
        (
            ["Review date: November 2014"],
            [
                "Its review date is November twenty fourteen.",
                f"This recording was made on {RECORDED_ON_PLACEHOLDER}.",
            ],
        ),
        # No date at all: never "last updated" on the day of the build.
        (["Call us on weekdays."], [f"This recording was made on {RECORDED_ON_PLACEHOLDER}."]),
    ],
)
def test_introduction_never_invents_a_date(lines: list[str], said: list[str]) -> None:
    from audio_leaflet.read.structure import Heading, Text, build_document

    document = build_document(
        [Text(tuple(lines)), Heading("About"), Text(("Dystonia is a condition.",))],
        source_name="x.txt",
    )
    narration = narrate(document, title="T", organisation="", slug="t", date=document.date)
    sentences = narration.chapters[0].sentences
    start = sentences.index(f"This recording lasts {TOTAL_LENGTH_PLACEHOLDER}.") + 1
    assert list(sentences[start : start + len(said)]) == said
    assert not any(s.startswith("Last updated") for s in sentences)


def test_opening_web_leftover_is_not_said(narration: Narration) -> None:
    said = " ".join(s for c in narration.chapters for s in c.sentences)
    assert "Click here" not in said and "click here" not in said


def test_paragraphs_are_separated_by_a_paragraph_pause(narration: Narration) -> None:
    overview = narration.chapters[1]
    assert overview.lines == (
        Speech("Section two of six. Overview."),
        Pause(PARAGRAPH_PAUSE_MS),
        Speech("Botulinum toxin is a common treatment for dystonia."),
        Pause(PARAGRAPH_PAUSE_MS),
        Speech("It is given as an injection."),
        Pause(PARAGRAPH_PAUSE_MS),
        Speech("End of section two."),
    )


def test_list_is_announced_with_its_count_and_points_are_paused(narration: Narration) -> None:
    lines = narration.chapters[2].lines
    assert lines[2:11] == (
        Speech("Common side effects are the following four:"),
        Pause(PARAGRAPH_PAUSE_MS),
        Speech("Weakness."),
        Pause(PARAGRAPH_PAUSE_MS),
        Speech("A dry mouth."),
        Pause(PARAGRAPH_PAUSE_MS),
        Speech("Tiredness, for one to two days."),
        Pause(PARAGRAPH_PAUSE_MS),
        Speech("Pain."),
    )
    assert Speech("The effect lasts two to three months.") in lines


def test_numbered_list_and_list_without_lead_in(narration: Narration) -> None:
    said = _said(narration.chapters[3])
    assert said[1:7] == [
        "This is how to prepare.",
        "There are two points.",
        "Point one: Write down your questions.",
        "Point two: Bring your medicines.",
        "There are three points.",
        "Arrive early.",
    ]


def test_contacts_are_repeated_and_gathered_before_the_end(narration: Narration) -> None:
    contact = _said(narration.chapters[4])
    helpline = "zero two zero, seven seven nine three, three six five zero"
    assert contact[1:3] == [
        f"Ring the clinic on {CLINIC} if you are worried.",
        f"That number again: {CLINIC}.",
    ]
    assert contact[3:9] == [
        f"Clinic: {CLINIC}.",
        f"That number again: {CLINIC}.",
        f"Helpline: {helpline}.",
        f"That number again: {helpline}.",
        "E-mail: support at dystonia dot org dot uk.",
        "Our website: w w w dot dystonia dot org dot uk.",
    ]
    last = narration.chapters[-1]
    said = _said(last)
    recap = said[said.index(RECAP_OPENING) :]
    # The number printed both in prose and as a contact line is gathered once.
    assert recap == [
        RECAP_OPENING,
        f"From the section Contact us: {CLINIC}.",
        f"Helpline: {helpline}.",
        "E-mail: support at dystonia dot org dot uk.",
        "Our website: w w w dot dystonia dot org dot uk.",
        "End of leaflet.",
    ]
    start = last.lines.index(Speech(RECAP_OPENING))
    assert last.lines[start - 1] == Pause(PARAGRAPH_PAUSE_MS)
    assert last.lines[start + 1] == Pause(PARAGRAPH_PAUSE_MS)


def test_no_digits_are_said(narration: Narration) -> None:
    for chapter in narration.chapters:
        for sentence in chapter.sentences:
            without_placeholders = re.sub(r"\{length of section \d+\}", "", sentence)
            assert not re.search(r"\d", without_placeholders), sentence


def test_path_like_heading_gives_a_safe_slug() -> None:
    document = Document(
        sections=(
            Section(heading="../../etc/passwd", blocks=(Paragraph("Text."),)),
            Section(heading="Über <script>alert(1)</script>", blocks=(Paragraph("More."),)),
        )
    )
    narration = narrate(document, title="T", organisation="", slug="t")
    slugs = [c.slug for c in narration.chapters]
    assert slugs[1] == "02-etc-passwd"
    assert slugs[2].startswith("03-")
    for slug in slugs:
        assert re.fullmatch(r"\d\d-[a-z0-9]+(?:-[a-z0-9]+)*", slug), slug
    opening = narration.chapters[1].sentences[0]
    assert opening.startswith("Section two of three. ")
    assert "/" not in opening and ".." not in opening


def test_leaflet_without_headings_is_one_chapter_after_the_introduction() -> None:
    document = Document(
        sections=(
            Section(heading=None, role=SectionRole.OPENING, blocks=(Paragraph("Just text."),)),
        )
    )
    narration = narrate(document, title="Plain", organisation="", slug="plain")
    assert [c.title for c in narration.chapters] == ["Introduction", "Overview"]
    assert narration.chapters[1].sentences == (
        "Section two of two. Overview.",
        "Just text.",
        "End of leaflet.",
    )


def test_section_left_empty_by_web_leftovers_is_skipped() -> None:
    document = Document(
        sections=(
            Section(heading=None, role=SectionRole.OPENING, blocks=(Paragraph("Skip to content"),)),
            Section(heading="Help", blocks=(Paragraph("Ask us."),)),
        )
    )
    narration = narrate(document, title="T", organisation="", slug="t")
    assert [c.title for c in narration.chapters] == ["Introduction", "Help"]


def test_nothing_to_say_is_a_clear_error() -> None:
    document = Document(
        sections=(Section(heading=None, blocks=(Paragraph("Click here to download."),)),),
        source_name="page.html",
    )
    with pytest.raises(NarrationError, match=r"Nothing to say in page\.html"):
        narrate(document, title="T", organisation="", slug="t")


def test_heading_with_a_question_keeps_its_question_mark() -> None:
    document = Document(sections=(Section(heading="What is dystonia?", blocks=(Paragraph("A."),)),))
    chapter = narrate(document, title="T", organisation="", slug="t").chapters[1]
    assert chapter.sentences[0] == "Section two of two. What is dystonia?"
    assert chapter.title == "What is dystonia?"
