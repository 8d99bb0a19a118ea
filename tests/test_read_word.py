"""Word reader (read/word.py), on .docx files made with python-docx or written as Word writes."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph as WordParagraph

from audio_leaflet.config import Settings
from audio_leaflet.errors import LeafletError
from audio_leaflet.model import LeftOutReason, Paragraph
from audio_leaflet.pipeline import prepare
from audio_leaflet.read import read_leaflet, source_lines_of
from audio_leaflet.read.structure import Gap, Heading, Hints, Item, Table, Text
from audio_leaflet.read.word import read_docx
from helpers.coverage import unaccounted_words
from helpers.office import OFFICE, check_outline, office_files
from helpers.word import (
    AUTHOR,
    block_control,
    complex_field,
    custom_xml,
    deleted,
    footnote_reference,
    footnotes,
    inline_control,
    inserted,
    paragraph,
    run,
    simple_field,
    smart_tag,
    table,
    text_box,
    word_file,
)

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

    pieces, hints = read_docx(path, path.read_bytes())

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
        Table((("Day", "Time"), ("Monday", "10am"))),
        Gap(),
        Text(("General information only.",)),
    ]
    # Word's placeholder "Document1" is not a title; the Title paragraph is.
    assert hints == Hints(title="Living with dystonia")


def test_core_title_is_a_hint(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Sleep and dystonia"
    document.add_paragraph("Text.")
    path = tmp_path / "sleep.docx"
    document.save(str(path))
    assert read_docx(path, path.read_bytes())[1] == Hints(title="Sleep and dystonia")


def test_a_broken_package_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LeafletError) as caught:
        read_docx(path, path.read_bytes())
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


# --------------------------------------------------------------------------
# Every construct Word shows is read (issue 20: each was lost silently before)
# --------------------------------------------------------------------------

TITLE = paragraph(run("Taking baclofen"), style="Title")
OPENING = paragraph(run("Baclofen relaxes muscles that are stiff or in spasm."))


def _heard(path: Path, tmp_path: Path) -> tuple[str, list[tuple[LeftOutReason, str]]]:
    """What is said (every sentence of the narration) and the ledger, checked that every
    word of the file is one or the other, by the reader's check and by an independent one."""
    prepared = prepare(path, Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path / "c"))
    assert prepared.lost == ()
    assert unaccounted_words(path, prepared.script_dir) == []
    said = " ".join(s for chapter in prepared.narration.chapters for s in chapter.sentences)
    ledger = [(item.reason, item.text) for item in read_leaflet(path).left_out]
    return said, ledger


def test_a_dose_limit_in_a_tracked_insertion_is_said(tmp_path: Path) -> None:
    body = TITLE + paragraph(
        run("Do not take more than "), inserted("eight tablets in a day"), run(".")
    )
    said, ledger = _heard(word_file(tmp_path / "dose.docx", body), tmp_path)
    assert "Do not take more than eight tablets in a day." in said
    assert ledger == []


def test_a_deleted_word_is_not_said_and_is_listed(tmp_path: Path) -> None:
    body = TITLE + paragraph(run("Take "), deleted("three"), inserted("two"), run(" tablets."))
    said, ledger = _heard(word_file(tmp_path / "changed.docx", body), tmp_path)
    assert "Take two tablets." in said
    assert "three" not in said
    assert ledger == [(LeftOutReason.DELETED, "three")]


def test_a_helpline_sentence_in_a_content_control_around_paragraphs_is_said(
    tmp_path: Path,
) -> None:
    helpline = paragraph(run("Our nurses answer the helpline every weekday morning."))
    body = TITLE + OPENING + block_control(helpline, "Helpline", "helpline")
    said, _ = _heard(word_file(tmp_path / "control.docx", body), tmp_path)
    assert "Our nurses answer the helpline every weekday morning." in said


def test_an_inline_content_control_is_said_in_its_sentence(tmp_path: Path) -> None:
    body = TITLE + paragraph(
        run("Your consultant is "), inline_control("Doctor Amina Patel", "Consultant"), run(".")
    )
    said, _ = _heard(word_file(tmp_path / "inline.docx", body), tmp_path)
    assert "Your consultant is Doctor Amina Patel." in said


def test_fields_are_said_as_their_results_never_their_codes(tmp_path: Path) -> None:
    body = TITLE + paragraph(
        run("This leaflet is from "),
        complex_field("DOCPROPERTY  Company  \\* MERGEFORMAT", "Northfield Hospitals"),
        run(" and was written by "),
        simple_field("AUTHOR", "the neurology team"),
        run("."),
    )
    said, ledger = _heard(word_file(tmp_path / "fields.docx", body), tmp_path)
    assert (
        "This leaflet is from Northfield Hospitals and was written by the neurology team." in said
    )
    assert "MERGEFORMAT" not in said and "DOCPROPERTY" not in said
    assert ledger == []


