"""Title, organisation and date: from options, else from the document, else from the file name.

Issue 2 item 4. The rules that find them in the text are pure functions of
strings, shared by every format through `structure.build_document`.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable
from pathlib import Path

from audio_leaflet.model import Document, LeftOut, LeftOutReason
from audio_leaflet.read import rules

# --------------------------------------------------------------------------
# Small print: what a closing disclaimer reads like
# --------------------------------------------------------------------------


class SmallPrint(enum.Enum):
    """How a paragraph reads as small print."""

    DISCLAIMER = "disclaimer"
    """It limits what the leaflet is for ("general information only")."""
    IMPRINT = "imprint"
    """Publisher's details: copyright, charity number, review date."""


_DISCLAIMER = re.compile(
    r"\b(?:"
    r"disclaimer"
    r"|(?:for\s+)?general\s+information(?:\s+(?:only|purposes))"
    r"|not\s+intended\s+(?:to|as|for)"
    r"|(?:is|are)\s+not\s+(?:responsible|liable)\s+for"
    r"|(?:can\s*not|cannot|can't|do\s+not|does\s+not)\s+accept\s+(?:any\s+)?(?:responsibility|liability)"
    r"|accepts?\s+no\s+(?:responsibility|liability)"
    r"|(?:does|do|should|must|is|are)\s+not\s+(?:replace|substitute)"
    r"|not\s+(?:a\s+)?(?:substitute|replacement)\s+for"
    r"|(?:should|must)\s+not\s+(?:rely|be\s+relied)"
    r"|should\s+not\s+be\s+used\s+in\s+place\s+of"
    r"|consult\s+(?:a|your|the\s+relevant|the|an?\s+appropriate)\s+"
    r"(?:own\s+)?(?:doctor|physician|gp|medical\s+practitioner|health\s*care\s+professional|"
    r"qualified\s+health\s*care\s+provider)"
    r"|without\s+(?:any\s+)?warranty"
    r"|(?:does|do)\s+not\s+(?:necessarily\s+)?endorse"
    r")\b",
    re.IGNORECASE,
)
_IMPRINT = re.compile(
    r"©|\(c\)\s*\d{4}|\bcopyright\b|\ball\s+rights\s+reserved\b"
    r"|\bregistered\s+(?:charity|company|office|in\s+england)"
    r"|\b(?:charity|company|scottish\s+charity)\s+(?:no|number|reg)"
    r"|\b(?:last\s+)?(?:reviewed|updated|published|revised)\b.{0,30}\d{4}"
    r"|\breview\s+date\b|\bnext\s+review\b|\bversion\s+\d|\breference\s*:?\s*[A-Z]{2,}",
    re.IGNORECASE,
)
MAX_SMALL_PRINT_WORDS = 250


def small_print_kind(paragraph: str) -> SmallPrint | None:
    """Whether a paragraph reads as a disclaimer, as a publisher's imprint, or neither.

    >>> small_print_kind("The Trust provides this as general information only.")
    <SmallPrint.DISCLAIMER: 'disclaimer'>
    >>> small_print_kind("© 2024 The Kestrel Trust") , small_print_kind("Talking helps.")
    (<SmallPrint.IMPRINT: 'imprint'>, None)
    """
    if len(paragraph.split()) > MAX_SMALL_PRINT_WORDS:
        return None
    if _DISCLAIMER.search(paragraph):
        return SmallPrint.DISCLAIMER
    if _IMPRINT.search(paragraph):
        return SmallPrint.IMPRINT
    return None


# --------------------------------------------------------------------------
# Organisation
# --------------------------------------------------------------------------

