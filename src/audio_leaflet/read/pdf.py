"""PDF leaflets with a text layer, through pdfminer.six (MIT).

pdfminer finds the printed lines (characters side by side); this reader puts
them in the order a person reads them and decides what each one is:

- **reading order** from the page's real layout: the page is cut into bands
  from top to bottom wherever the columns change (a full-width title over
  two columns, a two-column section inside a one-column page, three columns
  of a newsletter); in each band the columns are read left to right, each
  from top to bottom;
- **tables**: a band whose columns hold short cells side by side, row by
  row (not prose filling its columns) is handed on as a Table, so each cell
  is said with its column's header;
- **running headers and footers** (a line that comes back at the top or the
  bottom of most pages; on any page, a line in small type at the very top
  or bottom that repeats the title or carries a reference, date or page
  number) and **page numbers** are left out, into the ledger;
- **headings** are lines set larger than the body text, or short lines set
  wholly in bold, ranked by size; a chapter number printed before one
  ("2.1.") is not part of it; the **title** is the largest type on the
  first page;
- **lines**: a line broken by the column's width is joined to the next with
  a space (no pause, however narrow the column), a word broken by a hyphen
  is made whole, and lines ended by their writer (an address) stay apart;
- **points**: a line starting with a bullet or a number starts a point, and
  its wrapped lines (in the same column or at the top of the next) belong to
  it; a bullet drawn apart from its text, and glyphs without a Unicode map
  (pdfminer's "(cid:N)"), are never read out.

A PDF with no text layer (a scan), or whose text layer gives words one by
one out of their lines (drawn in an order pdfminer cannot put together),
gets one line saying so.
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.errors import LeafletError
from audio_leaflet.model import LeftOut, LeftOutReason
from audio_leaflet.read import rules
from audio_leaflet.read.opening import title_first
from audio_leaflet.read.pieces import Heading, Hints, Item, Piece, Table, Text

HEADING_SIZE = 1.15
"""A line set this much larger than the body text (or more) is a heading."""
SMALL_TYPE = 0.92
"""A line set this much smaller than the body text (or less) is small type."""
EDGE_BAND = 0.09
"""Share of the page height at its top and bottom where running headers and footers sit."""
SAME_EDGE = 3.0
"""Lines whose left ends are this close (points) start at one column's edge."""
SAME_ROW = 0.5
"""Lines whose heights overlap by this share of the smaller one are on one printed row."""
PARAGRAPH_GAP = 0.45
"""A gap between lines this many times the type size wider than the column's usual
leading starts a new paragraph."""
ROW_GAP = 0.3
"""In a table, a gap this many times the type size (or more) starts a new row."""
PROSE_FILL = 0.8
"""A line at least this share of its column's width fills it (prose, not a table cell)."""
FULL_LINE = 1.5
"""A line that ends within this many times its type size of its column's right edge is full:
only such a line may run on into the next column."""
MIN_PROSE_WORDS = 4
"""Fewest words on a line of prose in a column; a table's cells hold fewer."""
MIN_FRAGMENTS = 8
"""Fewest broken-up lines on a page before its text layer is taken for out of order."""
FRAGMENT_SHARE = 0.3
"""Share of a page's lines broken up, from which its text layer is out of order."""
SINGLE_WORD_SHARE = 0.6
"""Share of a page's lines that are single words, from which its text layer is in pieces."""
MIN_LINES_TO_JUDGE = 10
"""Fewest lines on a page before the share of single words says anything."""

_PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?$", re.IGNORECASE)
_HYPHEN_BREAK = re.compile(r"[a-z]-$")
_CID = re.compile(r"\(cid:\d+\)")
_BULLET_ONLY = re.compile(r"^[\s•●○◦▪▫■□‣⁃∙·*\-–—\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8]*$")
_BOLD_FONT = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_CHAPTER_NUMBER = re.compile(r"^(?P<number>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=\S)")
MAX_FURNITURE_WORDS = 14
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint)\b.*|untitled\b.*|document\s*\d*|.*\.(?:docx?|odt|pdf|rtf))$",
    re.IGNORECASE,
)
"""Titles that producers put in a PDF's properties by themselves."""


@dataclass(frozen=True)
class _Line:
    """One printed line, where it is on its page (points from the page's top left)."""

    text: str
    size: float
    bold: bool
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    text_x0: float
    """Where its words start (after a bullet drawn in front of them)."""
    first_word: float
    """The width of its first word, to tell whether it would have fitted on the line above."""
    reference: bool = False
    """True when it ends in a page number set apart at the right (a contents entry)."""


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    rules: tuple[tuple[float, float, float, float], ...] = ()
    """Lines drawn on the page (x0, top, x1, bottom), a table's borders among them."""


