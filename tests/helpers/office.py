"""The office fixtures (Word and PDF files made by LibreOffice, pandoc and Chromium) and the
outlines written for them by reading them (tests/fixtures/office/expected/NAME.toml)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from audio_leaflet.model import BulletList, Contact, Document, LeftOutReason, Paragraph
from conftest import FIXTURES

OFFICE = FIXTURES / "office"


def office_files(suffix: str) -> list[str]:
    """Names of the office fixtures with `suffix` that have an expected outline."""
    return sorted(
        path.name[: -len(".toml")] for path in (OFFICE / "expected").glob(f"*{suffix}.toml")
    )


def expected(name: str) -> dict[str, Any]:
    return tomllib.loads((OFFICE / "expected" / f"{name}.toml").read_text(encoding="utf-8"))


def same(text: str) -> str:
    """Text compared as a listener hears it: case, apostrophes and spacing aside."""
    return " ".join(text.replace("’", "'").split()).casefold()


def headings(document: Document) -> list[str]:
    """The headings read: each section's, and those over sub-sections (listed, not said)."""
    found = [s.heading for s in document.sections if s.heading]
    found += [i.text for i in document.left_out if i.reason is LeftOutReason.PARENT_HEADING]
    return sorted(same(heading) for heading in found)


def said_texts(document: Document) -> list[str]:
    """Every heading, paragraph, point and contact the sections say."""
    texts: list[str] = []
    for section in document.sections:
        texts += [section.heading] if section.heading else []
        for block in section.blocks:
            if isinstance(block, Paragraph):
                texts.append(block.text)
            elif isinstance(block, BulletList):
                texts += block.items
            elif isinstance(block, Contact):
                texts.append(f"{block.label}: {block.value}")
    return texts


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def check_outline(path: Path, document: Document) -> None:
    """The document read from `path` against its expected outline: title, headings, no
    furniture said, every phone number said."""
    outline = expected(path.name)
    assert same(document.title or "") == same(outline["title"]), outline.get("title_note", "")
    assert headings(document) == sorted(same(h) for h in outline["headings"])
    said = [same(text) for text in said_texts(document)]
    for line in outline["furniture"]:
        if same(line) != same(outline["title"]):
            assert not any(same(line) in text for text in said), line
    for phone in outline["phones"]:
        assert any(digits(phone) in digits(text) for text in said), phone
