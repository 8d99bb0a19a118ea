"""Word reader (read/word.py), on .docx files generated here with python-docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph

from audio_leaflet.errors import LeafletError
from audio_leaflet.read.structure import Gap, Heading, Hints, Item, Text
from audio_leaflet.read.word import read_docx

# In python-docx's default template, numbering 1 prints bullets and 5 prints numbers.
BULLETS, NUMBERS = "1", "5"


def _number(paragraph: WordParagraph, num_id: str) -> None:
    """Give a Normal paragraph Word numbering directly, as Word does for typed lists."""
    num_pr = OxmlElement("w:numPr")
    level = OxmlElement("w:ilvl")
    level.set(qn("w:val"), "0")
    number = OxmlElement("w:numId")
    number.set(qn("w:val"), num_id)
    num_pr.append(level)
    num_pr.append(number)
    paragraph._p.get_or_add_pPr().append(num_pr)


def test_headings_lists_breaks_tables_and_gaps(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Document1"  # Word's placeholder is not a title
    document.add_heading("Living with dystonia", 0)
    document.add_paragraph("Opening text.")
    document.add_heading("Treatments", 1)
    document.add_paragraph("The main treatments are:")
    document.add_paragraph("injections", style="List Bullet")
    document.add_paragraph("physiotherapy", style="List Bullet")
    document.add_heading("At the clinic", 2)
    document.add_paragraph("Arrive early.", style="List Number")
    document.add_paragraph("Bring your medicines.", style="List Number")
    _number(document.add_paragraph("Typed bullet"), BULLETS)
    _number(document.add_paragraph("Typed number"), NUMBERS)
    bold = document.add_paragraph()
    bold.add_run("Getting help").bold = True
    contact = document.add_paragraph("Call us:")
    contact.add_run().add_break()
    contact.add_run("Helpline:\t0808 157 0123")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Day", "Time"
    table.cell(1, 0).text, table.cell(1, 1).text = "Monday", "10am"
    document.add_paragraph("")
    document.add_paragraph("")
    document.add_paragraph("General information only.")
    path = tmp_path / "leaflet.docx"
    document.save(str(path))

    pieces, hints = read_docx(path)

    assert pieces == [
        Heading("Living with dystonia", 0),
        Text(("Opening text.",)),
        Heading("Treatments", 1),
        Text(("The main treatments are:",)),
        Item("injections", False, 1),
        Item("physiotherapy", False, 1),
        Heading("At the clinic", 2),
        Item("Arrive early.", True, 2),
        Item("Bring your medicines.", True, 2),
        Item("Typed bullet", False, 2),
        Item("Typed number", True, 2),
        Heading("Getting help", 2),
        Text(("Call us:", "Helpline: 0808 157 0123")),
        Text(("Day, Time",)),
        Text(("Monday, 10am",)),
        Gap(),
        Text(("General information only.",)),
    ]
    assert hints == Hints()


def test_core_title_is_a_hint(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Sleep and dystonia"
    document.add_paragraph("Text.")
    path = tmp_path / "sleep.docx"
    document.save(str(path))
    assert read_docx(path)[1] == Hints(title="Sleep and dystonia")


def test_a_broken_package_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LeafletError) as caught:
        read_docx(path)
    message = str(caught.value)
    assert message.startswith(f"Cannot read {path} as a Word .docx file (")
    assert message.endswith("): open it in Word and save it again.")


def test_a_title_typed_in_bold_large_type_is_the_title(tmp_path: Path) -> None:
    """Staff often type the title in bold 20-point text instead of using the Title style."""
    from docx import Document
    from docx.shared import Pt

    from audio_leaflet.read import read_leaflet

    document = Document()
    title = document.add_paragraph().add_run("Managing fatigue with dystonia")
    title.bold, title.font.size = True, Pt(20)
    document.add_paragraph("This leaflet is for anyone who feels worn out by dystonia.")
    for heading, text in (
        ("Why am I tired?", "Muscles that never rest use a lot of energy."),
        ("Pacing yourself", "Plan your day with rests between tasks."),
    ):
        document.add_paragraph().add_run(heading).bold = True
        document.add_paragraph(text)
    path = tmp_path / "fatigue-leaflet-v3-final.docx"
    document.save(str(path))

    read = read_leaflet(path)

    assert read.title == "Managing fatigue with dystonia"
    assert [s.heading for s in read.sections] == [None, "Why am I tired?", "Pacing yourself"]
