"""Line-level rules shared by every reader: bullets, contacts, headings, web leftovers.

Each rule is a small pure function of one line of text, so the readers for
.txt, .md, .html and .docx recognise the same things the same way and each
rule is tested with its own table of examples (tests/test_read_rules.py).
"""

from __future__ import annotations

import re
import unicodedata

from audio_leaflet.model import Contact, ContactKind, LeftOut, LeftOutReason

# --------------------------------------------------------------------------
# Whitespace
# --------------------------------------------------------------------------

# Characters that print as nothing (zero-width joiners, soft hyphen, BOM):
# pasted web text is full of them and they would split words for a voice.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def clean_text(text: str) -> str:
    """Fold every kind of space (no-break, thin, tab) to one space and drop invisible characters.

    >>> clean_text("  Anxiety\u00a0 which\tcan\u200b include ")
    'Anxiety which can include'
    """
    # str.split() without arguments splits on every Unicode space, and is fast.
    return " ".join(unicodedata.normalize("NFC", text).translate(_INVISIBLE).split())


# --------------------------------------------------------------------------
# Bullets and numbered points
# --------------------------------------------------------------------------

# A bullet is a marker, at least one space, then text; "-5 degrees" is not a bullet.
# The private-use glyphs are bullets from the Symbol and Wingdings fonts, as text
# copied from a PDF or an old Word file shows them.
BULLET = re.compile(
    r"^\s*[•●○◦▪▫■□‣⁃∙·*\-–—\uf0b7\uf0a7\uf076\uf0d8\uf0fc\uf0a8]\s*(?<=\s|[\uf000-\uf0ff])(?P<text>\S.*)$"
)
# "1." "1)" "(1)"; two digits at most, so "2024. A year of change" is prose.
NUMBERED = re.compile(r"^\s*\(?(?P<number>\d{1,2})[.)]\s+(?P<text>\S.*)$")


def list_item(line: str) -> tuple[str, bool] | None:
    """The text of a bulleted or numbered line and whether it was numbered, or None.

    >>> list_item("  • Depression which can include")
    ('Depression which can include', False)
    >>> list_item("2) Rest for a few minutes")
    ('Rest for a few minutes', True)
    """
    if match := BULLET.match(line):
        return clean_text(match["text"]), False
    if match := NUMBERED.match(line):
        return clean_text(match["text"]), True
    return None


# --------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------

_EMAIL = r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_WEB = (
    r"(?:https?://|www\.)[^\s<>\"]+"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
    r"\.(?:(?:org|com|net|gov|nhs|ac|co|ltd|me|police|sch)\.uk|org|com|net|info|uk|gov)"
    r"(?![A-Za-z0-9-])(?:/[^\s<>\"]*)?"
)
_PHONE = r"\+?\(?\d[\d\s().-]*\d"
# National services with short numbers, and the 116 numbers (116 123 Samaritans).
_SHORT_NUMBERS = frozenset({"111", "112", "119", "101", "999"})

EMAIL = re.compile(_EMAIL)
WEB = re.compile(_WEB)
PHONE_IN_TEXT = re.compile(
    r"(?<![\w.])(?:(?:\+44|0)\d[\d ]{8,13}\d"
    r"|(?:1[ .-])?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4})(?![\w.])"
)
# North American numbers in their printed groups (never unbroken: a ten-digit run is
# more often a reference): 312 755 0198, 555-201-4400, (800) 457-6676, 1-800-473-4636.
_NORTH_AMERICAN = re.compile(r"(?:1[ .-])?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}")
# Australia's freecall and local-rate numbers: 1800 644 189, 1300 360 550.
_AUSTRALIAN_FREECALL = re.compile(r"1[38]00[ .-]?\d{3}[ .-]?\d{3}")