def test_a_smart_tag_and_custom_xml_are_said(tmp_path: Path) -> None:
    body = (
        TITLE
        + paragraph(run("The clinic is in "), smart_tag("Sheffield", "City"), run("."))
        + paragraph(
            run("Each tablet holds "), custom_xml(run("ten milligrams"), "strength"), run(".")
        )
        + custom_xml(paragraph(run("Swallow the tablets whole with water.")), "advice")
    )
    said, _ = _heard(word_file(tmp_path / "tagged.docx", body), tmp_path)
    assert "The clinic is in Sheffield." in said
    assert "Each tablet holds ten milligrams." in said
    assert "Swallow the tablets whole with water." in said


def test_a_text_box_is_said_once_where_it_is_anchored(tmp_path: Path) -> None:
    box = text_box(paragraph(run("Never stop taking baclofen suddenly.")))
    body = TITLE + paragraph(run("Read this before you start."), box) + paragraph(run("Then rest."))
    said, _ = _heard(word_file(tmp_path / "box.docx", body), tmp_path)
    assert said.count("Never stop taking baclofen suddenly.") == 1
    assert said.index("Read this before") < said.index("Never stop") < said.index("Then rest.")


def test_a_footnote_is_said_after_the_paragraph_that_refers_to_it(tmp_path: Path) -> None:
    body = (
        TITLE
        + paragraph(run("Some people feel drowsy."), footnote_reference(1), run(" Do not drive."))
        + paragraph(run("Tell your doctor about other medicines."))
    )
    notes = footnotes("Drowsiness is worse with alcohol.")
    said, _ = _heard(word_file(tmp_path / "note.docx", body, notes=notes), tmp_path)
    assert "Some people feel drowsy. Do not drive." in said
    assert said.index("Do not drive.") < said.index("Note: Drowsiness is worse with alcohol.")
    assert said.index("Note: Drowsiness") < said.index("Tell your doctor")


def test_a_document_type_declaration_is_refused_in_one_line(tmp_path: Path) -> None:
    body = TITLE + paragraph(run("Take &dose; each morning with breakfast."))
    prolog = '<!DOCTYPE w:document [<!ENTITY dose "two tablets">]>\n'
    path = word_file(tmp_path / "entity.docx", body, prolog=prolog)
    with pytest.raises(LeafletError) as caught:
        read_leaflet(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path} has a document type declaration")
    assert message.endswith("open it in Word and save it again as .docx")


# LibreOffice writes its Heading styles with outline numbering, as here (the
# numbering 1 of python-docx's template stands in for LibreOffice's outline list).
LIBREOFFICE_HEADING_1 = (
    '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="Heading 1"/>'
    '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:numPr>'
    '<w:ilvl w:val="0"/><w:numId w:val="5"/></w:numPr><w:spacing w:before="240" w:after="120"/>'
    '<w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style>'
)


def test_headings_with_outline_numbering_are_headings_not_list_points(tmp_path: Path) -> None:
    body = (
        TITLE
        + OPENING
        + paragraph(run("How to take it"), style="Heading1")
        + paragraph(run("Take it with food."))
        + paragraph(run("Side effects"), style="Heading1")
        + paragraph(run("You may feel sleepy."))
    )
    path = word_file(tmp_path / "outline.docx", body, styles={"Heading1": LIBREOFFICE_HEADING_1})
    document = read_leaflet(path)
    assert document.title == "Taking baclofen"
    assert [s.heading for s in document.sections] == [None, "How to take it", "Side effects"]


def test_an_outline_level_on_the_paragraph_makes_a_heading(tmp_path: Path) -> None:
    outlined = f'<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr>{run("Getting help")}</w:p>'
    body = TITLE + OPENING + outlined + paragraph(run("Ring the clinic."))
    document = read_leaflet(word_file(tmp_path / "level.docx", body))
    assert [s.heading for s in document.sections] == [None, "Getting help"]


def test_missing_properties_never_give_the_title_word_document(tmp_path: Path) -> None:
    body = (
        paragraph(run("Baclofen and sleep"), style="Heading1")
        + paragraph(run("Baclofen can make you sleepy."))
        + paragraph(run("At night"), style="Heading2")
        + paragraph(run("Take the last dose at bedtime."))
    )
    path = word_file(tmp_path / "sleep.docx", body, properties=False)
    assert docx.Document(str(path)).core_properties.title == "Word Document"  # python-docx's
    assert read_docx(path, path.read_bytes())[1].title is None  # no properties: no title from them
    assert read_leaflet(path).title == "Baclofen and sleep"  # the main heading


