"""Loading a leaflet file: which format it is, and its text decoded.

Everything the user can get wrong about the file itself (missing, a folder,
empty, binary, a PDF) is caught here with a one-line message that says what
to do (docs/safety.md).
"""

from __future__ import annotations

import codecs
import enum
import io
import re
import unicodedata
import zipfile
from pathlib import Path

from audio_leaflet.errors import LeafletError


class Format(enum.Enum):
    """The leaflet formats that can be read."""

    TEXT = "txt"
    MARKDOWN = "md"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


SUFFIXES = {
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.MARKDOWN,
    ".markdown": Format.MARKDOWN,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".docx": Format.DOCX,
    ".pdf": Format.PDF,
}
HTML_SUFFIXES = frozenset(suffix for suffix, kind in SUFFIXES.items() if kind is Format.HTML)
ACCEPTED = ".txt, .md, .html, .docx or .pdf"
"""The accepted formats, as said in messages."""

SNIFF_BYTES = 65536
"""How much of a file is looked at to tell text from binary."""
MAX_CONTROL_SHARE = 0.01
"""Share of control characters above which text is taken for binary data."""

_HTML_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)


MAX_FILE_BYTES = 20 * 1024 * 1024
"""Largest leaflet file read: 20 MB, far above any leaflet (the seed is 10 KB), so a
wrong file is refused before it is read, narrated and written out as scripts."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""Largest a Word file may unpack to (a small .docx can hold a huge compressed part)."""


def load_bytes(path: Path) -> bytes:
    """The file's bytes, or a LeafletError saying why it cannot be read."""
    if not path.exists():
        raise LeafletError(f"Leaflet not found: {path}. Check the path and the file name.")
    if path.is_dir():
        raise LeafletError(f"{path} is a folder, not a leaflet: give a {ACCEPTED} file.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LeafletError(
                f"{path} is {size / 1e6:.0f} MB, more than the {MAX_FILE_BYTES // 2**20} MB a "
                "leaflet may be: is it the right file? Split a long document into leaflets."
            )
        return path.read_bytes()
    except OSError as error:
        raise LeafletError(f"Cannot read {path}: {error.strerror or error}.") from error


def check_unpacked_size(path: Path, data: bytes) -> None:
    """Refuse a Word file whose parts unpack to more than MAX_UNPACKED_BYTES, before unpacking."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # the Word reader says what is wrong with it
    if unpacked > MAX_UNPACKED_BYTES:
        raise LeafletError(
            f"{path} unpacks to {unpacked / 1e6:.0f} MB, more than the "
            f"{MAX_UNPACKED_BYTES // 2**20} MB a Word leaflet may hold: save it again "
            "without embedded files, or as .txt"
        )


def _refuse_known_binary(path: Path, data: bytes) -> None:
    """Formats people often try that cannot be read, each with what to do instead."""
    head = data[:8].lstrip()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise LeafletError(
            f"{path} is an old Word .doc file: open it in Word and save it as .docx."
        )
    if head.startswith(b"{\\rtf"):
        raise LeafletError(f"{path} is a Rich Text (.rtf) file: save it as .docx or .txt.")


def _is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def detect_format(path: Path, data: bytes) -> Format:
    """The format of a leaflet, from its content where that is certain, else from its suffix.

    A Word file is recognised whatever its name; an unknown suffix is read as
    HTML or text when its content is one of those, and refused when it is
    binary.
    """
    if not data.strip():
        raise LeafletError(f"{path} is empty: put the leaflet's text in it, or give another file.")
    _refuse_known_binary(path, data)
    if data[:1024].lstrip().startswith(b"%PDF"):
        return Format.PDF
    if _is_docx(data):
        return Format.DOCX
    suffix = path.suffix.lower()
    if suffix == ".docx":
        raise LeafletError(
            f"{path} is not a Word .docx file (it is not a Word zip package): "
            "open it in Word and save it as .docx again."
        )
    if data.startswith(b"PK\x03\x04"):
        if b"application/vnd.oasis.opendocument.text" in data[:200]:
            raise LeafletError(
                f"{path} is an OpenDocument text (.odt) file: open it in LibreOffice Writer "
                "and save it as Word (.docx), or as .txt."
            )
        raise LeafletError(f"{path} is a zip archive, not a leaflet: give a {ACCEPTED} file.")
    if suffix in SUFFIXES:
        return SUFFIXES[suffix]
    try:
        text = decode_text(path, data)
    except LeafletError as error:
        raise LeafletError(
            f"Cannot read {path}: unknown format. Give a leaflet as {ACCEPTED}."
        ) from error
    if _HTML_START.match(data[:SNIFF_BYTES]):
        return Format.HTML
    if _MARKDOWN_HEADING.search(text[:SNIFF_BYTES]):
        return Format.MARKDOWN
    return Format.TEXT


def decode_text(path: Path, data: bytes) -> str:
    """Text from bytes: UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252.

    Windows-1252 is what Word and older Windows editors save as "ANSI" in the
    UK; every byte but five decodes, so a UTF-8 failure is read that way
    rather than refused (see `_decode_damaged`). NUL bytes or many control
    characters mean binary data, which is refused.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            # A UTF-16 mark on bytes that are not UTF-16: what follows would be
            # read as junk (CJK characters, replacement marks) and spoken.
            raise LeafletError(
                f"{path} starts like UTF-16 text but the rest is not: save it again "
                "as UTF-8 text, or give the original .docx or .html file."
            ) from None
    elif b"\x00" in data[:SNIFF_BYTES]:
        raise _binary(path)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_damaged(data)
    sample = text[:SNIFF_BYTES]
    # Random bytes are one in eight control characters; text has none but
    # tabs and line breaks. (Replacement characters only mean a stray byte.)
    odd = sum(
        1 for char in sample if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f\v"
    )
    if odd > MAX_CONTROL_SHARE * len(sample):
        raise _binary(path)
    if not text.strip():
        raise LeafletError(f"{path} is empty: put the leaflet's text in it, or give another file.")
    return text


def _decode_damaged(data: bytes) -> str:
    """Bytes that are not clean UTF-8: Windows-1252, or UTF-8 with a few stray bytes.

    A UTF-8 file that gained a stray Windows-1252 byte (a pasted £) still holds
    far more good UTF-8 characters than bad bytes; read as Windows-1252 it
    would turn every "’" into "â€™". A real Windows-1252 file decodes as
    UTF-8 to nothing but replacement characters.
    """
    as_utf8 = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    damaged = as_utf8.count("\ufffd")
    good = sum(1 for char in as_utf8 if ord(char) > 127) - damaged
    if good > damaged:
        return as_utf8
    return data.decode("cp1252", errors="replace")


def _binary(path: Path) -> LeafletError:
    return LeafletError(f"{path} looks like binary data, not a leaflet: give a {ACCEPTED} file.")
