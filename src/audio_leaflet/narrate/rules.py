"""Print turned into words for the ear (docs/narration.md), as an ordered tuple of steps.

Each step is a small pure `str -> str` function, in the manner of gTTS's
`tokenizer.pre_processors`; `speakable` runs them in order. The order matters:
addresses and phone numbers are read before the generic number, slash and dash
rules could break them apart, and numbers are turned into words last so that
every earlier rule still sees the digits it needs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from audio_leaflet.lexicon import load_lexicon
from audio_leaflet.narrate.numbers import cardinal, decimal, digits, ordinal, year
from audio_leaflet.read.rules import (
    FIGURE_REFERENCE,
    INLINE_LEFTOVERS,
    PROTECTED_EMAIL,
    click_here_spans,
)

Step = Callable[[str], str]


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one string, easier to read and extend than a list."""
    return frozenset(words.split())


# --------------------------------------------------------------------------
# characters
# --------------------------------------------------------------------------

_CHARACTER_MAP = {
    "\u00a0": " ",  # no-break space
    "\u2009": " ",  # thin space
    "\u202f": " ",  # narrow no-break space
    "\u200b": "",  # zero-width space
    "\u00ad": "",  # soft hyphen
    "\ufeff": "",  # byte order mark
    "\u2026": "...",
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2212": "-",  # minus sign
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}
_SPACES = re.compile(r"\s+")
# Most paragraphs hold no digit, dash or slash: steps that need one return early,
# which makes a 5 MB leaflet several times faster to narrate (measured, see tests).
_DIGIT = re.compile(r"\d")
_DASH_CHARACTER = re.compile(r"[-–—]")


def normalise_characters(text: str) -> str:
    """Fold odd spaces, curly quotes and invisible characters; one space between words."""
    for old, new in _CHARACTER_MAP.items():
        text = text.replace(old, new)
    return _SPACES.sub(" ", text).strip()


# A "/" with nothing after it on its line ("Mind: 0300 123 3393 /"), or before
# closing punctuation, is left over from a web layout and means nothing.
_STRAY_SLASH = re.compile(r"(?:^|\s+)/+\s*(?=$|[.,;:!?)])|^\s*/+\s+")


def drop_stray_slashes(text: str) -> str:
    """Drop a "/" standing at the end of a line or before punctuation."""
    if "/" not in text:
        return text
    return _STRAY_SLASH.sub("", text)


# --------------------------------------------------------------------------
# web leftovers (docs/narration.md: "Web leftovers are not spoken")
# --------------------------------------------------------------------------

# A paragraph that is nothing but page furniture.
_FURNITURE_PARAGRAPH = re.compile(
    r"^(?:skip (?:to (?:main )?content|navigation)|expand(?: all)?|collapse(?: all)?"
    r"|show more|show less|back to top|print(?: this page)?|share(?: this page)?"
    r"|read more|menu|search|close|previous|next|home"
    r"|(?:you are on )?page \d+ of \d+)[.!:]?$",
    re.IGNORECASE,
)
# A breadcrumb trail: "Home > Conditions > Dystonia".
_BREADCRUMB = re.compile(r"^[^>›»]{1,60}(?:\s+[>›»]\s+[^>›»]{1,60})+$")
_LEFTOVER_HINT = re.compile(r"\(|more|page", re.IGNORECASE)


def _drop_click_sentences(text: str) -> str:
    for start, end in reversed(click_here_spans(text)):
        text = text[:start] + text[end:]
    return text


def remove_web_leftovers(text: str) -> str:
    """Remove "Click here ..." sentences, "[email protected]", "(opens in new window)",
    "Read more", and paragraphs of page furniture ("Skip to content", "Expand", breadcrumbs)."""
    if _FURNITURE_PARAGRAPH.match(text.strip()) or _BREADCRUMB.match(text.strip()):
        return ""
    text = _drop_click_sentences(text)
    if "[email" in text:
        text = PROTECTED_EMAIL.sub("", text)
    if _LEFTOVER_HINT.search(text):
        text = INLINE_LEFTOVERS.sub("", text)
    return text.strip()


# --------------------------------------------------------------------------
# marks and references that are not said
# --------------------------------------------------------------------------

_MARKS = re.compile(r"[®™℠]")


def drop_marks_and_references(text: str) -> str:
    """Drop ®, ™ and references to figures or tables ("(see figure 2)")."""
    return FIGURE_REFERENCE.sub("", _MARKS.sub("", text))


# A footnote number printed against a word ("40,000 people1 in the UK"). Capitals
# and letters-then-digits codes ("B12", "COVID19", "EYE042") are not footnotes.
_FOOTNOTE = re.compile(r"\b([A-Za-z]*[a-z]{3})(\d{1,2})(?=[\s,.;:!?)]|$)")
_NOT_FOOTNOTES = _word_set("covid")


def drop_footnote_markers(text: str) -> str:
    """Drop a footnote number glued to a word: "people1 in the UK" -> "people in the UK"."""
    return _FOOTNOTE.sub(lambda m: m[0] if m[1].lower() in _NOT_FOOTNOTES else m[1], text)


_PLURAL_SLASH = re.compile(r"\b([A-Za-z]{2,})(?:/s|\(s\))(?=\W|$)")


def read_optional_plurals(text: str) -> str:
    """Say "hand/s" and "hand(s)" as the plural, "hands": the ear needs one word."""
    return _PLURAL_SLASH.sub(r"\1s", text)


# --------------------------------------------------------------------------
# abbreviations said in full
# --------------------------------------------------------------------------

