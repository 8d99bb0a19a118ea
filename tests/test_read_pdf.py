"""PDF leaflets from two producers: headings, two columns, running headers, page numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.config import Settings
from audio_leaflet.errors import LeafletError
from audio_leaflet.model import BulletList, LeftOutReason, Paragraph
from audio_leaflet.pipeline import prepare
from audio_leaflet.read import read_leaflet
from helpers import pdf_layouts
from helpers.coverage import unaccounted_words
from helpers.office import OFFICE, check_outline, expected, office_files
from helpers.pdf import HEADER, TITLE, chromium_leaflet, reportlab_leaflet

# Read from the fixture by hand: what a person sees on the two pages.
SECTIONS = [
    "What is cervical dystonia?",
    "How the injections help",
    "On the day",
    "Side effects",
    "Contact us",
]


@pytest.fixture(params=["reportlab", "chromium"])
def pdf_leaflet(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "reportlab":
        return reportlab_leaflet(tmp_path / "leaflet.pdf")
    made = chromium_leaflet(tmp_path / "leaflet.pdf", tmp_path)
    if made is None:
        pytest.skip("chromium is not installed (scripts/test installs it as root on Debian)")
    return made


def test_a_pdf_reads_as_its_pages_show(pdf_leaflet: Path) -> None:
    document = read_leaflet(pdf_leaflet)
    assert document.title == TITLE
    assert [s.heading for s in document.sections] == SECTIONS
    first = document.sections[0].blocks[0]
    # Lines joined back into one paragraph, "pain-" / "ful" made whole again.
    assert isinstance(first, Paragraph) and "often painful. It is not" in first.text
    on_the_day = document.sections[2].blocks
    assert any(isinstance(b, BulletList) and len(b.items) == 3 for b in on_the_day)
    assert document.date == "March 2024"


def test_running_headers_and_page_numbers_are_left_out_and_listed(tmp_path: Path) -> None:
    document = read_leaflet(reportlab_leaflet(tmp_path / "leaflet.pdf"))
    listed = [(item.reason, item.text) for item in document.left_out]
    assert listed.count((LeftOutReason.RUNNING_HEADER, HEADER)) == 2
    assert (LeftOutReason.PAGE_NUMBER, "Page 2 of 2") in listed


def test_every_word_of_a_pdf_is_spoken_or_listed(pdf_leaflet: Path, tmp_path: Path) -> None:
    prepared = prepare(pdf_leaflet, Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path))
    assert prepared.lost == ()
    assert unaccounted_words(pdf_leaflet, prepared.script_dir) == []


def test_a_pdf_without_a_text_layer_says_so(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    scan = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(scan))
    pdf.rect(50, 50, 400, 600, fill=1)  # a picture of a page: no text in it
    pdf.save()
    with pytest.raises(LeafletError, match="no text layer"):
        read_leaflet(scan)


# --------------------------------------------------------------------------
# Layouts the reader once got wrong (issue 20), one page each
# --------------------------------------------------------------------------


def _said(path: Path, tmp_path: Path) -> str:
    """Every sentence of the sections, once every word of the file is checked to be said
    or listed (by the reader's check and by one that is not the reader's)."""
    prepared = prepare(path, Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path / "c"))
    assert prepared.lost == ()
    assert unaccounted_words(path, prepared.script_dir) == []
    # After the introduction, which lists the sections' headings first.
    return " ".join(s for chapter in prepared.narration.chapters[1:] for s in chapter.sentences)


def _in_order(said: str, *parts: str) -> bool:
    places = [said.find(part) for part in parts]
    return -1 not in places and places == sorted(places)


def test_no_pause_at_line_ends_in_a_narrow_column(tmp_path: Path) -> None:
    """Text flowing through three narrow columns, a sentence broken at a column's foot."""
    path = pdf_layouts.three_columns(tmp_path / "folded.pdf", flowing=True)
    said = _said(path, tmp_path)
    written = [text for _, column in pdf_layouts.COLUMN_TEXTS for text in column]
    assert _in_order(said, *written)  # not "referred to the, eye clinic or are, ..."