@dataclass
class _Column:
    """Lines read one after another, top to bottom, and the right edge they wrap at."""

    lines: list[_Line]
    right: float


@dataclass
class _Grid:
    """A band read as a table: its rows, each a list of cells, each a list of lines."""

    rows: list[list[list[_Line]]]


def read_pdf(path: Path, data: bytes) -> tuple[list[Piece], Hints]:
    """Pieces of a PDF leaflet in reading order, its metadata title and what was left out.

    LeafletError when it has no text layer, or one out of reading order.
    """
    lines, pages = _lines(path, data)
    if not any(line.text for line in lines):
        raise LeafletError(
            f"{path} is a PDF with no text layer (a scanned page, or text saved as an image): "
            "open the original document and save it as PDF again, or run text recognition "
            "(OCR) on it first"
        )
    lines = _with_page_references_joined(_with_bullets_joined(lines), pages)
    lines = _with_justified_lines_joined(lines)
    _refuse_out_of_order(path, lines)
    title_hint = _metadata_title(data)
    body = _body_size(lines)
    left_out: list[LeftOut] = []
    repeated = _running_lines(lines, pages)
    title = title_hint or _largest_on_first_page(lines)
    kept: list[_Line] = []
    for line in lines:
        at_edge = _at_edge(line, pages)
        if at_edge and _PAGE_NUMBER.match(line.text):
            left_out.append(LeftOut(line.text, LeftOutReason.PAGE_NUMBER))
        elif at_edge and (line.text in repeated or _is_furniture(line, body, title)):
            left_out.append(LeftOut(line.text, LeftOutReason.RUNNING_HEADER))
        else:
            kept.append(line)
    regions = [
        region
        for page in sorted(pages)
        for region in _page_order(kept, page, body, pages[page].rules)
    ]
    return _pieces(regions, body), Hints(title=title_hint, left_out=tuple(left_out))


# --------------------------------------------------------------------------
# Lines from pdfminer
# --------------------------------------------------------------------------


def _lines(path: Path, data: bytes) -> tuple[list[_Line], dict[int, _Page]]:
    """Every text line with its place, type size and weight, page by page."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTChar, LTCurve, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psexceptions import PSException

    lines: list[_Line] = []
    pages: dict[int, _Page] = {}
    try:
        for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams())):
            height = page.height or 1.0
            drawn: list[tuple[float, float, float, float]] = []
            for element in page:
                if isinstance(element, LTCurve) and not _is_dot(element):
                    drawn += _edges(element, height)
                if isinstance(element, LTCurve) and _is_dot(element):
                    # Browsers draw a list's bullets as shapes, not characters.
                    top = height - element.y1
                    lines.append(
                        _Line("•", element.height * 2, False, number, element.x0, element.x1,
                              top, top + element.height, element.x0, element.width)
                    )  # fmt: skip
                if not isinstance(element, LTTextBox):
                    continue
                for line in element:
                    if not isinstance(line, LTTextLine):
                        continue
                    chars = [c for c in line if isinstance(c, LTChar)]
                    found = _line(line.get_text(), chars, number, height)
                    if found is not None:
                        lines.append(found)
            pages[number] = _Page(page.width or 1.0, height, tuple(drawn))
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
    return lines, pages


MAX_DOT = 8.0
"""Largest shape (points across) still taken for a bullet drawn as a dot or a square."""


def _edges(shape: object, height: float) -> list[tuple[float, float, float, float]]:
    """The straight lines a drawn line or rectangle makes (x0, top, x1, bottom)."""
    x0, y0, x1, y1 = getattr(shape, "bbox", (0.0, 0.0, 0.0, 0.0))
    top, bottom = height - y1, height - y0
    if x1 - x0 <= 2 or y1 - y0 <= 2:
        return [(x0, top, x1, bottom)]
    return [
        (x0, top, x0, bottom),
        (x1, top, x1, bottom),
        (x0, top, x1, top),
        (x0, bottom, x1, bottom),
    ]


def _is_dot(shape: object) -> bool:
    width, height = getattr(shape, "width", 0.0), getattr(shape, "height", 0.0)
    return 0.5 < width <= MAX_DOT and 0.5 < height <= MAX_DOT and 0.5 < width / height < 2


def _line(raw: str, chars: Sequence[object], page: int, height: float) -> _Line | None:
    """A printed line from pdfminer's characters; None when it shows nothing."""
    from pdfminer.layout import LTChar

    shown = [c for c in chars if isinstance(c, LTChar) and c.get_text().strip()]
    if not shown:
        return None
    # A glyph without a Unicode map comes out as "(cid:127)": in front of the
    # text it is a bullet from a symbol font; anywhere else it says nothing.
    text = " ".join(raw.split())
    if _CID.match(text):
        text = "• " + _CID.sub("", text).strip()
    text = " ".join(_CID.sub("", text).split())
    if not text:
        return None
    readable = [c for c in shown if not _CID.fullmatch(c.get_text())]
    words = [c for c in readable if not _BULLET_ONLY.match(c.get_text())] or readable or shown
    first_word = words[0]
    for char in words[1:]:
        if char.x0 - first_word.x1 > char.size * 0.15:
            break
        first_word = char
    return _Line(
        text=text,
        size=statistics.median(c.size for c in shown),
        bold=all(_BOLD_FONT.search(c.fontname) for c in words),
        page=page,
        x0=min(c.x0 for c in shown),
        x1=max(c.x1 for c in shown),
        top=height - max(c.y1 for c in shown),
        bottom=height - min(c.y0 for c in shown),
        text_x0=words[0].x0,
        first_word=first_word.x1 - words[0].x0,
    )


