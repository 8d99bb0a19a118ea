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
import itertools
import re
from collections import Counter
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
    if kind in (Format.DOCX, Format.PDF) and len(document.left_out) > 1:
        # The readers of Word and PDF list what they leave out at several stages.
        text = "\n".join(source_lines_of(path))
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
    """The ledger in the order its lines appear in the source (where the text is known).

    A line is placed where it stands as a whole line (the second "2" at the
    second line "2"), else where its words are found, else at the end.
    """
    if not text or len(document.left_out) < 2:
        return document
    seen: Counter[str] = Counter()

    def place(item: LeftOut) -> int:
        whole_lines = re.finditer(rf"(?m)^[ \t]*{re.escape(item.text)}[ \t]*$", text)
        found = [match.start() for match in whole_lines]
        seen[item.text] += 1
        if len(found) >= seen[item.text]:
            return found[seen[item.text] - 1]
        for words in (item.text, item.text.rstrip(" .0123456789")):
            if words and (at := text.find(words)) >= 0:
                return at
        return len(text)

    places = [place(item) for item in document.left_out]
    ordered = [item for _, _, item in sorted(zip(places, itertools.count(), document.left_out))]
    return dataclasses.replace(document, left_out=tuple(ordered))
