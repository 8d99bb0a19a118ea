"""One structuring step for every format: a flat list of pieces -> Document.

Each reader (.txt, .md, .html, .docx) only says what it saw, in order:
headings, runs of text lines, list items and wide gaps. Everything that
decides what the listener hears as sections is written once here:

- web leftovers are dropped ("Click here to download ...", "Expand"), keeping
  the title a download line carries;
- contact lines ("Mind: 0300 123 3393 /") become Contact blocks;
- a leading main heading becomes the document's title, not a section;
- text before the first heading is the untitled OPENING section;
- trailing small print ("general information only", "is not responsible
  for") becomes its own DISCLAIMER section, so contact numbers are not buried
  in it (issue 2, "Must show");
- title, organisation and date are looked for in the text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from audio_leaflet.errors import LeafletError
from audio_leaflet.model import (
    Block,
    BulletList,
    Contact,
    Document,
    LeftOut,
    LeftOutReason,
    Paragraph,
    Section,
    SectionRole,
)
from audio_leaflet.read import metadata, rules
from audio_leaflet.read.furniture import without_furniture
from audio_leaflet.read.pieces import Gap, Heading, Hints, Item, Omitted, Piece, Table, Text

__all__ = [
    "Gap",
    "Heading",
    "Hints",
    "Item",
    "Omitted",
    "Piece",
    "Table",
    "Text",
    "block_texts",
    "build_document",
    "join_lines",
    "plain_text",
    "table_blocks",
]

# --------------------------------------------------------------------------
# Working state (mutable while building, frozen into Sections at the end)
# --------------------------------------------------------------------------


@dataclass
class _Draft:
    heading: str | None
    level: int | None
    blocks: list[Block] = field(default_factory=list)
    gap_before: list[bool] = field(default_factory=list)
    """For each block: whether a wide gap came just before it."""
    numbered: bool = False
    """Whether the heading was printed as a numbered point."""


def join_lines(lines: Sequence[str]) -> str:
    """Join the printed lines of one paragraph.

    Short lines that do not end like sentences are an address or a list
    without bullets, so they are joined with commas (said with a pause);
    a line broken by the page's width is prose and joined with a space. A
    line well short of the others that is followed by a capital ended where
    its writer ended it (a charity's name over its address), so it keeps a
    pause too.

    >>> join_lines(["Kestrel House", "4 Mill Lane", "York YO1 7HH"])
    'Kestrel House, 4 Mill Lane, York YO1 7HH'
    """
    if len(lines) > 1 and all(_ends_unpunctuated(line) for line in lines):
        return ", ".join(lines)
    widest = max((len(line) for line in lines), default=0)
    joined = lines[0] if lines else ""
    for line, after in itertools.pairwise(lines):
        own_line = (
            _ends_unpunctuated(line)
            and len(line) < WRAPPED_SHARE * widest
            and after[:1].isupper()
            and line.split()[-1].lower() not in _OPEN_ENDINGS
        )
        # A sentence whose line lost its full stop: "Call us on 0300 123 4567" over "We are
        # open ...". Run on, the number and the next sentence would be heard as one.
        ended = after[:1].isupper() and (
            _ENDS_WITH_CONTACT.search(line) is not None
            or (own_line and len(line.split()) >= MIN_SENTENCE_WORDS and rules.ends_sentence(after))
        )
        joined += (". " if ended else ", " if own_line else " ") + after
    return joined


MIN_SENTENCE_WORDS = 4
"""Fewest words of a line without a full stop that is taken for a sentence before a sentence."""
_ENDS_WITH_CONTACT = re.compile(
    rf"(?:{rules.PHONE_IN_TEXT.pattern}|{rules.EMAIL.pattern}|{rules.WEB.pattern})\s*$"
)


def _ends_unpunctuated(line: str) -> bool:
    """A short line that ends without a full stop or comma: a line of its own, if short."""
    return len(line) <= SHORT_LINE and not rules.ends_sentence(line) and line[-1] != ","


_OPEN_ENDINGS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "your",
        "our",
        "their",
        "my",
        "is",
        "are",
        "can",
        "will",
        "may",
        "call",
        "ring",
        "contact",
        "see",
    ]
)
"""Words a sentence goes on after: a line ending in one was broken mid-sentence."""

WRAPPED_SHARE = 0.75
"""A line at least this share of a paragraph's widest line may have been
broken by the page's width; a shorter one was ended by its writer."""


SHORT_LINE = 45
"""Longest line (characters) still taken for one line of an address."""


def _text_blocks(
    lines: Iterable[str], found_titles: list[str], left_out: list[LeftOut]
) -> list[Block]:
    """Paragraphs and contacts from one run of text lines; web leftovers left out."""
    blocks: list[Block] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            blocks.append(Paragraph(join_lines(run)))
            run.clear()

    cleaned = [(raw, rules.clean_text(raw)) for raw in lines]
    index = 0
    while index < len(cleaned):
        raw, line = cleaned[index]
        index += 1
        if not line:
            continue
        if reason := rules.leftover_reason(line):
            left_out.append(LeftOut(raw.strip(), reason))
            if title := rules.download_title(line):
                found_titles.append(title)
            continue
        if contact := rules.parse_contact(line):
            flush()
            blocks.append(contact)
            continue
        points = _points_after(line, [text for _, text in cleaned[index:]])
        if points:
            run.append(line)
            flush()
            blocks.append(BulletList(items=tuple(points)))
            index += len(points)
            continue
        run.append(line)
    flush()
    return blocks


MAX_POINT_WORDS = 8
"""Most words of a line still read as a point of a list printed without bullets."""


def _points_after(line: str, following: list[str]) -> list[str]:
    """The short lines that a line ending in a colon introduces ("Other names:"), if any.

    Two or more short lines that do not end like sentences are the points of
    a list printed without bullets; they are read as a list, never run into
    one line.
    """
    if not line.endswith(":"):
        return []
    points: list[str] = []
    for text in following:
        if (
            not text
            or len(text.split()) > MAX_POINT_WORDS
            or rules.ends_sentence(text)
            or rules.parse_contact(text)
            or rules.is_web_leftover(text)
        ):
            break
        points.append(text)
    return points if len(points) >= 2 else []


def _leading_title(drafts: list[_Draft], source_name: str) -> str | None:
    """Take the leaflet's main heading off the first section, if the leaflet starts with one.

    It is the title when it outranks every other heading (the only h1, a Word
    Title), when the leaflet is plain text (no levels: a text file starts
    with its title), when another heading follows it straight away (title,
    subtitle), or when it repeats the file name. Text under it becomes the
    untitled opening.
    """
    if len(drafts) > 1 and _contacts_only(drafts[0]) and drafts[1].heading is not None:
        # A site's contact box over the title ("Appointments: 866.588.2264"): the title is
        # the heading under it; the box stays the opening text.
        box = drafts.pop(0)
        title = _leading_title(drafts, source_name)
        drafts.insert(0, box)
        if title is None:
            return None
        if drafts[1].heading is None:  # the title's own text is the opening, after the box
            box.blocks += drafts[1].blocks
            box.gap_before += drafts[1].gap_before
            drafts.pop(1)
        return title
    if not drafts or drafts[0].heading is None or _first_of_a_run(drafts):
        return None
    first = drafts[0]
    levels = [d.level for d in drafts[1:] if d.heading is not None and d.level is not None]
    outranks = first.level is not None and (not levels or first.level < min(levels))
    followed_by_heading = not first.blocks and len(drafts) > 1
    names_file = _same_words(first.heading or "", metadata.title_from_filename(source_name))
    if not (first.level is None or outranks or followed_by_heading or names_file):
        return None
    title = first.heading
    if rules.is_kind_label(title or "") and len(drafts) > 1 and drafts[1].heading:
        return _title_after_label(drafts)
    if first.blocks:
        first.heading, first.level = None, None  # its text is the untitled opening
    else:
        drafts.pop(0)
    return title


def _contacts_only(draft: _Draft) -> bool:
    return (
        draft.heading is None
        and bool(draft.blocks)
        and all(isinstance(block, Contact) for block in draft.blocks)
    )


def _first_of_a_run(drafts: list[_Draft]) -> bool:
    """Whether the first heading opens a run of like headings, so is not the title: the
    first of numbered sections ("1. About gabapentin"), or the first of questions each
    over its answer ("What is dystonia?" then "Who gets it?") in a text without levels."""
    first = drafts[0]
    if first.numbered:
        return True
    others = [d.heading for d in drafts[1:] if d.heading is not None]
    question = (first.heading or "").rstrip().endswith("?")
    return (
        first.level is None
        and question
        and bool(first.blocks)
        and len(others) >= 1
        and sum(h.rstrip().endswith("?") for h in others) >= max(1, len(others) // 2)
    )


def _title_after_label(drafts: list[_Draft]) -> str | None:
    """ "PRESS RELEASE" over its headline: the headline is the title, the label opening text."""
    label, headline = drafts[0], drafts.pop(1)
    label.blocks[:0] = [Paragraph(label.heading or "")]
    label.gap_before[:0] = [False]
    label.blocks += headline.blocks
    label.gap_before += headline.gap_before
    label.heading, label.level = None, None
    return headline.heading


def _same_words(a: str, b: str) -> bool:
    def words(text: str) -> list[str]:
        return "".join(c.lower() if c.isalnum() else " " for c in text).split()

    return bool(words(a)) and words(a) == words(b)


MAX_PARAGRAPHS_AFTER_GAP = 4
"""A wide gap counts as the start of the small print only this close to the end."""


def _split_disclaimer(drafts: list[_Draft]) -> _Draft | None:
    """Cut the closing small print off the last section (or take a section that is all small print).

    Looks only at the paragraphs at the very end, after the last list or
    contact. Reading back from the end, every paragraph that reads as small
    print belongs to it, as long as one of them reads as a disclaimer
    ("general information only", "is not responsible for"). A wide gap (two
    or more blank lines) a little before that run, or before a short run
    holding a disclaimer, moves the start up to the gap.
    """
    last = drafts[-1]
    tail_start = len(last.blocks)
    while tail_start > 0 and isinstance(last.blocks[tail_start - 1], Paragraph):
        tail_start -= 1
    texts = [b.text for b in last.blocks[tail_start:] if isinstance(b, Paragraph)]
    kinds = [metadata.small_print_kind(text) for text in texts]
    gaps = last.gap_before[tail_start:]

    start: int | None = None
    seen_disclaimer = False
    for offset in range(len(texts) - 1, -1, -1):
        if kinds[offset] is None:
            break
        seen_disclaimer = seen_disclaimer or kinds[offset] is metadata.SmallPrint.DISCLAIMER
        if seen_disclaimer:
            start = offset
    first_gap = next(
        (
            offset
            for offset in range(max(0, len(texts) - MAX_PARAGRAPHS_AFTER_GAP), len(texts))
            if gaps[offset]
        ),
        None,
    )
    if (
        first_gap is not None
        and (start is None or first_gap < start)
        and metadata.SmallPrint.DISCLAIMER in kinds[first_gap:]
    ):
        start = first_gap
    if start is None:
        return None
    cut = tail_start + start
    if cut > 0:
        disclaimer = _Draft(heading=None, level=None, blocks=last.blocks[cut:])
        del last.blocks[cut:]
        del last.gap_before[cut:]
        return disclaimer
    if last.heading is None:
        return None  # a leaflet that is nothing but small print stays one section
    return drafts.pop()  # a headed section of small print ("Disclaimer")


def build_document(
    pieces: Iterable[Piece], *, source_name: str, hints: Hints | None = None
) -> Document:
    """Turn a reader's flat pieces into a Document of sections.

    Raises LeafletError when no text is left once web leftovers are dropped.
    """
    hints = hints or Hints()
    left_out = list(hints.left_out)
    hints = Hints(_plain(hints.title), _plain(hints.organisation))
    found_titles: list[str] = []
    plain = [without_controls(piece) for piece in pieces]
    drafts = _drafts(without_furniture(plain, left_out), found_titles, left_out)
    if not drafts[0].blocks:
        drafts.pop(0)
    title = _leading_title(drafts, source_name)
    drafts = _without_empty_headings(drafts, left_out)
    if not drafts:
        raise LeafletError(
            f"No leaflet text found in {source_name}: it holds no paragraphs or lists "
            "once page furniture is removed. Check that it is the right file."
        )
    disclaimer = _split_disclaimer(drafts)

    sections = _sections(drafts, disclaimer)
    texts = [
        text for section in sections for block in section.blocks for text in block_texts(block)
    ]
    # What the narration drops inside a line ("(Fig 1)", "Click here ...") is listed too.
    left_out += [part for text in texts for part in rules.unsaid_parts(text)]
    return Document(
        sections=tuple(sections),
        title=title or (found_titles[0] if found_titles else None) or _clean(hints.title),
        organisation=metadata.find_organisation(texts) or _clean(hints.organisation),
        date=metadata.find_date(texts),
        review_date=metadata.find_review_date(texts),
        source_name=source_name,
        left_out=tuple(left_out),
    )


def _without_empty_headings(drafts: list[_Draft], left_out: list[LeftOut]) -> list[_Draft]:
    """Drafts that each have text: a heading with nothing under it would be an empty chapter.

    A heading over deeper sub-headings (an HTML h2 before h3s; in plain
    text, a heading straight over another) is left out, and said so; any
    other heading with nothing under it (a one-line paragraph without a full
    stop, taken for a heading) is kept as text, in its place: never dropped.
    """
    kept: list[_Draft] = []
    orphans: list[str] = []  # kept text with no section before it yet
    for index, draft in enumerate(drafts):
        if draft.blocks:
            if orphans:
                draft.blocks[:0] = [Paragraph(text) for text in orphans]
                draft.gap_before[:0] = [False] * len(orphans)
                orphans.clear()
            kept.append(draft)
            continue
        if draft.heading is None:
            continue
        following = drafts[index + 1] if index + 1 < len(drafts) else None
        if following is not None and (
            (draft.level is None and following.level is None and following.heading is not None)
            or (
                draft.level is not None
                and following.level is not None
                and following.level > draft.level
            )
        ):
            left_out.append(LeftOut(draft.heading, LeftOutReason.PARENT_HEADING))
        elif kept:
            kept[-1].blocks.append(Paragraph(draft.heading))
            kept[-1].gap_before.append(False)
        else:
            orphans.append(draft.heading)
    if orphans:
        paragraphs: list[Block] = [Paragraph(text) for text in orphans]
        kept.append(_Draft(None, None, paragraphs, [False] * len(orphans)))
    return kept


def _drafts(
    pieces: Iterable[Piece], found_titles: list[str], left_out: list[LeftOut]
) -> list[_Draft]:
    """The pieces gathered under their headings, points joined into lists.

    Titles carried by web leftovers ("Click here to download X") go to
    `found_titles`: the leaflet's title may be among them.
    """
    drafts: list[_Draft] = [_Draft(heading=None, level=None)]
    gap_pending = False
    list_key: tuple[int, bool] | None = None
    list_items: list[str] = []

    def add(block: Block) -> None:
        nonlocal gap_pending
        drafts[-1].blocks.append(block)
        drafts[-1].gap_before.append(gap_pending)
        gap_pending = False

    def close_list() -> None:
        nonlocal list_key
        if list_key is not None and list_items:
            add(BulletList(items=tuple(list_items), ordered=list_key[1]))
        list_items.clear()
        list_key = None

    for piece in pieces:
        if isinstance(piece, Item):
            text = rules.clean_text(piece.text)
            if not text:
                continue
            if reason := rules.leftover_reason(text):
                left_out.append(LeftOut(piece.text, reason))
                continue
            key = (piece.group, piece.ordered)
            if key != list_key:
                close_list()
                list_key = key
            list_items.append(text)
            continue
        if isinstance(piece, Gap):
            close_list()
            gap_pending = True
            continue
        if isinstance(piece, Table):
            close_list()
            for block in table_blocks(piece):
                add(block)
            continue
        if isinstance(piece, Omitted):
            left_out.append(LeftOut(piece.text, piece.reason))
            continue
        if isinstance(piece, Heading):
            text = rules.clean_text(piece.text)
            if not text:
                continue
            if reason := rules.leftover_reason(text):
                left_out.append(LeftOut(piece.text, reason))
                if title := rules.download_title(text):
                    found_titles.append(title)
                continue
            close_list()
            drafts.append(
                _Draft(heading=rules.heading_case(text), level=piece.level, numbered=piece.numbered)
            )
            gap_pending = False
            continue
        blocks = _text_blocks(piece.lines, found_titles, left_out)
        if blocks:
            close_list()
        for block in blocks:
            add(block)
    close_list()

    return drafts


# --------------------------------------------------------------------------
# Tables: each cell said with what it means
# --------------------------------------------------------------------------


def table_blocks(table: Table) -> list[Block]:
    """A table as paragraphs and lists that keep each cell's meaning.

    A table with a header row is read row by row, each cell after its
    column's header ("Makes it worse: stress. Eases it: rest."), one point
    per row; a row's own name (a header column) is said first, bare. A table
    of one column is a list under its header. Without headers, a row's cells
    are said in order with a pause between them, as printed.

    >>> table_blocks(Table((("Worse", "Better"), ("Stress", "Rest")), header_row=True))
    [Paragraph(text='Worse: Stress. Better: Rest.')]
    """
    rows = [tuple(rules.clean_text(cell) for cell in row) for row in table.rows]
    rows = [row for row in rows if any(row)]
    blocks: list[Block] = []
    if caption := rules.clean_text(table.caption):
        blocks.append(Paragraph(caption))
    header: tuple[str, ...] | None = None
    if table.header_row and len(rows) > 1:
        header, rows = rows[0], rows[1:]
    if not rows:
        return blocks
    if max(len(row) for row in rows) == 1:
        cells = [row[0] for row in rows]
        if header:
            blocks.append(Paragraph(header[0]))
        return blocks + _rows_as_points(cells)
    said = [_row_text(row, header, table.header_column) for row in rows]
    return blocks + _rows_as_points([text for text in said if text])


def _rows_as_points(rows: list[str]) -> list[Block]:
    if len(rows) == 1:
        return [Paragraph(rows[0])]
    return [BulletList(items=tuple(rows))] if rows else []


def _row_text(row: Sequence[str], header: Sequence[str] | None, header_column: bool) -> str:
    """One row of a table, each cell with its column's header."""
    if header is None:
        cells = [cell for cell in row if cell]
        if header_column and len(cells) > 1:
            return f"{cells[0].rstrip(':')}: " + _joined(cells[1:])
        return _joined(cells)
    parts: list[str] = []
    for index, cell in enumerate(row):
        if not cell:
            continue
        name = header[index] if index < len(header) else ""
        if header_column and index == 0:
            name = ""  # the row's own name is said bare, first
        parts.append(_sentence(_labelled(name, cell)))
    return " ".join(parts)


def _labelled(name: str, cell: str) -> str:
    name = name.rstrip(" :")
    if not name or _same_words(name, cell):
        return cell
    if name.endswith("?"):
        return f"{name} {cell}"
    return f"{name}: {cell}"


def _sentence(text: str) -> str:
    return text if rules.ends_sentence(text) else text + "."


def _joined(cells: Sequence[str]) -> str:
    """Cells without headers: a comma between them, or a space after a full stop."""
    out = ""
    for cell in cells:
        if out:
            out += " " if rules.ends_sentence(out) else ", "
        out += cell
    return out


def _sections(drafts: list[_Draft], disclaimer: _Draft | None) -> list[Section]:
    """The drafts as sections, the small print last."""
    sections = [
        Section(
            heading=d.heading,
            blocks=tuple(d.blocks),
            role=SectionRole.OPENING if d.heading is None else SectionRole.BODY,
        )
        for d in drafts
    ]
    if disclaimer is not None:
        sections.append(
            Section(
                heading=disclaimer.heading,
                blocks=tuple(disclaimer.blocks),
                role=SectionRole.DISCLAIMER,
            )
        )

    return sections


def plain_text(text: str) -> str:
    """`text` without control or invisible format characters, wherever in the file they were.

    NUL and other control characters would reach captions, HTML, ID3 and the
    feed; a right-to-left override or a soft hyphen would be read or shown
    oddly. Tabs and line breaks are kept; other controls become a space.
    """
    if text.isprintable():
        return text
    out = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc" and char not in "\t\n":
            out.append(" ")
        elif category != "Cf":
            out.append(char)
    return "".join(out)


def _plain(text: str | None) -> str | None:
    return plain_text(text) if text else text


def without_controls(piece: Piece) -> Piece:
    """A piece whose text is `plain_text`: the one place leaflet text is cleaned of bytes."""
    if isinstance(piece, Heading):
        return Heading(plain_text(piece.text), piece.level, piece.numbered)
    if isinstance(piece, Text):
        return Text(tuple(plain_text(line) for line in piece.lines))
    if isinstance(piece, Item):
        return Item(plain_text(piece.text), piece.ordered, piece.group)
    if isinstance(piece, Table):
        rows = tuple(tuple(plain_text(cell) for cell in row) for row in piece.rows)
        return Table(rows, piece.header_row, piece.header_column, plain_text(piece.caption))
    return piece


def block_texts(block: Block) -> tuple[str, ...]:
    """The printed text of a paragraph or list (a contact's is said apart)."""
    if isinstance(block, Paragraph):
        return (block.text,)
    if isinstance(block, BulletList):
        return block.items
    if isinstance(block, Contact):
        return ()
    raise TypeError(block)  # pragma: no cover - Block is a closed union


def _clean(text: str | None) -> str | None:
    return rules.clean_text(text) or None if text else None
