"""Plain-text leaflets: headings are short stand-alone lines, bullets and numbers mark lists.

The text has already been decoded (see `read.source`). This module only
splits it into blank-line separated blocks and says what each line is; the
shared rules live in `read.rules` and `read.structure`.

Text copied from web pages and document hosts rarely keeps its blank lines,
so a heading is found by what a reader sees around it: a short line that
does not end like a sentence, after a sentence or a list, over its text
(`_headings_in_block`); between lone "-" lines (an accordion copied from a
page); as a bullet with its text indented under it; or stuck to its text
by the accordion's "Expand". A label and its value ("Type: Focal"), a
number, a line of a flattened table or an indented continuation never is.
Headings and contents lists that a document host ran into the text are put
on lines of their own first (`read.flattened`).
"""

from __future__ import annotations

import collections
import dataclasses
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from audio_leaflet.model import LeftOutReason
from audio_leaflet.read import flattened, furniture, rules
from audio_leaflet.read.structure import Gap, Heading, Item, Omitted, Piece, Table, Text

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
WIDE_GAP_BLANK_LINES = 2
"""Blank lines that make a wider gap than a paragraph break (a hint that small print follows)."""


@dataclass(frozen=True)
class _Block:
    lines: tuple[str, ...]
    blank_lines_before: int
    omitted: LeftOutReason | None = None
    """Why a line that ends the block before it is left out: a lone "-" (an accordion's
    control), a line of a printer's artwork box. None for a block of text."""

    @property
    def separator(self) -> bool:
        """Whether the block is a left-out line between blocks of text."""
        return self.omitted is not None


_SEPARATOR = re.compile(r"\s*[-–—]\s*")
# An accordion flattened onto one line: "What are the symptoms? Expand Symptoms include: ...".
_ACCORDION = re.compile(
    r"(?P<heading>\S.{1,99}?)\s+(?P<control>Expand|Collapse|Show|Open|Read more)\s+(?P<text>\S.*)"
)
# A question run into its answer by a PDF's extraction: "What is Dystonia?Dystonia is ...".
_QUESTION_RUN_IN = re.compile(r"(?P<heading>[^.!?]{3,100}\?)(?P<text>[A-Z][a-z].*)")
# A heading run onto the end of the sentence before it: "... human blood.Anticoagulants".
_HEADING_RUN_ON = re.compile(r"(?P<text>.{20,}[a-z][.!?])(?P<heading>[A-Z][\w'’ -]{2,60})")


# A medicine's package leaflet opens, under the medicine's name, with this box.
_MEDICINE_LEAFLET_OPENING = re.compile(r"read all of this leaflet carefully\b", re.IGNORECASE)
# A title run into its subtitle: "Care after stroke ... Information for patients and ...".
_RUN_IN_SUBTITLE = re.compile(
    r"(?P<title>\S.*[a-z]) (?P<subtitle>(?:Information|Advice|A guide) for "
    r"(?:patients|parents|carers|families|relatives|you)\b.*)"
)
# A contents heading fused to its first entry's page number: "Inside This Issue4 DMRF ...".
_CONTENTS_FUSED = re.compile(r"(?P<heading>[A-Za-z][A-Za-z ]{6,30}[a-z])(?P<entry>\d{1,3} \S.*)")
# A section's number drawn as a picture, extracted as a glyph or a letter: "©■ What ...".
_DRAWN_NUMBER = re.compile(r"(?P<mark>[^\w\s]{1,3}|[A-Z])\s+(?P<heading>\w.*)")


def _contents_entries(lines: Sequence[str]) -> frozenset[str]:
    """The entries of the text's numbered lists ("1. What Co-Careldopa is and what it is
    used for"), as keys: a line that repeats one later is that section's heading."""
    return frozenset(
        flattened.entry_key(found[0])
        for line in lines
        if (found := rules.list_item(line)) is not None and found[1]
    )


def _unfused(lines: list[str], entries: frozenset[str] = frozenset()) -> list[str]:
    """Lines with headings that were run into their neighbours put on lines of their own.

    An accordion's heading, control and text on one line become three lines;
    a question run into its answer, or a heading run onto the sentence before
    it (where text follows), become two; a contents entry repeated after the
    glyph its drawn section number became ("©■", "H") is parted from it; a
    medicine's name is parted from the opening box under it; the first line's
    title is parted from the subtitle run into it ("Care after stroke ...
    Information for patients and their carers"); a contents heading from the
    first entry fused to it ("Inside This Issue4 DMRF Announces ...").
    """
    out: list[str] = []
    first_line = next((n for n, line in enumerate(lines) if line.strip()), None)
    for number, line in enumerate(lines):
        indent = line[: len(line) - len(line.lstrip())]
        text = line.strip()
        match = _RUN_IN_SUBTITLE.fullmatch(text)
        if number == first_line and match and rules.looks_like_heading(match["title"]):
            out += [indent + match["title"], indent + match["subtitle"]]
            continue
        before = rules.clean_text(out[-1]) if out else ""
        if _MEDICINE_LEAFLET_OPENING.match(text) and rules.looks_like_heading(before):
            out.append("")  # the medicine's name ("Carbidopa/Levodopa") ends over the box
        match = _CONTENTS_FUSED.fullmatch(text)
        if match and furniture.CONTENTS_HEADING.match(match["heading"]):
            out += [indent + match["heading"], indent + match["entry"]]
            continue
        match = _DRAWN_NUMBER.fullmatch(text)
        if match and flattened.entry_key(match["heading"]) in entries:
            out += [indent + match["mark"], indent + match["heading"]]
            continue
        if len(text) >= flattened.FLATTENED_PAGE_CHARS and (
            parts := flattened.headings_apart(text)
        ):
            for part in parts:  # each a block of its own, as printed
                out += [indent + part, ""]
            continue
        match = _ACCORDION.fullmatch(text)
        if (
            match
            and rules.looks_like_heading(match["heading"])
            and not _ACCORDION.fullmatch(match["text"])
        ):
            out += [indent + match["heading"], indent + match["control"], indent + match["text"]]
            continue
        if (match := _QUESTION_RUN_IN.fullmatch(text)) and _candidate(match["heading"]):
            out += [indent + match["heading"], indent + match["text"]]
            continue
        if text.startswith("[edit]") and text != "[edit]":
            out += [indent + "[edit]", indent + text.removeprefix("[edit]")]  # an edit link
            continue
        following = lines[number + 1].strip() if number + 1 < len(lines) else ""
        match = _HEADING_RUN_ON.fullmatch(text)
        if match and _candidate(match["heading"]) and _prose_start(following, match["heading"]):
            out += [indent + match["text"], indent + match["heading"]]
            continue
        out.append(line)
    return out


