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
import functools
import hashlib
import itertools
import re
from collections import Counter
from dataclasses import dataclass
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
    "LeafletFile",
    "load_leaflet",
    "read_leaflet",
    "resolve_metadata",
    "title_from_filename",
]

SAMPLE_LEAFLET: Path = Path(__file__).resolve().parent.parent / "data" / "sample-leaflet.md"
"""The built-in sample leaflet (package data), the quick start's default input."""


@dataclass(frozen=True)
class LeafletFile:
    """A leaflet file as read from disk, once: what its reader, the coverage check and
    the build's fingerprint all look at (so a build never sees two states of one file)."""

    path: Path
    data: bytes
    kind: Format

    @functools.cached_property
    def text(self) -> str:
        """The decoded text of a text format ("" for Word and PDF)."""
        if self.kind in (Format.DOCX, Format.PDF):
            return ""
        return decode_text(self.path, self.data)

    @functools.cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @functools.cached_property
    def lines(self) -> tuple[str, ...]:
        """The file's lines as a reader sees them, found without the format's reader
        (`read.coverage`): what the narration and the left-out ledger must account for."""
        from audio_leaflet.read.coverage import source_lines

        return tuple(source_lines(self.path, self.kind, self.text, self.data))


def load_leaflet(path: Path) -> LeafletFile:
    """Read the file at `path` once (LeafletError when it is missing, empty or too big)."""
    path = Path(path)
    data = load_bytes(path)
    return LeafletFile(path, data, detect_format(path, data))


def read_leaflet(leaflet: Path | LeafletFile) -> Document:
    """Read the leaflet (a path, or a file already loaded) into a Document.

    Raises LeafletError (one line, naming the file and what to do) when the
    file is missing, empty, binary, in a format that cannot be read, or holds
    no text once web-page furniture is removed.
    """
    file = leaflet if isinstance(leaflet, LeafletFile) else load_leaflet(leaflet)
    path, data, kind = file.path, file.data, file.kind
    hints = Hints()
    pieces: list[Piece]
    text = ""
    # Each format's parser is imported only when needed: python-docx and the
    # HTML and Markdown parsers cost about 0.2 s, paid on every command otherwise.
    if kind is Format.DOCX:
        from audio_leaflet.read.word import read_docx

        check_unpacked_size(path, data)
        pieces, hints = read_docx(path, data)
    elif kind is Format.PDF:
        from audio_leaflet.read.pdf import read_pdf

        pieces, hints = read_pdf(path, data)
    else:
        text = file.text
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
        text = "\n".join(file.lines)
    return _left_out_in_source_order(document, text)


def source_lines_of(leaflet: Path | LeafletFile) -> list[str]:
    """The file's lines as a reader sees them, found without the format's reader
    (`read.coverage`): what the narration and the left-out ledger must account for."""
    file = leaflet if isinstance(leaflet, LeafletFile) else load_leaflet(leaflet)
    return list(file.lines)


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
