"""No word lost without a reason: the source's lines neither spoken nor in the ledger.

After a leaflet is read and narrated, every line of the source must be
accounted for: its words said in the narration, or the line listed in
`left-out.txt` with the rule that left it out. A line that is neither was
lost by a reader's bug; a build stops, naming it, and publishes nothing.

The source's lines are taken afresh from the file here, not from the
reader's pieces: a web page's visible text (scripts and styles aside), a
Markdown file without its markup and link addresses, the text of a Word
file's XML (every `w:t` it shows, in the body, tables, text boxes and
notes). Words are compared loosely, as sets of lower-case words of letters:
the narration says numbers, dates and symbols in words, so tokens with
digits are left to the narration's own rules, and an abbreviation counts as
said when its letters are ("G P").
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterable
from pathlib import Path

from audio_leaflet.model import LeftOut, Narration
from audio_leaflet.read.source import Format

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
MIN_WORD_LETTERS = 3
"""Shorter words ("a", "of", "to") prove nothing about a line and are not looked for."""
_SAID_AS = {"etc": "so", "tel": "telephone", "pm": "m"}
"""Words the narration says as others ("etc" is "and so on", "Tel" is "Telephone", "pm" is
"p.m."): one of those stands for it."""
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
"""Characters that print as nothing (soft hyphen, zero-width space): one word, not two."""
_SCHEME = re.compile(r"\bhttps?://", re.IGNORECASE)
"""A web address is said without its "https://"."""


def source_lines(path: Path, kind: Format, text: str, data: bytes) -> list[str]:
    """The lines a reader of the file sees, found without the format's reader (`text` is
    the decoded text of a text format; Word and PDF are read from `data`, the file's bytes)."""
    if kind is Format.HTML:
        import lxml.html

        try:
            root = lxml.html.document_fromstring(
                re.sub(r"^\s*<\?xml[^>]*\?>", "", text),
                parser=lxml.html.HTMLParser(huge_tree=True),  # as deep as the reader reads
            )
        except (ValueError, lxml.etree.ParserError):
            return []
        for element in root.xpath("//script|//style|//template|//noscript|//head"):
            element.drop_tree()
        # Each text node on a line of its own: "About us" and "Donate" are two links.
        return [line for line in "\n".join(root.itertext()).splitlines() if line.strip()]
    if kind is Format.MARKDOWN:
        text = html.unescape(text)  # "&amp;" is "&", "&nbsp;" a space, as Markdown shows them
        text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", text, flags=re.S | re.I)
        text = re.sub(r"\]\([^)]*\)|<https?://[^>]*>", "]", text)  # link addresses
        text = re.sub(r"<[^>]+>", " ", text)
    if kind is Format.PDF:
        from pdfminer.high_level import extract_text

        # A word broken by a hyphen at a line's end is said whole; "(cid:127)" is
        # pdfminer's mark for a glyph it cannot map to a character, not text.
        text = re.sub(r"\(cid:\d+\)", " ", extract_text(io.BytesIO(data)))
        whole = re.sub(r"([a-z])-\n+([a-z])", r"\1\2", text)
        return [line for line in whole.splitlines() if line.strip()]
    if kind is Format.DOCX:
        return _word_lines(data)
    if kind is Format.TEXT and "<" in text:
        # HTML markup left in a text file is not words: "<strong>2018</strong><br />".
        text = re.sub(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]{0,200}?/?>", " ", text)
    return [line for line in text.splitlines() if line.strip()]


_WORD_ML = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_WORD_STORIES = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
"""The parts of a Word file whose text is read: the body (tables and text boxes in it too),
footnotes and endnotes. Headers and footers repeat on every page and are not read."""


def _word_lines(data: bytes) -> list[str]:
    """Each Word paragraph's shown text, straight from the XML: every `w:t` but those of
    deleted or moved-out text (`w:delText` and `w:instrText` are other elements)."""
    import zipfile

    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    removed = {f"{_WORD_ML}del", f"{_WORD_ML}moveFrom"}
    paragraph = f"{_WORD_ML}p"
    lines: dict[object, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for name in _WORD_STORIES:
            if name not in names:
                continue
            root = etree.fromstring(archive.read(name), parser)
            for text in root.iter(f"{_WORD_ML}t"):
                ancestors = list(text.iterancestors())
                if any(ancestor.tag in removed for ancestor in ancestors):
                    continue
                owner = next((a for a in ancestors if a.tag == paragraph), root)
                lines.setdefault(owner, []).append(text.text or "")
    return [line for parts in lines.values() if (line := "".join(parts)).strip()]


def _words(text: str) -> set[str]:
    text = _SCHEME.sub(" ", text.translate(_INVISIBLE))
    return {
        word.lower().replace("’", "'")
        for token in text.split()
        if not any(ch.isdigit() for ch in token)
        for word in _WORD.findall(token)
    }


def _spelt(text: str) -> set[str]:
    """Abbreviations said letter by letter ("G P's" is "GP")."""
    runs = re.findall(r"\b(?:[A-Za-z]\b\s*){2,}", text)
    return {"".join(run.split()).lower() for run in runs}


def unaccounted_lines(
    lines: Iterable[str], narration: Narration, left_out: Iterable[LeftOut]
) -> list[str]:
    """Source lines with a word that is neither said nor in a left-out line."""
    said_text = " ".join(s for chapter in narration.chapters for s in chapter.sentences)
    said = _words(said_text) | _spelt(said_text) | _words(narration.title)
    said |= _words(narration.organisation)
    listed = set().union(*(_words(item.text) for item in left_out))
    # "Mon", "Jan", "approx" are said in full ("Monday"): a short word may begin a said one.
    beginnings = {word[:length] for word in said for length in (3, 4) if len(word) > length}
    lost = []
    for line in lines:
        missing = [
            word
            for word in _words(line)
            if len(word) >= MIN_WORD_LETTERS
            and word not in said
            and word not in listed
            and word.rstrip("s") not in said
            and word + "s" not in said  # "action(s)" is said "actions"
            and word.replace("'", "") not in said
            and word.removesuffix("'s") not in said  # "BNN's", "PDF's": "B N N's", "P D F's"
            and not (len(word) <= 4 and word in beginnings)
            and _SAID_AS.get(word) not in said
        ]
        if missing:
            lost.append(" ".join(line.split()))
    return lost
