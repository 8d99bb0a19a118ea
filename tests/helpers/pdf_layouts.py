"""One-page PDF leaflets laid out as real ones are, drawn with reportlab.

Each page is set as a typesetter sets it: text filled line by line to its
column's width (`helpers.pdf.wrapped`), points with a hanging indent, a title
in large bold type, furniture in small type at the page's edges. Each shows
one thing the PDF reader once got wrong (issue 20).
"""

from __future__ import annotations

import random
from pathlib import Path

from helpers.pdf import wrapped

WIDTH, HEIGHT = 595.0, 842.0
LEFT, RIGHT = 50.0, 545.0
BODY = 10.0
LEADING = 13.0


class Page:
    """A page being drawn top down, in one column or several."""

    def __init__(self, path: Path, title: str) -> None:
        from reportlab.pdfgen import canvas

        self.pdf = canvas.Canvas(str(path), pagesize=(WIDTH, HEIGHT))
        self.pdf.setTitle("")
        self.path = path
        self.y = HEIGHT - 60
        self.title = title

    def furniture(self, header: str, footer: str) -> None:
        self.pdf.setFont("Helvetica", 7)
        self.pdf.drawString(LEFT, HEIGHT - 30, header)
        self.pdf.drawString(LEFT, 30, footer)

    def heading(self, text: str, size: float, x: float = LEFT) -> None:
        self.pdf.setFont("Helvetica-Bold", size)
        self.y -= size
        self.pdf.drawString(x, self.y, text)
        self.y -= size * 0.6

    def paragraph(self, text: str, x: float = LEFT, width: float = RIGHT - LEFT) -> None:
        self.pdf.setFont("Helvetica", BODY)
        for line in wrapped(text, size=BODY, width=width):
            self.y -= LEADING
            self.pdf.drawString(x, self.y, line)
        self.y -= BODY * 0.6

    def point(self, text: str, x: float = LEFT, width: float = RIGHT - LEFT) -> None:
        """A bulleted point, its wrapped lines under its text (a hanging indent)."""
        indent = 12.0
        self.pdf.setFont("Helvetica", BODY)
        for index, line in enumerate(wrapped(text, size=BODY, width=width - indent)):
            self.y -= LEADING
            if index == 0:
                self.pdf.drawString(x, self.y, "•")
            self.pdf.drawString(x + indent, self.y, line)
        self.y -= 3

    def save(self) -> Path:
        self.pdf.save()
        return self.path


TITLE = "Botulinum toxin for blepharospasm"
REFERRED = (
    "You may have been referred to the eye clinic or are thinking about this as a "
    "treatment for your condition."
)
COLUMN_TEXTS = [
    ("What is blepharospasm?", [REFERRED, "Blepharospasm makes the eyelids close by themselves."]),
    (
        "The injections",
        [
            "A very fine needle is used to put the medicine into the muscles around the eye.",
            "Most people feel only a sharp scratch for a moment.",
        ],
    ),
    (
        "Afterwards",
        [
            "Do not rub your eyes for the rest of the day after the injections.",
            "The effect starts after a few days and lasts about three months.",
        ],
    ),
]


