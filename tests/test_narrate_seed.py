"""The charity's seed leaflet, read by the real reader and narrated (issue 2, "Must show")."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from audio_leaflet.model import Narration, Pause, Speech
from audio_leaflet.narrate import narrate, parse_script, render_script, write_scripts
from audio_leaflet.narrate.chapters import RECAP_OPENING
from audio_leaflet.read import read_leaflet

SAMARITANS = "one one six, one two three"
MIND = "zero three zero zero, one two three, three three nine three"
HELPLINE = "zero two zero, seven seven nine three, three six five zero"


@pytest.fixture
def narration(seed_leaflet: Path) -> Narration:
    document = read_leaflet(seed_leaflet)
    return narrate(
        document,
        title="Dystonia and mental health",
        organisation="The Dystonia Society",
        slug="dystonia-and-mental-health",
    )


def _chapter_text(narration: Narration, title: str) -> str:
    (chapter,) = [c for c in narration.chapters if c.title == title]
    return "\n".join(chapter.sentences)


def _all_said(narration: Narration) -> str:
    return "\n".join(s for chapter in narration.chapters for s in chapter.sentences)


def test_chapters_in_the_order_issue_2_gives(narration: Narration) -> None:
    assert [c.title for c in narration.chapters] == [
        "Introduction",
        "Overview",
        "The relationship between dystonia and mental health",
        "Managing mental health conditions",
        "Talking therapies",
        "Other ways to manage mental health",
        "Sources of help",
        "About this information",
    ]
    assert narration.chapters[3].slug == "04-managing-mental-health-conditions"
    disclaimer = _chapter_text(narration, "About this information")
    assert "provides the information on this page as general information only" in disclaimer
    assert "general information only" not in _chapter_text(narration, "Sources of help")


def test_no_click_here(narration: Narration) -> None:
    assert "click here" not in _all_said(narration).lower()


def test_phone_numbers_in_groups_and_repeated(narration: Narration) -> None:
    help_text = _chapter_text(narration, "Sources of help")
    for label, number in [
        ("Samaritans", SAMARITANS),
        ("Mind", MIND),
        ("Dystonia Society Helpline", HELPLINE),
    ]:
        said = f"{label}: {number}.\nThat number again: {number}."
        assert said in help_text
    for printed in ["116", "123", "0300", "3393", "020", "7793", "3650"]:
        assert printed not in _all_said(narration)


def test_contact_details_gathered_before_the_end(narration: Narration) -> None:
    last = narration.chapters[-1].sentences
    start = last.index(RECAP_OPENING)
    assert last[start:] == (
        RECAP_OPENING,
        f"Samaritans: {SAMARITANS}.",
        f"Mind: {MIND}.",
        f"Dystonia Society Helpline: {HELPLINE}.",
        "End of leaflet.",
    )


def test_numbers_and_phrases_read_naturally(narration: Narration) -> None:
    said = _all_said(narration)
    assert "available twenty-four hours per day" in said
    assert "One in four people experience a mental health condition" in said


def test_abbreviations_spelt_as_letters(narration: Narration) -> None:
    said = _all_said(narration)
    assert "Obsessive compulsive disorder, O C D, which" in said
    assert "cognitive behavioural therapy, C B T, counselling" in said
    assert not re.search(r"\b(?:OCD|CBT)\b", said)


def test_slashes_read_sensibly(narration: Narration) -> None:
    said = _all_said(narration)
    assert "tardive dystonia or dyskinesia" in said
    assert "/" not in said
    assert f"Mind: {MIND}." in said


def test_lists_announced_with_their_count(narration: Narration) -> None:
    overview = narration.chapters[1]
    assert "Some common types are the following four:" in overview.sentences
    relationship = narration.chapters[2].sentences
    # The lead-in ends before the count: "two-way: There are three points" ran on.
    lead_in = relationship.index("This relationship can be two-way.")
    assert relationship[lead_in + 1] == "There are three points."
    # A second's pause before each of the four points.
    first_point = overview.lines.index(Speech("Some common types are the following four:")) + 1
    points = overview.lines[first_point : first_point + 8]
    assert [type(line) for line in points] == [Pause, Speech] * 4


def test_no_digits_anywhere_except_inside_placeholders(narration: Narration) -> None:
    for chapter in narration.chapters:
        for sentence in chapter.sentences:
            outside = re.sub(r"\{length of section \d+\}", "", sentence)
            assert not re.search(r"\d", outside), f"chapter {chapter.number}: {sentence}"


def test_scripts_written_and_read_back(
    narration: Narration, seed_leaflet: Path, tmp_path: Path
) -> None:
    source = hashlib.sha256(seed_leaflet.read_bytes()).hexdigest()
    folder = tmp_path / "narration" / narration.slug
    result = write_scripts(narration, folder, source_sha256=source)
    assert [p.name for p in result.written] == [f"{c.slug}.txt" for c in narration.chapters]
    for chapter, path in zip(narration.chapters, result.written, strict=True):
        text = path.read_text(encoding="utf-8")
        assert text == render_script(chapter, narration, source)
        parsed = parse_script(text, path)
        assert parsed.lines == chapter.lines
        assert not parsed.edited
        assert f"# source-sha256: {source}" in text
