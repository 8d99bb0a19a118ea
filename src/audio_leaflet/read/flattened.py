"""Text that a document host or a PDF's extraction ran together, put apart again.

A page flattened onto one line runs its headings into its sentences
("... come and go. Why should I reduce ...? You should ..."); a booklet's
contents list runs into its first page ("... Contents Introduction 4 About
epilepsy 5 ..."); a charity that prints its headings in lower case loses
them inside its text; an e-paper host puts a blank line after every printed
line, breaking its sentences. A reader still sees each of these; the functions here
put them on lines of their own for `read.text`, which then reads them as it
reads any line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from audio_leaflet.read import rules

FLATTENED_PAGE_CHARS = 1500
"""A line this long is a whole page flattened by a document host, its headings run in."""
_RUN_IN_QUESTION = re.compile(
    r"(?<= )(?P<heading>(?:What|Why|How|When|Where|Who|Which|Is|Are|Can|Could|Should|Do"
    r"|Does|Will|Would|Need)\b[^.!?]{5,110}\?)(?= [A-Z])"
)
# A short heading in Title Case between two sentences of a flattened page, its text
# starting with a word that starts sentences: "... in different ways. Spasticity Some of".
_RUN_IN_HEADING = re.compile(
    r"(?<=[a-z][.!?] )(?P<heading>[A-Z][a-z’'-]+(?: [A-Z][\w’'-]*){0,3})"
    r"(?= (?:The|This|These|Some|Many|Most|It|If|You|Your|We|There|When) [a-z])"
)


def headings_apart(text: str) -> list[str]:
    """A flattened page's headings, each run in between sentences ("... come and go. Why
    should I reduce ...? You should ..."), put on lines of their own. A question word
    with a capital inside a line starts a heading: in a sentence it has none; so does
    a short phrase in Title Case whose text starts after it ("Spasticity Some of ...")."""
    found = [
        match
        for pattern in (_RUN_IN_QUESTION, _RUN_IN_HEADING)
        for match in pattern.finditer(text)
        if rules.looks_like_heading(match["heading"])
    ]
    return _parted(text, found) if found else []


def _parted(text: str, headings: Sequence[re.Match[str]]) -> list[str]:
    """`text` cut around the `headings` found in it, each heading a part of its own, in
    order; a heading found inside one already taken is not taken again."""
    parts: list[str] = []
    start = 0
    for match in sorted(headings, key=lambda match: match.start()):
        if match.start() < start:
            continue
        parts += [text[start : match.start()].strip(), match["heading"]]
        start = match.end()
    return [part for part in [*parts, text[start:].strip()] if part]


def entry_key(text: str) -> str:
    """A heading's words in lower case without punctuation: a contents entry and the
    heading it names compare equal ("What is Botox?" and "what is botox")."""
    return " ".join("".join(c.lower() if c.isalnum() else " " for c in text).split())


# "Contents" (or a medicine leaflet's "What is in this leaflet:") run into a flattened
# page's text, then its entries.
_RUN_IN_CONTENTS = re.compile(
    r"(?<!\S)(?:Contents|CONTENTS|Table of [Cc]ontents|What is in this leaflet:)\s+"
    r"(?=[A-Z0-9‘'“])"
)
# A page number ("4") or a section number ("4.") between run-in entries.
_PAGE = re.compile(r"(?<!\S)\d{1,3}\.?(?!\S)")
MIN_RUN_IN_PAGES = 3
"""Fewest page or section numbers that make the words after a run-in "Contents" a list."""
UNNUMBERED_ENTRY_WORDS = 4
"""Words of an unnumbered run-in contents list's first entry looked for as its heading."""


def contents_apart(lines: list[str]) -> tuple[list[str], set[int], frozenset[str]]:
    """A contents list that a document host ran into the text, put on lines of its own.

    "... Contents Introduction 4 About epilepsy 5 ... 34", or "Contents Who
    the booklet is for and what it covers Principles of care ..." over more
    lines of entries. As a reader does, the list is taken to end where its
    first entry comes back as a heading, and each numbered entry that comes
    back inside a flattened line, over its text, is put on a line of its own.
    Returns the lines, the indices of the contents list's lines (the word
    "Contents" and the entries), and the keys of the numbered entries.
    """
    for number, line in enumerate(lines):
        text = line.strip()
        match = _RUN_IN_CONTENTS.search(text)
        if match is None or rules.list_item(line) is not None:
            continue
        rest = text[match.end() :]
        if not _has_letters(rest):
            continue  # "What is in this leaflet:" over its list: read as it is
        numbered = len(_PAGE.findall(rest)) >= MIN_RUN_IN_PAGES
        if numbered:
            entries = [part.strip() for part in _PAGE.split(rest) if _has_letters(part)]
        else:
            entries = [" ".join(rest.split()[:UNNUMBERED_ENTRY_WORDS])]
        first_end = match.end() + rest.find(entries[0]) + len(entries[0])
        end = _contents_end(lines, number, text[first_end:], entries[0], numbered)
        if end is None:
            continue
        in_line, last = end  # the list ends at text[in_line] (or with its line), before lines[last]
        stop = len(text) if in_line is None else first_end + in_line
        if (number_before := re.search(r"(?<!\S)\d{1,2}\.\s+$", text[:stop])) is not None:
            stop = number_before.start()  # the returning heading's own number: "1. What ..."
        head = [text[: match.start()].strip()] if text[: match.start()].strip() else []
        listed = [match.group().strip(), text[match.end() : stop].strip()]
        between = lines[number + 1 : last]
        after = [text[stop:].strip()] if text[stop:].strip() else []
        later = [*after, *lines[last:]]
        if numbered:
            for entry in entries:
                later = _heading_apart(later, entry)
        start = number + len(head)
        contents = set(range(start, start + len(listed) + len(between)))
        keys = frozenset(entry_key(entry) for entry in entries) if numbered else frozenset()
        return [*lines[:number], *head, *listed, *between, *later], contents, keys
    return lines, set(), frozenset()


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in text)


