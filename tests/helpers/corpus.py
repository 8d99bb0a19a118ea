"""The corpus of real-shaped leaflets, the Word and PDF ones made here from their recipes.

Text, Markdown and HTML members are kept as files in tests/fixtures/corpus/.
Word and PDF members are binary, so they are made by the producers staff
use (python-docx for Word; reportlab and Chromium for PDF) each time the
tests run. Each member's expected outline, written by reading the source as
a person would, is in tests/fixtures/corpus/outlines/<file name>.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES
from helpers.pdf import chromium_leaflet, reportlab_leaflet

CORPUS = FIXTURES / "corpus"
OUTLINES = CORPUS / "outlines"
KEPT = sorted(p.name for p in CORPUS.iterdir() if p.is_file())
NO_HEADINGS = FIXTURES / "no-headings.txt"


def word_with_heading_styles(path: Path) -> Path:
    """A Word leaflet written the tidy way: Title, Heading 1 and 2, bullets, a table."""
    import docx

    document = docx.Document()
    document.core_properties.title = "Writer's cramp"
    document.add_paragraph("Writer's cramp: exercises and aids", style="Title")
    document.add_paragraph(
        "This leaflet is for people with writer's cramp, a dystonia of the hand and arm."
    )
    document.add_heading("What is writer's cramp?", level=1)
    document.add_paragraph(
        "Writer's cramp makes the muscles of the hand tighten when you write. It is not "
        "caused by writing too much."
    )
    document.add_heading("Exercises", level=1)
    document.add_heading("Before you write", level=2)
    for point in (
        "Warm your hands in warm water.",
        "Stretch your fingers gently.",
        "Shake your hands loosely for a minute.",
    ):
        document.add_paragraph(point, style="List Bullet")
    document.add_heading("Aids that help", level=2)
    document.add_paragraph("Many people find these aids useful:")
    table = document.add_table(rows=3, cols=2)
    for row, (aid, use) in zip(
        table.rows,
        (
            ("Aid", "What it does"),
            ("Thick pen grip", "Eases the hold"),
            ("Voice typing", "Writes for you"),
        ),
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = aid, use
    document.add_heading("More help", level=1)
    document.add_paragraph("Ring our helpline on 0330 123 4567.")
    document.add_paragraph("Published June 2022. Next review June 2025.")
    document.save(str(path))
    return path


def word_with_bold_headings(path: Path) -> Path:
    """A Word leaflet as staff often type one: title and headings only bold, larger type."""
    import docx
    from docx.shared import Pt

    document = docx.Document()

    def bold(text: str, points: int) -> None:
        run = document.add_paragraph().add_run(text)
        run.bold, run.font.size = True, Pt(points)

    bold("Tremor and dystonia", 20)
    document.add_paragraph(
        "Some people with dystonia also have a tremor, a shaking they cannot stop."
    )
    bold("Why does it happen?", 14)
    document.add_paragraph(
        "Nobody knows for certain. The same parts of the brain are involved in both."
    )
    bold("What can help", 14)
    document.add_paragraph("Tell your neurologist if the tremor gets worse. Some tablets help.")
    document.add_paragraph("Review date: January 2026")
    document.save(str(path))
    return path


def pdf_with_contents_page(path: Path) -> Path:
    """A three-page guide drawn with reportlab: a cover with a contents page, then the text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    sections = [
        ("What is dystonia?", 2, ["Dystonia makes muscles tighten and spasm without warning.",
                                  "It can affect one part of the body or many parts."]),
        ("Looking after yourself", 2, ["Rest when you need to, and pace your day.",
                                       "Gentle exercise keeps the muscles supple."]),
        ("Getting support", 3, ["Our local groups meet once a month.",
                                "Ring the helpline on 0330 123 4567 to find one near you."]),
    ]  # fmt: skip
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawString(60, height - 100, "Living with dystonia")
    pdf.setFont("Helvetica", 12)
    pdf.drawString(60, height - 125, "A guide for families")
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(60, height - 180, "Contents")
    pdf.setFont("Helvetica", 11)
    for row, (heading, page, _text) in enumerate(sections):
        y = height - 205 - row * 18
        pdf.drawString(60, y, heading)
        pdf.drawRightString(width - 60, y, str(page))
    pdf.setFont("Helvetica", 8)
    pdf.drawCentredString(width / 2, 30, "1")
    page = 1
    y = 0.0
    for heading, on_page, text in sections:
        if on_page != page:
            pdf.showPage()
            page, y = on_page, height - 80
            pdf.setFont("Helvetica", 8)
            pdf.drawCentredString(width / 2, 30, str(page))
        pdf.setFont("Helvetica-Bold", 14)
        pdf.drawString(60, y, heading)
        y -= 22
        pdf.setFont("Helvetica", 11)
        for line in text:
            pdf.drawString(60, y, line)
            y -= 15
        y -= 20
    pdf.save()
    return path


def browser_printed(path: Path) -> Path | None:
    """The two-column leaflet's text as a web page printed to PDF by Chromium."""
    work = path.parent / "chromium-work"
    work.mkdir(exist_ok=True)
    return chromium_leaflet(path, work)


MADE: dict[str, Callable[[Path], Path | None]] = {
    "word-heading-styles.docx": word_with_heading_styles,
    "word-bold-headings.docx": word_with_bold_headings,
    "two-column-hospital.pdf": reportlab_leaflet,
    "guide-with-contents-page.pdf": pdf_with_contents_page,
    "browser-printed.pdf": browser_printed,
}
NAMES = sorted([*KEPT, NO_HEADINGS.name, *MADE])


def corpus_member(name: str, folder: Path) -> Path | None:
    """The corpus leaflet `name`, made in `folder` if made; None where its producer is absent."""
    if name in MADE:
        folder.mkdir(parents=True, exist_ok=True)
        return MADE[name](folder / name)
    return NO_HEADINGS if name == NO_HEADINGS.name else CORPUS / name