_CAPITALISED_NAME = r"(?=\s+[A-Z][a-z'])"
_EXPANSIONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\be\.\s?g\.?(?=[\s,:;)]|$)|\beg\.(?=\s)", re.IGNORECASE), "for example"),
    (re.compile(r"\bi\.\s?e\.?(?=[\s,:;)]|$)|\bie\.(?=\s)", re.IGNORECASE), "that is"),
    # "etc." at the end of a sentence is also its full stop.
    (re.compile(r"\betc\.?(?=\s+[A-Z]|\s*$)"), "and so on."),
    (re.compile(r"\betc\b\.?"), "and so on"),
    (re.compile(r"\bapprox\b\.?", re.IGNORECASE), "approximately"),
    (re.compile(r"\ba\.k\.a\.?", re.IGNORECASE), "also known as"),
    (re.compile(r"\bincl\b\.?", re.IGNORECASE), "including"),
    (re.compile(r"\bvs\b\.?", re.IGNORECASE), "versus"),
    (re.compile(r"\bDr\b\.?" + _CAPITALISED_NAME), "Doctor"),
    (re.compile(r"\bProf\b\.?" + _CAPITALISED_NAME), "Professor"),
    # "St Thomas' Hospital" is a saint; "Baker St" is a street.
    (re.compile(r"\bSt\b\.?" + _CAPITALISED_NAME), "Saint"),
    (re.compile(r"\b([A-Z][a-z]+) St\b"), r"\1 Street"),
    (re.compile(r"\b([Nn])[Oo]\.\s?(?=\d)"), r"\1umber "),  # "No. 3", "NO. 3"
    (re.compile(r"\b([Vv])ol\.\s?(?=\d)", re.IGNORECASE), r"\1olume "),  # "VOL. 36"
    (re.compile(r"\b[Tt]el\b\.?\s*:?\s*(?=[+(\d])"), "Telephone: "),
    (re.compile(r"\bOK\b"), "okay"),
)


def _expansion(replacement: str) -> Callable[[re.Match[str]], str]:
    def expand(match: re.Match[str]) -> str:
        words = match.expand(replacement)
        # "Approx. 70" starts a sentence: keep its capital ("Approximately").
        printed = match.group(0)
        capital = printed[:1].isupper() and not printed[1:2].isupper()
        return words[:1].upper() + words[1:] if capital else words

    return expand


def expand_abbreviations(text: str) -> str:
    """Say "e.g.", "i.e.", "etc.", "approx.", "Dr", "St", "no. 5" in full."""
    for pattern, replacement in _EXPANSIONS:
        text = pattern.sub(_expansion(replacement), text)
    return text


# --------------------------------------------------------------------------
# e-mail and web addresses
# --------------------------------------------------------------------------

_ADDRESS_SEPARATORS = {".": "dot", "-": "dash", "_": "underscore", "+": "plus", "~": "tilde"}
_VOWELS = set("aeiouy")


def _address_chunk(chunk: str) -> str:
    """One run of letters or digits of an address, as said: "nhs" is spelt, "org" is a word."""
    if chunk.isdigit():
        return digits(chunk)
    lower = chunk.lower()
    if lower == "www":
        return "w w w"
    if len(lower) == 1 or not (_VOWELS & set(lower)):
        # No vowel: not sayable as a word ("nhs", "bbc", "pdf"), so spell it.
        return " ".join(lower.upper())
    return lower


def address_words(address: str) -> str:
    """A host, user name or path segment read aloud.

    >>> address_words("mental-health.pdf")
    'mental dash health dot P D F'
    """
    words: list[str] = []
    for token in re.findall(r"[A-Za-z]+|\d+|[^A-Za-z\d]", address):
        if token.isalnum():
            words.append(_address_chunk(token))
        elif token in _ADDRESS_SEPARATORS:
            words.append(_ADDRESS_SEPARATORS[token])
    return " ".join(words)


def email_words(address: str) -> str:
    """An e-mail address read aloud.

    >>> email_words("support@dystonia.org.uk")
    'support at dystonia dot org dot uk'
    """
    user, _, domain = address.strip().partition("@")
    return f"{address_words(user)} at {address_words(domain)}"


_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def read_email_addresses(text: str) -> str:
    """Say e-mail addresses: "support at dystonia dot org dot uk"."""
    if "@" not in text:
        return text
    return _EMAIL.sub(lambda m: email_words(m.group(0)), text)


_TOP_LEVEL = r"(?:uk|com|org|net|gov|info|io|eu|ie|scot|wales|cymru|edu|int|nhs|us|ca|au|nz)"
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![@\w.-])(?:[a-z0-9][a-z0-9-]*\.)+" + _TOP_LEVEL + r"\b(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
_URL_TRAILING = ".,;:!?)]}'\""
_URL_PUNCTUATION = {"/": "slash", "?": "question mark", "=": "equals", "&": "and", "#": "hash"}


def web_words(url: str) -> str:
    """A web address read aloud, without "https://": "www.nhs.uk/conditions/" ->
    "w w w dot N H S dot uk slash conditions"."""
    url = re.sub(r"^[a-z]+://", "", url.strip(), flags=re.IGNORECASE).rstrip("/")
    words: list[str] = []
    for token in re.split(r"([/?=&#])", url):
        if token in _URL_PUNCTUATION:
            words.append(_URL_PUNCTUATION[token])
        elif token:
            words.append(address_words(re.sub(r"%20", "-", token)))
    return " ".join(word for word in words if word)


def _url_replacement(match: re.Match[str]) -> str:
    url = match.group(0)
    stripped = url.rstrip(_URL_TRAILING)
    return web_words(stripped) + url[len(stripped) :]


def read_web_addresses(text: str) -> str:
    """Say web addresses without "https://", with "dot" and "slash"; odd parts spelt out."""
    return _URL.sub(_url_replacement, text)


_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\b")


def _postcode_part(part: str) -> str:
    return " ".join(digits(ch) if ch.isdigit() else ch for ch in part)


def read_postcodes(text: str) -> str:
    """Spell UK postcodes character by character: "SE1 7TP" -> "S E one, seven T P"."""
    return _POSTCODE.sub(
        lambda m: f"{_postcode_part(m.group(1))}, {_postcode_part(m.group(2))}", text
    )


_US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
    "NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
)
# A US ZIP code, after its state's two letters or with its four more digits: "CA 92708",
# "Illinois 60601-1905". A number that locates, said digit by digit like a postcode.
_ZIP = re.compile(
    r"\b(?:(?P<state>" + "|".join(_US_STATES.split()) + r")\s(?P<zip>\d{5})(?:-(?P<plus>\d{4}))?"
    r"|(?P<zip4>\d{5})-(?P<plus4>\d{4}))\b"
)


def read_zip_codes(text: str) -> str:
    """Say US ZIP codes digit by digit: "CA 92708" -> "CA nine two seven zero eight"."""
    if not _DIGIT.search(text):
        return text

    def said(match: re.Match[str]) -> str:
        state = f"{match['state']} " if match["state"] else ""
        number, plus = match["zip"] or match["zip4"], match["plus"] or match["plus4"]
        return state + digits(number) + (f", {digits(plus)}" if plus else "")

    return _ZIP.sub(said, text)


