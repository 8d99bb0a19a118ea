"""PDF leaflets with a text layer, through pdfminer.six (MIT).

pdfminer's layout analysis groups characters into lines and lines into text
boxes in reading order (it follows two columns down before across). From
each line this reader keeps its text, its type size and whether it is bold:

- **running headers and footers** (a line that comes back at the top or the
  bottom of most pages) and **page numbers** are left out, into the ledger;
- **headings** are lines set larger than the body text, or short lines set
  wholly in bold; the **title** is the largest type on the first page;
- lines of one box are joined back into a paragraph, a word broken by a
  hyphen at a line's end is joined again, and lines that start with a
  bullet or a number are list points.

A PDF with no text layer (a scan) gets one line saying so.
"""

from __future__ import annotations

import dataclasses
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.errors import LeafletError
from audio_leaflet.model import LeftOut, LeftOutReason
from audio_leaflet.read import rules
from audio_leaflet.read.pieces import Heading, Hints, Item, Piece, Text

HEADING_SIZE = 1.15
"""A line set this much larger than the body text (or more) is a heading."""
EDGE_BAND = 0.09
"""Share of the page height at its top and bottom where running headers and footers sit."""
_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)
_HYPHEN_BREAK = re.compile(r"[a-z]-$")
# A bullet in a font without a Unicode map comes out as "(cid:127)".
_CID_BULLET = re.compile(r"^\(cid:\d+\)\s*")
RIGHT_COLUMN = 0.45
"""A text box starting this far across the page (or further) is in the right column."""


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    bold: bool
    page: int
    box: int
    top: float
    """Distance from the top of the page, as a share of its height (0 at the top)."""
    column: int = 0
    """0 for the left column (or the full width), 1 for the right one."""
    box_top: float = 0.0
    """Where the line's box starts, as `top` counts."""


def read_pdf(path: Path) -> tuple[list[Piece], Hints]:
    """Pieces of a PDF leaflet in reading order, and its metadata title; LeafletError
    when it has no text layer."""
    lines, pages, title_hint = _lines(path)
    if not any(line.text for line in lines):
        raise LeafletError(
            f"{path} is a PDF with no text layer (a scanned page, or text saved as an image): "
            "open the original document and save it as PDF again, or run text recognition "
            "(OCR) on it first"
        )
    left_out: list[LeftOut] = []
    repeated = _running_lines(lines, pages)
    kept: list[_Line] = []
    for line in lines:
        if _PAGE_NUMBER.match(line.text):
            left_out.append(LeftOut(line.text, LeftOutReason.PAGE_NUMBER))
        elif line.text in repeated:
            left_out.append(LeftOut(line.text, LeftOutReason.RUNNING_HEADER))
        else:
            kept.append(line)
    return _pieces(kept), Hints(title=title_hint, left_out=tuple(left_out))