def is_phone_number(value: str) -> bool:
    """Whether `value` is a whole UK phone number as printed.

    UK numbers start with 0 (7 to 11 digits: "0800 1111", "020 7793 3650") or
    +44; the short national services (116 123, 111, 999) and the text relay
    prefix 18001 are the only numbers starting with 1. So a charity number
    such as 1234567 or a year is never taken for a phone number. North
    American numbers are taken in their printed groups ("312 755 0198",
    "(800) 457-6676"), and Australia's 1800 and 1300 numbers.

    >>> is_phone_number("116 123"), is_phone_number("1234567"), is_phone_number("2024")
    (True, False, False)
    """
    if not re.fullmatch(r"\+?[\d\s().-]+", value):
        return False
    if _NORTH_AMERICAN.fullmatch(value) or _AUSTRALIAN_FREECALL.fullmatch(value):
        return True
    if "." in value:
        return False  # "0.5", "12.2.2015": dots part a number only in the shapes above
    digits = re.sub(r"\D", "", value)
    if value.lstrip("(").startswith("+"):
        return 7 <= len(digits) <= 15
    if digits.startswith("0"):
        return 7 <= len(digits) <= 11
    if digits.startswith("116"):
        return len(digits) == 6
    if digits.startswith("18001"):
        return 9 <= len(digits) <= 16
    return digits in _SHORT_NUMBERS


# Words that say what a value is rather than who it belongs to ("Tel 020 ...").
_KIND_WORDS = (
    r"(?:tel|telephone|phone|helpline|freephone|mobile|text|textphone|minicom|fax|"
    r"e-?mail|web|website|web site|online|call)"
)
_VALUE = rf"(?P<value>{_EMAIL}|{_WEB}|{_PHONE})"
# What follows the value on a contact line and means nothing spoken: " /", " |", ",".
_JUNK = r"[\s/|,;.\\]*"
_LABELLED = re.compile(rf"^(?P<label>[^\W\d_][^:]{{0,60}}?)\s*:\s*{_VALUE}{_JUNK}$", re.IGNORECASE)
_KIND_LABELLED = re.compile(rf"^(?P<label>{_KIND_WORDS})\.?\s+{_VALUE}{_JUNK}$", re.IGNORECASE)
_BARE = re.compile(rf"^{_VALUE}{_JUNK}$", re.IGNORECASE)


def contact_kind(value: str) -> ContactKind | None:
    """Whether `value`, on its own, is a phone number, an e-mail address or a web address.

    >>> contact_kind("0300 123 3393"), contact_kind("info@mind.org.uk")
    (<ContactKind.PHONE: 'phone'>, <ContactKind.EMAIL: 'email'>)
    """
    if EMAIL.fullmatch(value):
        return ContactKind.EMAIL
    if WEB.fullmatch(value):
        return ContactKind.WEB
    if is_phone_number(value):
        return ContactKind.PHONE
    return None


MAX_CONTACT_LINE = 200
"""Longest line (characters) that can still be a contact line; longer ones are prose."""


def parse_contact(line: str) -> Contact | None:
    """A stand-alone contact line ("Mind: 0300 123 3393 /") as a Contact, or None.

    >>> parse_contact("Mind: 0300 123 3393 /")
    Contact(label='Mind', value='0300 123 3393', kind=<ContactKind.PHONE: 'phone'>)
    """
    if len(line) > MAX_CONTACT_LINE:
        return None
    text = clean_text(line)
    for pattern in (_LABELLED, _KIND_LABELLED, _BARE):
        match = pattern.match(text)
        if not match:
            continue
        value = match["value"].strip()
        if not EMAIL.fullmatch(value) and WEB.fullmatch(value):
            # A web address keeps its path but not the punctuation of the sentence around it.
            value = value.rstrip("/.,;)")
        kind = contact_kind(value)
        if kind is None:
            continue
        label = clean_text(match.groupdict().get("label") or "")
        if len(label.split()) > 8 or re.search(r"[.!?]\s", label):
            return None  # a sentence that ends in a number, not a contact line
        return Contact(label=label, value=value, kind=kind)
    return None


def mentions_contact(text: str) -> bool:
    """Whether `text` holds an e-mail address, a web address or a full phone number."""
    return bool(EMAIL.search(text) or WEB.search(text) or PHONE_IN_TEXT.search(text))


# --------------------------------------------------------------------------
# Headings in plain text
# --------------------------------------------------------------------------

MAX_HEADING_CHARS = 100
MAX_HEADING_WORDS = 14
# A heading never ends on a word that needs another after it; a line wrapped
# mid-sentence often does ("Many people find that the").
_DANGLING = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "is",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "their",
        "to",
        "which",
        "with",
        "your",
    ]
)


# A sentence ended inside a line: a word in lower case, its full stop, then a capital.
# ("Dr. Smith" and "St. John's" keep theirs: their words start with a capital.)
_SENTENCE_INSIDE = re.compile(r"\b[a-z]{3,}[.!] [A-Z]")
_NAME_ABBREVIATION = re.compile(r"(?<=\s)(?:Inc|Ltd|Co|Corp|Plc|LLC)\.$", re.IGNORECASE)


