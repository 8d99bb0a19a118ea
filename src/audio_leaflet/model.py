"""Plain data passed between the pipeline stages (docs/architecture.md).

read -> Document -> narrate -> Narration -> synthesize -> Clip
     -> assemble -> ChapterAudio -> tag / bundle

Every stage takes and returns these frozen dataclasses, so a stage can be
tested on its own and never needs to import a later one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

# --------------------------------------------------------------------------
# read: what the leaflet says, as printed
# --------------------------------------------------------------------------


MAX_CHAPTERS = 255
"""Most chapters a leaflet may have: an ID3 CTOC frame counts its children in one byte
(Chapter Frame Addendum 1.0, section 4), and the whole MP3 lists every chapter."""


@dataclass(frozen=True)
class Paragraph:
    """A run of prose."""

    text: str
    """The paragraph's text as printed, whitespace folded."""


@dataclass(frozen=True)
class BulletList:
    """A list of points, bulleted or numbered."""

    items: tuple[str, ...]
    """Each point's text as printed, without its bullet or number."""
    ordered: bool = False
    """True when the points were numbered in print."""


class ContactKind(enum.Enum):
    """What a contact line holds."""

    PHONE = "phone"
    EMAIL = "email"
    WEB = "web"


@dataclass(frozen=True)
class Contact:
    """A stand-alone contact line such as `Mind: 0300 123 3393`."""

    label: str
    """Who the contact is, e.g. "Samaritans"; empty when the line had no label."""
    value: str
    """The number or address as printed, e.g. "0300 123 3393"."""
    kind: ContactKind
    """Whether the value is a phone number, an e-mail address or a web address."""


Block = Paragraph | BulletList | Contact


class SectionRole(enum.Enum):
    """Why a section exists, so narration can title untitled ones."""

    OPENING = "opening"
    """Text before the first heading."""
    BODY = "body"
    """A section under a heading."""
    DISCLAIMER = "disclaimer"
    """The closing small print ("provides this information as general information only")."""


@dataclass(frozen=True)
class Section:
    """A heading and the blocks under it."""

    heading: str | None
    """The heading as printed; None for untitled opening text or a disclaimer."""
    blocks: tuple[Block, ...]
    """The section's content in reading order."""
    role: SectionRole = SectionRole.BODY
    """Opening, body or disclaimer."""


class LeftOutReason(enum.StrEnum):
    """Why a line of the source is not spoken (prints as the words staff read)."""

    WEB_FURNITURE = "web page furniture"
    """"Skip to main content", "Expand", "You are on page 1 of 22", "Print this page"."""
    BREADCRUMBS = "breadcrumb trail"
    """"Home > Conditions > Dystonia"."""
    COOKIE_NOTICE = "cookie notice"
    """A banner asking to accept cookies."""
    DOWNLOAD_LINK = "link text"
    """"Click here to download our leaflet on ..." (its title may still be used)."""
    SITE_NAVIGATION = "site navigation"
    """A page's menus, header and footer, outside its main content."""
    HIDDEN = "hidden text"
    """Text a web page does not show (hidden, for screen readers only, a form control)."""
    SCRIPT = "script or style"
    """Code in a page or in Markdown, not words for people."""
    IMAGE_TEXT = "image description"
    """An image's alt text: it describes a picture, it is not leaflet text."""
    PAGE_FURNITURE = "page furniture"
    """Link text with a file size ("PDF leaflet (95kB)"), log-in and basket lines."""
    LABEL = "leaflet label"
    """A department or audience label over the title ("Eye Department", "For patients")."""
    CONTENTS = "table of contents"
    """A contents list: its entries are the sections, spoken as chapters."""
    MENU = "site navigation menu"
    """A run of short menu lines copied with a web page."""
    RUNNING_HEADER = "running header or footer"
    """A PDF's line repeated at the top or bottom of its pages."""
    PAGE_NUMBER = "page number"
    """A PDF's page number."""
    PARENT_HEADING = "heading over the sections that follow"
    """A heading with sub-headings and no text of its own; the sub-headings are spoken."""
    DELETED = "struck-out or deleted text"
    """Text printed struck through or marked deleted (Markdown ~~, HTML del, s, strike, a
    Word tracked deletion)."""
    LINK_ADDRESS = "link address"
    """A Markdown reference link's definition line ("[1]: https://..."): an address, not text."""
    FIGURE_REFERENCE = "figure reference"
    """"(Fig 1)", "(see table 2)": a pointer to a picture the listener cannot see."""
    STRAY_MARK = "stray mark"
    """A line of a lone dash, letter or glyph: an accordion's control, a symbol font's bullet."""
    REPLACED_TITLE = "title replaced by --title"
    """The leaflet's own title line, replaced by the title given with --title."""
    BY_STAFF = "left out by staff in the studio"
    """A line staff chose not to have spoken, in the studio's outline."""


