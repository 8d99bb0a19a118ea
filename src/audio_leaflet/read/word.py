"""Word .docx leaflets: every piece of text Word shows, in document order, changes accepted.

python-docx opens the package (its parts, styles, numbering and core
properties), but its `paragraph.text` sees only plain runs and hyperlinks.
Word shows more, so this reader walks the XML itself:

- tracked changes accepted: inserted and moved-in text (`w:ins`, `w:moveTo`)
  is read; deleted and moved-out text (`w:del`, `w:moveFrom`) is not, and
  deleted text is listed in the ledger;
- content controls (`w:sdt`, inline and around whole paragraphs, rows or
  cells), custom XML, smart tags, hyperlinks, simple fields (`w:fldSimple`)
  and the results of complex fields (between `separate` and `end`; never
  the instruction, `w:instrText`);
- text boxes (DrawingML `wps:txbx` and VML `v:textbox`), read once, after
  the paragraph they are anchored in: `mc:AlternateContent` holds the same
  box twice (Choice and Fallback), and only the Choice is read;
- footnotes and endnotes, read after the paragraph that refers to them, as
  "Note: ...". A listener cannot see a reference mark: read inside the
  sentence, a note would break it; gathered at the end of the section, it
  would have lost what it is about.
- hidden text (`w:vanish`) is not spoken, and is listed.

Headings come from the Title and "Heading N" styles and from outline levels
(`w:outlineLvl` on the paragraph or its style), numbered or not: LibreOffice
gives its Heading styles outline numbering, which is not a list. As Word
users often do, a short paragraph typed all in bold is a heading too. List
points come from the List Bullet / List Number styles or from Word's
numbering on the paragraph or its style. Page headers and footers are not
read: they repeat on every page.

A part with a document type declaration (`<!DOCTYPE`) is refused: Word never
writes one, and its entities would be read as nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree
from lxml.etree import XMLSyntaxError

from audio_leaflet.errors import LeafletError
from audio_leaflet.model import LeftOut, LeftOutReason
from audio_leaflet.read import rules
from audio_leaflet.read.opening import title_first
from audio_leaflet.read.structure import Gap, Heading, Hints, Item, Piece, Table, Text

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


_P, _TBL, _TR, _TC, _R, _T = _w("p"), _w("tbl"), _w("tr"), _w("tc"), _w("r"), _w("t")
_SDT, _SDT_CONTENT, _SDT_PR = _w("sdt"), _w("sdtContent"), _w("sdtPr")
_DEL, _MOVE_FROM, _DEL_TEXT = _w("del"), _w("moveFrom"), _w("delText")
_FLD_CHAR, _INSTR_TEXT = _w("fldChar"), _w("instrText")
_TXBX_CONTENT = _w("txbxContent")
_ALTERNATE, _CHOICE, _FALLBACK = (
    f"{{{_MC}}}AlternateContent",
    f"{{{_MC}}}Choice",
    f"{{{_MC}}}Fallback",
)
_VAL, _TYPE, _ID = _w("val"), _w("type"), _w("id")
_P_PR, _R_PR, _P_STYLE = _w("pPr"), _w("rPr"), _w("pStyle")
_NUM_PR, _NUM_ID, _ILVL, _OUTLINE = _w("numPr"), _w("numId"), _w("ilvl"), _w("outlineLvl")

# Containers whose children are read as if they stood in their place.
_TRANSPARENT = frozenset(
    _w(name)
    for name in ("ins", "moveTo", "hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo")
)
_REMOVED = frozenset({_DEL, _MOVE_FROM})
_NOTE_REFERENCES = {_w("footnoteReference"): "footnote", _w("endnoteReference"): "endnote"}
_SPACES = frozenset({_w("tab"), _w("ptab")})
_BREAKS = frozenset({_w("br"), _w("cr")})
_FALSE = frozenset({"0", "false", "off"})

_HEADING_STYLE = re.compile(r"^heading\s+(?P<level>[1-9])$", re.IGNORECASE)
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:word\s+document|document\s*\d*|microsoft\s+word\b.*|untitled\b.*|title|"
    r"new\s+(?:microsoft\s+)?(?:word\s+)?document\b.*|template\b.*)$",
    re.IGNORECASE,
)
"""Titles that tools put in a file's properties by themselves: "Word Document" is the one
python-docx invents when the properties are missing, "Document1" Word's own."""
WIDE_GAP_EMPTY_PARAGRAPHS = 2
"""Empty paragraphs in a row that make a wider gap (as two blank lines do in text)."""
TITLE_POINTS = 16
"""A bold paragraph in type this large (points) or larger is a main heading (the title)."""
MAX_CELL_WORDS = 60
"""Most words in a cell of a table of data; a longer cell is a page laid out with a table."""
BODY_OUTLINE_LEVEL = 9
"""`w:outlineLvl` 9 is body text; 0 to 8 are heading levels 1 to 9."""


