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

import re
from collections import Counter

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


def outline_markdown(document: Document, title: str) -> str:
    """The document as Markdown: a leaflet that reads back into the same sections."""
    out = [f"# {_escaped(title)}", ""]
    if document.left_out:
        out.append("<!-- Left out when the leaflet was read (see left-out.txt):")
        out += [
            f"     {_comment(item.reason.value)}: {_comment(item.text)}"
            for item in document.left_out
        ]
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
