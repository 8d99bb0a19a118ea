"""A Document turned into chapters of sentences and pauses (docs/narration.md, docs/formats.md).

Chapter 1 is the introduction; every section of the leaflet that has something to
say becomes one chapter. Each chapter opens "Section N of M. <title>." and ends
"End of section N." (the last "End of leaflet."), so that a listener who skips
with the player's chapter buttons always hears where they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audio_leaflet.errors import NarrationError
from audio_leaflet.model import (
    RECORDED_ON_PLACEHOLDER,
    TOTAL_LENGTH_PLACEHOLDER,
    Block,
    BulletList,
    Chapter,
    ChapterKind,
    Contact,
    ContactKind,
    Document,
    Line,
    Narration,
    Paragraph,
    Pause,
    Section,
    SectionRole,
    Speech,
    section_length_placeholder,
)
from audio_leaflet.naming import chapter_stem
from audio_leaflet.narrate.numbers import cardinal
from audio_leaflet.narrate.rules import (
    email_words,
    find_phone_numbers,
    phone_key,
    phone_words,
    remove_web_leftovers,
    speakable,
    web_words,
)
from audio_leaflet.narrate.sentences import sentences_of

PARAGRAPH_PAUSE_MS = 1000
"""A blank line in a script: between paragraphs, list points and contact details."""

INTRODUCTION_TITLE = "Introduction"
OPENING_TITLE = "Overview"
"""Title of the untitled text before the first heading: what it is, in one word."""
DISCLAIMER_TITLE = "About this information"
"""Title of the closing small print, kept apart so contact numbers are not buried in it."""
UNTITLED_TITLE = "More information"
"""Title of a body section that has no heading (rare: a reader gives headings to body text)."""

RECAP_OPENING = "Before you go, here are the contact details from this leaflet once more."
LISTENING_TIP = (
    "Every section starts by saying its number, "
    "so you can use the chapter or next buttons of your player to go straight to the one you want."
)


def section_opening(number: int, total: int, spoken_title: str) -> str:
    """The first sentence of a chapter: "Section three of eight. Talking therapies."."""
    end = "" if spoken_title.endswith(("?", "!", ".")) else "."
    return f"Section {cardinal(number)} of {cardinal(total)}. {spoken_title}{end}"


def section_closing(number: int, last: bool) -> str:
    """The last sentence of a chapter: "End of section three." or "End of leaflet."."""
    return "End of leaflet." if last else f"End of section {cardinal(number)}."


@dataclass(frozen=True)
class _Detail:
    """A contact detail to say again at the end of the leaflet."""

    key: str
    """What makes two details the same: the digits of a number, an address lower-cased."""
    spoken: str
    """The sentence that gives it: "Samaritans: one one six, one two three."."""


def _title_of(section: Section, index: int) -> str:
    if section.role is SectionRole.DISCLAIMER:
        return DISCLAIMER_TITLE
    heading = re.sub(r"\s+", " ", section.heading or "").strip().rstrip(":").strip()
    if heading:
        return heading
    return OPENING_TITLE if section.role is SectionRole.OPENING or index == 0 else UNTITLED_TITLE


def _with_pauses(groups: list[list[Line]]) -> list[Line]:
    """Groups of lines joined by a paragraph pause, empty groups left out."""
    lines: list[Line] = []
    for group in groups:
        if not group:
            continue
        if lines:
            lines.append(Pause(PARAGRAPH_PAUSE_MS))
        lines.extend(group)
    return lines


def _speech(text: str) -> list[Line]:
    return [Speech(sentence) for sentence in sentences_of(speakable(text))]


# "Some common types are:" becomes "Some common types are the following four:".
_COUNTABLE_LEAD_IN = re.compile(r"\b(are|include|includes|were|these are)\s*:$", re.IGNORECASE)


# A lead-in that stops mid-clause, its list finishing it: "a neurologist may:", "triggered by:".
_UNFINISHED_LEAD_IN = re.compile(
    r"\b(?:may|might|can|could|will|would|should|must|need to|to|by|of|for|with|from|as|and|or"
    r"|is|are|be|were|was|have|has|had|do|does|the|a|an|your|their|our|such as|including|like"
    r"|about|on|in|at|when|if|that|which|who|help|helps|you|them|it)\s*:$",
    re.IGNORECASE,
)


def _announce(lead_in: list[Line], count: int) -> list[Line]:
    """The lead-in paragraph of a list, with the number of points said."""
    if count < 2:
        return lead_in
    last = lead_in[-1] if lead_in else None
    if isinstance(last, Speech) and last.text.endswith(":"):
        rewritten = _COUNTABLE_LEAD_IN.sub(rf"\1 the following {cardinal(count)}:", last.text)
        if rewritten != last.text:
            return [*lead_in[:-1], Speech(rewritten)]
        if _UNFINISHED_LEAD_IN.search(last.text):
            # "To diagnose dystonia, a neurologist may:" is finished by its points, so it is
            # kept whole, just before them; the count comes first.
            return [*lead_in[:-1], Speech(f"There are {cardinal(count)} points."), last]
        # "This relationship can be two-way:" then "There are three points." would run a
        # colon into a new sentence: the lead-in ends, and the count follows it.
        lead_in = [*lead_in[:-1], Speech(last.text[:-1].rstrip() + ".")]
    return [*lead_in, Speech(f"There are {cardinal(count)} points.")]


def _list_points(block: BulletList) -> list[list[Line]]:
    points: list[list[Line]] = []
    for item in block.items:
        lines = _speech(item)
        if not lines:
            continue
        first = lines[0]
        if block.ordered and isinstance(first, Speech):
            lines[0] = Speech(f"Point {cardinal(len(points) + 1)}: {first.text}")
        points.append(lines)
    return points


def _contact_value(contact: Contact) -> str:
    if contact.kind is ContactKind.PHONE:
        return phone_words(contact.value) if re.search(r"\d", contact.value) else ""
    if contact.kind is ContactKind.EMAIL:
        return email_words(contact.value)
    return web_words(contact.value)


_DEFAULT_LABELS = {
    ContactKind.PHONE: "Phone",
    ContactKind.EMAIL: "E-mail",
    ContactKind.WEB: "Website",
}


def _contact_detail(contact: Contact) -> _Detail | None:
    said = _contact_value(contact)
    if not said:
        return None
    label = speakable(contact.label.strip().rstrip(":")) or _DEFAULT_LABELS[contact.kind]
    key = phone_key(contact.value) if contact.kind is ContactKind.PHONE else contact.value.lower()
    return _Detail(key=key, spoken=f"{label}: {said}.")


def _contact_lines(contact: Contact) -> list[Line]:
    detail = _contact_detail(contact)
    if detail is None:
        return _speech(f"{contact.label} {contact.value}")
    lines: list[Line] = [Speech(detail.spoken)]
    if contact.kind is ContactKind.PHONE:
        lines.append(Speech(f"That number again: {_contact_value(contact)}."))
    return lines


_PROSE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PROSE_WEB = re.compile(r"(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def _prose_details(text: str, label: str) -> list[_Detail]:
    """Contact details printed inside a paragraph, with the label they are given again."""
    text = remove_web_leftovers(text)
    details = [
        _Detail(phone_key(number), f"{label}: {phone_words(number)}.")
        for number in find_phone_numbers(text)
    ]
    if "@" in text:
        details += [
            _Detail(a.lower(), f"{label}: {email_words(a)}.") for a in _PROSE_EMAIL.findall(text)
        ]
    details += [_Detail(u.lower(), f"{label}: {web_words(u)}.") for u in _PROSE_WEB.findall(text)]
    return details


@dataclass(frozen=True)
class _Body:
    """A section's chapter before it is numbered."""

    title: str
    """The chapter title."""
    lines: tuple[Line, ...]
    """What the section says, without the chapter's opening and closing sentences."""
    details: tuple[_Detail, ...]
    """Contact details in the section, to be gathered at the end of the leaflet."""