def _on(element: Any) -> bool:
    """Whether a toggle property (`<w:b/>`, `<w:vanish w:val="0"/>`) is on."""
    return element is not None and (element.get(_VAL) or "1").lower() not in _FALSE


@dataclass
class _Style:
    """What this reader needs of one paragraph style, its base styles' values included."""

    name: str
    based_on: str | None
    outline: int | None
    numbering: tuple[str, str] | None


@dataclass
class _Inline:
    """What one paragraph shows, found by walking its XML."""

    parts: list[str] = field(default_factory=list)
    runs: list[Any] = field(default_factory=list)
    """Runs with visible text, for the bold-heading rule."""
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(footnote or endnote, id) of each note referred to."""
    boxes: list[Any] = field(default_factory=list)
    """`w:txbxContent` elements anchored in the paragraph, each once."""
    deleted: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _num_pr(properties: Any) -> tuple[str, str] | None:
    """(numId, ilvl) of Word numbering in paragraph or style properties; None when absent or
    switched off (numId 0)."""
    num_pr = properties.find(_NUM_PR) if properties is not None else None
    if num_pr is None:
        return None
    num_id, level = num_pr.find(_NUM_ID), num_pr.find(_ILVL)
    value = num_id.get(_VAL) if num_id is not None else None
    if value is None or value == "0":
        return None
    return value, (level.get(_VAL) or "0") if level is not None else "0"


def _outline(properties: Any) -> int | None:
    found = properties.find(_OUTLINE) if properties is not None else None
    value = found.get(_VAL) if found is not None else None
    return int(value) if value is not None and value.isdigit() else None


def _deleted_text(element: Any) -> str:
    return "".join(text or "" for text in element.itertext(_DEL_TEXT, _T))


class _Reader:
    """Reads one document: its body, and the notes its paragraphs refer to."""

    def __init__(self, path: Path, document: docx.document.Document) -> None:
        self.path = path
        self.document = document
        self.styles = self._read_styles()
        self.default_style = next(
            (
                style.get(_w("styleId")) or ""
                for style in self._style_elements()
                if style.get(_TYPE) == "paragraph"
                and (style.get(_w("default")) or "").lower() in {"1", "true", "on"}
            ),
            "",
        )
        self.table_styles = {
            style.get(_w("styleId")) or "": {
                conditional.get(_TYPE) or "" for conditional in style.iter(_w("tblStylePr"))
            }
            for style in self._style_elements()
            if style.get(_TYPE) == "table"
        }
        self._numbered: dict[tuple[str, str], bool] = {}
        self.notes = {
            "footnote": self._notes(RELATIONSHIP_TYPE.FOOTNOTES, "footnote"),
            "endnote": self._notes(RELATIONSHIP_TYPE.ENDNOTES, "endnote"),
        }
        self.pieces: list[Piece] = []
        self.left_out: list[LeftOut] = []
        self.group = 0
        self.in_list = False
        self.empty_run = 0
        self.pending_notes: list[str] = []
        self.fields: list[bool] = []
        """Complex fields open at this point, innermost last: True once past `separate`."""

    # -- styles and numbering ---------------------------------------------

    def _style_elements(self) -> list[Any]:
        try:
            return list(self.document.styles.element.iterchildren(_w("style")))
        except (KeyError, NotImplementedError):
            return []

    def _read_styles(self) -> dict[str, _Style]:
        own: dict[str, _Style] = {}
        for element in self._style_elements():
            if element.get(_TYPE) not in (None, "paragraph"):
                continue
            name_element = element.find(_w("name"))
            base = element.find(_w("basedOn"))
            properties = element.find(_P_PR)
            own[element.get(_w("styleId")) or ""] = _Style(
                name=(name_element.get(_VAL) or "") if name_element is not None else "",
                based_on=base.get(_VAL) if base is not None else None,
                outline=_outline(properties),
                numbering=_num_pr(properties),
            )
        return own

    def _inherited(self, style_id: str) -> tuple[int | None, tuple[str, str] | None]:
        """A style's outline level and numbering, from it or the styles it is based on."""
        outline: int | None = None
        numbering: tuple[str, str] | None = None
        seen: set[str] = set()
        current: str | None = style_id
        while current is not None and current not in seen and current in self.styles:
            seen.add(current)
            style = self.styles[current]
            outline = style.outline if outline is None else outline
            numbering = style.numbering if numbering is None else numbering
            current = style.based_on
        return outline, numbering

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

    # -- notes ------------------------------------------------------------

    def _notes(self, relationship: str, kind: str) -> dict[str, Any]:
        try:
            part = self.document.part.part_related_by(relationship)
        except KeyError:
            return {}
        try:
            root = _parse(part.blob)
        except XMLSyntaxError as error:
            raise _unreadable(self.path, error) from error
        return {
            note.get(_ID) or "": note
            for note in root.iterchildren(_w(kind))
            if note.get(_TYPE) in (None, "normal")  # not the separator lines
        }

    def note_text(self, kind: str, note_id: str) -> str:
        note = self.notes[kind].get(note_id)
        if note is None:
            return ""
        fields, self.fields = self.fields, []
        lines = []
        for block in _blocks(note):
            if block.tag == _P:
                inline = self.inline(block)
                self._list_hidden(inline)
                lines.append(" ".join(inline.text.split()))
        self.fields = fields
        return " ".join(line for line in lines if line)

    # -- walking the XML --------------------------------------------------

    def inline(self, paragraph: Any) -> _Inline:
        found = _Inline()
        self._walk(paragraph, found)
        return found

    def _walk(self, element: Any, found: _Inline) -> None:
        for child in element:
            tag = child.tag
            if tag == _R:
                self._run(child, found)
            elif tag in _TRANSPARENT:
                self._walk(child, found)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    self._walk(content, found)
            elif tag in _REMOVED:
                if tag == _DEL and (text := _deleted_text(child).strip()):
                    found.deleted.append(text)
            elif tag == _ALTERNATE:
                chosen = _chosen(child)
                if chosen is not None:
                    self._walk(chosen, found)

    def _run(self, run: Any, found: _Inline) -> None:
        properties = run.find(_R_PR)
        hidden = properties is not None and _on(properties.find(_w("vanish")))
        shown = False
        for child in run:
            tag = child.tag
            if tag == _FLD_CHAR:
                kind = child.get(_w("fldCharType"))
                if kind == "begin":
                    self.fields.append(False)
                elif kind == "separate" and self.fields:
                    self.fields[-1] = True
                elif kind == "end" and self.fields:
                    self.fields.pop()
            elif not all(self.fields):
                continue  # a field's instruction, never shown
            elif tag == _T:
                if hidden:
                    found.hidden.append(child.text or "")
                else:
                    found.parts.append(child.text or "")
                    shown = shown or bool((child.text or "").strip())
            elif tag in _SPACES:
                found.parts.append(" ")
            elif tag in _BREAKS:
                found.parts.append("\n")
            elif tag == _w("noBreakHyphen"):
                found.parts.append("-")
            elif tag in _NOTE_REFERENCES:
                found.notes.append((_NOTE_REFERENCES[tag], child.get(_ID) or ""))
            elif tag == _ALTERNATE:
                chosen = _chosen(child)
                if chosen is not None:
                    found.boxes += _text_boxes(chosen)
            elif tag in (_w("drawing"), _w("pict"), _w("object")):
                found.boxes += _text_boxes(child)
        if shown:
            found.runs.append(run)

    # -- blocks -----------------------------------------------------------

    def read(self) -> None:
        for block in _blocks(self.document.element.body):
            self.block(block)
        self._flush_notes()

    def block(self, block: Any) -> None:
        if block.tag == _TBL:
            self._close_list()
            self.table(block)
            return
        inline = self.inline(block)
        self._list_hidden(inline)
        if inline.deleted:
            self.left_out.append(LeftOut(" ".join(inline.deleted), LeftOutReason.DELETED))
        text = inline.text
        if text.strip():
            self.paragraph(block, inline)
        else:
            self.empty_run += 1
        for note in inline.notes:
            if note_text := self.note_text(*note):
                self.pending_notes.append(note_text)
        if not self.in_list:
            self._flush_notes()
        for box in inline.boxes:
            for inner in _blocks(box):
                self.block(inner)

    def paragraph(self, paragraph: Any, inline: _Inline) -> None:
        text = inline.text
        if self.empty_run >= WIDE_GAP_EMPTY_PARAGRAPHS and self.pieces:
            self.pieces.append(Gap())
        self.empty_run = 0
        level, ordered = self.kind(paragraph, inline)
        if level is not None:
            self._close_list()
            self.pieces.append(Heading(" ".join(text.split()), level))
            return
        if ordered is not None:
            if not self.in_list:
                self.group += 1
                self.in_list = True
            self.pieces.append(Item(" ".join(text.split()), ordered=ordered, group=self.group))
            return
        self._close_list()
        self.pieces.append(Text(tuple(text.replace("\t", " ").split("\n"))))

    def kind(self, paragraph: Any, inline: _Inline) -> tuple[int | None, bool | None]:
        """A paragraph's heading level (None for text), and whether it is a numbered list
        point (None when it is not a point). A heading is never a point, numbered or not."""
        properties = paragraph.find(_P_PR)
        style_ref = properties.find(_P_STYLE) if properties is not None else None
        style_id = (style_ref.get(_VAL) or "") if style_ref is not None else self.default_style
        style = self.styles.get(style_id)
        name = style.name if style is not None else ""
        style_outline, style_numbering = self._inherited(style_id)
        own_outline = _outline(properties)
        outline = own_outline if own_outline is not None else style_outline
        level = _heading_level(name, outline, inline.text, inline.runs)
        if level is not None:
            return level, None
        return None, self._list_kind(name, _num_pr(properties) or style_numbering)

    def _list_kind(self, style: str, numbering: tuple[str, str] | None) -> bool | None:
        """None when a paragraph is not a list point; else whether it is numbered."""
        lowered = style.lower()
        if lowered.startswith("list bullet"):
            return False
        if lowered.startswith("list number"):
            return True
        return None if numbering is None else self.is_numbered(*numbering)

    def _close_list(self) -> None:
        if self.in_list:
            self.in_list = False
            self._flush_notes()

    def _flush_notes(self) -> None:
        for note in self.pending_notes:
            self.pieces.append(Text((f"Note: {note}",)))
        self.pending_notes.clear()

    def _list_hidden(self, inline: _Inline) -> None:
        if hidden := " ".join("".join(inline.hidden).split()):
            self.left_out.append(LeftOut(hidden, LeftOutReason.HIDDEN))

    def table(self, table: Any) -> None:
        """A table of data as a Table piece; a table that lays out a page as its cells' blocks."""
        rows = []
        for row in _children(table, _TR):
            row_properties = row.find(_w("trPr"))
            if row_properties is not None and row_properties.find(_DEL) is not None:
                if text := " ".join(_deleted_text(row).split()):
                    self.left_out.append(LeftOut(text, LeftOutReason.DELETED))
                continue
            rows.append((row, list(_children(row, _TC))))
        if any(self._lays_out(cell) for _, row_cells in rows for cell in row_cells):
            for _, row_cells in rows:
                for cell in row_cells:
                    for block in _blocks(cell):
                        self.block(block)
            self._close_list()
            return
        texts: list[tuple[str, ...]] = []
        bold: list[list[bool]] = []
        for _, row_cells in rows:
            cells: list[str] = []
            row_bold: list[bool] = []
            for cell in row_cells:
                text, all_bold = self.cell_text(cell)
                # A cell merged across columns is written once; said once, its columns empty.
                span = _span(cell)
                cells += [text] + [""] * (span - 1)
                row_bold += [all_bold] + [all_bold] * (span - 1)
            texts.append(tuple(cells))
            bold.append(row_bold)
        look_row, look_column = self._look(table)
        header_row = len(rows) > 1 and (
            _marked_header(rows[0][0])
            or look_row
            or (_all_shown(bold[0], texts[0]) and not _all_shown(bold[1], texts[1]))
        )
        body = list(zip(texts, bold, strict=True))[1 if header_row else 0 :]
        header_column = len(body) > 1 and (
            look_column
            or (
                all(row_bold[:1] == [True] for _, row_bold in body)
                and not all(_all_shown(row_bold, text) for text, row_bold in body)
            )
        )
        self.pieces.append(Table(tuple(texts), header_row, header_column))
        self.empty_run = 0

    def _lays_out(self, cell: Any) -> bool:
        """Whether a cell holds a page laid out in a grid rather than one value: several
        paragraphs, a heading, a list, another table, or many words."""
        fields, self.fields = self.fields, []
        try:
            shown = 0
            words = 0
            for block in _blocks(cell):
                if block.tag == _TBL:
                    return True
                inline = self.inline(block)
                if not inline.text.strip():
                    continue
                shown += 1
                words += len(inline.text.split())
                if shown > 1 or self.kind(block, inline) != (None, None):
                    return True
            return words > MAX_CELL_WORDS
        finally:
            self.fields = fields

    def _look(self, table: Any) -> tuple[bool, bool]:
        """Whether the table's style sets its first row, and its first column, apart (as
        Word's "List Table" and "Grid Table" styles do; "Table Grid" sets nothing apart)."""
        properties = table.find(_w("tblPr"))
        if properties is None:
            return False, False
        style = properties.find(_w("tblStyle"))
        look = properties.find(_w("tblLook"))
        decorated = (
            self.table_styles.get(style.get(_VAL) or "", set()) if style is not None else set()
        )
        if look is None:
            return False, False
        bits = (
            int(look.get(_VAL) or "0", 16)
            if re.fullmatch(r"[0-9A-Fa-f]{1,4}", look.get(_VAL) or "")
            else 0
        )
        first_row = (look.get(_w("firstRow")) or ("1" if bits & 0x20 else "0")) not in _FALSE
        first_column = (look.get(_w("firstColumn")) or ("1" if bits & 0x80 else "0")) not in _FALSE
        return first_row and "firstRow" in decorated, first_column and "firstCol" in decorated

    def cell_text(self, cell: Any) -> tuple[str, bool]:
        """A cell's text, and whether all of it is in bold type."""
        texts: list[str] = []
        runs: list[Any] = []
        for block in _blocks(cell):
            inline = self.inline(block)
            self._list_hidden(inline)
            if inline.deleted:
                self.left_out.append(LeftOut(" ".join(inline.deleted), LeftOutReason.DELETED))
            texts.append(" ".join(inline.text.split()))
            runs += inline.runs
            texts += [self.note_text(*note) for note in inline.notes]
            texts += [
                " ".join(self.inline(inner).text.split())
                for box in inline.boxes
                for inner in _blocks(box)
                if inner.tag == _P
            ]
        return " ".join(text for text in texts if text), bool(runs) and _all_bold(runs)


