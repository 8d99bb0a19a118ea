"""`<slug>.epub`: an EPUB 3 talking book whose text is highlighted as it is read.

One XHTML document per chapter holds the narration sentence by sentence, and
one SMIL media overlay per chapter points every sentence at its span of the
chapter's MP3 (EPUB Media Overlays 3.3): Thorium Reader, EasyReader and
other reading systems play the audio, highlight the sentence being read and
move by heading. Every document is built as an lxml tree, so the leaflet's
text is always escaped; the zip is deterministic (mimetype first and stored,
as the OCF container requires, then names sorted, fixed times).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from lxml import etree

from audio_leaflet.bundle.book_parts import (
    XHTML,
    add_sentences,
    book_date,
    book_identifier,
    element,
    narrator,
    sentence_id,
    xml_bytes,
)
from audio_leaflet.bundle.render import smil_clock
from audio_leaflet.bundle.zipping import zip_bytes
from audio_leaflet.errors import BuildError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import ChapterEntry, Manifest

OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
SMIL = "http://www.w3.org/ns/SMIL"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"

ACTIVE_CLASS = "-epub-media-overlay-active"
"""The class a reading system puts on the sentence being read (media:active-class)."""
PLAYING_CLASS = "-epub-media-overlay-playing"
"""The class it puts on the document while audio plays (media:playback-active-class)."""

# Plain text in the reader's own font and size; the sentence being read stands out
# by colour and an underline, not by colour alone (WCAG 1.4.1). The contents'
# entries carry their section numbers, so the list's own numbers are hidden.
STYLE = f"""\
body {{ line-height: 1.6; margin: 1em; }}
h1 {{ font-size: 1.5em; line-height: 1.3; }}
p {{ margin: 0 0 1em 0; }}
nav ol {{ list-style-type: none; padding-left: 0; }}
nav li {{ margin: 0.5em 0; }}
.{ACTIVE_CLASS} {{ background-color: #fff3a0; color: #000000; text-decoration: underline; }}
"""

ACCESSIBILITY_SUMMARY = (
    "The full text of this leaflet with its audio, read by a synthetic voice. "
    "Each sentence is highlighted as it is read, and the table of contents "
    "goes to every section."
)


def epub_file(info: Manifest) -> str:
    """The EPUB's file name in the bundle."""
    return f"{info.slug}.epub"


def write_epub(info: Manifest, bundle_dir: Path, audio: Mapping[str, bytes]) -> str:
    """Write `<slug>.epub` from the manifest, the chapter MP3s (`book_parts.chapter_audio`)
    and the cover in `bundle_dir`."""
    members = list(_epub_members(info, bundle_dir, audio))
    write_atomic(bundle_dir / epub_file(info), zip_bytes(members, sort=False))
    return epub_file(info)


def _epub_members(
    info: Manifest, bundle_dir: Path, audio: Mapping[str, bytes]
) -> Iterator[tuple[str, bytes]]:
    # OCF: the first entry is "mimetype", stored, holding exactly this.
    yield "mimetype", b"application/epub+zip"
    yield "META-INF/container.xml", xml_bytes(_container())
    yield "EPUB/package.opf", xml_bytes(_package(info))
    yield "EPUB/nav.xhtml", xml_bytes(_nav(info), "<!DOCTYPE html>")
    yield "EPUB/style.css", STYLE.encode("utf-8")
    if info.cover_file:
        cover = bundle_dir / info.cover_file
        if not cover.is_file():
            raise BuildError(f"cannot make {epub_file(info)}: {cover} is missing; rebuild")
        yield f"EPUB/{info.cover_file}", cover.read_bytes()
    for chapter in info.chapters:
        yield (
            f"EPUB/{_text_href(chapter)}",
            xml_bytes(_chapter_document(info, chapter), "<!DOCTYPE html>"),
        )
        yield f"EPUB/{_overlay_href(chapter)}", xml_bytes(_overlay(chapter))
        yield f"EPUB/audio/{chapter.file}", audio[chapter.file]


def _text_href(chapter: ChapterEntry) -> str:
    return f"text/{chapter.stem}.xhtml"


def _overlay_href(chapter: ChapterEntry) -> str:
    return f"overlays/{chapter.stem}.smil"


def _key(chapter: ChapterEntry) -> str:
    return f"c{chapter.number:02d}"


def _container() -> etree._Element:
    root = etree.Element(f"{{{CONTAINER}}}container", nsmap={None: CONTAINER}, version="1.0")
    files = etree.SubElement(root, f"{{{CONTAINER}}}rootfiles")
    etree.SubElement(
        files,
        f"{{{CONTAINER}}}rootfile",
        {"full-path": "EPUB/package.opf", "media-type": "application/oebps-package+xml"},
    )
    return root


def _package(info: Manifest) -> etree._Element:
    root = etree.Element(
        f"{{{OPF}}}package",
        {
            "version": "3.0",
            "unique-identifier": "book-id",
            "{http://www.w3.org/XML/1998/namespace}lang": info.language,
        },
        nsmap={None: OPF},
    )
    metadata = etree.SubElement(root, f"{{{OPF}}}metadata", nsmap={"dc": DC})
    element(metadata, f"{{{DC}}}identifier", book_identifier(info), id="book-id")
    element(metadata, f"{{{DC}}}title", info.title)
    element(metadata, f"{{{DC}}}language", info.language)
    if info.organisation:
        element(metadata, f"{{{DC}}}creator", info.organisation)
        element(metadata, f"{{{DC}}}publisher", info.organisation)
    if book_date(info):
        element(metadata, f"{{{DC}}}date", book_date(info))
    element(metadata, f"{{{DC}}}description", f'The leaflet "{info.title}", read aloud.')
    meta = f"{{{OPF}}}meta"
    element(metadata, meta, info.built_at, property="dcterms:modified")
    for chapter in info.chapters:
        element(
            metadata,
            meta,
            smil_clock(chapter.duration_ms),
            property="media:duration",
            refines=f"#mo-{_key(chapter)}",
        )
    total = sum(chapter.duration_ms for chapter in info.chapters)
    element(metadata, meta, smil_clock(total), property="media:duration")
    element(metadata, meta, narrator(info), property="media:narrator")
    element(metadata, meta, ACTIVE_CLASS, property="media:active-class")
    element(metadata, meta, PLAYING_CLASS, property="media:playback-active-class")
    # EPUB Accessibility 1.1: everything is in the text and everything is in the audio.
    for mode in ("textual", "auditory"):
        element(metadata, meta, mode, property="schema:accessMode")
        element(metadata, meta, mode, property="schema:accessModeSufficient")
    for feature in (
        "synchronizedAudioText",
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ):
        element(metadata, meta, feature, property="schema:accessibilityFeature")
    element(metadata, meta, "none", property="schema:accessibilityHazard")
    element(metadata, meta, ACCESSIBILITY_SUMMARY, property="schema:accessibilitySummary")

    items = etree.SubElement(root, f"{{{OPF}}}manifest")
    _item(items, "nav", "nav.xhtml", "application/xhtml+xml", properties="nav")
    _item(items, "style", "style.css", "text/css")
    if info.cover_file:
        _item(items, "cover", info.cover_file, "image/jpeg", properties="cover-image")
    spine = etree.Element(f"{{{OPF}}}spine")
    for chapter in info.chapters:
        key = _key(chapter)
        _item(
            items,
            f"text-{key}",
            _text_href(chapter),
            "application/xhtml+xml",
            **{"media-overlay": f"mo-{key}"},
        )
        _item(items, f"mo-{key}", _overlay_href(chapter), "application/smil+xml")
        _item(items, f"audio-{key}", f"audio/{chapter.file}", "audio/mpeg")
        etree.SubElement(spine, f"{{{OPF}}}itemref", idref=f"text-{key}")
    root.append(spine)
    return root


def _item(items: etree._Element, ident: str, href: str, media_type: str, **extra: str) -> None:
    attributes = {"id": ident, "href": href, "media-type": media_type, **extra}
    etree.SubElement(items, f"{{{OPF}}}item", attributes)


def _html(info: Manifest, title: str) -> tuple[etree._Element, etree._Element]:
    """An XHTML document's root and its body."""
    root = etree.Element(
        f"{{{XHTML}}}html",
        {"lang": info.language, "{http://www.w3.org/XML/1998/namespace}lang": info.language},
        nsmap={None: XHTML, "epub": OPS},
    )
    head = etree.SubElement(root, f"{{{XHTML}}}head")
    etree.SubElement(head, f"{{{XHTML}}}meta", charset="utf-8")
    element(head, f"{{{XHTML}}}title", title)
    return root, etree.SubElement(root, f"{{{XHTML}}}body")


def _stylesheet(root: etree._Element, href: str) -> None:
    head = root[0]
    etree.SubElement(head, f"{{{XHTML}}}link", rel="stylesheet", type="text/css", href=href)


def _nav(info: Manifest) -> etree._Element:
    root, body = _html(info, info.title)
    _stylesheet(root, "style.css")
    nav = element(body, f"{{{XHTML}}}nav", id="toc", role="doc-toc")
    nav.set(f"{{{OPS}}}type", "toc")
    element(nav, f"{{{XHTML}}}h1", "Sections")
    listing = element(nav, f"{{{XHTML}}}ol")
    for chapter in info.chapters:
        entry = element(listing, f"{{{XHTML}}}li")
        element(
            entry, f"{{{XHTML}}}a", f"{chapter.number}. {chapter.title}", href=_text_href(chapter)
        )
    return root


def _chapter_document(info: Manifest, chapter: ChapterEntry) -> etree._Element:
    heading = f"{chapter.number}. {chapter.title}"
    root, body = _html(info, heading)
    _stylesheet(root, "../style.css")
    section = element(body, f"{{{XHTML}}}section", **{"aria-labelledby": f"{_key(chapter)}-title"})
    section.set(f"{{{OPS}}}type", "chapter")
    element(section, f"{{{XHTML}}}h1", heading, id=f"{_key(chapter)}-title")
    add_sentences(section, chapter)
    return root


def _overlay(chapter: ChapterEntry) -> etree._Element:
    root = etree.Element(f"{{{SMIL}}}smil", nsmap={None: SMIL, "epub": OPS}, version="3.0")
    body = etree.SubElement(root, f"{{{SMIL}}}body")
    text = f"../{_text_href(chapter)}"
    sequence = etree.SubElement(body, f"{{{SMIL}}}seq", id=f"seq-{_key(chapter)}")
    sequence.set(f"{{{OPS}}}textref", text)
    sequence.set(f"{{{OPS}}}type", "chapter")
    for index, cue in enumerate(chapter.cues, 1):
        ident = sentence_id(chapter, index)
        par = etree.SubElement(sequence, f"{{{SMIL}}}par", id=f"par-{ident}")
        etree.SubElement(par, f"{{{SMIL}}}text", src=f"{text}#{ident}")
        etree.SubElement(
            par,
            f"{{{SMIL}}}audio",
            src=f"../audio/{chapter.file}",
            clipBegin=smil_clock(cue.start_ms),
            clipEnd=smil_clock(cue.end_ms),
        )
    return root