# --------------------------------------------------------------------------
# phone numbers (docs/narration.md: grouped, digit by digit, repeated)
# --------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\w/.+£$€-])(?:"
    # International: +44 20 7793 3650, +44 (0)20 7793 3650, +1-555-123-4567
    r"\+\d{1,3}(?:[ .-]?\(0\))?(?:[ .-]?\(?\d{1,5}\)?){1,5}"
    # North American: 312 755 0198, 555-201-4400, 866.588.2264, (800) 457-6676, 1-800-473-4636
    r"|(?:1[ .-])?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}"
    # Australian freecall and local rate: 1800 644 189, 1300 360 550
    r"|1[38]00[ .-]?\d{3}[ .-]?\d{3}"
    # National with groups: 0300 123 3393, 020 7793 3650, (01234) 567890, 0303 30 33 100,
    # (07) 3209 1588, 09 309 7749
    r"|\(?0\d{1,5}\)?(?:[ .-]\d{2,6}){1,3}"
    # National unbroken: 02077933650
    r"|0\d{9,10}"
    # European harmonised services: 116 123 (Samaritans), 116 117
    r"|116 ?\d{3}"
    r")(?![\w-]|[.,]\d)"
)
_NORTH_AMERICAN = re.compile(r"(?:1[ .-])?(?:\([2-9]\d{2}\)\s?|[2-9]\d{2}[ .-])\d{3}[ .-]\d{4}")
_AUSTRALIAN_FREECALL = re.compile(r"1[38]00[ .-]?\d{3}[ .-]?\d{3}")
_PHONE_DIGITS = {"international": range(8, 16), "national": range(9, 12), "service": range(6, 7)}
MIN_SHORT_NATIONAL_GROUPS = 3
"""A national number of nine digits (New Zealand's "09 309 7749") is printed in three groups."""
# Three-digit service numbers are phone numbers only where they are to be
# called: "call 999", "NHS 111", "ring 111 or 999".
_SHORT_NUMBERS = r"(?:111|999|112|101|119|105)"
_SHORT_PHONE = re.compile(
    r"\b(?P<context>(?:call|ring|dial|phone|telephone|text|contact|NHS)(?:\s+(?:us|them|the))?\s+"
    r"(?:on\s+)?)(?P<first>" + _SHORT_NUMBERS + r")(?:(?P<joiner>\s+(?:or|and)\s+)"
    r"(?P<second>" + _SHORT_NUMBERS + r"))?\b(?![.,]\d)",
    re.IGNORECASE,
)
_ONLINE = re.compile(r"\s+online\b", re.IGNORECASE)
_SHORT_ONLINE = re.compile(r"\b(" + _SHORT_NUMBERS + r")(?=\s+online\b)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _flat_groups(number: str) -> list[str]:
    """Group an unbroken UK number the way it is printed by convention."""
    if number.startswith("02"):
        return [number[:3], number[3:7], number[7:]]
    if number[:2] in ("03", "08", "09"):
        return [number[:4], number[4:7], number[7:]]
    return [number[:5], number[5:]]


def phone_groups(number: str) -> list[str]:
    """The digit groups of a printed phone number, as printed; "(0)" is not said.

    >>> phone_groups("+44 (0)20 7793 3650")
    ['+44', '20', '7793', '3650']
    """
    number = number.replace("(0)", " ")
    groups = re.findall(r"\+?\d+", number)
    if len(groups) == 1 and groups[0].startswith("0") and len(groups[0]) >= 10:
        groups = _flat_groups(groups[0])
    elif len(groups) == 1 and len(groups[0]) == 6:
        groups = [groups[0][:3], groups[0][3:]]
    spoken: list[str] = []
    for group in groups:
        # A long group is split in threes so that there is a breath in it.
        while len(group.lstrip("+")) >= 6:
            spoken.append(group[: 3 + group.startswith("+")])
            group = group[3 + group.startswith("+") :]
        spoken.append(group)
    return spoken


def phone_words(number: str) -> str:
    """A phone number read digit by digit in its printed groups, a comma between groups.

    >>> phone_words("0300 123 3393")
    'zero three zero zero, one two three, three three nine three'
    """
    words = []
    for group in phone_groups(number):
        prefix = "plus " if group.startswith("+") else ""
        words.append(prefix + digits(group))
    return ", ".join(words)


def phone_key(number: str) -> str:
    """Digits only, to tell whether two printed numbers are the same number."""
    return re.sub(r"\D", "", number.replace("(0)", ""))


def _is_phone(number: str) -> bool:
    count = len(phone_key(number))
    if number.startswith("+"):
        return count in _PHONE_DIGITS["international"]
    if number.startswith("116"):
        return count in _PHONE_DIGITS["service"]
    if _NORTH_AMERICAN.fullmatch(number) or _AUSTRALIAN_FREECALL.fullmatch(number):
        return True
    if count == min(_PHONE_DIGITS["national"]):
        return len(re.findall(r"\d+", number)) >= MIN_SHORT_NATIONAL_GROUPS
    return count in _PHONE_DIGITS["national"]


def find_phone_numbers(text: str) -> list[str]:
    """The phone numbers printed in `text`, as printed, in order (a number spelt with letters
    as its digits: "800-HURTFUL (487-8385)" is "(800) 487-8385")."""
    text = _VANITY.sub(_vanity, text)
    found = [m.group(0) for m in _PHONE.finditer(text) if _is_phone(m.group(0))]
    for m in _SHORT_PHONE.finditer(text):
        found += [n for n in (m.group("first"), m.group("second")) if n]
    return found


def _read_phones_in_sentence(sentence: str) -> str:
    said: list[str] = []

    def long_number(match: re.Match[str]) -> str:
        if not _is_phone(match.group(0)):
            return match.group(0)
        said.append(phone_words(match.group(0)))
        return said[-1]

    def short_number(match: re.Match[str]) -> str:
        numbers = [match.group("first")] + (
            [match.group("second")] if match.group("second") else []
        )
        words = [phone_words(n) for n in numbers]
        if not _ONLINE.match(match.string, match.end()):
            said.extend(words)  # "NHS 111 online" is a website: nothing to dial, no repeat
        return match.group("context") + (match.group("joiner") or "").join(words)

    sentence = _SHORT_PHONE.sub(short_number, _PHONE.sub(long_number, sentence))
    sentence = _SHORT_ONLINE.sub(lambda m: phone_words(m.group(1)), sentence)
    if not said:
        return sentence
    if not sentence.rstrip().endswith((".", "!", "?")):
        sentence = sentence.rstrip().rstrip(",;:") + "."
    again = " ".join(f"That number again: {words}." for words in said)
    return f"{sentence} {again}"


# A number spelt with letters: "1-800-4PD-INFO", "0508 BRAINS"; its digits may follow in
# brackets, whole ("(1-800-473-4636)") or without the area code ("800-HURTFUL (487-8385)").
_VANITY = re.compile(
    r"(?<![\d.][ .-])\b(?P<spelt>(?:1[ .-])?\d{3,4}[ .-]"
    r"(?=[A-Z\d-]*[A-Z]{2})[A-Z\d]{2,7}(?:-[A-Z\d]{2,4})?)\b"
    r"(?:\s*\((?P<local>\d{3}-\d{4})\))?"
)


def _vanity(match: re.Match[str]) -> str:
    """The number as spelt, digit by digit and letter by letter, then the digits to dial."""
    groups = re.split(r"[ .-]", match["spelt"])
    said = ", ".join(" ".join(digits(c) if c.isdigit() else c for c in group) for group in groups)
    if match["local"]:
        area = groups[-2] if groups[-2].isdigit() else groups[0]
        said += f", that is ({area}) {match['local']}"
    return said


# A sentence that starts straight after a number, its full stop lost with a line break:
# "... on your appointment card - 0191 287 5100 An alternative appointment will be made".
_SENTENCE_AFTER_PHONE = re.compile(
    r"(?P<number>" + _PHONE.pattern + r")(?P<space>\s+)(?=(?:An?|The|If|We|You|Please|This|"
    r"It|They|Our|Your|There|When|For|Ask|Alternatively|Lines|Calls|Open|Opening)\s)"
)


def read_phone_numbers(text: str) -> str:
    """Read phone numbers digit by digit in their groups, then say each once more.

    "Samaritans: 116 123" -> "Samaritans: one one six, one two three. That number
    again: one one six, one two three." A sentence that starts straight after a
    number ("... 0191 287 5100 An alternative ...") is a new sentence.
    """
    if not _DIGIT.search(text):
        return text
    text = _VANITY.sub(_vanity, text)
    text = _SENTENCE_AFTER_PHONE.sub(
        lambda m: m["number"] + ("." if _is_phone(m["number"]) else "") + m["space"], text
    )
    parts = _SENTENCE_END.split(text)
    return " ".join(_read_phones_in_sentence(part) for part in parts)


# --------------------------------------------------------------------------
# reference codes
# --------------------------------------------------------------------------

# Letters and digits with a slash: "HEY1134/2024", "PL 20620/0090-91", "L1000028/3".
_REFERENCE_CODE = re.compile(r"\b(?P<letters>[A-Z]{1,5})\s?(?P<rest>\d{3,}(?:/\d+)+(?:-\d+)?)\b")


def _code_words(code: str) -> str:
    said = {"/": "slash", "-": "dash"}
    return " ".join(said.get(part, digits(part)) for part in re.findall(r"\d+|[/-]", code))


def read_reference_codes(text: str) -> str:
    """Say a reference with a slash as printed, character by character:
    "HEY1134/2024" -> "H E Y one one three four slash two zero two four" (not a year)."""
    if "/" not in text:
        return text
    return _REFERENCE_CODE.sub(lambda m: f"{' '.join(m['letters'])} {_code_words(m['rest'])}", text)


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------

MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
_MONTH_NUMBER = {name.lower(): i for i, name in enumerate(MONTHS, 1)}
_MONTH_NUMBER.update({name[:3].lower(): i for i, name in enumerate(MONTHS, 1)})
_MONTH_NUMBER["sept"] = 9
_MONTH_NAME = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?"
)
_MONTH = rf"(?P<month>{_MONTH_NAME})"
_ORDINAL_SUFFIX = r"(?:st|nd|rd|th)?"
_DATE_PATTERNS = (
    # ISO 8601: 2026-11-25
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{2})-(?P<day>\d{2})\b"),
    # UK numeric order: 25/11/2026, 25.11.2026, 25-11-2026
    re.compile(r"(?<![\d/.])(?P<day>\d{1,2})([/.-])(?P<mnum>\d{1,2})\2(?P<year>\d{4})\b"),
    # 25 November 2026, 25th of Nov. 2026, the 1st May
    re.compile(
        r"\b(?P<the>[Tt]he\s+)?(?P<day>\d{1,2})"
        + _ORDINAL_SUFFIX
        + r"(?:\s+of)?\s+"
        + _MONTH
        + r"(?:,?\s+(?P<year>\d{4})\b)?"
    ),
    # November 25, 2026
    re.compile(
        _MONTH + r"\s+(?P<day>\d{1,2})" + _ORDINAL_SUFFIX + r"\b(?:,?\s+(?P<year>\d{4})\b)?"
    ),
    # November 2026
    re.compile(_MONTH + r"\s+(?P<year>\d{4})\b"),
    # 11/2026
    re.compile(r"(?<![\d/.])(?P<mnum>\d{1,2})/(?P<year>\d{4})\b"),
)