def _span(cell: Any) -> int:
    properties = cell.find(_w("tcPr"))
    span = properties.find(_w("gridSpan")) if properties is not None else None
    value = span.get(_VAL) if span is not None else None
    return max(1, min(int(value), 63)) if value and value.isdigit() else 1


def _marked_header(row: Any) -> bool:
    """Whether a row is marked to repeat as the header on every page (Word's "Repeat as
    header row"; LibreOffice writes its table heading rows so)."""
    properties = row.find(_w("trPr"))
    return properties is not None and _on(properties.find(_w("tblHeader")))


def _all_shown(bold: list[bool], texts: tuple[str, ...]) -> bool:
    """Whether every cell with text in a row is in bold."""
    shown = [b for b, text in zip(bold, texts, strict=True) if text]
    return bool(shown) and all(shown)


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in a body, cell, text box or note, in order: through content
    controls, custom XML and inserted or moved-in blocks, never deleted ones."""
    for child in container:
        tag = child.tag
        if tag in (_P, _TBL):
            yield child
        elif tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _blocks(content)
        elif tag in _TRANSPARENT:
            yield from _blocks(child)
        elif tag == _ALTERNATE:
            chosen = _chosen(child)
            if chosen is not None:
                yield from _blocks(chosen)


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """`parent`'s children with `tag` (rows of a table, cells of a row), through content
    controls and custom XML around them."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _children(content, tag)
        elif child.tag in _TRANSPARENT:
            yield from _children(child, tag)


