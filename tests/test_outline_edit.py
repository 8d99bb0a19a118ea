"""Staff correct how a leaflet was read, a line at a time, in its outline; builds read it.

The pure changes first (on an outline's text), then the whole loop with a
leaflet of ours: correct the outline, and the narration, the ledger and the
coverage check follow; `script` keeps the correction; undoing it (the outline
put back as written) reads the leaflet afresh.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.config import Settings
from audio_leaflet.pipeline import prepare
from audio_leaflet.read.outline import LEFT_OUT_FILE, OUTLINE_FILE
from audio_leaflet.studio.outline_edit import (
    OutlineChangeError,
    Role,
    body_lines,
    left_out,
    left_out_lines,
    said_again,
    with_role,
)
from conftest import FIXTURES

OUTLINE = """# Skip over main navigation

<!-- Left out when the leaflet was read (see left-out.txt):
     web page furniture: Expand
-->

Botulinum toxin injections

What happens on the day?

A nurse will ask you about your symptoms.

- Rest afterwards.

## Side effects
"""


def _lines(outline: str) -> list[tuple[Role, str]]:
    return [(line.role, line.text) for line in body_lines(outline)]


def test_the_outline_reads_as_lines_with_their_roles() -> None:
    assert _lines(OUTLINE) == [
        (Role.TITLE, "Skip over main navigation"),
        (Role.TEXT, "Botulinum toxin injections"),
        (Role.TEXT, "What happens on the day?"),
        (Role.TEXT, "A nurse will ask you about your symptoms."),
        (Role.POINT, "Rest afterwards."),
        (Role.HEADING, "Side effects"),
    ]
    assert [(item.reason, item.text) for item in left_out_lines(OUTLINE)] == [
        ("web page furniture", "Expand")
    ]


def test_a_line_made_the_title_takes_its_place_and_the_old_title_becomes_text() -> None:
    index = body_lines(OUTLINE)[1].index
    changed = with_role(OUTLINE, index, Role.TITLE)
    assert _lines(changed)[:2] == [
        (Role.TITLE, "Botulinum toxin injections"),
        (Role.TEXT, "Skip over main navigation"),
    ]
    assert changed.startswith("# Botulinum toxin injections\n\n")


def test_a_line_made_a_heading_a_point_or_text() -> None:
    question = body_lines(OUTLINE)[2].index
    changed = with_role(OUTLINE, question, Role.HEADING)
    assert "## What happens on the day?" in changed.splitlines()
    point = body_lines(changed)[4].index
    assert (Role.TEXT, "Rest afterwards.") in _lines(with_role(changed, point, Role.TEXT))
    sub = with_role(changed, question, Role.SUBHEADING)
    assert "### What happens on the day?" in sub.splitlines()


def _index(outline: str, text: str) -> int:
    return next(line.index for line in body_lines(outline) if line.text == text)


def test_a_line_left_out_goes_into_the_comment_with_why_and_can_be_said_again() -> None:
    titled = with_role(OUTLINE, _index(OUTLINE, "Botulinum toxin injections"), Role.TITLE)
    changed = left_out(titled, _index(titled, "Skip over main navigation"))
    assert [(i.reason, i.text) for i in left_out_lines(changed)] == [
        ("web page furniture", "Expand"),
        ("left out by staff in the studio", "Skip over main navigation"),
    ]
    assert "Skip over main navigation" not in [text for _, text in _lines(changed)]
    # Said after all: placed where the leaflet has it, before the line that follows it.
    source = ["Botulinum toxin injections", "Expand", "What happens on the day?", "A nurse"]
    back = said_again(changed, left_out_lines(changed)[0].index, source)
    texts = [text for _, text in _lines(back)]
    assert texts[:3] == ["Botulinum toxin injections", "Expand", "What happens on the day?"]
    assert [i.text for i in left_out_lines(back)] == ["Skip over main navigation"]


def test_a_change_naming_a_line_that_is_not_there_is_refused() -> None:
    with pytest.raises(OutlineChangeError):
        with_role(OUTLINE, 999, Role.TEXT)
    with pytest.raises(OutlineChangeError):
        left_out(OUTLINE, left_out_lines(OUTLINE)[0].index)  # a comment line, not a body line


def test_a_corrected_outline_is_what_is_read_kept_and_undone(tmp_path: Path) -> None:
    leaflet = tmp_path / "eye-clinic.txt"
    leaflet.write_bytes((FIXTURES / "corpus" / "question-headings.txt").read_bytes())
    settings = Settings(narration_dir=tmp_path / "narration", cache_dir=tmp_path / "cache")
    first = prepare(leaflet, settings)
    outline_path = first.script_dir / OUTLINE_FILE
    written = outline_path.read_text(encoding="utf-8")
    titles = [chapter.title for chapter in first.narration.chapters]
    assert "Who can I contact with questions?" in titles

    # Staff make one heading plain text and leave the leaflet number out.
    lines = body_lines(written)
    question = next(line for line in lines if line.text == "Who can I contact with questions?")
    corrected = with_role(written, question.index, Role.TEXT)
    number = next(line for line in body_lines(corrected) if "EYE-042" in line.text)
    corrected = left_out(corrected, number.index)
    outline_path.write_text(corrected, encoding="utf-8")

    again = prepare(leaflet, settings)
    titles = [chapter.title for chapter in again.narration.chapters]
    assert "Who can I contact with questions?" not in titles
    said = " ".join(s for chapter in again.narration.chapters for s in chapter.sentences)
    assert "Who can I contact with questions?" in said and "E Y E" not in said
    ledger = (again.script_dir / LEFT_OUT_FILE).read_text(encoding="utf-8").splitlines()
    assert any(
        line.startswith("left out by staff in the studio") and line.endswith(f"| {number.text}")
        for line in ledger
    ), ledger
    assert again.lost == (), "nothing lost: what staff left out is listed"
    assert outline_path.read_text(encoding="utf-8") == corrected, "the correction is kept"

    # Undone: the outline put back as it was written, the leaflet is read afresh.
    outline_path.write_text(written, encoding="utf-8")
    undone = prepare(leaflet, settings)
    assert [c.title for c in undone.narration.chapters] == [
        c.title for c in first.narration.chapters
    ]