def test_three_columns_are_read_down_each_in_turn(tmp_path: Path) -> None:
    document = read_leaflet(pdf_layouts.three_columns(tmp_path / "folded.pdf"))
    assert document.title == pdf_layouts.TITLE
    assert [s.heading for s in document.sections] == [
        None,
        "What is blepharospasm?",
        "The injections",
        "Afterwards",
    ]
    texts = [b.text for s in document.sections for b in s.blocks if isinstance(b, Paragraph)]
    written = [text for _, column in pdf_layouts.COLUMN_TEXTS for text in column]
    assert texts[1:] == written


def test_a_two_column_section_in_a_one_column_page_is_read_in_order(tmp_path: Path) -> None:
    path = pdf_layouts.section_in_two_columns(tmp_path / "section.pdf")
    said = _said(path, tmp_path)
    first_words = [text.split(",")[0] for text in pdf_layouts.SECTION_TEXTS]
    assert _in_order(said, "Two things to remember", *first_words, "Contact us", "Ring the eye")
    document = read_leaflet(path)
    assert [s.heading for s in document.sections] == [None, "Two things to remember", "Contact us"]


def test_a_table_is_read_row_by_row_each_cell_with_its_header(tmp_path: Path) -> None:
    said = _said(pdf_layouts.table_page(tmp_path / "table.pdf"), tmp_path)
    assert "Makes it worse: Stress. Eases it: Warmth." in said
    assert "Makes it worse: Bright light. Eases it: Dark glasses." in said


@pytest.mark.parametrize("unmapped", [False, True], ids=["bullets", "unmapped-bullets"])
def test_points_wrapped_onto_a_second_line_are_whole_and_counted(
    unmapped: bool, tmp_path: Path
) -> None:
    path = pdf_layouts.points_page(tmp_path / "points.pdf", unmapped_bullets=unmapped)
    said = _said(path, tmp_path)
    assert "may include the following three:" in said  # counted right
    for point in pdf_layouts.POINTS:
        assert point in said
    assert "cid" not in said.lower()
    document = read_leaflet(path)
    lists = [b for s in document.sections for b in s.blocks if isinstance(b, BulletList)]
    assert [list(b.items) for b in lists] == [pdf_layouts.POINTS]


def test_the_running_header_and_footer_of_a_one_page_pdf_are_left_out(tmp_path: Path) -> None:
    path = pdf_layouts.one_page_with_furniture(tmp_path / "one-page.pdf")
    document = read_leaflet(path)
    assert document.title == pdf_layouts.TITLE
    assert [s.heading for s in document.sections] == [None, "How it is given"]
    listed = [(item.reason, item.text) for item in document.left_out]
    assert listed == [
        (LeftOutReason.RUNNING_HEADER, pdf_layouts.HEADER),
        (LeftOutReason.RUNNING_HEADER, pdf_layouts.FOOTER),
    ]
    said = _said(path, tmp_path)
    assert "E Y E" not in said and "Ref" not in said


def test_a_text_layer_with_words_out_of_order_is_refused_in_one_line(tmp_path: Path) -> None:
    path = pdf_layouts.words_drawn_out_of_order(tmp_path / "shuffled.pdf")
    with pytest.raises(LeafletError) as caught:
        read_leaflet(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: the text layer of page 1 is out of reading order")
    assert message.endswith("save it as PDF again, or give the leaflet as .docx or .txt")


# --------------------------------------------------------------------------
# PDF files made by LibreOffice, Chromium and a PDF printer (tests/fixtures/office)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", office_files(".pdf"))
def test_office_pdf_files_read_as_their_outlines_say(name: str, tmp_path: Path) -> None:
    path = OFFICE / name
    if refusal := expected(name)["refuse"]:
        with pytest.raises(LeafletError, match=refusal):
            read_leaflet(path)
        return
    check_outline(path, read_leaflet(path))
    prepared = prepare(path, Settings(narration_dir=tmp_path / "n", cache_dir=tmp_path / "c"))
    assert prepared.lost == ()
    assert unaccounted_words(path, prepared.script_dir) == []