def _refuse_out_of_order(path: Path, lines: list[_Line]) -> None:
    """A page whose words come out one by one: its text layer draws them out of order.

    pdfminer joins characters into a line in the order they are drawn; a
    producer that draws words in another order leaves each word a line of
    its own, on the same row as its neighbours. Read so, a leaflet would be
    published as fragments.
    """
    for page in sorted({line.page for line in lines}):
        on_page = [line for line in lines if line.page == page]
        broken = sum(1 for line in on_page if _beside_another(line, on_page))
        single = sum(1 for line in on_page if len(line.text.split()) == 1)
        if (broken >= MIN_FRAGMENTS and broken >= FRAGMENT_SHARE * len(on_page)) or (
            len(on_page) >= MIN_LINES_TO_JUDGE and single >= SINGLE_WORD_SHARE * len(on_page)
        ):
            sample = " ".join(line.text for line in on_page[:6])
            raise LeafletError(
                f"{path}: the text layer of page {page + 1} is out of reading order: its words "
                f"come out one by one ({sample} ...): open the original document and save it "
                "as PDF again, or give the leaflet as .docx or .txt"
            )


def _beside_another(line: _Line, others: Iterable[_Line]) -> bool:
    """Whether another line sits on the same row a word's space away: one line drawn apart."""
    gap = line.size * 0.6
    return any(
        other is not line
        and _same_row(line, other)
        and (-1 < other.x0 - line.x1 < gap or -1 < line.x0 - other.x1 < gap)
        for other in others
    )


def _same_row(a: _Line, b: _Line) -> bool:
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return a.page == b.page and overlap > SAME_ROW * min(a.bottom - a.top, b.bottom - b.top)


def _with_bullets_joined(lines: list[_Line]) -> list[_Line]:
    """A bullet drawn apart from its text put back in front of it ("•", then "Rest")."""
    bullets = [line for line in lines if _BULLET_ONLY.match(line.text)]
    if not bullets:
        return lines
    joined = [line for line in lines if not _BULLET_ONLY.match(line.text)]
    for bullet in bullets:
        after = [
            (line.x0 - bullet.x1, index)
            for index, line in enumerate(joined)
            if _same_row(line, bullet) and bullet.x1 - 1 <= line.x0 < bullet.x1 + 3 * line.size
        ]
        if not after:
            continue  # a bullet with no text beside it: nothing to say
        index = min(after)[1]
        line = joined[index]
        joined[index] = dataclasses.replace(
            line, text=f"• {line.text}", x0=bullet.x0, text_x0=line.x0
        )
    return joined


