"""Every word of a source is spoken or listed in its ledger: checked without the reader's code.

The words of a leaflet file are found here by other means than the reader
uses (the standard library's HTML parser, regular expressions over a Word
file's XML: body, tables, text boxes, footnotes and endnotes, deleted text
aside; plain splitting for text and Markdown), then looked for in what
will be said (the narration scripts) and in `left-out.txt`. A word that is
in neither was lost silently.

Words with digits are left to the number tests: the narration says them in
words ("two to three"). Abbreviations are said as letters ("G P"), so a
word is also found when its letters are spoken one by one.
"""

from __future__ import annotations

import html
import html.parser
import re
import zipfile
from pathlib import Path

_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_SAID_FOR = {
    "eg": "for example",
    "ie": "that is",
    "etc": "and so on",
    "vs": "versus",
    "dr": "doctor",
    "tel": "telephone",
    "approx": "approximately",
    "incl": "including",
    "vol": "volume",
    "pm": "p.m.",
    "am": "a.m.",
    # Units said in full after a number ("10 mg" is "ten milligrams").
    "mg": "milligram",
    "mcg": "microgram",
    "ml": "millilitre",
    "kg": "kilogram",
    "mm": "millimetre",
    "cm": "centimetre",
    "km": "kilometre",
    "kb": "kilobyte",
    "mb": "megabyte",
    "gb": "gigabyte",
    "hrs": "hour",
    "mins": "minute",
}
# Characters that print as nothing (soft hyphen, zero-width space, joiners, BOM).
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


class _VisibleText(html.parser.HTMLParser):
    """The text a browser would show, without scripts, styles or the head."""

    HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth:
            self.parts.append(data)


def source_text(path: Path) -> str:
    """The words a reader of the file sees, by a route that is not the reader's."""
    if path.suffix == ".pdf":
        # pdfminer's plain text extraction: not the layout analysis the reader uses.
        from pdfminer.high_level import extract_text

        text = extract_text(str(path)).replace("(cid:", " (")  # an unmapped glyph's mark
        return re.sub(r"([a-z])-\s*\n\s*([a-z])", r"\1\2", text)  # "pain-" / "ful"
    if path.suffix == ".docx":
        return _word_text(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # what Windows calls "ANSI"
    if path.suffix in (".html", ".htm"):
        parser = _VisibleText()
        parser.feed(text)
        return "\n".join(parser.parts)
    if path.suffix in (".txt", ".md"):
        text = re.sub(r"</?[A-Za-z][A-Za-z0-9]*\b[^<>]*?/?>", " ", text)  # markup, not words
    if path.suffix == ".md":
        text = html.unescape(text)  # "&amp;" shows as "&"
        text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = re.sub(r"\]\([^)]*\)", "]", text)  # a link's address is not read out
        text = re.sub(r"<[^>]+>", " ", text)
    return text


_WORD_STORIES = ("word/document.xml", "word/footnotes.xml", "word/endnotes.xml")
# Deleted and moved-out text: an element with content (its self-closing form marks a
# paragraph mark or a row as deleted and holds no text).
_REMOVED = re.compile(r"<w:(del|moveFrom)\b[^>]*(?<!/)>.*?</w:\1>", re.S)
# A paragraph's end, or the start of one inside it (a text box's), ends a line.
_SHOWN = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>|<w:t(?: [^>]*)?/>|(</w:p>|<w:p[ >])")


def _word_text(path: Path) -> str:
    """Every `w:t` of a Word file's body, footnotes and endnotes, one line per paragraph end,
    deleted text aside; found with regular expressions, not an XML parser."""
    lines: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for name in _WORD_STORIES:
            if name not in names:
                continue
            xml = _REMOVED.sub(" ", archive.read(name).decode("utf-8"))
            line = ""
            for match in _SHOWN.finditer(xml):
                if match[2]:
                    lines.append(line)
                    line = ""
                else:
                    line += html.unescape(match[1] or "")
            lines.append(line)
    return "\n".join(lines)


def words_of(text: str) -> list[str]:
    """Words made of letters, lower case, without apostrophes; "5pm" and "2nd" are numbers.

    A web address's "https://" is not said; an invisible character is not a break.
    """
    text = re.sub(r"\bhttps?://", " ", text.translate(_INVISIBLE), flags=re.I)
    return [
        word.lower().replace("'", "").replace("’", "")
        for token in text.split()
        if not any(ch.isdigit() for ch in token)
        for word in _WORD.findall(token)
    ]


def unaccounted_words(source: Path, narration_dir: Path) -> list[str]:
    """Words of `source` neither spoken in `narration_dir`'s scripts nor in its left-out list."""
    spoken_text = " ".join(
        line
        for script in sorted(narration_dir.glob("[0-9][0-9]-*.txt"))
        for line in script.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    )
    ledger = narration_dir / "left-out.txt"
    left_out_text = ledger.read_text(encoding="utf-8") if ledger.is_file() else ""
    spoken = set(words_of(spoken_text))
    letters = " ".join(spoken_text.lower().split())
    listed = set(words_of(left_out_text))
    missing = []
    for word in words_of(source_text(source)):
        # "hand/s" is said "hands": a word may be heard in its plural.
        if word in spoken or word in listed or word.rstrip("s") in spoken or word + "s" in spoken:
            continue
        if " ".join(word) in letters or (word in _SAID_FOR and _SAID_FOR[word] in letters):
            continue
        if word.endswith("s") and " ".join(word[:-1]) + "'s" in letters:
            continue  # "PDFs" is spelt "P D F's"
        missing.append(word)
    return missing
