"""`<slug>-daisy.zip`: a DAISY 2.02 talking book, for Victor Reader Stream and EasyReader.

The zip holds one folder named after the slug, to be copied as it is into a
player's books folder. In it, following the DAISY 2.02 specification:
`ncc.html` (the navigation centre: one `h1` per section and the required
`dc:` and `ncc:` metadata), one SMIL 1.0 file per section with one `par` per
sentence, whose clip times are `npt=` seconds in that section's MP3,
`content.html` (the narration text, every sentence with its id), and the
chapter MP3s. The book is "audioFullText": all the text, all the audio,
synchronised sentence by sentence. Documents are lxml trees, so text is
escaped; the zip is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

from lxml import etree

from audio_leaflet import __version__
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
from audio_leaflet.bundle.render import seconds, smil_clock, xml_safe
from audio_leaflet.bundle.zipping import zip_bytes
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import ChapterEntry, Manifest

NCC_FILE = "ncc.html"
CONTENT_FILE = "content.html"
GENERATOR = f"audio-leaflet {__version__}"
_XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">'
)
_SMIL_DOCTYPE = (
    '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">'
)


def daisy_file(info: Manifest) -> str:
    """The DAISY zip's file name in the bundle."""
    return f"{info.slug}-daisy.zip"


def smil_file(chapter: ChapterEntry) -> str:
    """The section's SMIL file name in the book."""
    return f"{chapter.stem}.smil"


def hms(ms: int) -> str:
    """A duration as DAISY metadata writes it: "00:05:01" (rounded to the second)."""
    total = round(max(0, ms) / 1000)
    hours, rest = divmod(total, 3600)
    minutes, second = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{second:02d}"


def write_daisy(info: Manifest, bundle_dir: Path, audio: Mapping[str, bytes]) -> str:
    """Write `<slug>-daisy.zip` into `bundle_dir` from the manifest and the chapter MP3s
    (`book_parts.chapter_audio`)."""
    members = [(f"{info.slug}/{name}", data) for name, data in _book_files(info, audio)]
    write_atomic(bundle_dir / daisy_file(info), zip_bytes(members))
    return daisy_file(info)


def _book_files(info: Manifest, audio: Mapping[str, bytes]) -> Iterator[tuple[str, bytes]]:
    smils = {}
    elapsed = 0
    for chapter in info.chapters:
        smils[smil_file(chapter)] = xml_bytes(_smil(info, chapter, elapsed), _SMIL_DOCTYPE)
        elapsed += chapter.duration_ms
    content = xml_bytes(_content(info), _XHTML_DOCTYPE)
    # ncc:files and ncc:kByteSize count every file of the book, the NCC included,
    # so the NCC's own size is estimated from a first rendering with the others known.
    others = len(content) + sum(map(len, smils.values())) + sum(map(len, audio.values()))
    count = 2 + len(smils) + len(audio)
    draft = xml_bytes(_ncc(info, files=count, kbytes=0), _XHTML_DOCTYPE)
    ncc = xml_bytes(
        _ncc(info, files=count, kbytes=round((others + len(draft)) / 1024)), _XHTML_DOCTYPE
    )
    yield NCC_FILE, ncc
    yield CONTENT_FILE, content
    yield from smils.items()
    yield from ((chapter.file, audio[chapter.file]) for chapter in info.chapters)


def _html(info: Manifest, title: str) -> tuple[etree._Element, etree._Element, etree._Element]:
    """An XHTML 1.0 document's root, head and body."""
    root = etree.Element(
        f"{{{XHTML}}}html",
        {"lang": info.language, "{http://www.w3.org/XML/1998/namespace}lang": info.language},
        nsmap={None: XHTML},
    )
    head = etree.SubElement(root, f"{{{XHTML}}}head")
    element(head, f"{{{XHTML}}}meta", **{"http-equiv": "Content-type"}).set(
        "content", "text/html; charset=utf-8"
    )
    element(head, f"{{{XHTML}}}title", title)
    return root, head, etree.SubElement(root, f"{{{XHTML}}}body")