def date_words(day: int | None, month: int, year_number: int | None) -> str:
    """A date as said in Britain: "the twenty-fifth of November twenty twenty-six"."""
    words = MONTHS[month - 1]
    if day is not None:
        words = f"the {ordinal(day)} of {words}"
    if year_number is not None:
        words += f" {year(year_number)}"
    return words


def _date_replacement(match: re.Match[str]) -> str:
    parts = match.groupdict()
    if parts.get("month"):
        month = _MONTH_NUMBER[parts["month"].rstrip(".").lower()]
    else:
        month = int(parts["mnum"])
    day = int(parts["day"]) if parts.get("day") else None
    year_number = int(parts["year"]) if parts.get("year") else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return match.group(0)
    words = date_words(day, month, year_number)
    if parts.get("the", "") and parts["the"].startswith("T"):
        words = "T" + words[1:]
    return words


def read_dates(text: str) -> str:
    """Say dates in words: "25/11/2026", "25 November 2026", "2026-11-25", "November 2026"."""
    if not _DIGIT.search(text):
        return text
    for pattern in _DATE_PATTERNS:
        text = pattern.sub(_date_replacement, text)
    return text


_DATES_IN_A_MONTH = re.compile(
    rf"\b(?P<month>{'|'.join(MONTHS)})\s+(?P<first>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:to|-|–)\s*"
    r"(?P<last>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})\b"
)