# A name is capitalised words, with small joining words inside ("Society for
# Mucopolysaccharide Diseases", "Guy's and St Thomas' NHS Foundation Trust").
_WORD = r"[A-Z][\w'’&-]*"
_NAME = rf"(?P<org>(?:The\s+)?{_WORD}(?:[ \t]+(?:{_WORD}|of|and|for|&|on|in|the|with|at)){{0,9}})"
_ORGANISATION_PATTERNS = (
    # "The Dystonia Society provides the information on this page ..."
    re.compile(
        rf"(?:^|[.!?]\s+){_NAME}\s+(?:provides|provided|produces|produced|has\s+produced|"
        r"publishes|published|wrote|has\s+written|"
        r"(?:is|are)\s+not\s+(?:responsible|liable)|cannot\s+accept|accepts\s+no|"
        r"(?:is|are)\s+(?:a\s+)?registered\s+charit|is\s+a\s+charity)"
    ),
    # "© 2024 The Kestrel Trust", "Copyright © The Dystonia Society 2024"
    re.compile(
        rf"(?:©|\([cC]\)|\b[Cc]opyright\b)\s*(?:©\s*)?(?:\d{{4}}(?:\s*[-–]\s*\d{{2,4}})?\s*,?\s*)?{_NAME}"
    ),
    # "Kestrel Dystonia Network, registered charity number 1234567"
    re.compile(rf"{_NAME}\s*[,.(–-]\s*[Rr]egistered\s+(?:charity|in\s+England)"),
)
_ORGANISATION_CUES = (
    "provide", "produce", "publish", "wrote", "written", "responsible", "liable", "accept",
    "charit", "©", "(c)", "copyright",
)  # fmt: skip
# First words that begin a sentence, not a name ("It is not responsible for ...").
_NOT_NAMES = frozenset(
    [
        "a",
        "all",
        "any",
        "anyone",
        "everyone",
        "he",
        "here",
        "if",
        "information",
        "it",
        "nothing",
        "no",
        "our",
        "please",
        "she",
        "that",
        "the",
        "there",
        "these",
        "they",
        "this",
        "those",
        "we",
        "when",
        "you",
        "your",
        # The paper itself, not who publishes it ("Newsletter published during March").
        "newsletter",
        "leaflet",
        "booklet",
        "magazine",
        "guide",
        "factsheet",
        "report",
        "website",
        "page",
        "issue",
        "edition",
        "document",
    ]
)
_TRAILING_JOINERS = re.compile(r"(?:[ \t]+(?:of|and|for|&|on|in|the|with|at))+$")


def _clean_name(name: str) -> str | None:
    name = _TRAILING_JOINERS.sub("", name.strip()).rstrip(".,")
    words = name.split()
    content = words[1:] if words and words[0] == "The" else words
    if not content or content[0].lower() in _NOT_NAMES:
        return None
    if words[0].lower() in _NOT_NAMES - {"the"}:
        return None
    return name


def find_organisation(texts: Iterable[str]) -> str | None:
    """The organisation that publishes the leaflet, from lines that name it, or None.

    >>> find_organisation(["The Dystonia Society provides the information on this page."])
    'The Dystonia Society'
    """
    # Only lines with a word the patterns need are searched: leaflets can be megabytes.
    texts = [text for text in texts if any(cue in text.lower() for cue in _ORGANISATION_CUES)]
    for pattern in _ORGANISATION_PATTERNS:
        for text in texts:
            for match in pattern.finditer(text):
                if name := _clean_name(match["org"]):
                    return name
    return None