def looks_like_heading(
    line: str, *, alone: bool = False, max_words: int = MAX_HEADING_WORDS
) -> bool:
    """Whether a stand-alone line reads as a heading: short, no closing full stop, not a list.

    A question is a heading ("What is botulinum toxin?"); a line that ends with
    a full stop, comma or colon is prose or introduces a list. A line that ends
    on a word needing another ("used for") was wrapped mid-sentence, unless it
    stands `alone` between blank lines ("What ARTANE is used for").

    >>> looks_like_heading("Talking therapies"), looks_like_heading("Some common types are:")
    (True, False)
    """
    if len(line) > 4 * MAX_HEADING_CHARS:  # cheap test first: leaflets can be megabytes
        return False
    text = clean_text(line)
    if not text or len(text) > MAX_HEADING_CHARS:
        return False
    words = text.split()
    if len(words) > max_words:
        return False
    # A name's abbreviation is not a full stop: "... Research Foundation Inc.".
    closing = _NAME_ABBREVIATION.sub("", text).rstrip("\"'”’)]")[-1:]
    if closing in {".", ",", ";", ":", "!", "-", "–"}:
        return False  # a sentence, or a lead-in ("They will ask-")
    if _SENTENCE_INSIDE.search(text):
        return False  # "... is available. Call us for a large print version": two sentences
    if text[0].islower() or (not alone and words[-1].lower().strip("\"'”’") in _DANGLING):
        return False
    if list_item(line) or parse_contact(text) or is_web_leftover(text):
        return False
    if not any(ch.isalpha() for ch in text):
        return False  # "1.1", "31": a number is never a heading
    # Headings do not carry phone numbers, addresses or long numbers
    # ("Registered charity number 1234567").
    return not (mentions_contact(text) or re.search(r"\d{5}", text))


_FORM_FIELD = re.compile(r"(?P<label>[^\W\d_][^:]{0,40}?)\s*:\s+(?P<value>\S.*)")
MAX_FIELD_LABEL_WORDS = 4
MAX_FIELD_VALUE_WORDS = 14


def is_form_field(line: str) -> bool:
    """Whether a line is a label and its value ("Type: Focal", "Tablets: 10 mg"), not a heading.

    >>> is_form_field("Type: Focal"), is_form_field("What is dystonia?")
    (True, False)
    """
    text = clean_text(line)
    match = _FORM_FIELD.fullmatch(text)
    return bool(
        match
        and len(match["label"].split()) <= MAX_FIELD_LABEL_WORDS
        and len(match["value"].split()) <= MAX_FIELD_VALUE_WORDS
        and not text.endswith((".", "!"))
    )


# Capitals that stay capitals in a heading printed all in capitals: abbreviations.
_HEADING_ABBREVIATIONS = frozenset(
    (
        *("NHS", "GP", "GPS", "UK", "USA", "EU", "OCD", "CBT", "BSL", "DBS", "MRI", "CT"),
        *("ADHD", "PTSD", "MS", "MND", "A&E", "BBC", "TV", "FAQ", "PDF", "NICE"),
        *("OBE", "MBE", "CBE"),
    )
)


def heading_case(text: str) -> str:
    """A heading printed all in capitals, in sentence case: "DIARY DATES" -> "Diary dates".

    Said as printed, a voice spells short capital words letter by letter
    ("C H A I R"). Abbreviations keep their capitals ("NHS", "GP").
    """
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) < 4 or not all(ch.isupper() for ch in letters) or len(text.split()) < 2:
        return text
    words = [
        word if word.strip(".,:;!?()'\"’”") in _HEADING_ABBREVIATIONS else word.lower()
        for word in text.split()
    ]
    first = words[0]
    words[0] = first[:1].upper() + first[1:]
    return " ".join(words)


def ends_sentence(line: str) -> bool:
    """Whether a line ends like a sentence (full stop, question or exclamation mark, colon)."""
    return clean_text(line).rstrip("\"'”’)]")[-1:] in {".", "!", "?", ":"}


# --------------------------------------------------------------------------
# Web leftovers: whole lines that belong to a web page, not to the leaflet
# (docs/narration.md, "Web leftovers are not spoken").
# --------------------------------------------------------------------------