def read_day_ranges(text: str) -> str:
    """Say "May 8th to 14th 2005" as "the eighth to the fourteenth of May two thousand and five"."""
    if not _DIGIT.search(text):
        return text

    def said(m: re.Match[str]) -> str:
        first, last = int(m["first"]), int(m["last"])
        if not (1 <= first <= 31 and 1 <= last <= 31):
            return m[0]
        return f"the {ordinal(first)} to the {ordinal(last)} of {m['month']} {year(int(m['year']))}"

    return _DATES_IN_A_MONTH.sub(said, text)


_DECADE_WORDS = {
    "1": "tens", "2": "twenties", "3": "thirties", "4": "forties", "5": "fifties",
    "6": "sixties", "7": "seventies", "8": "eighties", "9": "nineties",
}  # fmt: skip
_DECADE = re.compile(r"\b(?P<century>1[89]|20)?(?P<tens>[1-9])0'?s\b")
_DECADE_RANGE = re.compile(r"\b((?:1[89]|20)?[1-9]0'?s)\s*[-–]\s*((?:1[89]|20)?[1-9]0'?s)\b")


def read_decades(text: str) -> str:
    """Say decades in words: "20s-40s" -> "twenties to forties", "1960s" -> "nineteen sixties"."""
    if not _DIGIT.search(text):
        return text
    text = _DECADE_RANGE.sub(r"\1 to \2", text)

    def said(m: re.Match[str]) -> str:
        century = f"{cardinal(int(m['century']))} " if m["century"] else ""
        return century + _DECADE_WORDS[m["tens"]]

    return _DECADE.sub(said, text)


_RATIO_RANGE = re.compile(r"\b(\d+):(\d+)\s+to\s+(\d+):(\d+)\b")


# --------------------------------------------------------------------------
# ranges, times, ratios, money, per cent, units, ordinals
# --------------------------------------------------------------------------

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DAY_NAME = {name[:3].lower(): name for name in _DAYS}
_DAY_NAME.update({"tues": "Tuesday", "thur": "Thursday", "thurs": "Thursday"})
_DAY = r"(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?\b\.?"
_DAY_RANGE = re.compile(r"\b(" + _DAY + r")\s*[-–—]\s*(" + _DAY + r")")
_MONTH_RANGE = re.compile(rf"\b({_MONTH_NAME})\s*[-–—]\s*({_MONTH_NAME})")
_NUMBER_RANGE = re.compile(
    r"(\d(?:\s?(?:%|am|pm|a\.m\.|p\.m\.))?)\s*[-–—]\s*(?=[£$€]?\d)", re.IGNORECASE
)


def _day_name(abbreviation: str) -> str:
    key = abbreviation.rstrip(".").lower()
    return _DAY_NAME.get(key[:5], _DAY_NAME.get(key[:4], _DAY_NAME.get(key[:3], abbreviation)))


def _month_name(abbreviation: str) -> str:
    return MONTHS[_MONTH_NUMBER[abbreviation.rstrip(".").lower()] - 1]


def read_ranges(text: str) -> str:
    """Say a dash between numbers, days or months as "to": "2-3 days" -> "2 to 3 days"."""
    if not _DASH_CHARACTER.search(text):
        return text
    text = _DAY_RANGE.sub(lambda m: f"{_day_name(m.group(1))} to {_day_name(m.group(2))}", text)
    text = _MONTH_RANGE.sub(
        lambda m: f"{_month_name(m.group(1))} to {_month_name(m.group(2))}", text
    )
    return _NUMBER_RANGE.sub(r"\1 to ", text)


_CLOCK_12 = re.compile(
    r"\b(?P<hour>1[0-2]|0?\d)(?:[.:](?P<minute>[0-5]\d))?\s?(?P<half>[ap])\.?\s?m\b\.?",
    re.IGNORECASE,
)
_CLOCK_24 = re.compile(r"(?<![\d:.])(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)(?![\d:])")


def _minutes(minute: int) -> str:
    if minute == 0:
        return ""
    return " oh " + cardinal(minute) if minute < 10 else " " + cardinal(minute)


def _clock_12(match: re.Match[str]) -> str:
    hour = int(match.group("hour")) or 12
    minute = int(match.group("minute") or 0)
    return f"{cardinal(hour)}{_minutes(minute)} {match.group('half').lower()}.m."


def _clock_24(match: re.Match[str]) -> str:
    hour, minute = int(match.group("hour")), int(match.group("minute"))
    if (hour, minute) == (0, 0):
        return "midnight"
    if (hour, minute) == (12, 0):
        return "twelve noon"
    if hour > 12 or hour == 0:
        return f"{cardinal(hour - 12 if hour else 12)}{_minutes(minute)} {'p' if hour else 'a'}.m."
    return f"{cardinal(hour)}{_minutes(minute) or ' o' + chr(39) + 'clock'}"


def read_times(text: str) -> str:
    """Say clock times: "9.30am" -> "nine thirty a.m.", "17:00" -> "five p.m."."""
    if not _DIGIT.search(text):
        return text
    return _CLOCK_24.sub(_clock_24, _CLOCK_12.sub(_clock_12, text))


_RATIO = re.compile(r"(?<![\d:])(\d+):(\d+)(?![\d:])")


def read_ratios(text: str) -> str:
    """Say ratios with "to": "2:1" -> "2 to 1"; "2:1 to 6:1" -> "2 to 1, up to 6 to 1"."""
    if not _DIGIT.search(text):
        return text
    text = _RATIO_RANGE.sub(r"\1 to \2, up to \3 to \4", text)
    return _RATIO.sub(r"\1 to \2", text)


_CURRENCIES = {"£": ("pound", "pounds"), "$": ("dollar", "dollars"), "€": ("euro", "euros")}
_MONEY = re.compile(
    r"(?P<symbol>[£$€])\s?(?P<amount>\d[\d,]*(?:\.\d+)?)"
    r"(?:\s?(?P<scale>million|billion|thousand|m|bn|k)\b)?"
)
_PENCE = re.compile(r"\b(\d+)p\b")
_SCALE_WORDS = {"m": "million", "bn": "billion", "k": "thousand"}


