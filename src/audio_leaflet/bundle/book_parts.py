"""What the EPUB and the DAISY book share: their identity, the chapter MP3s they carry,
and the narration text as sentences with ids, built as lxml trees."""

from __future__ import annotations

import uuid
from pathlib import Path

from lxml import etree

from audio_leaflet.bundle.render import iso_date, paragraphs, xml_safe
from audio_leaflet.errors import BuildError
from audio_leaflet.manifest import ChapterEntry, Manifest

XHTML = "http://www.w3.org/1999/xhtml"


def book_identifier(info: Manifest) -> str:
    """A stable URN for the leaflet's talking books: the same leaflet keeps it across
    builds, two leaflets with one title differ (their source identity differs)."""
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"audio-leaflet:{info.source.identity}:{info.slug}")
    )


def sentence_id(chapter: ChapterEntry, index: int) -> str:
    """The id of a chapter's `index`th sentence (from 1) in the talking books' text."""
    return f"c{chapter.number:02d}-s{index:03d}"


def narrator(info: Manifest) -> str:
    """Who reads the book: the synthetic voice, by name, e.g. "hibari-heart (synthetic voice)"."""
    return f"{info.engine.voice or info.engine.name} (synthetic voice)"


def book_date(info: Manifest) -> str:
    """The leaflet's own date as a W3C date, else the date its text last changed."""
    return iso_date(info.source.dated) or info.updated


def chapter_audio(info: Manifest, bundle_dir: Path) -> dict[str, bytes]:
    """The chapter MP3s both books carry, read once, by file name; BuildError when the
    manifest or the folder cannot make a book (a chapter without sentences, a file gone)."""
    silent = [str(chapter.number) for chapter in info.chapters if not chapter.cues]
    if silent:
        raise BuildError(
            f"cannot make the talking books of {info.slug}: the manifest has no sentences "
            f"for chapter {', '.join(silent)}; rebuild the leaflet"
        )
    audio: dict[str, bytes] = {}
    for chapter in info.chapters:
        path = bundle_dir / chapter.file
        if not path.is_file():
            raise BuildError(
                f"cannot make the talking books of {info.slug}: {chapter.file} is missing; "
                "rebuild the leaflet"
            )
        audio[chapter.file] = path.read_bytes()
    return audio


def element(parent: etree._Element, tag: str, text: str = "", **attributes: str) -> etree._Element:
    """A child of `parent`; `text` is made safe for XML (lxml escapes it)."""
    child = etree.SubElement(parent, tag, attributes)
    if text:
        child.text = xml_safe(text)
    return child


def xml_bytes(root: etree._Element, doctype: str | None = None) -> bytes:
    """A document as UTF-8 with its XML declaration (and doctype, when given)."""
    return etree.tostring(
        root, xml_declaration=True, encoding="utf-8", doctype=doctype, pretty_print=True
    )


def add_sentences(parent: etree._Element, chapter: ChapterEntry) -> None:
    """The chapter's sentences as `<span id=...>` in paragraphs as they are heard."""
    index = 0
    for group in paragraphs(chapter.cues):
        paragraph = element(parent, f"{{{XHTML}}}p")
        for position, cue in enumerate(group):
            index += 1
            span = element(paragraph, f"{{{XHTML}}}span", cue.text, id=sentence_id(chapter, index))
            # A space between sentences, as the text would have it.
            if position < len(group) - 1:
                span.tail = " "