def _with_justified_lines_joined(lines: list[_Line]) -> list[_Line]:
    """A justified line that pdfminer cut where its spaces are wide put back together.

    Spread across its column, a short line's words stand far apart ("For",
    "more,", "see"); together they run from edge to edge of the column, as a
    line next to them does.
    """
    rows = _rows(sorted(lines, key=lambda x: (x.page, x.top)))
    joined: list[_Line] = []
    for index, row in enumerate(rows):
        near = [line for other in rows[max(0, index - 2) : index + 3] for line in other]
        start = 0
        while start < len(row):
            end = next(
                (
                    end
                    for end in range(len(row), start + 1, -1)
                    if _one_justified_line(row[start:end], near)
                ),
                start + 1,
            )
            joined.append(_merged(row[start:end]))
            start = end
    return joined


def _one_justified_line(parts: list[_Line], near: list[_Line]) -> bool:
    """Whether lines side by side are the words of one justified line: one of them a single
    word, together as wide as a line of a nearby row, edge to edge."""
    if not any(len(part.text.split()) == 1 for part in parts):
        return False
    left, right = parts[0].x0, parts[-1].x1
    return any(
        line not in parts
        and abs(line.x0 - left) <= SAME_EDGE
        and abs(line.x1 - right) <= SAME_EDGE
        and len(line.text.split()) > len(parts)
        for line in near
    )


def _merged(parts: list[_Line]) -> _Line:
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    return dataclasses.replace(
        first,
        text=" ".join(part.text for part in parts),
        x1=parts[-1].x1,
        top=min(part.top for part in parts),
        bottom=max(part.bottom for part in parts),
    )


def _with_page_references_joined(lines: list[_Line], pages: dict[int, _Page]) -> list[_Line]:
    """A contents page's numbers put back at the end of their entries.

    A producer often draws "What is dystonia?" and its page number "2" as
    two boxes on one printed line; apart, the number would be read as a page
    number and the entry lose its sign of being a contents line.
    """
    joined = list(lines)
    for number in lines:
        if not number.text.isdigit() or _at_edge(number, pages):
            continue
        entry = next(
            (
                i
                for i, line in enumerate(joined)
                if line is not number
                and not line.text.isdigit()
                and _same_row(line, number)
                and line.x1 < number.x0
            ),
            None,
        )
        if entry is not None:
            joined[entry] = dataclasses.replace(
                joined[entry],
                text=f"{joined[entry].text} {number.text}",
                x1=number.x1,
                reference=True,
            )
            joined.remove(number)
    return joined


def _metadata_title(data: bytes) -> str | None:
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser

    try:
        info = PDFDocument(PDFParser(io.BytesIO(data))).info
    except Exception:
        return None
    for entry in info:
        value = entry.get("Title")
        if isinstance(value, bytes):
            value = value.decode("utf-16" if value.startswith(b"\xfe\xff") else "latin-1", "ignore")
        if isinstance(value, str) and (title := " ".join(value.split())):
            return None if _PLACEHOLDER_TITLE.match(title) else title
    return None


# --------------------------------------------------------------------------
# Page furniture
# --------------------------------------------------------------------------


def _at_edge(line: _Line, pages: dict[int, _Page]) -> bool:
    height = pages[line.page].height
    return line.top < EDGE_BAND * height or line.bottom > (1 - EDGE_BAND) * height


def _running_lines(lines: list[_Line], pages: dict[int, _Page]) -> set[str]:
    """Lines that come back at a page's top or bottom on most pages (numbers aside)."""
    if len(pages) < 2:
        return set()
    at_edges = Counter(
        re.sub(r"\d+", "#", line.text)
        for line in {(each.page, each.text): each for each in lines}.values()
        if _at_edge(line, pages)
    )
    shapes = {shape for shape, count in at_edges.items() if count >= max(2, len(pages) / 2)}
    return {
        line.text
        for line in lines
        if re.sub(r"\d+", "#", line.text) in shapes and _at_edge(line, pages)
    }


def _largest_on_first_page(lines: list[_Line]) -> str | None:
    first = [line for line in lines if line.page == lines[0].page] if lines else []
    if not first:
        return None
    largest = max(line.size for line in first)
    return " ".join(line.text for line in first if line.size >= largest)


def _is_furniture(line: _Line, body: float, title: str | None) -> bool:
    """A short line in small type at a page's very top or bottom, not a sentence: the
    title again, a reference, a date, a page number, the publisher's name. A running header
    or footer, on a one-page leaflet too. A phone number or address there is kept: it may
    be the only place the leaflet gives it."""
    text = line.text
    if line.size > body * SMALL_TYPE or len(text.split()) > MAX_FURNITURE_WORDS:
        return False
    if title and _words(title) and _words(title) <= _words(text):
        return True
    return not rules.ends_sentence(text) and not rules.mentions_contact(text)


