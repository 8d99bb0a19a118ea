"""PDF leaflets laid out the way real ones are, made by two different producers.

reportlab draws a two-column hospital leaflet with a running header, a
running footer with page numbers, a large bold title, bold headings, bullets
and narrow columns filled as a typesetter fills them, a word broken by a
hyphen at a line's end. Chromium prints an HTML
leaflet to PDF, as staff "save as PDF" from a browser; producers lay text
out differently, so the reader is tried on both.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

HEADER = "Northfield Hospitals NHS Trust · Patient information"
TITLE = "Botulinum toxin for cervical dystonia"
COLUMNS = [
    [
        ("heading", "What is cervical dystonia?"),
        (
            "body",
            "Cervical dystonia makes the muscles of the neck tighten without warning. The "
            "head may turn or tilt, and the neck is often painful. It is not caused by "
            "anything you did.",
        ),
        ("heading", "How the injections help"),
        (
            "body",
            "Botulinum toxin relaxes the overactive muscles for about three months. Most people "
            "notice the effect after one or two weeks.",
        ),
    ],
    [
        ("heading", "On the day"),
        ("body", "Please bring a list of your medicines. You may:"),
        ("bullet", "eat and drink as usual"),
        ("bullet", "drive home afterwards"),
        ("bullet", "go back to work the same day"),
        ("heading", "Side effects"),
        (
            "body",
            "Some people have a sore neck or find swallowing harder for a few weeks. Ring the "
            "clinic if you are worried.",
        ),
    ],
]
PAGE_TWO = [
    ("heading", "Contact us"),
    ("body", "Ring the neurology clinic on 01632 960 456, Monday to Friday."),
    ("body", "This leaflet was published in March 2024."),
]
COLUMN_WIDTH = 194.0
"""Where reportlab's lines wrap (points): a narrow column, as leaflets folded in three have."""
HYPHENATION = {"painful.": ("pain-", "ful.")}
"""Where a word may be broken at a line's end, as a typesetter would."""


def wrapped(
    text: str, font: str = "Helvetica", size: float = 10, width: float = COLUMN_WIDTH
) -> list[str]:
    """`text` broken into lines as a typesetter fills them: each line takes every word that
    fits in `width`, and a word in HYPHENATION is broken rather than moved down."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    lines: list[str] = []
    line = ""
    for word in text.split():
        if stringWidth(f"{line} {word}".strip(), font, size) <= width:
            line = f"{line} {word}".strip()
        elif word in HYPHENATION and (
            stringWidth(f"{line} {HYPHENATION[word][0]}", font, size) <= width
        ):
            lines.append(f"{line} {HYPHENATION[word][0]}")
            line = HYPHENATION[word][1]
        else:
            lines.append(line)
            line = word
    return [*lines, line]


def reportlab_leaflet(path: Path) -> Path:
    """A two-page, two-column leaflet drawn with reportlab."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(TITLE)

    def furniture(page: int) -> None:
        pdf.setFont("Helvetica", 8)
        pdf.drawString(50, height - 30, HEADER)
        pdf.drawString(50, 25, f"Page {page} of 2")

    def column(items: list[tuple[str, str]], x: float, y: float) -> None:
        for kind, text in items:
            if kind == "heading":
                y -= 10
                pdf.setFont("Helvetica-Bold", 13)
                pdf.drawString(x, y, text)
                y -= 18
            elif kind == "bullet":
                pdf.setFont("Helvetica", 10)
                pdf.drawString(x, y, f"•  {text}")
                y -= 14
            else:
                pdf.setFont("Helvetica", 10)
                for line in wrapped(text) if kind == "body" else [text]:
                    pdf.drawString(x, y, line)
                    y -= 14

    furniture(1)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(50, height - 80, TITLE)
    column(COLUMNS[0], 50, height - 120)
    column(COLUMNS[1], width / 2 + 10, height - 120)
    pdf.showPage()
    furniture(2)
    column(PAGE_TWO, 50, height - 70)
    pdf.save()
    return path


def chromium_leaflet(path: Path, work: Path) -> Path | None:
    """The same leaflet as a web page printed to PDF by Chromium; None where it is absent."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        return None
    sections = "".join(
        f"<h2>{text}</h2>"
        if kind == "heading"
        else (f"<li>{text}</li>" if kind == "bullet" else f"<p>{text}</p>")
        for items in (*COLUMNS, PAGE_TWO)
        for kind, text in items
    )
    sections = re.sub(r"(<li>.*?</li>)+", lambda points: f"<ul>{points[0]}</ul>", sections)
    page = work / "leaflet.html"
    page.write_text(
        f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>{TITLE}</title>"
        "<style>body{font:11pt sans-serif} h1{font-size:24pt} h2{font-size:15pt}</style>"
        f"</head><body><h1>{TITLE}</h1>{sections}</body></html>",
        encoding="utf-8",
    )
    subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={work / 'profile'}", "--no-pdf-header-footer",
            f"--print-to-pdf={path}", page.as_uri(),
        ],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return path