_DOWNLOAD_TITLE = re.compile(
    r"^(?:(?:please\s+)?(?:click|tap|press)\s+(?:here|this\s+link|the\s+link\s+below)\s+to\s+)?"
    r"download\s+(?:a\s+(?:printable\s+)?(?:copy|version)\s+of\s+)?(?:our|the|this)\s+"
    r"(?:free\s+|printable\s+)?(?:pdf\s+)?"
    r"(?:leaflet|factsheet|fact\s+sheet|booklet|guide|information\s+sheet|brochure|pdf)"
    r"(?:\s+(?:on|about|called|titled|entitled|for))?\s*[:\-–]?\s*"
    r"(?P<title>.*?)\s*(?:\((?:pdf|[^)]*\d\s*[km]b)[^)]*\))?\s*[.!]?$",
    re.IGNORECASE,
)

_LEFTOVERS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        # "Click here for the US version", also after a short label ("UK Edition.").
        r"(?:[^.!?]{0,30}[.!?]\s+)?(?:please\s+)?(?:click|tap)\s+here\b.*",
        r"download\b.{0,80}\b(?:pdf|leaflet|factsheet|booklet|version)\b.*",
        r"skip\s+(?:over\s+|past\s+)?(?:the\s+)?(?:main\s+|site\s+)?"
        r"(?:navigation|nav|menu|links?|content)\b.*",
        r"(?:screen\s+readers?\s+)?skip\s+to\s+(?:the\s+)?(?:main\s+)?"
        r"(?:content|main|navigation|nav|menu)\b.*",
        r"jump\s+to\s+(?:main\s+)?(?:content|navigation)\b.*",
        r"(?:expand|collapse|open|close)(?:\s+(?:all|this)?\s*(?:sections?|content)?)?",
        r"close\s+this\s+(?:popup|pop-up|window|dialog)(?:\s+window)?",
        r"(?:show|see|read|view|load)\s+(?:more|less|all)(?:\s+\w+)?",
        # A page's switch to another version of itself: "Show Easy Read".
        r"(?:show|hide)\s+(?:the\s+)?(?:easy[\s-]read|text[\s-]only|large\s+print)(?:\s+version)?",
        r"show|hide|more|menu|search|close|print|share|tweet|email|e-mail|upload|download|view",
        # "You are on page 1of 22": a document host's page counter, spaces or none.
        r"(?:you\s+are\s+(?:on|viewing)\s+)?page\s*\d+\s*of\s*\d+",
        r"(?:back|return|go\s+back)\s+to\s+(?:the\s+)?top(?:\s+of\s+(?:the\s+)?page)?|top\s+of\s+page",
        r"print\s+(?:this\s+)?(?:page|article|leaflet)",
        r"(?:share|email|e-mail|send)\s+this(?:\s+(?:page|article|leaflet))?(?:\s+(?:on|by|via)\s+\w+)?",
        r"share\s+(?:on|via)\s+\w+",
        r"(?:accept|reject|allow|decline)(?:\s+all)?(?:\s+(?:optional\s+)?cookies?)?",
        r"(?:manage|change|set)\s+(?:my\s+)?(?:cookies?\s+)?(?:settings|preferences)",
        r"(?:cookie|privacy)\s+(?:settings|preferences|policy)",
        r"was\s+this\s+(?:page|information|article)\s+(?:helpful|useful)\b.*",
        r"(?:you\s+are\s+here\s*:?\s*)?home\s*[>›»/|].*",
        r"you\s+are\s+here\s*:.*",
    )
]
# Furniture of shops and sites, and link text that names a file's size.
_PAGE_FURNITURE = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"(?:log|sign)\s*(?:in|out|on)(?:\s*(?:/|or)\s*(?:register|sign\s*up))?|register|my\s+account",
        r"(?:your\s+)?(?:basket|cart|trolley)\s*:?\s*(?:\(?\s*\d+\s*(?:items?)?\s*\)?|is\s+empty)?",
        r"checkout|view\s+basket",
        r"you\s+are\s+using\s+an?\s+(?:outdated|old|unsupported)\s+browser\b.*",
        r".{0,120}\(\s*(?:(?:pdf|word|docx?|rtf)\s*,?\s*)?\d+(?:\.\d+)?\s*[km]i?b\s*\)",
        r"(?:pdf|word|docx?)\s*,?\s*\d+(?:\.\d+)?\s*[km]i?b",
        r"(?:share|follow\s+us)(?:\s+(?:this|on|via))?(?:\s+(?:page|article|leaflet))?",
        r"facebook|twitter|x\s*\(twitter\)|instagram|linkedin|youtube|whatsapp|tiktok|pinterest",
        # A document host's counts beside the document ("View 213", "Upload vutuyen").
        r"(?:upload(?:ed)?(?:\s+by)?|views?|downloads?)\s*:?\s*[\w.,-]+",
        r"[-–—#*\s]*ends[-–—#*\s]*|#{3}",  # the end mark of a press release
        # A document host's own lines around the document it shows.
        r"(?:pdf\s+)?transcript(?:ion)?|citation\s+preview|embed\s+size\s*\(px\)|size\s*:\s*px",
        r"start\s+display\s+at\s+page",
        r"download\s+(?:as\s+)?(?:pdf|txt|docx?|epub)(?:\s*(?:,|or|and)\s*(?:pdf|txt|docx?|epub))*",
        r"download\s+[\"“].*[\"”]",
        r"(?:pdf\s+options\s*:?\s*)?(?:(?:view\s+full\s*screen|print\s+pdf|download\s+pdf"
        r"|print|view)[\s/»|⇩↓]*){2,}",
        r"(?:pdf|word|printable)\s+(?:version\s+)?for\s+printing|printer[\s-]friendly\s+version",
        # A web designer's credit at the foot of a page.
        r"(?:web\s*site|web|site)\s+design(?:ed)?\b.{0,60}|(?:designed|powered|built)\s+by\s+.{1,60}",
        # A printer's measurement on a leaflet's artwork ("30 mm").
        r"\d+(?:\.\d+)?\s*mm",
        # Sites' and hosts' own lines: a form link, a section's menu, a text-size control,
        # a host's label, byline of a page and view counts, an encyclopedia's edit links.
        r"submit\s+(?:a\s+)?(?:form|request|question)|in\s+this\s+section|adjust\s+text\s+size\b.*",
        r"document|page\s+created\s+by\b.{1,60}|\d{1,2}\.\d{1,2}\.\d{4}\s+views?",
        r"total\s+pages?\s*:\s*\d+",
        # A link to a site's own app ("Pill Identifier App"), never an app a leaflet is about.
        r"(?:[\w-]+\s+)?identifier\s+app|(?:get|download)\s+(?:the|our)\s+app",
        r"you\s+also\s+want\s+an\s+epaper\b.*|yumpu\s+automatically\b.*",
        r"file\s*type\s*:\s*\w+\s*,?\s*size\s*:.*",
        r"go\s*to\s+(?:the\s+)?profile(?:\s+page)?|view\s+profile",
        r"from\s+wikipedia,\s+the\s+free\s+encyclopedia|\(redirected\s+from\s+[^)]*\)|\[edit\]",
        r"this\s+advice\s+applies\s+to\s+\w+(?:\s+\w+)?\.?\s+see\s+advice\s+for\b.*",
        # A row of sharing buttons: "Tweet Facebook Buffer".
        r"(?:(?:tweet|facebook|twitter|buffer|linkedin|pinterest|reddit|whatsapp|email|share"
        r"|print)\s*){2,}",
    )
]
_FIGURE_LINE = re.compile(r"\(?(?:see\s+)?fig(?:ure)?\.?\s*\d+[a-z]?\)?\.?", re.IGNORECASE)
"""A line that only points at a figure: "(Fig 1)."."""
_IMAGE_TEXT = re.compile(
    r"(?:(?:an?\s+|the\s+)?(?:image|picture|photo(?:graph)?|illustration|diagram|drawing)s?"
    r"\s+(?:of|showing|shows)\b|(?:one|two|three|four|\d+)\s+(?:images|pictures|photos)\s+"
    r"(?:of|showing)\b).*|(?:[\w&'’-]+\s+){0,6}logo",
    re.IGNORECASE,
)
"""An image's description copied with a page's text: "two images showing ...", "... logo"."""
MAX_IMAGE_TEXT_WORDS = 30
_STRAY_MARK = re.compile(r"[-–—+•·*_=~|l©■□®]|[a-zA-Z]|©■")
"""A line of one dash, glyph or letter: an accordion's "-", a symbol font's bullet ("l"
is a bullet in Wingdings), a stray letter left by a drop capital or by a section number
drawn as a picture ("H")."""
_HIDDEN_EMAIL = re.compile(
    r"(?:(?:e-?mail|contact)(?:\s+\w+){0,2}\s*:?\s*)?\[email(?:\s|&#160;)*protected\]",
    re.IGNORECASE,
)
"""An e-mail address a web page hid from copying ("[email protected]"), with its label."""
_KIND_LABEL = re.compile(
    r"(?:press|news|media)\s+release|patient\s+information(?:\s+(?:leaflet|sheet))?|"
    r"(?:patient\s+)?information\s+(?:leaflet|sheet)|patient\s+leaflet|fact\s*sheet"
    r"|consumer\s+medicine\s+information",
    re.IGNORECASE,
)