def _words(text: str) -> set[str]:
    return set("".join(c.lower() if c.isalnum() else " " for c in text).split())


# --------------------------------------------------------------------------
# Reading order: bands, columns and tables
# --------------------------------------------------------------------------


def _page_order(
    lines: list[_Line],
    page: int,
    body: float,
    drawn: Sequence[tuple[float, float, float, float]] = (),
) -> list[_Column | _Grid]:
    """The page's lines as columns and tables in reading order.

    The page is read in rows (lines side by side), and rows are gathered
    into bands while the columns stay the same; a row that bridges two
    columns (a full-width title) or splits one (two columns starting) starts
    a new band.
    """
    on_page = sorted((line for line in lines if line.page == page), key=lambda x: x.top)
    bands: list[list[list[_Line]]] = []
    columns: list[tuple[float, float]] = []
    for row in _rows(on_page):
        merged = _fits(columns, _spans(row))
        if merged is None:
            bands.append([])
            merged = _spans(row)
        columns = merged
        bands[-1].append(row)
    bands = _with_tails_moved(bands, body)
    margin = max((line.x1 for line in on_page), default=0.0)
    return [region for band in bands for region in _band_regions(band, margin, body, drawn)]


def _band_columns(band: list[list[_Line]]) -> list[tuple[float, float]]:
    columns: list[tuple[float, float]] = []
    for row in band:
        columns = _fits(columns, _spans(row)) or _spans(row)
    return columns


def _with_tails_moved(bands: list[list[list[_Line]]], body: float) -> list[list[list[_Line]]]:
    """A heading at the left edge under the last line of every other column, and what follows
    it there, belong to the band after it, not to the first column ("Contact us" under a
    two-column section, then its text across the page)."""
    for index in range(len(bands) - 1):
        band = bands[index]
        columns = _band_columns(band)
        if len(columns) < 2:
            continue
        trailing = 0
        for row in reversed(band):
            spans = _spans(row)
            if len(spans) != 1 or abs(spans[0][0] - columns[0][0]) > SAME_EDGE:
                break
            trailing += 1
        for start in range(len(band) - trailing, len(band)):
            rest = [line for row in band[:start] for line in row]
            others = [line for line in rest if not _overlaps((line.x0, line.x1), columns[0])]
            first = band[start]
            top = min(line.top for line in first)
            heading = all(line.bold or line.size >= body * HEADING_SIZE for line in first)
            apart = top - max(line.bottom for line in band[start - 1]) >= 0.4 * first[0].size
            if heading and apart and others and top > max(line.bottom for line in others):
                bands[index] = band[:start]
                bands[index + 1] = band[start:] + bands[index + 1]
                break
    return bands


def _rows(lines: list[_Line]) -> list[list[_Line]]:
    """Lines grouped into printed rows, top to bottom (lines sorted by their tops)."""
    rows: list[list[_Line]] = []
    for line in lines:
        if rows and any(_same_row(line, other) for other in rows[-1]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda x: x.x0) for row in rows]


def _spans(row: list[_Line]) -> list[tuple[float, float]]:
    """The stretches across the page that a row's lines cover, left to right."""
    spans: list[tuple[float, float]] = []
    for line in sorted(row, key=lambda x: x.x0):
        if spans and line.x0 <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], line.x1))
        else:
            spans.append((line.x0, line.x1))
    return spans


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return min(a[1], b[1]) - max(a[0], b[0]) > 0


def _fits(
    columns: list[tuple[float, float]], spans: list[tuple[float, float]]
) -> list[tuple[float, float]] | None:
    """The band's columns with a new row's spans added; None when the row does not fit
    them (one span across two columns, or two spans in one column)."""
    if not columns:
        return None
    for span in spans:
        inside = [column for column in columns if _overlaps(span, column)]
        if len(inside) > 1:
            return None
        # A column's lines start at its left edge (or within it, indented); a line
        # that starts elsewhere and runs out of it belongs to other columns.
        if inside and not (
            abs(span[0] - inside[0][0]) <= SAME_EDGE
            or (span[0] >= inside[0][0] - SAME_EDGE and span[1] <= inside[0][1] + SAME_EDGE)
        ):
            return None
    for column in columns:
        if sum(_overlaps(span, column) for span in spans) > 1:
            return None
    merged = list(columns)
    for span in spans:
        index = next((i for i, column in enumerate(merged) if _overlaps(span, column)), None)
        if index is None:
            merged.append(span)
        else:
            merged[index] = (min(merged[index][0], span[0]), max(merged[index][1], span[1]))
    merged.sort()
    # Widened columns may now touch: such a band is one column after all.
    for left, right in itertools.pairwise(merged):
        if _overlaps(left, right):
            return None
    return merged