def three_columns(path: Path, *, flowing: bool = False) -> Path:
    """A leaflet folded in three: a title across the top, three narrow columns under it.

    `flowing` pours the text from column to column as a typesetter does, a
    third of it in each, so a sentence breaks at a column's foot.
    """
    page = Page(path, TITLE)
    page.heading(TITLE, 20)
    page.paragraph("Information for patients of the eye clinic.")
    top = page.y
    width = (RIGHT - LEFT - 2 * 18) / 3
    if not flowing:
        for index, (heading, paragraphs) in enumerate(COLUMN_TEXTS):
            x = LEFT + index * (width + 18)
            page.y = top
            page.heading(heading, 13, x)
            for text in paragraphs:
                page.paragraph(text, x, width)
        return page.save()
    page.pdf.setFont("Helvetica", BODY)
    texts = [text for _, column in COLUMN_TEXTS for text in column]
    # Each line with the space before it: a paragraph starts half a line lower.
    flow = [
        (line, LEADING + (BODY * 0.6 if index == 0 else 0))
        for text in texts
        for index, line in enumerate(wrapped(text, width=width))
    ]
    per_column = -(-len(flow) // 3)
    for number, (line, space) in enumerate(flow):
        column, row = divmod(number, per_column)
        if row == 0:
            page.y = top
        page.y -= space if row else LEADING
        page.pdf.drawString(LEFT + column * (width + 18), page.y, line)
    return page.save()


SECTION_TEXTS = [
    "Before the injection, tell the doctor about every medicine you take, including any you "
    "buy without a prescription.",
    "After the injection, avoid lying flat for four hours so the medicine stays where it was put.",
    "The effect starts after two to five days and lasts around three months in most people.",
    "Keep a diary of how your eyes feel each week, and bring it to your next appointment.",
]


def section_in_two_columns(path: Path) -> Path:
    """A one-column page with a two-column section in its middle, as Writer sets a section."""
    page = Page(path, TITLE)
    page.heading(TITLE, 20)
    page.paragraph("This leaflet tells you what happens when you have the injections.")
    page.heading("Two things to remember", 14)
    top = page.y
    width = (RIGHT - LEFT - 20) / 2
    bottoms = []
    for column, texts in enumerate((SECTION_TEXTS[:2], SECTION_TEXTS[2:])):
        page.y = top
        for text in texts:
            page.paragraph(text, LEFT + column * (width + 20), width)
        bottoms.append(page.y)
    page.y = min(bottoms)
    page.heading("Contact us", 14)
    page.paragraph("Ring the eye clinic if you have any questions about your treatment.")
    return page.save()


def table_page(path: Path) -> Path:
    """A table of what makes symptoms worse beside what eases them, ruled, headers in bold."""
    page = Page(path, TITLE)
    page.heading(TITLE, 20)
    page.paragraph("Many things change how bad the spasms are from day to day.")
    rows = [("Makes it worse", "Eases it"), ("Stress", "Warmth"), ("Bright light", "Dark glasses")]
    columns = (LEFT + 4, LEFT + 204)
    for index, row in enumerate(rows):
        page.y -= 18
        page.pdf.setFont("Helvetica-Bold" if index == 0 else "Helvetica", BODY)
        for x, cell in zip(columns, row, strict=True):
            page.pdf.drawString(x, page.y, cell)
        page.pdf.line(LEFT, page.y - 5, LEFT + 400, page.y - 5)
    page.y -= 12
    page.paragraph("Tell the nurse what helps you most.")
    return page.save()


POINTS = [
    "Drooping of the upper eyelid, which usually gets better by itself within a few weeks "
    "without any treatment",
    "Watering of the eye, or a dry eye that feels gritty, for a short while after each treatment",
    "Double vision, which is rare",
]


def points_page(path: Path, *, unmapped_bullets: bool = False) -> Path:
    """Three points, two of them wrapped onto a second line under their text.

    With `unmapped_bullets`, the bullets are in a font embedded without its map
    to Unicode, so pdfminer reads each as "(cid:1)".
    """
    page = Page(path, TITLE)
    page.heading(TITLE, 20)
    page.paragraph("Side effects of the injections may include:")
    width = 300.0
    if unmapped_bullets:
        _register_bullet_font()
    for text in POINTS:
        if unmapped_bullets:
            page.pdf.setFont("UnmappedBullets", BODY)
            page.pdf.drawString(LEFT, page.y - LEADING, "●")
            page.pdf.setFont("Helvetica", BODY)
            for line in wrapped(text, size=BODY, width=width):
                page.y -= LEADING
                page.pdf.drawString(LEFT + 12, page.y, line)
            page.y -= 3
        else:
            page.point(text, width=width)
    page.y -= 6
    page.paragraph("Tell the clinic about any side effect that worries you.")
    page.save()
    if unmapped_bullets:
        # The same length, so the file's cross-reference table stays right.
        path.write_bytes(path.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
    return path


def _register_bullet_font() -> None:
    from pathlib import Path as _Path

    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    vera = _Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
    pdfmetrics.registerFont(TTFont("UnmappedBullets", str(vera)))


HEADER = TITLE
FOOTER = "Ref. EYE-0123 · Issued March 2024"


def one_page_with_furniture(path: Path) -> Path:
    """One page with a running header (the title again, in small type) and a footer
    (a reference and a date)."""
    page = Page(path, TITLE)
    page.furniture(HEADER, FOOTER)
    page.heading(TITLE, 20)
    page.paragraph("Botulinum toxin relaxes the muscles that close the eyelids.")
    page.heading("How it is given", 14)
    page.paragraph("A nurse gives a few small injections around each eye.")
    return page.save()


def words_drawn_out_of_order(path: Path) -> Path:
    """A page whose words are drawn one by one in a shuffled order, each in its place."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    page = Page(path, TITLE)
    words: list[tuple[float, float, str]] = []
    y = HEIGHT - 80
    for text in [REFERRED, *SECTION_TEXTS]:
        for line in wrapped(text, size=BODY, width=300):
            x = LEFT
            for word in line.split():
                words.append((x, y, word))
                x += stringWidth(word + " ", "Helvetica", BODY)
            y -= LEADING
    random.Random(20).shuffle(words)
    page.pdf.setFont("Helvetica", BODY)
    for x, y, word in words:
        page.pdf.drawString(x, y, word)
    return page.save()