def _block_lines(block: Block) -> list[list[Line]]:
    """A block as groups of lines: one for a paragraph or contact, one per list point."""
    if isinstance(block, Paragraph):
        return [_speech(block.text)]
    if isinstance(block, BulletList):
        return _list_points(block)
    return [_contact_lines(block)]


def _body(section: Section, index: int) -> _Body:
    title = _title_of(section, index)
    # Details found in prose are labelled with their section, as there is no other label.
    label = f"From the section {speakable(title).rstrip('.?!')}"
    said = [_block_lines(block) for block in section.blocks]
    groups: list[list[Line]] = []
    details: list[_Detail] = []
    for position, block in enumerate(section.blocks):
        block_groups = said[position]
        if isinstance(block, BulletList):
            previous = section.blocks[position - 1] if position else None
            # A paragraph that leads into the list says the count; otherwise the list does.
            if not (isinstance(previous, Paragraph) and groups and groups[-1]):
                groups.append(_announce([], len(block_groups)))
            elif isinstance(previous, Paragraph):
                groups[-1] = _announce(groups[-1], len(block_groups))
            groups.extend(block_groups)
            for item in block.items:
                details += _prose_details(item, label)
        elif isinstance(block, Paragraph):
            groups.extend(block_groups)
            details += _prose_details(block.text, label)
        else:
            groups.extend(block_groups)
            detail = _contact_detail(block)
            if detail is not None:
                details.append(detail)
    return _Body(title=title, lines=tuple(_with_pauses(groups)), details=tuple(details))