@dataclass(frozen=True)
class LeftOut:
    """One source line that is not spoken, and why."""

    text: str
    """The line as it appears in the source."""
    reason: LeftOutReason
    """The rule that left it out."""


@dataclass(frozen=True)
class Document:
    """A leaflet as read from its file, format-independent."""

    sections: tuple[Section, ...]
    """Sections in reading order; never empty."""
    title: str | None = None
    """The title found in the document (main heading, "download our leaflet on ..."), if any."""
    organisation: str | None = None
    """The organisation found in the document, if any."""
    date: str | None = None
    """The leaflet's own date (published, updated, reviewed, "Autumn 2011"), as printed."""
    review_date: str | None = None
    """When the leaflet is due to be reviewed ("Review date: November 2014"), as printed."""
    source_name: str = ""
    """The file name the leaflet came from, for messages and the fallback title."""
    left_out: tuple[LeftOut, ...] = ()
    """Every source line that is not spoken, with its reason, in source order."""


# --------------------------------------------------------------------------
# narrate: what will be said, in words
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """One sentence to speak, in words that are safe to say aloud."""

    text: str
    """The sentence as it will be said and captioned ("one one six, one two three")."""


@dataclass(frozen=True)
class Pause:
    """An explicit silence between sentences."""

    ms: int
    """Length of the silence in milliseconds."""


Line = Speech | Pause


class ChapterKind(enum.Enum):
    """The role a chapter plays in the audio leaflet."""

    INTRODUCTION = "introduction"
    """Title, organisation, total length and the list of sections. Synthesized last."""
    SECTION = "section"
    """A section of the leaflet (including the untitled opening and the disclaimer)."""


@dataclass(frozen=True)
class Chapter:
    """One narration script: one MP3 file and one chapter marker."""

    number: int
    """1-based position; the introduction is chapter 1."""
    title: str
    """The chapter's title for tags, menus and the player."""
    slug: str
    """ASCII file stem, e.g. "03-managing-mental-health-conditions"."""
    kind: ChapterKind
    """Introduction or section."""
    lines: tuple[Line, ...]
    """What is said, sentence by sentence, with explicit pauses."""

    @property
    def sentences(self) -> tuple[str, ...]:
        """The spoken sentences in order, without pauses."""
        return tuple(line.text for line in self.lines if isinstance(line, Speech))


@dataclass(frozen=True)
class Narration:
    """Every chapter script of one leaflet."""

    slug: str
    """ASCII slug of the leaflet, used for folder and file names."""
    title: str
    """The leaflet's title."""
    organisation: str
    """The organisation that publishes it (may be empty)."""
    chapters: tuple[Chapter, ...]
    """Chapters in order, the introduction first."""
    dated: str = ""
    """The leaflet's own date as printed ("November 2011"); "" when it gives none."""


# Placeholders in the introduction chapter, filled in once synthesis has
# measured the other chapters (docs/narration.md: "make it last").
TOTAL_LENGTH_PLACEHOLDER = "{total length}"
RECORDED_ON_PLACEHOLDER = "{recording date}"
"""Filled with the date the recording of the leaflet's current text was made."""
LAST_UPDATED_PLACEHOLDER = "{last updated}"
"""The same, as scripts written before it was renamed say it."""


def section_length_placeholder(number: int) -> str:
    """The placeholder for chapter `number`'s spoken length, e.g. "{length of section 3}"."""
    return f"{{length of section {number}}}"


# --------------------------------------------------------------------------
# synthesize / assemble: audio facts travel with the audio
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Clip:
    """Mono 16-bit PCM audio with the facts later stages need."""

    pcm: bytes = field(repr=False)
    """Signed 16-bit little-endian mono samples."""
    sample_rate: int
    """Samples per second."""

    @property
    def frames(self) -> int:
        """Number of samples."""
        return len(self.pcm) // 2

    @property
    def duration_ms(self) -> int:
        """Length in whole milliseconds, from the sample count."""
        return self.frames * 1000 // self.sample_rate


@dataclass(frozen=True)
class Cue:
    """When one sentence is heard within a chapter (or the whole file)."""

    start_ms: int
    """Start of the sentence's audio."""
    end_ms: int
    """End of the sentence's audio (before the pause that follows it)."""
    text: str
    """The sentence as narrated."""