def _band_regions(
    band: list[list[_Line]],
    margin: float,
    body: float,
    drawn: Sequence[tuple[float, float, float, float]] = (),
) -> list[_Column | _Grid]:
    """A band's columns (each read down), or its table (never with text in heading type);
    `margin` is the page's right edge of text, where a band of one column wraps its lines."""
    if not band:
        return []
    columns = _band_columns(band)
    lines = [line for row in band for line in row]

    def column_of(line: _Line) -> int:
        return next(
            (i for i, column in enumerate(columns) if _overlaps((line.x0, line.x1), column)), 0
        )

    large = any(line.size >= body * HEADING_SIZE for line in lines)
    if (
        len(columns) > 1
        and not large
        and (_ruled(band, columns, drawn) or _is_table(band, columns, column_of))
    ):
        return [_grid(band, len(columns), column_of)]
    if len(columns) == 1:
        return [_Column(sorted(lines, key=lambda x: x.top), max(margin, columns[0][1]))]
    regions: list[_Column | _Grid] = []
    for index, (_, right) in enumerate(columns):
        inside = [line for line in lines if column_of(line) == index]
        # A column of one line gives no width to tell a wrapped line by.
        edge = right if len(inside) > 1 else float("inf")
        if inside:
            regions.append(_Column(sorted(inside, key=lambda x: x.top), edge))
    return regions


def _ruled(
    band: list[list[_Line]],
    columns: list[tuple[float, float]],
    drawn: Sequence[tuple[float, float, float, float]],
) -> bool:
    """Whether a band of columns is ruled as a table: a line drawn down every gap between
    its columns, and one drawn across all of them between two of its rows (a newsletter's
    columns have the first, never the second)."""
    top = min(line.top for row in band for line in row)
    bottom = max(line.bottom for row in band for line in row)
    down = [rule for rule in drawn if rule[2] - rule[0] <= 2]
    across = [rule for rule in drawn if rule[3] - rule[1] <= 2]
    for (_, right), (left, _) in itertools.pairwise(columns):
        if not any(
            right - 2 <= x0 <= left + 2 and min(b, bottom) - max(t, top) > 0.5 * (bottom - top)
            for x0, t, _, b in down
        ):
            return False
    return any(
        top + 2 < t < bottom - 2 and x0 <= columns[0][0] + 2 and x1 >= columns[-1][1] - 2
        for x0, t, x1, _ in across
    )


def _is_table(
    band: list[list[_Line]], columns: list[tuple[float, float]], column_of: Callable[[_Line], int]
) -> bool:
    """Whether a band of columns is a table: cells side by side in most rows, not prose
    that fills its columns."""
    if len(band) < 2:
        return False
    side_by_side = sum(1 for row in band if len({column_of(line) for line in row}) > 1)
    if side_by_side < 0.5 * len(band):
        return False
    for index in range(len(columns)):
        inside = [line for row in band for line in row if column_of(line) == index]
        left = min(line.x0 for line in inside) if inside else 0.0
        right = max(line.x1 for line in inside) if inside else 0.0
        prose = [
            line
            for line in inside
            if line.x1 - line.x0 >= PROSE_FILL * (right - left)
            and len(line.text.split()) >= MIN_PROSE_WORDS
        ]
        if len(inside) >= 3 and len(prose) >= 0.6 * len(inside):
            return False  # prose in columns, read down each
    return True


def _grid(band: list[list[_Line]], width: int, column_of: Callable[[_Line], int]) -> _Grid:
    """A table's rows: a printed row starts a new one unless it is a cell's wrapped line."""
    rows: list[list[list[_Line]]] = []
    previous: list[_Line] | None = None
    for printed in band:
        gap = printed[0].top - max(line.bottom for line in previous) if previous else 0.0
        size = max(line.size for line in printed)
        first_empty = all(column_of(line) != 0 for line in printed)
        if rows and previous is not None and (gap < ROW_GAP * size or first_empty):
            cells = rows[-1]
        else:
            cells = [[] for _ in range(width)]
            rows.append(cells)
        for line in printed:
            cells[column_of(line)].append(line)
        previous = printed
    return _Grid(rows)