def _money(match: re.Match[str]) -> str:
    one, many = _CURRENCIES[match.group("symbol")]
    amount = match.group("amount").replace(",", "")
    scale = match.group("scale")
    if scale:
        return f"{decimal(amount)} {_SCALE_WORDS.get(scale, scale)} {many}"
    whole, _, fraction = amount.partition(".")
    units, minor = int(whole), int((fraction + "00")[:2]) if fraction else 0
    if units == 0 and minor and match.group("symbol") == "£":
        return f"{cardinal(minor)} pence"
    words = f"{cardinal(units)} {one if units == 1 else many}"
    return words + (f" {cardinal(minor)}" if minor else "")


def read_money(text: str) -> str:
    """Say amounts of money: "£5" -> "five pounds", "£5.50" -> "five pounds fifty", "50p"."""
    if not _DIGIT.search(text):
        return text
    text = _MONEY.sub(_money, text)
    return _PENCE.sub(
        lambda m: f"{cardinal(int(m.group(1)))} {'penny' if m.group(1) == '1' else 'pence'}", text
    )


_PERCENT = re.compile(r"\s?%")


def read_percentages(text: str) -> str:
    """Say "%" as "per cent" (British spelling, two words)."""
    if "%" not in text:
        return text
    return _PERCENT.sub(" per cent", text)


_UNITS = {
    "kb": ("kilobyte", "kilobytes"),
    "mb": ("megabyte", "megabytes"),
    "gb": ("gigabyte", "gigabytes"),
    "mg": ("milligram", "milligrams"),
    "mcg": ("microgram", "micrograms"),
    "µg": ("microgram", "micrograms"),
    "g": ("gram", "grams"),
    "kg": ("kilogram", "kilograms"),
    "ml": ("millilitre", "millilitres"),
    "l": ("litre", "litres"),
    "mm": ("millimetre", "millimetres"),
    "cm": ("centimetre", "centimetres"),
    "km": ("kilometre", "kilometres"),
    "hrs": ("hour", "hours"),
    "hr": ("hour", "hours"),
    "mins": ("minute", "minutes"),
    "min": ("minute", "minutes"),
    "wks": ("week", "weeks"),
}
_UNIT = re.compile(
    r"(?P<number>\d+(?:\.\d+)?)\s?(?P<unit>(?i:mg|mcg|ml|kg|kb|mb|gb)|µg|g|l|mm|cm|km|hrs|hr"
    r"|mins|min|wks)(?P<per>/(?:day|week|month|hour|dose|kg|ml|mL))?\b"
)
# A strength before what it measures is said as one ("10mg tablets": ten milligram tablets).
_MEASURED = re.compile(
    r"\s+(?:tablets?|capsules?|doses?|injections?|vials?|ampoules?|sachets?|patch(?:es)?"
    r"|strength|packs?|syringes?|bottles?|spoon(?:ful)?s?|film-coated|oral|soluble|dispersible"
    r"|chewable|modified-release|solution|liquid|suspension|granules|cream|gel|drops)\b",
    re.IGNORECASE,
)
# A number that counts, not measures: "Issue 73 l" (a stray bullet), "page 12 l".
_COUNTED = re.compile(
    r"\b(?:issue|no\.?|number|vol\.?|volume|page|pages|chapter|section|part|edition|step)\s*$",
    re.IGNORECASE,
)


def _unit(match: re.Match[str]) -> str:
    if match["unit"] == "l" and _COUNTED.search(match.string[: match.start()]):
        return match[0]
    one, many = _UNITS[match.group("unit").lower()]
    number = match.group("number")
    singular = number == "1" or _MEASURED.match(match.string, match.end())
    words = f"{number} {one if singular else many}"
    if match.group("per"):
        per = match.group("per")[1:].lower()
        words += f" per {_UNITS.get(per, (per, per))[0]}"
    return words


def read_units(text: str) -> str:
    """Say units of measure after a number: "5mg" -> "5 milligrams", "2 hrs" -> "2 hours";
    "10mg tablets" -> "10 milligram tablets"; "95kB" -> "95 kilobytes"."""
    if not _DIGIT.search(text):
        return text
    return _UNIT.sub(_unit, text)


_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b", re.IGNORECASE)


def read_ordinals(text: str) -> str:
    """Say ordinals in words: "1st" -> "first", "22nd" -> "twenty-second"."""
    if not _DIGIT.search(text):
        return text
    return _ORDINAL.sub(lambda m: ordinal(int(m.group(1))), text)


# --------------------------------------------------------------------------
# slashes, symbols, dashes and brackets
# --------------------------------------------------------------------------

_FRACTIONS = {
    (1, 2): "a half",
    (1, 3): "a third",
    (2, 3): "two thirds",
    (1, 4): "a quarter",
    (3, 4): "three quarters",
}
_NUMBER_SLASH = re.compile(r"(?<![\w/])(\d+)/(\d+)(?![\w/])")
_WORD_SLASH = re.compile(r"(?<=[^\W\d_])\s*/\s*(?=[^\W\d_])")


def _number_slash(match: re.Match[str]) -> str:
    top, bottom = int(match.group(1)), int(match.group(2))
    if (top, bottom) == (24, 7):
        return "twenty-four seven"
    if top == bottom:
        return f"{cardinal(top)}-{cardinal(bottom)}"
    if (top, bottom) in _FRACTIONS:
        return _FRACTIONS[(top, bottom)]
    return f"{top} out of {bottom}"


def read_slashes(text: str) -> str:
    """Say "/" between words as "or" ("tardive dystonia / dyskinesia"), and "24/7", "1/2"."""
    if "/" not in text:
        return text
    text = _NUMBER_SLASH.sub(_number_slash, text)
    text = re.sub(r"\band/or\b", "and or", text, flags=re.IGNORECASE)
    text = _WORD_SLASH.sub(" or ", text)
    return text.replace("/", " ")


_SYMBOLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s*&\s*"), " and "),
    # The ordinal sign and the ring above, as web pages print degrees: "37ºC", "98.6˚F".
    (re.compile(r"(?<=\d)\s?[º˚](?=\s?[CF]\b|\s|$|[.,;:!?)])"), "°"),
    (re.compile(r"\s*°\s?C\b"), " degrees Celsius"),
    (re.compile(r"\s*°\s?F\b"), " degrees Fahrenheit"),
    (re.compile(r"\s*°"), " degrees"),
    (re.compile(r"\s*±\s*"), " plus or minus "),
    (re.compile(r"\s*\+\s*"), " plus "),
    (re.compile(r"\s*=\s*"), " equals "),
    (re.compile(r"\s*(?:≤|<=)\s*"), " at most "),
    (re.compile(r"\s*(?:≥|>=)\s*"), " at least "),
    (re.compile(r"\s*<\s*(?=\d)"), " less than "),
    (re.compile(r"\s*>\s*(?=\d)"), " more than "),
    (re.compile(r"(?:~|≈)\s*(?=\d)"), "about "),
    (re.compile(r"\s*×\s*"), " times "),
    (re.compile(r"#\s*(?=\d)"), "number "),
    (re.compile(r"§\s*"), "section "),
    (re.compile(r"(?<!\w)@(?=\w)"), "at "),
    (re.compile(r"\s*\|\s*"), ", "),
    (re.compile(r"\.{3,}(?=\s+[a-z])"), ","),
    (re.compile(r"\.{3,}"), "."),
    (re.compile(r"[*•·▪►▸→←«»<>{}#~^`\\_@]"), " "),
)


def read_symbols(text: str) -> str:
    """Say or drop symbols: "&" -> "and", "+" -> "plus", "°C"; bullets, "*" and braces dropped."""
    for pattern, replacement in _SYMBOLS:
        text = pattern.sub(replacement, text)
    return _SPACES.sub(" ", text).strip()


_DASH = re.compile(r"\s+(?:-{1,2}|[–—])\s+|\s*—\s*|(?<=[^\W\d_])–(?=[^\W\d_])")
# After these words a dash is a comma; before anything else it starts a new sentence.
_CONNECTIVES = _word_set(
    "but and or so yet which who whom whose where when while especially including such as "
    "because although though if unless even not like usually often mostly for from with "
    "without than then that particularly mainly"
)
_MIN_WORDS_FOR_SENTENCE = 3


def _dash_sentence(sentence: str) -> str:
    parts = _DASH.split(sentence)
    if len(parts) == 1:
        return sentence
    if len(parts) == 3:
        # A pair of dashes encloses an aside: "The drug – taken twice a day – helps".
        return f"{parts[0]}, {parts[1]}, {parts[2]}"
    out = parts[0]
    for part in parts[1:]:
        first_word = part.split(" ", 1)[0].lower().strip(",.;:")
        long_enough = (
            len(out.split()) >= _MIN_WORDS_FOR_SENTENCE
            and len(part.split()) >= _MIN_WORDS_FOR_SENTENCE
        )
        if first_word in _CONNECTIVES or not long_enough or not part[:1].isalpha():
            out = f"{out}, {part}"
        else:
            out = f"{out.rstrip(',;:')}. {part[0].upper()}{part[1:]}"
    return out


def read_dashes(text: str) -> str:
    """Turn a dash between clauses into a pause: a comma, or a new sentence when a new
    thought follows ("quite common - one in four people ..." -> "quite common. One in four ...")."""
    text = re.sub(r"^\s*[-–—]+\s+|\s+[-–—]+\s*$", "", text)
    if "(" in text:
        # Inside brackets a dash is a comma: "(DBS - an operation)" is one aside.
        text = _IN_BRACKETS.sub(lambda m: _DASH.sub(", ", m[0]), text)
    parts = _SENTENCE_END.split(text)
    return " ".join(_dash_sentence(part) for part in parts)


_IN_BRACKETS = re.compile(r"\([^()]*\)")


_ABBREVIATION_END = re.compile(r"\b(?:[ap]\.m|etc|e\.g|i\.e)\.$")
_BRACKETED = re.compile(r"\s*(?:\(([^()]*)\)|\[([^\[\]]*)\])")
_OPTIONAL_PLURAL = re.compile(r"(?<=[a-z])\((s|es)\)")


def _bracket(match: re.Match[str]) -> str:
    inner = (match.group(1) if match.group(1) is not None else match.group(2) or "").strip()
    if not inner:
        return ""
    before = match.string[: match.start()].rstrip()
    at_sentence_start = not before or before.endswith((".", "!", "?", ":"))
    # "(9am-5pm)" ends with the stop of "p.m.", not of a sentence.
    whole_sentence = inner.endswith((".", "!", "?")) and not _ABBREVIATION_END.search(inner)
    if at_sentence_start or whole_sentence:
        # A whole sentence in brackets is simply a sentence.
        return f" {inner} "
    return f", {inner},"


def read_brackets(text: str) -> str:
    """Turn brackets into commas so an aside is spoken as one: "disorder (OCD) which" ->
    "disorder, OCD, which"; "doctor(s)" -> "doctors"."""
    text = _OPTIONAL_PLURAL.sub(r"\1", text)
    previous = None
    while previous != text:
        previous, text = text, _BRACKETED.sub(_bracket, text)
    text = re.sub(r"[()\[\]]", " ", text)
    # The commas an aside brings may meet other punctuation: "(CBT), counselling".
    text = re.sub(r",\s*(?=[,.;:!?])", "", text)
    return _SPACES.sub(" ", text).strip()


# --------------------------------------------------------------------------
# abbreviations spelt as letters
# --------------------------------------------------------------------------

# All-capital words said as words, not letter by letter.
SAID_AS_WORDS = _word_set(
    "NICE AIDS COVID NATO PALS SANE CAMHS ACAS UNICEF NASA OFSTED LASER PIN SIDS SAD "
    "SMART ISA BUPA FIFA UEFA"
)
# Common English words that appear in capitals for emphasis ("Do NOT stop").
_EMPHASIS_WORDS = _word_set(
    "A I NO NOT YES DO DONT STOP HELP CALL NOW AND OR THE YOU YOUR IF OF TO IN ON AT BY "
    "FOR IS IT BE ARE WE ALL ANY CAN MAY MUST NEVER ONLY VERY WHAT WHEN WHY HOW WHO NEW "
    "FREE MORE READ NEXT BACK HOME MENU OPEN CLOSE ONE TWO ALSO WILL HAVE HAS WITH FROM "
    "THIS THAT THEY THEM OUR OUT OFF UP GET GO SEE USE DAY TIME LIFE CARE WORK SAFE RISK "
    "PAIN NOTE DONE KEEP TAKE GIVE ASK TELL SEEK HERE THERE FIRST LAST BEFORE AFTER"
)
# Abbreviations still spelt inside a run of shouted capitals ("CALL NHS NOW").
_KNOWN_ABBREVIATIONS = _word_set(
    "NHS GP GPS OCD CBT BSL DBS MRI EMG EEG ECG CT UK USA EU A&E PTSD ADHD MS MND DVLA "
    "BMA BBC NI TV FAQ PDF OBE MBE CBE KBE DBE BEM"
)
_CAPS_WORD = re.compile(r"\b([A-Z]{2,5})('?s)?\b")
_LETTERS_AND_DIGITS = re.compile(r"\b([A-Z]{1,4})(\d{3,})\b")
_SHOUTED_RUN = re.compile(r"\b[A-Z][A-Z']+(?:[\s,]+[A-Z][A-Z']+){2,}\b")