def _contents_end(
    lines: Sequence[str], number: int, after_first: str, first: str, numbered: bool
) -> tuple[int | None, int] | None:
    """Where a run-in contents list on `lines[number]` ends, as (position in the text after
    its first entry, or None for the line's end; index of the first line after it), or
    None when its first entry never comes back, so it may not be a contents list.

    A numbered list ends where its first entry comes back in the same line, or
    else with its line; an unnumbered one goes on over the lines up to the line
    that starts with its first entry, with no blank line between.
    """
    if numbered:
        # Its return over its text, not another entry that starts with the same words
        # ("Introduction 4 ... Introduction to treatment 9").
        again = re.search(rf"{re.escape(first)}(?= [A-Z‘“(])", after_first)
        if again is not None:
            return again.start(), number + 1
        if any(first in line for line in lines[number + 1 :]):
            return None, number + 1
        return None
    for later in range(number + 1, len(lines)):
        line = lines[later].strip()
        if not line:
            return None
        if line.startswith(first) and rules.looks_like_heading(line):
            return None, later
    return None


def _heading_apart(lines: list[str], entry: str) -> list[str]:
    """`lines` with the first return of a contents entry inside a flattened line, after a
    page number or a sentence and over its text ("... epilepsy.org.uk 3 Introduction This
    booklet tells you ..."), put on a line of its own."""
    pattern = re.compile(rf"(?:^|(?<=[\d.?!:] ))(?:\d{{1,2}}\.\s+)?{re.escape(entry)}(?= [A-Z‘“(])")
    for index, line in enumerate(lines):
        found = pattern.search(line.strip())
        if found is None:
            continue
        text = line.strip()
        parts = [text[: found.start()].strip(), found.group(), text[found.end() :].strip()]
        return [*lines[:index], *(part for part in parts if part), *lines[index + 1 :]]
    return lines


# A heading in lower case (a charity's house style) run in between sentences, over its
# text: "... National call rate. what to do if someone has a seizure Managing seizures
# is ...", or a question opening a line: "are all seizures the same? There are ...".
# A sentence never starts in lower case, and its text starts with a capital.
_LOWER_CASE_RUN_IN = (
    re.compile(r"(?<=[a-z][.!?] )(?P<heading>[a-z][a-z’'-]*(?: [a-z][a-z’'-]*){2,11}\??)"
               r"(?= [A-Z][a-z]+ [a-z])"),
    re.compile(r"^(?P<heading>[a-z][a-z’'-]*(?: [a-z][a-z’'-]*){2,11}\?)(?= [A-Z][a-z]+ [a-z])"),
)  # fmt: skip


def lower_case_headings_apart(lines: list[str]) -> tuple[list[str], frozenset[str]]:
    """`lines` with headings in lower case run into the text (`_LOWER_CASE_RUN_IN`) on
    lines of their own, and the headings' keys."""
    out: list[str] = []
    keys: set[str] = set()
    for number, line in enumerate(lines):
        indent, text = line[: len(line) - len(line.lstrip())], line.strip()
        before = lines[number - 1].strip() if number else ""
        # A line that goes on from the line above, its sentence wrapped, opens no heading.
        patterns = (
            _LOWER_CASE_RUN_IN
            if not before or rules.ends_sentence(before)
            else _LOWER_CASE_RUN_IN[:1]
        )
        found = [m for pattern in patterns for m in pattern.finditer(text)]
        if not found:
            out.append(line)
            continue
        out += [indent + part for part in _parted(text, found)]
        keys |= {entry_key(match["heading"]) for match in found}
    return out, frozenset(keys)


MIN_DOUBLE_SPACED_BREAKS = 3
"""Fewest sentences broken over a blank line that show a copy put one after every line."""
MIN_BROKEN_LINE_WORDS = 3


def _broken_over_blank(lines: Sequence[str], index: int) -> bool:
    """Whether `lines[index]` is a blank line inside a sentence: a line of prose that
    does not end above it, and a line that starts in lower case under it."""
    if lines[index].strip() or not 0 < index < len(lines) - 1:
        return False
    above, below = lines[index - 1].strip(), lines[index + 1].strip()
    return (
        len(above.split()) >= MIN_BROKEN_LINE_WORDS
        and len(below.split()) >= MIN_BROKEN_LINE_WORDS
        and not rules.ends_sentence(above)
        and not above.endswith(":")
        and below[:1].islower()
    )


def double_spacing_closed(lines: list[str]) -> list[str]:
    """`lines` without the blank lines that a copy put after every printed line, where
    they break sentences ("Every year in Wales 123,000 people become", a blank line,
    "carers, looking after family or friends who", as an e-paper host copies a guide).

    A sentence never starts in lower case, so a blank line between a line that
    does not end and one that starts in lower case is inside a sentence. Only
    a text that does this again and again is taken for double-spaced; once, it
    may be a lead-in over its points.
    """
    breaks = [index for index in range(len(lines)) if _broken_over_blank(lines, index)]
    if len(breaks) < MIN_DOUBLE_SPACED_BREAKS:
        return lines
    closed = set(breaks)
    return [line for index, line in enumerate(lines) if index not in closed]