# --------------------------------------------------------------------------
# Pieces
# --------------------------------------------------------------------------


def _pieces(regions: list[_Column | _Grid], body: float) -> list[Piece]:
    lines = [line for region in regions if isinstance(region, _Column) for line in region.lines]
    levels = _heading_levels(lines, body)
    leadings = _leadings(regions)
    # The right edge each line wraps at: its column's.
    rights = {
        id(line): region.right
        for region in regions
        if isinstance(region, _Column)
        for line in region.lines
    }
    pieces: list[Piece] = []
    paragraph: list[_Line] = []
    point: list[_Line] = []
    point_kind: tuple[bool, int] = (False, 0)
    group = 0
    previous: _Line | None = None

    def flush() -> None:
        if paragraph:
            pieces.append(Text(tuple(_joined(paragraph, rights))))
            paragraph.clear()
        if point:
            text = " ".join(_joined(point, rights))
            found = rules.list_item(text)
            pieces.append(Item(found[0] if found else text, point_kind[0], point_kind[1]))
            point.clear()

    for region in regions:
        if isinstance(region, _Grid):
            flush()
            pieces.append(_table(region, body))
            previous = None
            continue
        runs_on = previous is not None and _runs_on(previous, region.lines[0], rights)
        if not runs_on:
            flush()
        above: _Line | None = None  # the line above in this column
        leading = leadings.get(region.lines[0].page, 0.25 * region.lines[0].size)
        for line in region.lines:
            level = levels.get(id(line))
            gap = _gap(above, line, leading)
            if level is not None:
                flush()
                last = pieces[-1] if pieces else None
                if (
                    isinstance(last, Heading)
                    and above is not None
                    and id(above) in levels
                    and above.size == line.size
                    and gap < PARAGRAPH_GAP * line.size
                ):  # a heading set on two lines
                    pieces[-1] = Heading(f"{last.text} {_heading_text(line)}", last.level)
                else:
                    pieces.append(Heading(_heading_text(line), level))
            elif (found := rules.list_item(line.text)) is not None:
                flush()
                if not (pieces and isinstance(pieces[-1], Item)):
                    group += 1
                point.append(line)
                point_kind = (found[1], group)
            elif point and _continues_point(point, line, above, gap, rights):
                point.append(line)
            else:
                runs_on = (
                    bool(paragraph)
                    and line.text[:1].islower()
                    and not rules.ends_sentence(paragraph[-1].text)
                )
                if point or (paragraph and gap >= PARAGRAPH_GAP * line.size and not runs_on):
                    flush()
                paragraph.append(line)
            above = line
            previous = line
    flush()
    return title_first(pieces, level=min(levels.values(), default=1))


def _continues_point(
    point: list[_Line], line: _Line, above: _Line | None, gap: float, rights: dict[int, float]
) -> bool:
    """Whether a line is a point's wrapped line: under its text in the same column, or at
    the top of the next column when the point's last line was full."""
    last = point[-1]
    if above is None:
        return _wrapped(last, line, rights[id(last)])
    return (
        above is last
        and gap < PARAGRAPH_GAP * line.size
        and (line.x0 >= point[0].text_x0 - 1 or _wrapped(last, line, rights[id(last)]))
    )


def _gap(previous: _Line | None, line: _Line, leading: float) -> float:
    """The white space between two lines read one after the other, beyond the leading their
    column's lines are usually set apart by."""
    if previous is None or previous.page != line.page or line.top < previous.top:
        return 0.0
    return max(0.0, line.top - previous.bottom - leading)