def _meta(head: etree._Element, name: str, content: str) -> None:
    element(head, f"{{{XHTML}}}meta", name=name, content=xml_safe(content))


def _ncc(info: Manifest, *, files: int, kbytes: int) -> etree._Element:
    root, head, body = _html(info, info.title)
    publisher = info.organisation or "audio-leaflet"
    total = sum(chapter.duration_ms for chapter in info.chapters)
    # The metadata DAISY 2.02 requires of an NCC (its Appendix 2), then what it recommends.
    for name, content in (
        ("dc:title", info.title),
        ("dc:creator", publisher),
        ("dc:publisher", publisher),
        ("dc:date", book_date(info)),
        ("dc:format", "Daisy 2.02"),
        ("dc:identifier", book_identifier(info)),
        ("dc:language", info.language),
        ("ncc:charset", "utf-8"),
        ("ncc:depth", "1"),
        ("ncc:files", str(files)),
        ("ncc:kByteSize", str(kbytes)),
        ("ncc:maxPageNormal", "0"),
        ("ncc:multimediaType", "audioFullText"),
        ("ncc:pageFront", "0"),
        ("ncc:pageNormal", "0"),
        ("ncc:pageSpecial", "0"),
        ("ncc:setInfo", "1 of 1"),
        ("ncc:tocItems", str(len(info.chapters))),
        ("ncc:totalTime", hms(total)),
        ("ncc:generator", GENERATOR),
        ("ncc:narrator", narrator(info)),
        ("ncc:producedDate", info.built_at[:10]),
    ):
        _meta(head, name, content)
    for index, chapter in enumerate(info.chapters):
        # The first heading is the book's title (DAISY 2.02, "class title").
        label = info.title if index == 0 else chapter.title
        heading = element(body, f"{{{XHTML}}}h1", id=f"nav-c{chapter.number:02d}")
        if index == 0:
            heading.set("class", "title")
        first = sentence_id(chapter, 1)
        element(heading, f"{{{XHTML}}}a", label, href=f"{smil_file(chapter)}#txt-{first}")
    return root


def _content(info: Manifest) -> etree._Element:
    root, _head, body = _html(info, info.title)
    for chapter in info.chapters:
        element(body, f"{{{XHTML}}}h1", f"{chapter.number}. {chapter.title}")
        add_sentences(body, chapter)
    return root


def _smil(info: Manifest, chapter: ChapterEntry, elapsed_ms: int) -> etree._Element:
    root = etree.Element("smil")
    head = etree.SubElement(root, "head")
    for name, content in (
        ("dc:format", "Daisy 2.02"),
        ("dc:title", f"{chapter.number}. {chapter.title}"),
        ("dc:identifier", book_identifier(info)),
        ("ncc:generator", GENERATOR),
        ("ncc:timeInThisSmil", smil_clock(chapter.duration_ms, hour_width=2)),
        ("ncc:totalElapsedTime", smil_clock(elapsed_ms, hour_width=2)),
    ):
        etree.SubElement(head, "meta", name=name, content=xml_safe(content))
    layout = etree.SubElement(head, "layout")
    etree.SubElement(layout, "region", id="txtView")
    body = etree.SubElement(root, "body")
    sequence = etree.SubElement(body, "seq", dur=f"{seconds(chapter.duration_ms)}s")
    for index, cue in enumerate(chapter.cues, 1):
        ident = sentence_id(chapter, index)
        par = etree.SubElement(sequence, "par", endsync="last", id=f"par-{ident}")
        etree.SubElement(par, "text", src=f"{CONTENT_FILE}#{ident}", id=f"txt-{ident}")
        # A seq of clips, as DAISY players expect even for one clip.
        clips = etree.SubElement(par, "seq")
        etree.SubElement(
            clips,
            "audio",
            src=chapter.file,
            id=f"aud-{ident}",
            **{
                "clip-begin": f"npt={seconds(cue.start_ms)}s",
                "clip-end": f"npt={seconds(cue.end_ms)}s",
            },
        )
    return root