def _recap(details: list[_Detail]) -> list[list[Line]]:
    """Each contact detail once more, a pause between them."""
    unique: dict[str, _Detail] = {}
    for detail in details:
        unique.setdefault(detail.key, detail)
    if not unique:
        return []
    groups: list[list[Line]] = [[Speech(RECAP_OPENING)]]
    groups += [[Speech(detail.spoken)] for detail in unique.values()]
    return groups


def _date_sentences(date: str | None, review_date: str | None) -> list[Line]:
    """What the introduction says about dates: never a build's date as the leaflet's own.

    The leaflet's own date as what it is ("This leaflet is dated November
    2011."), a review date as a review date, and with no date of its own the
    day this recording was made.
    """
    if date:
        return [Speech(f"This leaflet is dated {speakable(date).rstrip('.')}.")]
    said: list[Line] = []
    if review_date:
        said.append(Speech(f"Its review date is {speakable(review_date).rstrip('.')}."))
    said.append(Speech(f"This recording was made on {RECORDED_ON_PLACEHOLDER}."))
    return said


def _introduction(
    title: str,
    organisation: str,
    date: str | None,
    review_date: str | None,
    bodies: list[_Body],
) -> Chapter:
    total = len(bodies) + 1
    about: list[Line] = [Speech(f"{speakable(title).rstrip('.')}.")]
    if organisation.strip():
        about.append(Speech(f"An audio leaflet from {speakable(organisation).rstrip('.')}."))
    about.append(Speech(f"This recording lasts {TOTAL_LENGTH_PLACEHOLDER}."))
    # A date found in the leaflet may keep its label ("Reviewed: March 2026").
    printed = re.sub(r"^[^:\d]*:\s*", "", date or "").strip()
    about += _date_sentences(printed or None, review_date)
    contents: list[Line] = [
        Speech(
            f"There are {cardinal(total)} sections: this introduction, "
            f"and {cardinal(total - 1)} more."
        )
    ]
    for number, body in enumerate(bodies, 2):
        spoken = speakable(body.title).rstrip(".?!")
        contents.append(
            Speech(f"Section {cardinal(number)}, {spoken}, {section_length_placeholder(number)}.")
        )
    lines = _with_pauses(
        [
            [Speech(section_opening(1, total, INTRODUCTION_TITLE))],
            about,
            contents,
            [Speech(LISTENING_TIP)],
            [Speech(section_closing(1, last=False))],
        ]
    )
    return Chapter(
        number=1,
        title=INTRODUCTION_TITLE,
        slug=chapter_stem(1, INTRODUCTION_TITLE),
        kind=ChapterKind.INTRODUCTION,
        lines=tuple(lines),
    )


def narrate(
    document: Document, *, title: str, organisation: str, slug: str, date: str | None = None
) -> Narration:
    """The leaflet as chapters of sentences to say, the introduction first.

    `date`, the leaflet's own, is said in words in the introduction; without
    one it says when the recording was made (`RECORDED_ON_PLACEHOLDER`, for
    the pipeline to fill in), and the document's review date if it has one.
    Sections with nothing left to say once web leftovers are removed are skipped.
    Raises NarrationError when nothing at all is left to say.
    """
    bodies = [_body(section, i) for i, section in enumerate(document.sections)]
    bodies = [body for body in bodies if any(isinstance(line, Speech) for line in body.lines)]
    if not bodies:
        name = document.source_name or "the leaflet"
        raise NarrationError(
            f"Nothing to say in {name}: it holds no text once links and page furniture are "
            "removed. Check that it is the leaflet itself and not a web page around it."
        )
    total = len(bodies) + 1
    chapters = [_introduction(title, organisation, date, document.review_date, bodies)]
    details = [detail for body in bodies for detail in body.details]
    for number, body in enumerate(bodies, 2):
        last = number == total
        groups: list[list[Line]] = [
            [Speech(section_opening(number, total, speakable(body.title)))],
            list(body.lines),
        ]
        if last:
            groups += _recap(details)
        groups.append([Speech(section_closing(number, last))])
        chapters.append(
            Chapter(
                number=number,
                title=body.title,
                slug=chapter_stem(number, body.title),
                kind=ChapterKind.SECTION,
                lines=tuple(_with_pauses(groups)),
            )
        )
    return Narration(
        slug=slug,
        title=title,
        organisation=organisation,
        chapters=tuple(chapters),
        dated=date or "",
    )