def _leadings(regions: list[_Column | _Grid]) -> dict[int, float]:
    """For each page, the white space usually left between one line of a paragraph and the
    next: the narrowest quarter of the gaps between lines (wider ones part paragraphs)."""
    gaps: dict[int, list[float]] = {}
    for region in regions:
        if isinstance(region, _Column):
            for before, after in itertools.pairwise(region.lines):
                if after.top >= before.bottom - 1 and abs(after.size - before.size) < 0.5:
                    gaps.setdefault(after.page, []).append(after.top - before.bottom)
    return {page: sorted(found)[len(found) // 4] for page, found in gaps.items() if found}


def _runs_on(previous: _Line, line: _Line, rights: dict[int, float]) -> bool:
    """Whether text runs on from the end of one column into the next (not a new paragraph)."""
    if rules.list_item(line.text) is not None or rules.ends_sentence(previous.text):
        return False
    if abs(previous.size - line.size) > 0.5:
        return False  # a box's small print, then a heading
    right = rights[id(previous)]
    full = previous.x1 >= right - FULL_LINE * previous.size
    return (full and _wrapped(previous, line, right)) or line.text[:1].islower()


def _wrapped(line: _Line, after: _Line, right: float) -> bool:
    """Whether `line` was broken by the column's width: the next word did not fit after it."""
    if line.reference:
        return False
    if _HYPHEN_BREAK.search(line.text) and after.text[:1].islower():
        return True
    space = 0.25 * line.size
    return line.x1 + space + after.first_word > right - 1.5 or (
        after.text[:1].islower() and not rules.ends_sentence(line.text)
    )


def _joined(lines: list[_Line], rights: dict[int, float]) -> list[str]:
    """The printed lines of a paragraph or point, lines broken by the column's width joined
    back into one (a word broken by a hyphen made whole); lines ended by their writer apart."""
    out: list[str] = []
    for index, line in enumerate(lines):
        text = line.text
        before = lines[index - 1] if index else None
        if before is not None and out and _wrapped(before, line, rights[id(before)]):
            if "/" in out[-1].rsplit(" ", 1)[-1]:
                out[-1] += text  # a web address broken at a line's end, its hyphens its own
            elif _HYPHEN_BREAK.search(out[-1]) and text[:1].islower():
                out[-1] = out[-1][:-1] + text
            else:
                out[-1] += " " + text
        else:
            out.append(text)
    return out


def _table(grid: _Grid, body: float) -> Table:
    rows = [
        tuple(
            " ".join(_joined(cell, {id(x): max(y.x1 for y in cell) for x in cell})) for cell in row
        )
        for row in grid.rows
    ]
    firsts = [[line for cell in row for line in cell] for row in grid.rows]
    bold_rows = [bool(row) and all(line.bold for line in row) for row in firsts]
    larger = [bool(row) and min(line.size for line in row) > body * 1.05 for row in firsts]
    header_row = len(rows) > 1 and (
        (bold_rows[0] and not all(bold_rows[1:])) or (larger[0] and not any(larger[1:]))
    )
    body_rows = grid.rows[1:] if header_row else grid.rows
    first_cells_bold = [bool(row[0]) and all(line.bold for line in row[0]) for row in body_rows]
    header_column = len(body_rows) > 1 and all(first_cells_bold) and not all(bold_rows)
    return Table(tuple(rows), header_row, header_column)


def _body_size(lines: list[_Line]) -> float:
    """The type size most of the text is set in (weighted by characters)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _heading_text(line: _Line) -> str:
    """A heading without the chapter number printed before it ("2.1. Side effects")."""
    return _CHAPTER_NUMBER.sub("", line.text, count=1) or line.text


_MONTHS_AND_SEASONS = frozenset(
    {
        *("january", "february", "march", "april", "may", "june", "july", "august"),
        *("september", "october", "november", "december", "jan", "feb", "mar", "apr"),
        *("jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"),
        *("spring", "summer", "autumn", "winter"),
    }
)


def _only_a_date(text: str) -> bool:
    """Whether a line is nothing but a date ("September-October 2017", "Autumn 2011")."""
    words = [word for word in re.split(r"[\s\-–/,]+", text.casefold()) if word]
    years = [word for word in words if re.fullmatch(r"\d{4}", word)]
    return len(years) == 1 and all(w in _MONTHS_AND_SEASONS or w in years for w in words)


def _is_heading(line: _Line, body: float) -> bool:
    text = line.text
    if _only_a_date(text):
        return False  # a newsletter's date under its masthead, in large type
    if len(text.split()) > rules.MAX_HEADING_WORDS:
        return False
    numbered = _CHAPTER_NUMBER.match(text)
    if line.size >= body * HEADING_SIZE:
        # In heading type, a number in front is the chapter's: "2. Possible side effects".
        return not text.endswith((".", ",")) and (numbered is not None or not rules.list_item(text))
    if rules.list_item(text) is not None and not (numbered and "." in numbered["number"]):
        return False
    return line.bold and rules.looks_like_heading(_heading_text(line))


def _heading_levels(lines: list[_Line], body: float) -> dict[int, int]:
    """Each heading line's level, by the size of its type: the largest is 1."""
    headings = [line for line in lines if _is_heading(line, body)]
    sizes = sorted({round(line.size) for line in headings}, reverse=True)
    return {id(line): min(6, sizes.index(round(line.size)) + 1) for line in headings}
