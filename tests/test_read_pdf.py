"""PDF leaflets from two producers: headings, two columns, running headers, page numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.config import Settings
from audio_leaflet.errors import LeafletError
from audio_leaflet.model import BulletList, LeftOutReason, Paragraph
from audio_leaflet.pipeline import prepare
from audio_leaflet.read import read_leaflet
from coverage_helpers import unaccounted_words
from pdf_helpers import HEADER, TITLE, chromium_leaflet, reportlab_leaflet

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