def _lines(path: Path) -> tuple[list[_Line], int, str | None]:
    """Every text line with its type size and weight, page by page, box by box."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    lines: list[_Line] = []
    pages = 0
    box_number = 0
    try:
        for page_number, page in enumerate(extract_pages(str(path), laparams=LAParams())):
            pages += 1
            height = page.height or 1.0
            for element in page:
                if not isinstance(element, LTTextBox):
                    continue
                box_number += 1
                # Two columns are read down, then across: a box starting right of the
                # middle is in the right column; pdfminer's own order mixes them.
                column = int(element.x0 > page.width * RIGHT_COLUMN)
                box_top = 1.0 - element.y1 / height
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = [c for c in line if isinstance(c, LTChar) and c.get_text().strip()]
                    text = _CID_BULLET.sub("• ", " ".join(line.get_text().split()))
                    if not text or not chars:
                        continue
                    size = statistics.median(c.size for c in chars)
                    bold = all("bold" in c.fontname.lower() for c in chars)
                    top = 1.0 - line.y1 / height
                    lines.append(
                        _Line(text, size, bold, page_number, box_number, top, column, box_top)
                    )
    except PDFEncryptionError as error:
        raise LeafletError(
            f"{path} is locked with a password (an encrypted PDF), so its text cannot be read: "
            "save it again without a password, or give the leaflet as .docx or .txt"
        ) from error
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError) as error:
        reason = str(error).rstrip(".!?") or type(error).__name__
        raise LeafletError(
            f"Cannot read {path} as a PDF ({reason}): it may be damaged; save it again as PDF, "
            "or give the leaflet as .docx or .txt"
        ) from error
    lines = _with_page_references_joined(lines)
    lines.sort(key=lambda line: (line.page, line.column, line.box_top, line.box, line.top))
    return lines, pages, _metadata_title(path)


SAME_BASELINE = 0.006
"""Lines this close in height (share of the page) are on one printed line."""


def _with_page_references_joined(lines: list[_Line]) -> list[_Line]:
    """A contents page's numbers put back at the end of their entries.

    A producer often draws "What is dystonia?" and its page number "2" as
    two boxes on one printed line; apart, the number would be read as a page
    number and the entry lose its sign of being a contents line.
    """
    joined = list(lines)
    for number in lines:
        if not number.text.isdigit() or not EDGE_BAND < number.top < 1 - EDGE_BAND:
            continue
        entry = next(
            (
                i
                for i, line in enumerate(joined)
                if line.page == number.page
                and line is not number
                and not line.text.isdigit()
                and abs(line.top - number.top) < SAME_BASELINE
            ),
            None,
        )
        if entry is not None:
            joined[entry] = dataclasses.replace(
                joined[entry], text=f"{joined[entry].text} {number.text}"
            )
            joined.remove(number)
    return joined


def _metadata_title(path: Path) -> str | None:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        with open(path, "rb") as stream:
            info = PDFDocument(PDFParser(stream)).info
    except Exception:
        return None
    for entry in info:
        value = entry.get("Title")
        if isinstance(value, bytes):
            value = value.decode("utf-16" if value.startswith(b"\xfe\xff") else "latin-1", "ignore")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _running_lines(lines: list[_Line], pages: int) -> set[str]:
    """Lines that come back at a page's top or bottom on most pages (numbers aside)."""
    if pages < 2:
        return set()
    at_edges = Counter(
        re.sub(r"\d+", "#", line.text)
        for line in {(each.page, each.text): each for each in lines}.values()
        if line.top < EDGE_BAND or line.top > 1 - EDGE_BAND
    )
    shapes = {shape for shape, count in at_edges.items() if count >= max(2, pages / 2)}
    return {
        line.text
        for line in lines
        if re.sub(r"\d+", "#", line.text) in shapes
        and (line.top < EDGE_BAND or line.top > 1 - EDGE_BAND)
    }


def _pieces(lines: list[_Line]) -> list[Piece]:
    if not lines:
        return []
    body = _body_size(lines)
    largest_on_first = max((x.size for x in lines if x.page == lines[0].page), default=body)
    pieces: list[Piece] = []
    paragraph: list[str] = []
    group = 0
    in_list = False
    previous: _Line | None = None

    def flush() -> None:
        if paragraph:
            pieces.append(Text(tuple(_rejoined(paragraph))))
            paragraph.clear()

    for line in lines:
        heading = _is_heading(line, body)
        if heading:
            flush()
            in_list = False
            title = line.page == lines[0].page and line.size >= largest_on_first
            last_heading = pieces[-1] if pieces else None
            if (
                isinstance(last_heading, Heading)
                and previous is not None
                and previous.size == line.size
                and previous.box == line.box
            ):  # a heading set on two lines
                pieces[-1] = Heading(f"{last_heading.text} {line.text}", last_heading.level)
                previous = line
                continue
            pieces.append(Heading(line.text, 1 if title else 2))
        elif (found := rules.list_item(line.text)) is not None:
            flush()
            if not in_list:
                group += 1
                in_list = True
            pieces.append(Item(found[0], found[1], group))
        elif previous is not None and in_list and previous.box == line.box and not paragraph:
            # A point wrapped onto the next line of the same box.
            point = pieces[-1]
            assert isinstance(point, Item), "in_list is set only after a point"
            pieces[-1] = Item(
                " ".join(_rejoined([point.text, line.text])), point.ordered, point.group
            )
        else:
            # A new box starts a new paragraph, unless the text runs on into it (some
            # producers, Chromium among them, put every line in a box of its own).
            ended = bool(paragraph) and re.search(r"[.!?]$", paragraph[-1]) is not None
            if previous is not None and previous.box != line.box and (ended or in_list):
                flush()
            in_list = False
            paragraph.append(line.text)
        previous = line
    flush()
    return pieces


def _body_size(lines: list[_Line]) -> float:
    """The type size most of the text is set in (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0]


def _is_heading(line: _Line, body: float) -> bool:
    text = line.text
    if rules.list_item(text) is not None or len(text.split()) > rules.MAX_HEADING_WORDS:
        return False
    if line.size >= body * HEADING_SIZE:
        return not text.endswith((".", ","))
    return line.bold and rules.looks_like_heading(text)


def _rejoined(lines: list[str]) -> list[str]:
    """A paragraph's lines with words broken by a hyphen at a line's end made whole."""
    out: list[str] = []
    for line in lines:
        if out and _HYPHEN_BREAK.search(out[-1]) and line[:1].islower():
            out[-1] = out[-1][:-1] + line
        else:
            out.append(line)
    return out