def is_kind_label(line: str) -> bool:
    """Whether a line only names the kind of paper ("PRESS RELEASE", "Patient information")."""
    return bool(_KIND_LABEL.fullmatch(clean_text(line).rstrip(" .:")))


# An encyclopedia's notice to its editors: "This section may be in need of reorganization ...".
_EDITORS_NOTICE = re.compile(
    r"this\s+(?:section|article)\s+(?:may\s+be\s+in\s+need|needs\s+additional|has\s+multiple"
    r"\s+issues|relies\s+(?:largely|too\s+much)|may\s+(?:require|need|be\s+too))\b",
    re.IGNORECASE,
)
_BREADCRUMB_SEPARATOR = re.compile(r"\s[>›»]\s")
_COOKIE_NOTICE = re.compile(
    r"\bcookies?\b.*\b(?:we\s+use|uses|accept|consent|settings|preferences|"
    r"analytics|improve|experience|agree)\b|\b(?:we\s+use|this\s+(?:web)?site\s+uses|accept|"
    r"consent\s+to)\b.*\bcookies?\b",
    re.IGNORECASE,
)
MAX_LEFTOVER_WORDS = 25
MAX_COOKIE_NOTICE_WORDS = 80
MAX_LEFTOVER_CHARS = 1000
"""Longest line (characters) that can still be web furniture (a cookie notice is the longest)."""