def _spell(letters: str, plural: str | None = None) -> str:
    # espeak says "G Ps" as "G P S": "P's" keeps the plural a plural (checked with
    # piper's phonemizer: "G P's" -> dʒˈiː pˈiːz).
    return " ".join(letters) + ("'s" if plural else "")


def _unshout(match: re.Match[str]) -> str:
    bares = [word.strip(",") for word in match.group(0).split(" ")]
    if not any(len(bare) > 5 or bare in _EMPHASIS_WORDS for bare in bares):
        return match.group(0)  # a list of abbreviations ("NHS, BSL, NICE"), not shouting
    words = []
    for word, bare in zip(match.group(0).split(" "), bares, strict=True):
        keep = bare in _KNOWN_ABBREVIATIONS or bare in SAID_AS_WORDS
        words.append(word if keep else word.lower())
    run = " ".join(words)
    before = match.string[: match.start()].rstrip()
    if not before or before.endswith((".", "!", "?", ":")):
        run = run[:1].upper() + run[1:]
    return run


@functools.cache
def _lexicon_words() -> frozenset[str]:
    """The built-in lexicon's words, in lower case: one printed in capitals is that word
    (a medicine's name, "BOTOX", as package leaflets print it), not letters to spell."""
    return frozenset(load_lexicon().entries)


def _caps_word(match: re.Match[str]) -> str:
    word, plural = match.group(1), match.group(2)
    if word in SAID_AS_WORDS:
        return word + (plural or "")
    if word.lower() in _lexicon_words():
        return word.capitalize() + (plural or "")
    if word in _EMPHASIS_WORDS and not plural:
        return word.lower()
    return _spell(word, plural)


def spell_abbreviations(text: str) -> str:
    """Spell abbreviations as letters: "OCD" -> "O C D", "GPs" -> "G P's"; keep "NICE"."""
    text = _SHOUTED_RUN.sub(_unshout, text)
    text = _LETTERS_AND_DIGITS.sub(lambda m: f"{_spell(m.group(1))} {digits(m.group(2))}", text)
    return _CAPS_WORD.sub(_caps_word, text)


# --------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------

_YEAR_CONTEXT = _word_set(
    "in since from until till by of to and or between during before after around circa "
    "year summer spring autumn winter early late mid updated published reviewed revised "
    "copyright ©"
) | frozenset(name.lower() for name in MONTHS)
_IDENTIFIER_CONTEXT = re.compile(
    r"\b(?:number|reference|ref|charity|company|registration|registered)\s*:?\s*$", re.IGNORECASE
)
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")


def _number(match: re.Match[str]) -> str:
    text = match.group(0)
    before = match.string[: match.start()]
    after = match.string[match.end() :]
    plain = text.isdigit()
    if plain and (len(text) >= 6 or (len(text) >= 4 and _IDENTIFIER_CONTEXT.search(before))):
        # Charity and reference numbers are read out digit by digit.
        return digits(text)
    if plain and len(text) > 1 and text.startswith("0"):
        return digits(text)
    if plain and len(text) == 4 and 1100 <= int(text) <= 2099:
        previous_word = before.split()[-1].lower().strip(",:") if before.split() else ""
        next_is_word = re.match(r"\s+[a-z]", after) is not None
        if previous_word in _YEAR_CONTEXT or not next_is_word:
            return year(int(text))
    return decimal(text)


def read_numbers(text: str) -> str:
    """Say every remaining number in words: cardinals, decimals, years, identifiers."""
    if not _DIGIT.search(text):
        return text
    text = re.sub(r"(?<=[^\W\d_])-(?=\d)", " ", text)  # COVID-19
    text = re.sub(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])", " ", text)  # B12, 3D
    text = re.sub(r"(?<![\w.])-(?=\d)", "minus ", text)
    return _NUMBER.sub(_number, text)


# --------------------------------------------------------------------------
# tidying
# --------------------------------------------------------------------------

_TIDY: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s+([,.;:!?])"), r"\1"),
    (re.compile(r"([,;:])(?:\s*[,;:])+"), r"\1"),
    (re.compile(r"[,;:]+\s*([.!?])"), r"\1"),
    # The stop of "a.m." or "e.g." keeps the comma after it ("four p.m., Monday").
    (re.compile(r"(?<=\.[a-z])\.(?:\s*[.;:])+"), "."),
    (re.compile(r"(?<!\.[a-z])([.!?])(?:\s*[.,;:])+"), r"\1"),
    (re.compile(r"^[\s,;:.!?-]+"), ""),
    (re.compile(r"[\s,;]+$"), ""),
    (re.compile(r"([,;:])(?=[^\s\d])"), r"\1 "),
    (re.compile(r"\s{2,}"), " "),
)


def tidy_punctuation(text: str) -> str:
    """Collapse the commas, spaces and full stops that earlier steps leave behind."""
    for pattern, replacement in _TIDY:
        text = pattern.sub(replacement, text)
    return text.strip()


# The order is part of the contract: see the module docstring.
STEPS: tuple[Step, ...] = (
    normalise_characters,
    remove_web_leftovers,
    drop_stray_slashes,
    drop_marks_and_references,
    drop_footnote_markers,
    read_optional_plurals,
    expand_abbreviations,
    read_email_addresses,
    read_web_addresses,
    read_postcodes,
    read_phone_numbers,
    read_zip_codes,
    read_reference_codes,
    read_day_ranges,
    read_dates,
    read_decades,
    read_ranges,
    read_times,
    read_ratios,
    read_money,
    read_percentages,
    read_units,
    read_ordinals,
    read_slashes,
    read_symbols,
    read_dashes,
    read_brackets,
    spell_abbreviations,
    read_numbers,
    normalise_characters,
    tidy_punctuation,
)


def speakable(text: str, steps: Iterable[Step] = STEPS) -> str:
    """`text` in words that are safe to say aloud, every step applied in order."""
    for step in steps:
        text = step(text)
    return text