# --------------------------------------------------------------------------
# Date
# --------------------------------------------------------------------------

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
)
_DATE = (
    rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,\s+\d{{4}}"
    rf"|{_MONTH}\s+\d{{4}}"
    r"|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2})"
)
# "Next review due" and "Review date" name a future date, not the leaflet's own.
_DATED = re.compile(
    r"\b(?:(?:page\s+)?last\s+(?:reviewed|updated|revised|checked)|reviewed|updated|revised|"
    r"published|publication\s+date|date\s+of\s+(?:publication|issue)|issued|produced|"
    r"written|date)\b(?:\s+(?:on|in))?\s*:?\s*"
    rf"(?P<date>{_DATE})",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")
_NEXT_REVIEW = re.compile(r"\b(?:next\s+review|review\s+date)\b", re.IGNORECASE)


_SEASON_DATE = re.compile(
    rf"\b(?P<date>(?:Spring|Summer|Autumn|Winter)\s+\d{{4}}|{_MONTH}\s+\d{{4}})\b", re.IGNORECASE
)
_REVIEW = re.compile(
    rf"\b(?:next\s+review(?:\s+(?:date|due))?|review\s+(?:date|due))\b(?:\s+(?:on|in|by))?\s*:?\s*"
    rf"(?P<date>{_DATE})",
    re.IGNORECASE,
)
MAX_DATE_LINE_WORDS = 8
"""Longest line near the top that may be a bare date ("Autumn 2011 · Issue 37")."""


def find_date(texts: Iterable[str]) -> str | None:
    """The leaflet's own date (published, updated, last reviewed), as printed, or None.

    A short line near the top that is only a date, as on a newsletter
    ("Autumn 2011 · Issue 37"), is its date too. A review date is not
    (`find_review_date`).

    >>> find_date(["This leaflet was last reviewed on 14 March 2025."])
    '14 March 2025'
    """
    texts = list(texts)
    labelled = _labelled_date(texts)
    if labelled:
        return labelled
    for text in texts[:3]:
        bare = (
            len(text.split()) <= MAX_DATE_LINE_WORDS
            and not text.rstrip().endswith((".", "!", "?"))
            and not _NEXT_REVIEW.search(text)
        )
        if bare and (match := _SEASON_DATE.search(text)):
            return match["date"]
    return None


def find_review_date(texts: Iterable[str]) -> str | None:
    """When the leaflet is due to be reviewed, as printed, or None."""
    for text in texts:
        if _YEAR.search(text) and (match := _REVIEW.search(text)):
            return match["date"]
    return None


def _labelled_date(texts: list[str]) -> str | None:
    for text in texts:
        if not _YEAR.search(text):
            continue  # cheap test first: every date pattern holds a year
        for match in _DATED.finditer(text):
            if not _NEXT_REVIEW.search(text[max(0, match.start() - 20) : match.start("date")]):
                return match["date"]
    return None


# --------------------------------------------------------------------------
# Title from a file name, and the resolution order
# --------------------------------------------------------------------------


def title_from_filename(name: str | Path) -> str:
    """A readable title from a file name ("dystonia-and-mental-health.txt").

    >>> title_from_filename("dystonia-and-mental-health.txt")
    'Dystonia and mental health'

    >>> title_from_filename("botox_clinic-leaflet.docx")
    'Botox clinic leaflet'

    A number that only orders the files ("07-press-release.txt") is not said.
    """
    stem = Path(name).stem if str(name) else ""
    words = re.sub(r"[-_.\s]+", " ", stem).strip()
    words = re.sub(r"^\d{1,3} (?=\D)", "", words)
    if not words:
        return "Leaflet"
    return words[0].upper() + words[1:]


def resolve_metadata(
    document: Document,
    *,
    path: Path,
    title: str | None = None,
    organisation: str | None = None,
) -> tuple[str, str]:
    """The leaflet's (title, organisation) as they will be announced and tagged.

    Explicit options (command line or audio-leaflet.toml) win; then what the
    document says (a main heading, a "download our leaflet on ..." line, a
    "© 2024 The X Trust" line); then the file name. The organisation is ""
    when nothing names it.
    """
    chosen_title = rules.clean_text(title or "") or document.title or title_from_filename(path.name)
    if organisation is not None:
        chosen_organisation = rules.clean_text(organisation)
    else:
        chosen_organisation = document.organisation or ""
    return chosen_title, chosen_organisation


NO_TITLE = "no title found in the text; using the file name: set --title"
"""What `script` and `build` say when the title comes from the file name."""


def title_warning(document: Document, title: str | None, path: Path) -> str | None:
    """A warning when neither the text nor `--title` gives the leaflet a title, else None."""
    if rules.clean_text(title or "") or document.title:
        return None
    return f"{path.name}: {NO_TITLE} (it is now '{title_from_filename(path.name)}')"


def with_given_title(document: Document, title: str | None) -> Document:
    """The document with its own title listed as left out when `--title` replaces it.

    The title line is then neither said nor anywhere else: listed, it is not
    lost (a title whose words appear nowhere else made the leaflet unbuildable).
    """
    given = rules.clean_text(title or "")
    if not given or not document.title or given == document.title:
        return document
    replaced = LeftOut(document.title, LeftOutReason.REPLACED_TITLE)
    return dataclasses.replace(document, left_out=(*document.left_out, replaced))
