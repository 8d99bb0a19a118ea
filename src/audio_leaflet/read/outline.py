"""The leaflet as understood, for staff: `outline.md` and the left-out ledger `left-out.txt`.

`outline.md` is Markdown that is itself a leaflet: the title as `#`, each
section as `##`, lists, paragraphs and contact lines as read, the small print
after a rule, and every line left out as a comment. Staff fix a heading in it
and build from it (`audio-leaflet build narration/<slug>/outline.md`).

`left-out.txt` lists every source line that is not spoken, exactly as it
appears in the source, with the rule that left it out, in source order (a
web page's surroundings first, then what was left out inside its content).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.fileio import write_atomic
from audio_leaflet.model import (
    BulletList,
    Contact,
    Document,
    LeftOut,
    LeftOutReason,
    Paragraph,
    SectionRole,
)

OUTLINE_FILE = "outline.md"
LEFT_OUT_FILE = "left-out.txt"

# CommonMark lets any ASCII punctuation be escaped; these would otherwise format text.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~])")
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d{1,9}[.)])(\s|$)")


def _escaped(text: str) -> str:
    """Text that Markdown reads back as exactly itself, whatever it starts with."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _BLOCK_START.sub(lambda m: f"{m[1]}{m[2][:-1]}\\{m[2][-1]}{m[3]}", text)


def _comment(text: str) -> str:
    return text.replace("--", "- -")


def markdown_line(text: str) -> str:
    """A line of plain text as the outline writes it (Markdown reads it back as itself)."""
    return _escaped(text)


def comment_line(reason: str, text: str) -> str:
    """One line of the outline's comment of what was left out, and why."""
    return f"     {_comment(reason)}: {_comment(text)}"


_COMMENT_ENTRY = re.compile(
    r"^ {5}(?P<reason>" + "|".join(re.escape(r.value) for r in LeftOutReason) + r"): (?P<text>.*)$"
)


def left_out_in_outline(line: str) -> tuple[str, str] | None:
    """(reason, text) of one line of the outline's comment of what was left out, or None."""
    match = _COMMENT_ENTRY.match(line)
    return (match["reason"], match["text"]) if match else None


def left_out_of(outline: str) -> tuple[LeftOut, ...]:
    """What an outline's comment lists as left out: the ledger of a corrected outline."""
    reasons = {reason.value: reason for reason in LeftOutReason}
    found = []
    for line in outline.splitlines():
        if (entry := left_out_in_outline(line)) is not None:
            found.append(LeftOut(entry[1], reasons[entry[0]]))
    return tuple(found)


def outline_markdown(document: Document, title: str) -> str:
    """The document as Markdown: a leaflet that reads back into the same sections."""
    out = [f"# {_escaped(title)}", ""]
    if document.left_out:
        out.append("<!-- Left out when the leaflet was read (see left-out.txt):")
        out += [comment_line(item.reason.value, item.text) for item in document.left_out]
        out += ["-->", ""]
    for section in document.sections:
        if section.role is SectionRole.DISCLAIMER:
            out += ["---", ""]
        elif section.heading is not None:
            out += [f"## {_escaped(section.heading)}", ""]
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(_escaped(block.text))
            elif isinstance(block, BulletList):
                for number, item in enumerate(block.items, 1):
                    marker = f"{number}." if block.ordered else "-"
                    out.append(f"{marker} {_escaped(item)}")
            elif isinstance(block, Contact):
                line = f"{block.label}: {block.value}" if block.label else block.value
                out.append(_escaped(line))
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def left_out_text(document: Document) -> str:
    """The ledger: one line left out per line, with its reason."""
    header = [
        "# Lines of the leaflet that are not spoken, and why, in the order they appear.",
        "# Each line is exactly as in the source. Edit the leaflet (or outline.md) to change this.",
        "",
    ]
    if not document.left_out:
        return "\n".join([*header, "(Nothing was left out: every line is spoken.)"]) + "\n"
    width = max(len(item.reason.value) for item in document.left_out)
    lines = [f"{item.reason.value:<{width}}  | {item.text}" for item in document.left_out]
    return "\n".join([*header, *lines]) + "\n"


def left_out_summary(left_out: tuple[LeftOut, ...], where: str) -> str:
    """One line for the terminal: what was left out, and where the list is; "" when nothing."""
    if not left_out:
        return ""
    counts = Counter(item.reason for item in left_out)
    parts = [
        f"{count} {'line' if count == 1 else 'lines'} of {reason.value}"
        if reason is not LeftOutReason.PARENT_HEADING
        else f"{count} {'heading' if count == 1 else 'headings'} over sub-sections"
        for reason, count in counts.most_common()
    ]
    return f"Left out: {', '.join(parts)}; see {where}"


# --------------------------------------------------------------------------
# an outline corrected by staff
# --------------------------------------------------------------------------

OUTLINE_RECORD = ".audio-leaflet-outline.json"
"""Beside the outline: the checksums of the outline as written, and of the leaflet it was
written from, so that an outline corrected since is known (and kept, and read)."""


@dataclass(frozen=True)
class Corrected:
    """An outline changed since audio-leaflet wrote it."""

    text: str
    """The outline as it is now."""
    source_sha256: str
    """The leaflet's checksum when the outline was written from it."""


def record_outline(script_dir: Path, outline: str, source_sha256: str) -> None:
    """Note the outline just written, so a correction of it is known later."""
    record = {
        "outline_sha256": hashlib.sha256(outline.encode("utf-8")).hexdigest(),
        "source_sha256": source_sha256,
    }
    text = json.dumps(record, indent=2) + "\n"
    path = script_dir / OUTLINE_RECORD
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)


def corrected_outline(script_dir: Path) -> Corrected | None:
    """The leaflet's outline when it was corrected since it was written, else None."""
    try:
        record = json.loads((script_dir / OUTLINE_RECORD).read_text(encoding="utf-8"))
        text = (script_dir / OUTLINE_FILE).read_text(encoding="utf-8")
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict):
        return None
    if hashlib.sha256(text.encode("utf-8")).hexdigest() == record.get("outline_sha256"):
        return None
    return Corrected(text, str(record.get("source_sha256", "")))


def corrected_document(script_dir: Path) -> Document:
    """The leaflet as its corrected outline says, with the lines it lists as left out."""
    import dataclasses

    from audio_leaflet.read import read_leaflet

    path = script_dir / OUTLINE_FILE
    document = read_leaflet(path)
    return dataclasses.replace(document, left_out=left_out_of(path.read_text("utf-8")))
