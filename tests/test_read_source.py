"""Choosing the format and decoding the bytes (read/source.py)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from audio_leaflet.errors import LeafletError
from audio_leaflet.read.source import Format, decode_text, detect_format


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("a.txt", b"Text", Format.TEXT),
        ("a.TXT", b"Text", Format.TEXT),
        ("a.md", b"# Title", Format.MARKDOWN),
        ("a.markdown", b"Text", Format.MARKDOWN),
        ("a.html", b"<p>x</p>", Format.HTML),
        ("a.htm", b"<p>x</p>", Format.HTML),
        ("a.docx", _zip(["word/document.xml"]), Format.DOCX),
        # By content where the suffix says nothing (or says something else).
        ("download", _zip(["[Content_Types].xml", "word/document.xml"]), Format.DOCX),
        ("page.php", b"<!DOCTYPE html><html><body><p>x</p></body></html>", Format.HTML),
        ("page", b"<?xml version='1.0'?>\n<html><p>x</p></html>", Format.HTML),
        ("notes", b"# Heading\n\nText", Format.MARKDOWN),
        ("leaflet.rst", b"Plain words.", Format.TEXT),
    ],
)
def test_detect_format(name: str, data: bytes, expected: Format) -> None:
    assert detect_format(Path(name), data) is expected


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("x.txt", b"", "x.txt is empty: put the leaflet's text in it, or give another file."),
        (
            "x.txt",
            b"  \n\t\r\n",
            "x.txt is empty: put the leaflet's text in it, or give another file.",
        ),
        (
            "x.bin",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "Cannot read x.bin: unknown format. Give a leaflet as .txt, .md, .html, .docx or .pdf.",
        ),
        (
            "x.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00",
            "x.doc is an old Word .doc file: open it in Word and save it as .docx.",
        ),
        (
            "x.rtf",
            b"{\\rtf1\\ansi Hello}",
            "x.rtf is a Rich Text (.rtf) file: save it as .docx or .txt.",
        ),
        (
            "x.docx",
            b"Not a zip at all",
            "x.docx is not a Word .docx file (it is not a Word zip package): open it in Word "
            "and save it as .docx again.",
        ),
        (
            "x.zip",
            _zip(["readme.txt"]),
            "x.zip is a zip archive, not a leaflet: give a .txt, .md, .html, .docx or .pdf file.",
        ),
    ],
)
def test_refused_formats_say_what_to_do(name: str, data: bytes, message: str) -> None:
    with pytest.raises(LeafletError) as caught:
        detect_format(Path(name), data)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Dystonia – “quotes” £5".encode(), "Dystonia – “quotes” £5"),
        (b"\xef\xbb\xbfWith a BOM", "With a BOM"),
        # Windows-1252, as saved by older Windows editors: a correct result, not an error.
        (
            b"\x93Curly\x94 \x91quotes\x92 cost \xa39.90 \x96 each",
            "“Curly” ‘quotes’ cost £9.90 – each",
        ),
        ("UTF-16 with a BOM £".encode("utf-16"), "UTF-16 with a BOM £"),
        # UTF-8 with one stray Windows-1252 byte stays UTF-8 (no "â€™" everywhere).
        ("It’s “fine” – mostly ".encode() + b"\xa3", "It’s “fine” – mostly \ufffd"),
    ],
)
def test_decode_text(data: bytes, expected: str) -> None:
    assert decode_text(Path("x.txt"), data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"text\x00with a NUL byte",
        bytes(range(1, 32)) * 20 + b"mostly control characters",
    ],
)
def test_binary_content_is_refused(data: bytes) -> None:
    with pytest.raises(LeafletError) as caught:
        decode_text(Path("x.txt"), data)
    assert str(caught.value) == (
        "x.txt looks like binary data, not a leaflet: give a .txt, .md, .html, .docx or .pdf file."
    )


def test_an_opendocument_file_is_refused_saying_what_to_save(tmp_path: Path) -> None:
    # Issue 20: LibreOffice's own format, made by the tools staff use, was called "a zip
    # archive, not a leaflet"; it is refused in one line that says what to do.
    import zipfile

    path = tmp_path / "leaflet.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    with pytest.raises(LeafletError) as raised:
        detect_format(path, path.read_bytes())
    assert str(raised.value) == (
        f"{path} is an OpenDocument text (.odt) file: open it in LibreOffice Writer and save "
        "it as Word (.docx), or as .txt."
    )