def _blocks(unfused: Sequence[str], contents: set[int]) -> list[_Block]:
    """Blank-line separated blocks of `unfused` lines; the lines at `contents` are a
    contents list that was run into the text (`flattened.contents_apart`), left out."""
    blocks: list[_Block] = []
    lines: list[str] = []
    blanks = blanks_before = 0
    reasons = _omitted_lines(unfused)
    for index in contents:
        reasons[index] = reasons[index] or LeftOutReason.CONTENTS
    for line, omitted in zip(unfused, reasons, strict=True):
        if omitted is not None:
            if lines:
                blocks.append(_Block(tuple(lines), blanks_before))
                lines = []
            blocks.append(_Block((line.strip(),), blanks, omitted=omitted))
            blanks = 0
            continue
        if line.strip().strip(_INVISIBLE):
            if lines and _outdented_number(lines[-1], line):
                blocks.append(_Block(tuple(lines), blanks_before))
                lines, blanks = [], 0
            if not lines:
                blanks_before = blanks
            lines.append(line.rstrip())
            blanks = 0
            continue
        if lines:
            blocks.append(_Block(tuple(lines), blanks_before))
            lines = []
        blanks += 1
    if lines:
        blocks.append(_Block(tuple(lines), blanks_before))
    return _contact_boxes(blocks)


# HTML markup left in copied text ("<strong>2018</strong><br />"): never words to say.
_TAG = re.compile(
    r"</?(?:strong|b|i|em|u|br|p|span|div|sup|sub|small|a|li|ul|ol|h[1-6])\b[^<>]{0,200}?/?>",
    re.IGNORECASE,
)


def _without_tags(line: str) -> str:
    return _TAG.sub("", line) if "<" in line else line


MAX_CONTACT_LABEL_WORDS = 4