def test_the_coverage_check_counts_the_words_of_the_xml_not_of_the_reader(
    tmp_path: Path,
) -> None:
    """A construct the reader dropped would be caught: the check reads what Word shows."""
    moved = (
        f'<w:moveFrom w:id="7" {AUTHOR}><w:r><w:t>Moved words.</w:t></w:r></w:moveFrom>'
        f'<w:moveTo w:id="8" {AUTHOR}><w:r><w:t>Moved words.</w:t></w:r></w:moveTo>'
    )
    body = (
        TITLE
        + paragraph(run("Plain "), inserted("inserted"), deleted(" deleted"))
        + block_control(paragraph(run("In a control.")), "Box", "box")
        + paragraph(complex_field("PAGE", "Field result"), footnote_reference(1))
        + paragraph(text_box(paragraph(run("In a text box."))))
        + paragraph(moved)
    )
    path = word_file(tmp_path / "all.docx", body, notes=footnotes("In a footnote."))
    lines = [line.strip() for line in source_lines_of(path)]
    assert lines == [
        "Taking baclofen",
        "Plain inserted",
        "In a control.",
        "Field result",
        "In a text box.",  # twice: Word writes the box as DrawingML and again as VML
        "In a text box.",
        "Moved words.",
        "In a footnote.",
    ]


def test_a_table_is_said_row_by_row_each_cell_with_its_header(tmp_path: Path) -> None:
    rows = [["Makes it worse", "Eases it"], ["Stress", "Warmth"], ["Bright light", "Dark glasses"]]
    body = TITLE + OPENING + table(rows, header_row=True)
    said, _ = _heard(word_file(tmp_path / "table.docx", body), tmp_path)
    assert "Makes it worse: Stress. Eases it: Warmth." in said
    assert "Makes it worse: Bright light. Eases it: Dark glasses." in said


def test_a_table_that_lays_out_a_page_is_read_as_its_paragraphs(tmp_path: Path) -> None:
    before = paragraph(run("Before")) + paragraph(run("Tell us about your medicines."))
    after = paragraph(run("After")) + paragraph(run("Rest for an hour."))
    body = TITLE + OPENING + table([[before, after]])
    path = word_file(tmp_path / "layout.docx", body)
    pieces, _ = read_docx(path, path.read_bytes())
    assert pieces[2:] == [
        Text(("Before",)),
        Text(("Tell us about your medicines.",)),
        Text(("After",)),
        Text(("Rest for an hour.",)),
    ]


# --------------------------------------------------------------------------
# Word files made by LibreOffice and pandoc (tests/fixtures/office)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", office_files(".docx"))
def test_office_word_files_read_as_their_outlines_say(name: str, tmp_path: Path) -> None:
    path = OFFICE / name
    check_outline(path, read_leaflet(path))
    prepared = prepare(path, Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path / "c"))
    assert prepared.lost == ()
    assert unaccounted_words(path, prepared.script_dir) == []


def test_libreoffice_tracked_changes_are_read_accepted() -> None:
    document = read_leaflet(OFFICE / "medicines-for-children-baclofen-tracked-changes.docx")
    deleted = [item.text for item in document.left_out if item.reason is LeftOutReason.DELETED]
    assert deleted
    said = " ".join(
        block.text for s in document.sections for block in s.blocks if isinstance(block, Paragraph)
    )
    assert all(text not in said for text in deleted)


def test_an_old_vml_text_box_is_said_and_hidden_text_is_listed(tmp_path: Path) -> None:
    """Word 2007 wrote text boxes in VML alone; hidden text (w:vanish) is not shown."""
    vml = (
        '<w:r><w:pict><v:shape id="_x0000_s1026" type="#_x0000_t202" '
        'style="position:absolute;margin-left:0;margin-top:0;width:200pt;height:40pt">'
        f"<v:textbox><w:txbxContent>{paragraph(run('Bring your tablets with you.'))}"
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    hidden = run("Check the dose with Sam.", "<w:vanish/>")
    body = TITLE + paragraph(run("At the clinic."), vml) + paragraph(run("Ask us. "), hidden)
    said, ledger = _heard(word_file(tmp_path / "vml.docx", body), tmp_path)
    assert "Bring your tablets with you." in said
    assert "Sam" not in said
    assert ledger == [(LeftOutReason.HIDDEN, "Check the dose with Sam.")]