def download_title(line: str) -> str | None:
    """The title carried by a "Click here to download our leaflet on X" line, or None.

    >>> download_title("Click here to download our leaflet on Dystonia and mental health.")
    'Dystonia and mental health'
    """
    match = _DOWNLOAD_TITLE.match(clean_text(line))
    if not match:
        return None
    title = match["title"].strip(" \"'“”‘’")
    return title or None


def is_web_leftover(line: str) -> bool:
    """Whether a whole line is web-page furniture, not leaflet text.

    Examples: "Skip to main content", "Expand", "You are on page 1 of 22",
    "Home > Conditions > Dystonia", "Back to top", "Print this page", cookie notices.
    """
    return leftover_reason(line) is not None


def leftover_reason(line: str) -> LeftOutReason | None:
    """Why a whole line is web-page furniture (`is_web_leftover`), or None when it is text."""
    if len(line) > MAX_LEFTOVER_CHARS:
        return None
    text = clean_text(line).rstrip(" .:!")
    if not text:
        return None
    words = len(text.split())
    # Web furniture is a few words; a long sentence that starts "Download" is prose.
    if words <= MAX_LEFTOVER_WORDS and any(pattern.fullmatch(text) for pattern in _LEFTOVERS):
        if download_title(line):
            return LeftOutReason.DOWNLOAD_LINK
        return LeftOutReason.WEB_FURNITURE
    if words <= MAX_LEFTOVER_WORDS and any(p.fullmatch(text) for p in _PAGE_FURNITURE):
        return LeftOutReason.PAGE_FURNITURE
    if words <= MAX_LEFTOVER_WORDS and _FIGURE_LINE.fullmatch(text):
        return LeftOutReason.FIGURE_REFERENCE
    if _STRAY_MARK.fullmatch(text):
        return LeftOutReason.STRAY_MARK
    if _HIDDEN_EMAIL.fullmatch(text):
        return LeftOutReason.HIDDEN
    if words <= MAX_IMAGE_TEXT_WORDS and not ends_sentence(line) and _IMAGE_TEXT.fullmatch(text):
        return LeftOutReason.IMAGE_TEXT
    # A breadcrumb trail: short parts joined by ">" ("Conditions > Dystonia > Treatment").
    parts = _BREADCRUMB_SEPARATOR.split(text)
    if len(parts) >= 3 and all(len(part.split()) <= 6 for part in parts):
        return LeftOutReason.BREADCRUMBS
    if words <= MAX_COOKIE_NOTICE_WORDS and bool(_COOKIE_NOTICE.search(text)):
        return LeftOutReason.COOKIE_NOTICE
    if words <= MAX_COOKIE_NOTICE_WORDS and _EDITORS_NOTICE.match(text):
        return LeftOutReason.PAGE_FURNITURE
    return None