def _chosen(alternate: Any) -> Any:
    """The one branch of `mc:AlternateContent` read: the first Choice, else the Fallback.

    Word writes a text box twice, as DrawingML in the Choice and as VML in the
    Fallback; reading both would say it twice.
    """
    return (
        alternate.find(_CHOICE)
        if alternate.find(_CHOICE) is not None
        else alternate.find(_FALLBACK)
    )


def _text_boxes(element: Any) -> list[Any]:
    """The outermost text box contents inside a drawing (a box inside a box is read with it)."""
    boxes = []
    for box in element.iter(_TXBX_CONTENT):
        ancestors = box.iterancestors()
        outer = next((a for a in ancestors if a is element or a.tag == _TXBX_CONTENT), None)
        if outer is element or outer is None:
            boxes.append(box)
    return boxes


def _all_bold(runs: list[Any]) -> bool:
    """Whether every run is set in bold by its own properties."""
    properties = [run.find(_R_PR) for run in runs]
    return all(p is not None and _on(p.find(_w("b"))) for p in properties)


def _heading_level(style: str, outline: int | None, text: str, runs: list[Any]) -> int | None:
    if style.lower() == "title":
        return 0
    if match := _HEADING_STYLE.match(style):
        return int(match["level"])
    if outline is not None and outline < BODY_OUTLINE_LEVEL:
        return outline + 1
    text = text.strip()
    if not rules.looks_like_heading(text) or not runs:
        return None
    # A short paragraph typed all in bold, with no full stop, is how many
    # leaflets written in Word mark their headings; typed large as well
    # (staff often set the title in bold 20-point text), it outranks them.
    if not _all_bold(runs):
        return None
    properties = [run.find(_R_PR) for run in runs]
    sizes = [
        int(size.get(_VAL)) / 2
        for p in properties
        if (size := p.find(_w("sz"))) is not None and (size.get(_VAL) or "").isdigit()
    ]
    return 1 if len(sizes) == len(runs) and min(sizes) >= TITLE_POINTS else 2


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


