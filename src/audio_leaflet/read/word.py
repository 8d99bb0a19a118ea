"""Word .docx leaflets, read with python-docx.

Headings come from the Title and "Heading N" styles (and, as Word users often
do, from a short paragraph that is entirely bold); list points from the List
Bullet / List Number styles or from Word's numbering on the paragraph or its
style. Page headers and footers are not read: they repeat on every page.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph as WordParagraph
from lxml.etree import XMLSyntaxError

from audio_leaflet.errors import LeafletError
from audio_leaflet.read import rules
from audio_leaflet.read.structure import Gap, Heading, Hints, Item, Piece, Text

_HEADING_STYLE = re.compile(r"^heading\s+(?P<level>[1-9])$", re.IGNORECASE)
_PLACEHOLDER_TITLE = re.compile(r"^(?:document\s*\d*|microsoft word\b.*|untitled\b.*)$", re.I)
WIDE_GAP_EMPTY_PARAGRAPHS = 2
"""Empty paragraphs in a row that make a wider gap (as two blank lines do in text)."""

_P_PR, _P_STYLE, _NUM_PR = qn("w:pPr"), qn("w:pStyle"), qn("w:numPr")
_NUM_ID, _ILVL, _VAL = qn("w:numId"), qn("w:ilvl"), qn("w:val")


def _num_pr(element: Any) -> tuple[str, str] | None:
    """(numId, ilvl) of Word numbering in a paragraph's or a style's properties, if any."""
    properties = element.find(_P_PR) if element is not None else None
    num_pr = properties.find(_NUM_PR) if properties is not None else None
    if num_pr is None:
        return None
    num_id, level = num_pr.find(_NUM_ID), num_pr.find(_ILVL)
    value = num_id.get(_VAL) if num_id is not None else None
    if value is None or value == "0":  # numId 0 switches numbering off
        return None
    return value, (level.get(_VAL) or "0") if level is not None else "0"


class _Reader:
    """Reads one document; caches style and numbering look-ups, which python-docx makes slow."""

    def __init__(self, document: docx.document.Document) -> None:
        self.document = document
        self._styles: dict[str, tuple[str, Any]] = {}
        self._numbered: dict[tuple[str, str], bool] = {}

    def style(self, paragraph: WordParagraph) -> tuple[str, Any]:
        """The paragraph style's name and XML element (None when unknown)."""
        properties = paragraph._p.find(_P_PR)
        style_ref = properties.find(_P_STYLE) if properties is not None else None
        key = (style_ref.get(_VAL) or "") if style_ref is not None else ""
        if key not in self._styles:
            try:
                style = paragraph.style
            except (KeyError, ValueError):
                style = None
            self._styles[key] = (
                ((style.name or ""), style.element) if style is not None else ("", None)
            )
        return self._styles[key]

    def is_numbered(self, num_id: str, level: str) -> bool:
        """Whether Word numbering `num_id` at `level` prints numbers or letters, not bullets."""
        key = (num_id, level)
        if key not in self._numbered:
            self._numbered[key] = self._look_up_format(num_id, level)
        return self._numbered[key]

    def _look_up_format(self, num_id: str, level: str) -> bool:
        if not (num_id.isdigit() and level.isdigit()):  # values from the file go into an XPath
            return False
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return False
        abstract = numbering.xpath(f"./w:num[@w:numId='{num_id}']/w:abstractNumId/@w:val")
        if not abstract or not str(abstract[0]).isdigit():
            return False
        formats = numbering.xpath(
            f"./w:abstractNum[@w:abstractNumId='{abstract[0]}']"
            f"/w:lvl[@w:ilvl='{level}']/w:numFmt/@w:val"
        )
        return bool(formats) and str(formats[0]) not in {"bullet", "none"}

    def list_kind(self, paragraph: WordParagraph, style: str, style_element: Any) -> bool | None:
        """None when the paragraph is not a list point; else whether it is numbered."""
        lowered = style.lower()
        if lowered.startswith("list bullet"):
            return False
        if lowered.startswith("list number"):
            return True
        found = _num_pr(paragraph._p) or _num_pr(style_element)
        return None if found is None else self.is_numbered(*found)


TITLE_POINTS = 16
"""A bold paragraph in type this large (points) or larger is a main heading (the title)."""


def _heading_level(paragraph: WordParagraph, style: str) -> int | None:
    if style.lower() == "title":
        return 0
    if match := _HEADING_STYLE.match(style):
        return int(match["level"])
    text = paragraph.text.strip()
    if not rules.looks_like_heading(text):
        return None
    runs = [run for run in paragraph.runs if run.text.strip()]
    # A short paragraph typed all in bold, with no full stop, is how many
    # leaflets written in Word mark their headings; typed large as well
    # (staff often set the title in bold 20-point text), it outranks them.
    if not runs or not all(run.bold for run in runs):
        return None
    sizes = [run.font.size.pt for run in runs if run.font.size is not None]
    return 1 if sizes and min(sizes) >= TITLE_POINTS else 2


def _open(path: Path) -> docx.document.Document:
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as e:
        raise LeafletError(
            f"Cannot read {path} as a Word .docx file ({e}): open it in Word and save it again."
        ) from e


def read_docx(path: Path) -> tuple[list[Piece], Hints]:
    """Pieces of a Word document's body in reading order, and its core title property."""
    document = _open(path)
    reader = _Reader(document)
    pieces: list[Piece] = []
    group = 0
    in_list = False
    empty_run = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            in_list = False
            for row in block.rows:
                cells = [" ".join(cell.text.split()) for cell in row.cells]
                # Merged cells repeat the same cell object; say each once.
                unique = list(dict.fromkeys(cell for cell in cells if cell))
                if unique:
                    pieces.append(Text((", ".join(unique),)))
            continue
        text = block.text
        if not text.strip():
            empty_run += 1
            continue
        if empty_run >= WIDE_GAP_EMPTY_PARAGRAPHS and pieces:
            pieces.append(Gap())
        empty_run = 0
        style, style_element = reader.style(block)
        ordered = reader.list_kind(block, style, style_element)
        if ordered is not None:
            if not in_list:
                group += 1
                in_list = True
            pieces.append(Item(" ".join(text.split()), ordered=ordered, group=group))
            continue
        in_list = False
        level = _heading_level(block, style)
        if level is not None:
            pieces.append(Heading(" ".join(text.split()), level))
        else:
            pieces.append(Text(tuple(text.replace("\t", " ").split("\n"))))
    core_title = (document.core_properties.title or "").strip()
    if _PLACEHOLDER_TITLE.match(core_title):
        core_title = ""  # Word fills the property with the file's first name
    return pieces, Hints(title=core_title or None)