# --------------------------------------------------------------------------
# Parts of a line that are not said: the narration drops them
# (narrate.rules.remove_web_leftovers, drop_marks_and_references), and the
# reader lists them, so no word is left out without a reason.
# --------------------------------------------------------------------------

CLICK_HERE = re.compile(r"\b(?:click|tap|press) here\b", re.IGNORECASE)
"""A sentence that only makes sense with a mouse or finger."""
PROTECTED_EMAIL = re.compile(
    r"(?:\s+(?:at|on|to|email|e-mail)\b)?\s*:?\s*\[email(?:&#160;|\s)protected\]", re.IGNORECASE
)
"""Cloudflare's e-mail obfuscation placeholder, with a dangling "at"/"on" before it."""
INLINE_LEFTOVERS = re.compile(
    r"\s*\((?:opens in (?:a )?new (?:window|tab)|link is external|external link"
    r"|pdf[^)]{0,20})\)"
    r"|\s*\b(?:read more|find out more|learn more)\s*(?:»|>>|›|\.\.\.)"
    r"|\s*\bread more\s*$"
    r"|\byou are on page \d+ of \d+\.?",
    re.IGNORECASE,
)
"""Link furniture inside a line: "(opens in new window)", "Read more »"."""
FIGURE_REFERENCE = re.compile(
    r"\s*\((?:see\s+)?(?:fig(?:ure)?\.?|table|diagram|box|page|p\.|appendix|illustration|chart)"
    r"\s*[\dA-Za-z]{1,3}(?:\.\d+)?(?:\s*(?:and|,|-|–)\s*[\dA-Za-z]{1,3})*\s*\)"
    r"|,?\s*\bsee (?:fig(?:ure)?\.?|table|diagram|box|appendix|illustration|chart)"
    r"\s*\d+(?:\.\d+)?(?:\s*(?:above|below|overleaf))?(?=\s*[.,;:]|\s*$)",
    re.IGNORECASE,
)
"""A pointer to a picture or table the listener cannot see: "(Fig 1)", "(see table 2)"."""


def click_here_spans(text: str) -> list[tuple[int, int]]:
    """Where the sentences that say "click here" start and end in `text`.

    Found by search and cut at the sentence edges, not by one regex with a
    leading [^.]*, which is quadratic on a long paragraph.
    """
    spans: list[tuple[int, int]] = []
    position = 0
    while match := CLICK_HERE.search(text, position):
        start = max(max(text.rfind(mark, 0, match.start()) for mark in ".!?") + 1, position)
        ends = [i for i in (text.find(mark, match.end()) for mark in ".!?") if i >= 0]
        end = min(ends) + 1 if ends else len(text)
        spans.append((start, end))
        position = end
    return spans


def unsaid_parts(text: str) -> list[LeftOut]:
    """The parts of a paragraph the narration does not say, as printed, each with why.

    >>> [item.text for item in unsaid_parts("It relaxes (Fig 1). Email [email protected]")]
    ['(Fig 1)', 'Email [email protected]']
    """
    parts: list[tuple[int, LeftOut]] = []
    for start, end in click_here_spans(text):
        parts.append((start, LeftOut(text[start:end].strip(), LeftOutReason.DOWNLOAD_LINK)))
    if "[email" in text.lower():
        for match in PROTECTED_EMAIL.finditer(text):
            parts.append((match.start(), LeftOut(match[0].strip(" :"), LeftOutReason.HIDDEN)))
    for pattern, reason in (
        (INLINE_LEFTOVERS, LeftOutReason.WEB_FURNITURE),
        (FIGURE_REFERENCE, LeftOutReason.FIGURE_REFERENCE),
    ):
        for match in pattern.finditer(text):
            parts.append((match.start(), LeftOut(match[0].strip(" ,"), reason)))
    return [item for _, item in sorted(parts, key=lambda part: part[0])]