def _contact_boxes(blocks: list[_Block]) -> list[_Block]:
    """A short label over a lone number or address ("Appointments" over "866.588.2264")
    read as one contact line: "Appointments: 866.588.2264"."""
    out: list[_Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        value = rules.clean_text(block.lines[0])
        contact = rules.parse_contact(value) if len(block.lines) == 1 else None
        if (
            previous is not None
            and contact is not None
            and not contact.label
            and not block.separator
            and not previous.separator
            and len(previous.lines) == 1
            and 0
            < len(label := rules.clean_text(previous.lines[0]).split())
            <= MAX_CONTACT_LABEL_WORDS
            and not rules.ends_sentence(previous.lines[0])
            and not _is_leftover(previous.lines[0])
        ):
            out[-1] = _Block((f"{' '.join(label)}: {value}",), previous.blank_lines_before)
            continue
        out.append(block)
    return out


def _outdented_number(before: str, line: str) -> bool:
    """A numbered point less indented than the bullet before it: the next numbered section
    ("    • The most common brand name is Neurontin." then "  3. Who can take it")."""
    return (
        _is_numbered(line)
        and _is_list_line(before)
        and not _is_numbered(before)
        and _indent(line) < _indent(before)
    )


_ARTWORK = re.compile(r"\s*(?:artwork|proof)(?:\s+(?:information|details))?\s*:?\s*", re.IGNORECASE)
_ARTWORK_FIELD = re.compile(r"\s*[A-Z][A-Z0-9 /&().-]{1,30}:(?:\s.*)?")
MAX_INK_WORDS = 3


_FOOTER = re.compile(r"^(?:copyright|©|\(c\))\s", re.IGNORECASE)
MAX_FOOTER_WORDS = 12


def _omitted_lines(lines: Sequence[str]) -> list[LeftOutReason | None]:
    """For each line, why it is left out on its own: a lone dash, a page's footer, the
    first line (the title) again with a page number, or a printer's artwork box.

    A printer's proof copied as text starts with its box: "ARTWORK
    INFORMATION:", then fields in capitals ("PRODUCT: ...", "INK:") and the
    ink's colours ("Black"). None of it is the leaflet's.
    """
    reasons: list[LeftOutReason | None] = [None] * len(lines)
    footers = collections.Counter(
        text for line in lines if _FOOTER.search(text := rules.clean_text(line))
    )
    title = next((rules.clean_text(line) for line in lines if line.strip()), "")
    page_header = re.compile(rf"\d{{1,3}} {re.escape(title)}|{re.escape(title)} \d{{1,3}}")
    in_box = False
    for index, line in enumerate(lines):
        if len(title.split()) >= 2 and page_header.fullmatch(rules.clean_text(line)):
            reasons[index] = LeftOutReason.RUNNING_HEADER  # "2 Epilepsy: diagnosis, ..."
            continue
        if _SEPARATOR.fullmatch(line):
            reasons[index] = LeftOutReason.STRAY_MARK
            in_box = False
            continue
        if footers[rules.clean_text(line)] > 1 and len(line.split()) <= MAX_FOOTER_WORDS:
            reasons[index] = LeftOutReason.RUNNING_HEADER  # a page's footer, once a page
            continue
        if _ARTWORK.fullmatch(line):
            in_box = True
        elif in_box and not (
            _ARTWORK_FIELD.fullmatch(line)
            or (
                0 < len(line.split()) <= MAX_INK_WORDS
                and not rules.ends_sentence(line)
                and not _all_capitals(line)
            )
        ):
            in_box = False
        if in_box:
            reasons[index] = LeftOutReason.PAGE_FURNITURE
    return reasons


MIN_TITLE_CASE_SHARE = 0.75


def _title_case_headline(line: str) -> bool:
    """A headline in Title Case that ends with a stop or a colon, alone on its line ("Lost
    Sense of Smell? ... It May Be Parkinson's Disease.", "Synopsis and Key Points:")."""
    text = rules.clean_text(line)
    words = text.split()
    long_words = [w for w in words if sum(ch.isalpha() for ch in w) >= 4]
    if not text.endswith((".", ":")) or not 2 <= len(words) <= MAX_HEADLINE_WORDS:
        return False
    capitals = sum(w[:1].isupper() for w in long_words)
    return (
        bool(long_words)
        and capitals >= MIN_TITLE_CASE_SHARE * len(long_words)
        and (_candidate(text.rstrip(".:"), alone=True, max_words=MAX_HEADLINE_WORDS))
    )


MAX_HEADLINE_WORDS = 20
"""Most words of a headline in Title Case: its capitals mark it, so it may be longer than
other headings ("Lost Sense of Smell? Falling Out of Bed at Night? It May Be ...")."""


def _point_text(line: str) -> str:
    """A line without its bullet or number."""
    found = rules.list_item(line)
    return found[0] if found else line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _is_list_line(line: str) -> bool:
    return rules.list_item(line) is not None


def _is_numbered(line: str) -> bool:
    found = rules.list_item(line)
    return found is not None and found[1]


def _is_leftover(line: str) -> bool:
    return rules.is_web_leftover(line)


# A table's label run into its value, one word with a capital inside ("SpecialtyNeurology",
# an encyclopedia's information box copied as text).
_LABEL_RUN_INTO_VALUE = re.compile(r"[A-Z][a-z]{3,}[A-Z][a-z]{3,}")
_BYLINE = re.compile(r"By\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’.-]+){0,3}")
# A UK postcode ("SE1 7TP"), a Canadian one ("M5C 1B5"), a US state and ZIP ("IL 60601").
_POSTCODE = re.compile(
    r"\b(?:[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}|[A-Z]\d[A-Z] ?\d[A-Z]\d|[A-Z]{2} \d{5}(?:-\d{4})?)\b"
)


def _candidate(line: str, *, alone: bool = False, max_words: int = rules.MAX_HEADING_WORDS) -> bool:
    """A line that could be a heading: reads as one, and is not a label and its value
    nor a line of an address. A line `alone` between blank lines may end on "for"."""
    text = rules.clean_text(line)
    return (
        rules.looks_like_heading(text, alone=alone, max_words=max_words)
        and not rules.is_form_field(text)
        and not _POSTCODE.search(text)
        and not (text.startswith("(") and text.endswith(")"))  # "(Trihexyphenidyl hydrochloride)"
        and not rules.is_kind_label(text)  # "PATIENT INFORMATION LEAFLET" under a title
        and not _BYLINE.fullmatch(text)  # "By Robin Elliott"
        and not _LABEL_RUN_INTO_VALUE.fullmatch(text)  # "SpecialtyNeurology"
    )


def _ends_open(line: str) -> bool:
    """Whether the text before a line ends so that a heading may follow it."""
    return (
        rules.ends_sentence(line)
        or _is_list_line(line)
        or _SEPARATOR.fullmatch(line) is not None
        or rules.parse_contact(rules.clean_text(line)) is not None
    )


MIN_PROSE_CHARS = 60
"""A line at least this long is prose, whatever it ends with."""


def _prose_start(line: str, heading: str) -> bool:
    """Whether a line starts the text of the heading above it: a sentence, not a label."""
    text = rules.clean_text(line)
    if not text or _is_list_line(line) or rules.is_form_field(text):
        return False
    starts = text[0].isupper() or text[0].isdigit() or text[0] in "\"'“‘("
    long = len(text) >= max(MIN_PROSE_CHARS, 1.5 * len(rules.clean_text(heading)))
    # A short question is another heading (or a contents entry), not the text under one.
    sentence = rules.ends_sentence(text) and not text.endswith("?")
    return starts and (long or sentence)


WRAPPED_WIDTH = 120
"""A block whose longest line is at most this wide was wrapped by a page or a column."""
MIN_WRAPPED_WIDTH = 30
"""A block of lines all narrower than this is a list of short lines, not a wrapped column."""
WRAPPED_SHARE = 0.75
"""In a wrapped block, a line this share of the widest or wider was wrapped, not ended."""


def _headings_in_block(lines: Sequence[str], entries: frozenset[str] = frozenset()) -> list[bool]:
    """Which lines of a block are headings directly above their text.

    A heading line reads as one; the line before it (if any) ends a sentence
    or a list point, or is a heading; the line after it starts its text (a
    sentence, a list, or a sub-heading over its text). In a block wrapped by
    a column, a line as wide as the column was wrapped, not ended. Page
    furniture between ("Expand") is looked through.
    """
    meaningful = [i for i, line in enumerate(lines) if not _is_leftover(line)]
    width = max((len(rules.clean_text(line)) for line in lines), default=0)
    wrapped = MIN_WRAPPED_WIDTH <= width <= WRAPPED_WIDTH and len(lines) >= 3
    heading = [False] * len(lines)
    opened_by_text: set[int] = set()
    # From the bottom: a heading needs its text (or a sub-heading with text) under it.
    for position in range(len(meaningful) - 2, -1, -1):
        index, after = meaningful[position], meaningful[position + 1]
        line = lines[index]
        numbered = rules.list_item(line)
        if numbered is not None and not numbered[1]:
            continue  # a bullet point
        text = numbered[0] if numbered else line
        if furniture.CONTENTS_HEADING.match(rules.clean_text(text)):
            heading[index] = True  # over its entries, whatever they look like and wherever
            continue
        # A numbered heading may end on "for" ("1. What this medicine is used for"), and
        # so may one that repeats such a contents entry.
        entry = numbered is None and flattened.entry_key(text) in entries
        if not (
            _candidate(text, alone=numbered is not None or entry)
            or (entry and _lower_case_title(text))
        ):
            continue
        if wrapped and numbered is None and len(rules.clean_text(line)) >= WRAPPED_SHARE * width:
            continue  # as wide as the column: wrapped there (a numbered line starts its own)
        below = lines[after]
        over_text = (
            _prose_start(below, text)
            or (numbered is None and _is_list_line(below))
            or (position == 0 and rules.parse_contact(rules.clean_text(below)) is not None)
        )
        # A heading over one sub-heading over its text; a numbered point over the next
        # point is a list, and a run of short lines (an address) is not a chain of headings.
        over_heading = (
            heading[after]
            and after in opened_by_text
            and (numbered is None or not _is_list_line(below))
        )
        heading[index] = over_text or over_heading
        if over_text:
            opened_by_text.add(index)
    # From the top: a heading starts after a sentence, a list point or another heading.
    previous: int | None = None
    for index in meaningful:
        if heading[index] and previous is not None:
            line_before = lines[previous]
            numbered = rules.list_item(lines[index])
            if numbered is not None:
                # A numbered heading does not go on the list above it.
                before = rules.list_item(line_before)
                if (
                    before is not None
                    and before[1]
                    and not _number_restarts(line_before, lines[index])
                ):
                    heading[index] = False
            elif not (
                heading[previous]
                or _ends_open(line_before)
                or flattened.entry_key(lines[index]) in entries  # the contents list names it
                or furniture.CONTENTS_HEADING.match(rules.clean_text(lines[index]))
            ):
                heading[index] = False
        previous = index
    return heading


def _number_restarts(before: str, line: str) -> bool:
    """Whether a numbered line starts again ("6. Further information" then "1. What ...")."""
    first = re.match(r"\s*\(?(\d+)", before)
    second = re.match(r"\s*\(?(\d+)", line)
    return bool(first and second and int(second[1]) <= int(first[1]))


def _numbered_heading(block: _Block, before: _Block | None, after: _Block | None) -> str | None:
    """The heading text of a lone numbered line between paragraphs ("1. What is dystonia?")."""
    item = rules.list_item(block.lines[0])
    if item is None or not item[1]:
        return None
    if after and _is_list_line(after.lines[0]):
        return None
    # After a list, only a number that starts again over its text ("6." then "1. What ...").
    if (
        before
        and _is_list_line(before.lines[-1])
        and not (
            after and _opens_text(after) and _number_restarts(before.lines[-1], block.lines[0])
        )
    ):
        return None
    return item[0] if _candidate(item[0]) else None


def _point_heading(block: _Block, after: _Block | None) -> str | None:
    """A bullet or numbered point over its text indented under it (an accordion, or
    numbered sections, copied from a page)."""
    item = rules.list_item(block.lines[0])
    if item is None or after is None or not _candidate(item[0]):
        return None
    below = after.lines[0]
    if _indent(below) > _indent(block.lines[0]) and (
        _prose_start(below, item[0]) or (item[1] and _is_list_line(below))
    ):
        return item[0]
    return None


def _title_block(block: _Block) -> bool:
    """Whether the first block is a title and a subtitle on short lines of their own.

    The subtitle may carry a date or an issue number ("Autumn 2011 · Issue 37").
    """
    title, *rest = block.lines
    return (
        1 <= len(rest) <= 2
        and rules.looks_like_heading(title)
        and not any(c.isdigit() for c in title)
        and all(rules.looks_like_heading(line) or _dated_line(line) for line in rest)
    )


def _dated_line(line: str) -> bool:
    """A short line that gives a season or month and a year (a newsletter's issue line)."""
    text = rules.clean_text(line)
    return len(text.split()) <= 8 and bool(
        re.search(
            r"\b(?:spring|summer|autumn|winter|january|february|march|april|may|june|july|"
            r"august|september|october|november|december)\b.*\b(?:19|20)\d\d\b",
            text,
            re.IGNORECASE,
        )
    )


def _opens_text(block: _Block, heading: str = "") -> bool:
    """Whether a block starts the text of a heading above it (not an address or a label).

    Labels and their values ("Reference Number: ...", "Tablets: 10 mg") are
    the text only of a question ("What is Baclofen available as?"); under
    any other line they are a box of details, and the line its label.
    """
    lines = [line for line in block.lines if not _is_leftover(line)]
    if not lines:
        return False
    if all(rules.parse_contact(rules.clean_text(line)) for line in lines):
        return True  # "Contact our helpline" over "Helpline: 0330 123 4567"
    if all(rules.is_form_field(_point_text(line)) for line in lines):
        return rules.clean_text(heading).endswith("?")
    first = rules.clean_text(lines[0])
    if first[:1].islower():
        return False  # the line above goes on here: a sentence, not a heading over it
    if _MEDICINE_LEAFLET_OPENING.match(first):
        return False  # the box under a medicine's name, which is not a section's heading
    if _is_list_line(lines[0]) or rules.ends_sentence(first) or len(first) >= MIN_PROSE_CHARS:
        return True
    if len(lines) > 1 and _headings_in_block(lines)[0]:
        return True  # a sub-heading over its text
    if all(rules.parse_contact(rules.clean_text(line)) for line in lines):
        return True  # "Contact our helpline" over "Helpline: 0330 123 4567"
    if len(lines) == 1 and _candidate(lines[0]) and not _all_capitals(first):
        return True  # a sub-heading (its own text is checked when it is read)
    return len(lines) > 1 and any(rules.ends_sentence(line) for line in lines)


MAX_RUN_LINE_WORDS = 10
MIN_TABLE_RUN = 4
"""Short one-line blocks in a row that are a table or contents flattened one cell a line."""


def _short_line_block(block: _Block) -> bool:
    if len(block.lines) != 1 or block.separator:
        return False
    line = block.lines[0]
    text = rules.clean_text(line)
    return (
        not _is_list_line(line)
        and not _is_leftover(line)
        and not rules.ends_sentence(text)
        and len(text.split()) <= MAX_RUN_LINE_WORDS
    )


def _runs(blocks: Sequence[_Block], start: int) -> tuple[set[int], set[int]]:
    """In runs of short one-line blocks (a table flattened one cell a line), the headings.

    In such a run only a line printed in capitals (once), a "Contents" line
    and the last line, over its text, are headings; where no line is in
    capitals, the first is one too. The other lines are the cells. Returns
    the indexes of the headings and of the cells.
    """
    headings: set[int] = set()
    in_table: set[int] = set()
    index = start
    while index < len(blocks):
        end = index
        while end < len(blocks) and _short_line_block(blocks[end]):
            end += 1
        if end - index >= MIN_TABLE_RUN:
            run = list(range(index, end))
            texts = [rules.clean_text(blocks[i].lines[0]) for i in run]
            capitals = [
                i
                for i, text in zip(run, texts, strict=True)
                if _all_capitals(text)
                and len(text.split()) > 1
                and texts.count(text) == 1
                and _candidate(text)
            ]
            contents = [
                i
                for i, text in zip(run, texts, strict=True)
                if furniture.CONTENTS_HEADING.match(text)
            ]
            chosen = set(capitals) | set(contents)
            if not chosen and _candidate(texts[0]):
                chosen.add(run[0])
            after = _next_content(blocks, end)
            if after is not None and _opens_text(after, texts[-1]) and _candidate(texts[-1]):
                chosen.add(run[-1])
            headings |= chosen
            in_table |= set(run) - chosen
        index = max(end, index + 1)
    return headings, in_table


def _all_capitals(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) >= 4 and all(ch.isupper() for ch in letters)


def _next_content(blocks: Sequence[_Block], start: int) -> _Block | None:
    """The next block that is not a separator or all page furniture."""
    for block in blocks[start:]:
        if not block.separator and not all(map(_is_leftover, block.lines)):
            return block
    return None


_SUBTITLE = re.compile(r"^(?:for|a guide for|information for|advice for)\s", re.IGNORECASE)


def _subtitle(block: _Block, title: str) -> bool:
    """A line under the title that says who the leaflet is for, or a standfirst that says
    the title again in a longer line ("Stroke Awareness Month 2020" over "From 1st – 31st
    May it is Stroke Awareness Month"): text, not a section."""
    if len(block.lines) != 1:
        return False
    line = rules.clean_text(block.lines[0])
    if _SUBTITLE.match(line):
        return True
    title_words = [w for w in flattened.entry_key(title).split() if not w.isdigit()]
    return (
        len(title_words) >= MIN_STANDFIRST_TITLE_WORDS
        and not line.endswith("?")
        and f" {' '.join(title_words)} " in f" {flattened.entry_key(line)} "
        and len(line.split()) >= STANDFIRST_LENGTH * len(title.split())
    )


MIN_STANDFIRST_TITLE_WORDS = 2
"""Fewest words of a title (without its year) that a standfirst must say again."""
STANDFIRST_LENGTH = 2
"""A standfirst has at least this many times the title's words; a heading that names
the title again ("Stroke Awareness Month events") is shorter."""


_TABLE_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*")


def _cells(line: str) -> tuple[str, ...]:
    cells = [rules.clean_text(cell) for cell in line.strip().strip("|").split("|")]
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def _pipe_table(lines: Sequence[str], start: int) -> tuple[int, Table] | None:
    """A table printed with pipes ("Specialty | Neurology |") under a "---|---|" rule,
    and how many lines it takes; None when none starts at `start`.

    A first row with one cell is the table's caption ("Dystonia | |" over an
    encyclopedia's box); a table of two columns without a header row names
    each row by its first cell ("Specialty: Neurology").
    """
    if start + 1 >= len(lines) or "|" not in lines[start]:
        return None
    if not _TABLE_RULE.fullmatch(lines[start + 1]) or "|" not in lines[start + 1]:
        return None
    end = start + 2
    while end < len(lines) and "|" in lines[end] and not _TABLE_RULE.fullmatch(lines[end]):
        end += 1
    header = _cells(lines[start])
    body = [cells for line in lines[start + 2 : end] if (cells := _cells(line))]
    named = [cell for cell in header if cell]
    width = max((len(row) for row in body), default=0)
    if len(named) > 1:
        return end - start, Table((header, *body), header_row=True)
    caption = named[0] if named else ""
    return end - start, Table(tuple(body), header_column=width == 2, caption=caption)


class _Reader:
    """Turns blocks into pieces; list points in consecutive blocks form one list."""

    def __init__(self, entries: frozenset[str] = frozenset()) -> None:
        self.entries = entries
        """Keys of lines the text itself shows to be headings wherever they stand: its
        contents entries (`_contents_entries`), and headings in lower case run into it."""
        self.pieces: list[Piece] = []
        self.group = 0
        self.in_list = False
        self.run: list[str] = []
        self.item: list[str] = []
        self.item_ordered = False
        self.item_indent = 0

    def heading(self, text: str, *, numbered: bool = False) -> None:
        self.pieces.append(Heading(text, numbered=numbered))
        self.in_list = False

    def gap(self) -> None:
        self.pieces.append(Gap())

    def omit(self, text: str, reason: LeftOutReason) -> None:
        self.pieces.append(Omitted(text, reason))

    def _flush_item(self) -> None:
        if self.item:
            if not self.in_list:
                self.group += 1
                self.in_list = True
            self.pieces.append(Item(" ".join(self.item), self.item_ordered, self.group))
            self.item = []

    def _flush_run(self) -> None:
        if self.run:
            self.pieces.append(Text(tuple(self.run)))
            self.run = []
            self.in_list = False

    def lines(self, lines: Sequence[str]) -> None:
        index = 0
        while index < len(lines):
            line = lines[index]
            index += 1
            if (table := _pipe_table(lines, index - 1)) is not None:
                self._flush_item()
                self._flush_run()
                rows, table_piece = table
                self.pieces.append(table_piece)
                index += rows - 1
                continue
            if (found := rules.list_item(line)) is not None:
                self._flush_run()
                self._flush_item()
                self.item = [found[0]]
                self.item_ordered, self.item_indent = found[1], _indent(line)
                continue
            text = rules.clean_text(line)
            # A wrapped point goes on indented, or in lower case.
            if self.item and (_indent(line) > self.item_indent or text[:1].islower()):
                self.item.append(text)
                continue
            self._flush_item()
            self.run.append(line)
        self._flush_item()
        self._flush_run()


# --------------------------------------------------------------------------
# The title at the top
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Top:
    """What the top of the text says about the title."""

    first: int | None
    """Index of the block holding the title, or None."""
    title: str | None = None
    """The title as printed, when it is not simply the block's first line."""
    merged: int | None = None
    """Index of a block that continues the title ("to Good Practice ..."), read into it."""
    omitted: tuple[tuple[int, str, LeftOutReason], ...] = ()
    """Lines around the title that are left out, as (block index, line, reason): a
    document host's name for the upload, a label over the title."""
    above: frozenset[int] = frozenset()
    """Blocks above an article's headline and byline, left out whole: the page's own
    boxes and links ("Percent of dollars spent on our mission", "Learn More")."""


def _top(blocks: Sequence[_Block], menus: set[int]) -> _Top:
    """Where the title is: the first block that is not page furniture, with what surrounds it.

    A label over the title ("Medicines", "Consumer medicine information") is
    left out when a title line follows it.
    """
    content = [
        i
        for i, b in enumerate(blocks)
        if not b.separator
        and i not in menus
        and not all(map(rules.is_web_leftover, b.lines))
        and not all(rules.parse_contact(rules.clean_text(line)) for line in b.lines)
    ]
    if content and _banner(blocks[content[0]]):
        top = _title_at(blocks, content[1:])
        return dataclasses.replace(top, above=top.above | {content[0]})
    return _title_at(blocks, content)


_SKIP_LINK = re.compile(r"(?:screen\s+readers?\s+)?(?:skip|jump)\s", re.IGNORECASE)
MAX_BANNER_WORDS = 6
"""Most words of a line of a site's banner, beside its skip link ("The new name for DisabledGo")."""


def _banner(block: _Block) -> bool:
    """Whether a block is a site's banner: its skip link with short lines that are not
    sentences ("Skip to main content" over the site's strapline)."""
    first, *rest = (rules.clean_text(line) for line in block.lines)
    return (
        bool(rest)
        and _SKIP_LINK.match(first) is not None
        and rules.is_web_leftover(first)
        and all(
            len(line.split()) <= MAX_BANNER_WORDS
            and not rules.ends_sentence(line)
            and not _is_list_line(line)
            for line in rest
        )
    )


def _title_at(blocks: Sequence[_Block], content: Sequence[int]) -> _Top:
    """`_top` over the blocks that are neither furniture nor the site's banner."""
    if not content:
        return _Top(None)
    first = content[0]
    if (host := _host_title(blocks, first)) is not None:
        return host
    if (headline := _headline_over_byline(blocks, content)) is not None:
        return _Top(headline, above=frozenset(i for i in content if i < headline))
    labels: list[tuple[int, str, LeftOutReason]] = []
    for index, next_index in itertools.pairwise(content):
        line = blocks[index].lines[0]
        if not (
            len(blocks[index].lines) == 1
            and (rules.is_kind_label(line) or furniture.is_label(line))
            and len(blocks[next_index].lines) == 1
            and rules.looks_like_heading(blocks[next_index].lines[0])
        ):
            break
        labels.append((index, line.strip(), LeftOutReason.LABEL))
        first = next_index
    if labels:
        return _Top(first, omitted=tuple(labels))
    block = blocks[first]
    following = blocks[first + 1] if first + 1 < len(blocks) else None
    if (
        len(block.lines) == 1
        and rules.looks_like_heading(block.lines[0])
        and following is not None
        and _continues_title(following)
    ):
        title = " ".join(rules.clean_text(line) for line in (*block.lines, *following.lines))
        return _Top(first, title=title, merged=first + 1)
    return _Top(first)


MAX_BLOCKS_ABOVE_HEADLINE = 6
"""Most blocks of a web page's boxes and links above an article's headline."""
MAX_WORDS_ABOVE_HEADLINE = 80
"""Most words in them: more is the page's own text, not its furniture."""


def _headline_over_byline(blocks: Sequence[_Block], content: Sequence[int]) -> int | None:
    """The block of an article's headline, when a byline ("By Robin Elliott") follows it
    near the top of the text, with other blocks above it.

    A byline marks the headline of a page's article: what the page prints
    above it, a fundraising box or a "Learn More" link, is the site's.
    """
    near = content[: MAX_BLOCKS_ABOVE_HEADLINE + 2]
    for position, (index, next_index) in enumerate(itertools.pairwise(near)):
        lines = blocks[index].lines
        byline = rules.clean_text(blocks[next_index].lines[0])
        if not (len(lines) == 1 and _candidate(lines[0], alone=True) and _BYLINE.fullmatch(byline)):
            continue
        words_above = sum(len(line.split()) for i in near[:position] for line in blocks[i].lines)
        if position == 0 or words_above > MAX_WORDS_ABOVE_HEADLINE:
            return None
        return index
    return None


def _continues_title(block: _Block) -> bool:
    """A block of short lines in lower case that carries the title on ("to Good Practice")."""
    text = rules.clean_text(block.lines[0])
    return (
        text[:1].islower()
        and len(block.lines) <= 3
        and all(rules.looks_like_heading(line.strip().capitalize()) for line in block.lines)
    )


def _host_title(blocks: Sequence[_Block], first: int) -> _Top | None:
    """A document host's name for the upload, repeated over the document.

    "Dystoniamatters! - The Dystonia Society", its "Transcription" label,
    then the same line again: the title is said once. Where the line after
    the repeat is the start of the host's name ("Dystoniamatters!", the
    masthead), that is the title and both host lines are left out.
    """
    block = blocks[first]
    if len(block.lines) != 1:
        return None
    name = rules.clean_text(block.lines[0])
    if len(name.split()) > rules.MAX_HEADING_WORDS or rules.ends_sentence(name):
        return None
    for index in range(first + 1, min(first + 4, len(blocks))):
        lines = blocks[index].lines
        if rules.clean_text(lines[0]) != name:
            continue
        after = rules.clean_text(lines[1]) if len(lines) > 1 else ""
        if after and name.startswith(after) and after != name:
            host = LeftOutReason.PAGE_FURNITURE
            omitted = ((first, block.lines[0].strip(), host), (index, lines[0].strip(), host))
            return _Top(index, title=after, omitted=omitted)
        return _Top(first, omitted=((index, lines[0].strip(), LeftOutReason.PAGE_FURNITURE),))
    return None


def _menus(blocks: Sequence[_Block]) -> set[int]:
    """The blocks of bulleted menu lines copied with a page, with its furniture among them.

    A bulleted menu (" • About us", " • Log in") would otherwise be read as a
    list with headings in it; a block of plain short lines is left to
    `furniture`, which also knows whether prose came before.
    """
    return {
        index
        for index, block in enumerate(blocks)
        if not block.separator
        and any(map(_is_list_line, block.lines))
        and furniture.is_menu([_point_text(line) for line in block.lines], prose_seen=True)
    }


def read_text(text: str) -> list[Piece]:
    """Pieces of a plain-text leaflet, in reading order."""
    raw, lower_case = flattened.lower_case_headings_apart(
        flattened.double_spacing_closed([_without_tags(line) for line in text.splitlines()])
    )
    entries = _contents_entries(raw) | lower_case
    unfused, contents, run_in = flattened.contents_apart(_unfused(raw, entries))
    entries |= run_in
    blocks = _blocks(unfused, contents)
    menus = _menus(blocks)
    top = _top(blocks, menus)
    omitted = {index: (line, reason) for index, line, reason in top.omitted}
    run_headings, run_cells = _runs(blocks, (top.first or 0) + 1)
    title_line = top.title or (blocks[top.first].lines[0] if top.first is not None else "")
    content = [i for i, b in enumerate(blocks) if not b.separator]
    reader = _Reader(entries)
    for index, block in enumerate(blocks):
        if block.omitted is not None:
            reader.omit(block.lines[0], block.omitted)
            continue
        if index == top.merged:
            continue
        if index and block.blank_lines_before >= WIDE_GAP_BLANK_LINES:
            reader.gap()
        lines = block.lines
        if index in menus:
            for line in lines:
                reader.omit(line.strip(), furniture.menu_reason(_point_text(line)))
            continue
        if index in top.above:
            for line in lines:
                reader.omit(line.strip(), LeftOutReason.WEB_FURNITURE)
            continue
        if index in omitted:
            reader.omit(*omitted[index])
            lines = lines[1:]
            if not lines:
                continue
        if index == top.first:
            _read_title(reader, block, lines, top)
            continue
        if top.first is not None and index == top.first + 1 and _subtitle(block, title_line):
            reader.lines(lines)  # "For people with dystonia and their carers"
            continue
        position = content.index(index)
        before = blocks[content[position - 1]] if position else None
        after = _next_content(blocks, index + 1)
        if index in run_headings:
            reader.heading(rules.clean_text(lines[0]))
            continue
        if index in run_cells:
            reader.lines(lines)
            continue
        _read_block(reader, _Block(tuple(lines), block.blank_lines_before), before, after)
    return reader.pieces


def _read_title(reader: _Reader, block: _Block, lines: Sequence[str], top: _Top) -> None:
    """The title block: its title (and subtitle) and the text under them."""
    if top.title is not None:
        reader.heading(top.title)
        if lines[1:]:
            _read_block(reader, _Block(tuple(lines[1:]), 0), None, None)
        return
    if _title_block(block):
        reader.heading(rules.clean_text(lines[0]))
        reader.lines(_after_subtitle(reader, lines[1:]))
        return
    first, rest = lines[0], list(lines[1:])
    if rest and _title_goes_on(first) and rules.looks_like_heading(rest[0]):
        # "Artane 5mg Tablets/" over "Trihexyphenidyl 5mg Tablets": one title on two lines.
        first, rest = f"{rules.clean_text(first)} {rules.clean_text(rest[0])}", rest[1:]
    below = [line for line in rest if not _is_leftover(line)]
    if (rules.looks_like_heading(first) or _lower_case_title(first)) and (
        not below or _title_over_text(first, below[0])
    ):
        reader.heading(rules.clean_text(first))
        rest = _after_subtitle(reader, rest)
        if rest:
            _read_block(reader, _Block(tuple(rest), 0), None, None)
        return
    _read_block(reader, _Block(tuple(lines), 0), None, None)


def _after_subtitle(reader: _Reader, lines: Sequence[str]) -> list[str]:
    """The lines under a title after its subtitle ("Information for patients and their
    carers"), which is read as a sentence of its own, never a heading nor run on."""
    if lines and _SUBTITLE.match(rules.clean_text(lines[0])):
        reader.lines(lines[:1])
        return list(lines[1:])
    return list(lines)


def _title_goes_on(line: str) -> bool:
    """Whether a title line breaks off to go on on the next line ("Tablets/", "Guide to")."""
    text = rules.clean_text(line)
    last = text.split()[-1].lower() if text else ""
    return text.endswith(("/", "&", "-", "–", ",")) or last in {
        "and",
        "or",
        "of",
        "for",
        "to",
        "the",
    }


def _title_over_text(title: str, below: str) -> bool:
    """Whether the line under a title line starts the text (it lost its blank line)."""
    if _is_list_line(below) or rules.parse_contact(rules.clean_text(below)):
        return True
    if rules.clean_text(below).startswith("(") or _SUBTITLE.match(rules.clean_text(below)):
        return True  # a subtitle: "(Trihexyphenidyl hydrochloride)", "Information for ..."
    text = rules.clean_text(below)
    return text[:1].isupper() and len(text) >= 1.5 * len(rules.clean_text(title))


def _lower_case_title(line: str) -> bool:
    """A title printed in lower case ("help and support")."""
    text = rules.clean_text(line)
    return text[:1].islower() and rules.looks_like_heading(text.capitalize())


def _read_block(
    reader: _Reader,
    block: _Block,
    before: _Block | None,
    after: _Block | None,
) -> None:
    """A block's headings and text, in order."""
    lines = block.lines
    if len(lines) == 1:
        line = lines[0]
        if (heading := _point_heading(block, after)) is not None:
            reader.heading(heading, numbered=_is_numbered(line))
            return
        if (heading := _numbered_heading(block, before, after)) is not None:
            reader.heading(heading, numbered=True)
            return
        if (
            not _is_list_line(line)
            and (_candidate(line, alone=True) or _title_case_headline(line))
            and after is not None
            and _opens_text(after, line)
            and not _indented_under_a_point(block, before)
        ):
            reader.heading(rules.clean_text(line))
            return
        reader.lines(lines)
        return
    if _indented_under_a_point(block, before):
        reader.lines(lines)  # an indented continuation is never a heading
        return
    headings = _headings_in_block(lines, reader.entries)
    start = 0
    for index, is_heading in enumerate(headings):
        if not is_heading:
            continue
        reader.lines(lines[start:index])
        numbered = rules.list_item(lines[index])
        if numbered:
            reader.heading(numbered[0], numbered=True)
        else:
            reader.heading(rules.clean_text(lines[index]))
        start = index + 1
    reader.lines(lines[start:])


def _indented_under_a_point(block: _Block, before: _Block | None) -> bool:
    """Whether a block goes on from the list point above it, indented under it."""
    if before is None or not _is_list_line(before.lines[-1]):
        return False
    return _indent(block.lines[0]) > _indent(before.lines[-1])