def _parse(data: bytes) -> Any:
    return etree.fromstring(data, _PARSER)


def _unreadable(path: Path, error: Exception) -> LeafletError:
    return LeafletError(
        f"Cannot read {path} as a Word .docx file ({error}): open it in Word and save it again."
    )


_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


def _refuse_doctype(path: Path, data: bytes) -> None:
    """A part with a DTD: Word never writes one, and its entities would be read as nothing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.infolist():
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                part = archive.read(member)
                if part.startswith((b"\xff\xfe", b"\xfe\xff")):
                    part = part.decode("utf-16", "replace").encode("utf-8")
                if _DOCTYPE.search(part):
                    raise LeafletError(
                        f"{path} has a document type declaration (<!DOCTYPE ...>) in "
                        f"{member.filename}, which Word never writes and which hides text: "
                        "open it in Word and save it again as .docx"
                    )
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
        return  # python-docx says what is wrong with the package


def _open(path: Path, data: bytes) -> docx.document.Document:
    _refuse_doctype(path, data)
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as e:
        raise _unreadable(path, e) from e


def _core_title(document: docx.document.Document) -> str | None:
    """The title in the file's properties; None when they are missing (python-docx would
    invent "Word Document") or hold a placeholder."""
    try:
        document.part.package.part_related_by(RELATIONSHIP_TYPE.CORE_PROPERTIES)
    except KeyError:
        return None
    title = " ".join((document.core_properties.title or "").split())
    return None if not title or _PLACEHOLDER_TITLE.match(title) else title


def read_docx(path: Path, data: bytes) -> tuple[list[Piece], Hints]:
    """Pieces of a Word document's body in reading order, a title hint and what was left out.

    The hint is the title in the file's properties, else the first Title
    paragraph. A Title paragraph under a line or two (a switchboard number) is
    put first.
    """
    document = _open(path, data)
    reader = _Reader(path, document)
    reader.read()
    pieces = title_first(reader.pieces, level=0)
    title = _core_title(document) or next(
        (p.text for p in pieces if isinstance(p, Heading) and p.level == 0), None
    )
    return pieces, Hints(title=title, left_out=tuple(reader.left_out))
