"""Read a leaflet (.txt, .md, .html, .docx, .pdf) into the format-independent `Document`.

    >>> from audio_leaflet.read import read_leaflet, SAMPLE_LEAFLET
    >>> read_leaflet(SAMPLE_LEAFLET).title
    'Botulinum toxin injections for dystonia'

The format is chosen by content where that is certain (a Word package, a
PDF) and otherwise by suffix (`read.source`). Each format only lists what it
sees; `read.structure` turns that into sections once for all formats.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from audio_leaflet.model import Document, LeftOut
from audio_leaflet.read.metadata import resolve_metadata, title_from_filename
from audio_leaflet.read.source import (
    ACCEPTED,
    Format,
    check_unpacked_size,
    decode_text,
    detect_format,
    load_bytes,
)
from audio_leaflet.read.structure import Hints, Piece, build_document
from audio_leaflet.read.text import read_text

__all__ = [
    "ACCEPTED",
    "SAMPLE_LEAFLET",
    "Format",
    "read_leaflet",
    "resolve_metadata",
    "title_from_filename",
]

SAMPLE_LEAFLET: Path = Path(__file__).resolve().parent.parent / "data" / "sample-leaflet.md"
"""The built-in sample leaflet (package data), the quick start's default input."""


def read_leaflet(path: Path) -> Document:
    """Read the leaflet at `path` into a Document.

    Raises LeafletError (one line, naming the file and what to do) when the
    file is missing, empty, binary, in a format that cannot be read, or holds
    no text once web-page furniture is removed.
    """
    path = Path(path)
    data = load_bytes(path)
    kind = detect_format(path, data)
    hints = Hints()
    pieces: list[Piece]
    text = ""
    # Each format's parser is imported only when needed: python-docx and the
    # HTML and Markdown parsers cost about 0.2 s, paid on every command otherwise.
    if kind is Format.DOCX:
        from audio_leaflet.read.word import read_docx

        check_unpacked_size(path, data)
        pieces, hints = read_docx(path)
    elif kind is Format.PDF:
        from audio_leaflet.read.pdf import read_pdf

        pieces, hints = read_pdf(path)
    else:
        text = decode_text(path, data)
        if kind is Format.HTML:
            from audio_leaflet.read.web import read_html

            pieces, hints = read_html(text, str(path))
        elif kind is Format.MARKDOWN:
            from audio_leaflet.read.markdown import read_markdown

            pieces = read_markdown(text)
        else:
            pieces = read_text(text)
    document = build_document(pieces, source_name=path.name, hints=hints)
    return _left_out_in_source_order(document, text)


def source_lines_of(path: Path) -> list[str]:
    """The file's lines as a reader sees them, found without the format's reader
    (`read.coverage`): what the narration and the left-out ledger must account for."""
    from audio_leaflet.read.coverage import source_lines

    path = Path(path)
    data = load_bytes(path)
    kind = detect_format(path, data)
    text = "" if kind in (Format.DOCX, Format.PDF) else decode_text(path, data)
    return source_lines(path, kind, text)


def _left_out_in_source_order(document: Document, text: str) -> Document:
    """The ledger in the order its lines appear in the source (where the text is known)."""
    if not text or len(document.left_out) < 2:
        return document

    def place(item: LeftOut) -> int:
        found = text.find(item.text)
        return found if found >= 0 else len(text)

    return dataclasses.replace(document, left_out=tuple(sorted(document.left_out, key=place)))
