"""Why a leaflet is refused before anything is spoken, in words staff can act on.

Each rule runs on what `pipeline.prepare` made (the read document, the
narration, the lines the reader lost, the languages found) and raises
BuildError naming the file and what to do. The scripts are written first
where they help staff see where to split a leaflet; a book is refused
before it is narrated.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from audio_leaflet.config import Settings
from audio_leaflet.errors import BuildError
from audio_leaflet.language import refuse_or_warn
from audio_leaflet.model import MAX_CHAPTERS, Document

if TYPE_CHECKING:
    from audio_leaflet.pipeline import Prepared
    from audio_leaflet.voices import VoiceChoice


MAX_HOURS = 6
"""Longest leaflet a build accepts, estimated from its words at the chosen pace."""


BOOK_FACTOR = 3
"""A leaflet whose printed words alone would take BOOK_FACTOR times MAX_HOURS to hear is
refused before it is narrated, so no scripts are written for it (`check_buildable`
refuses the rest once narrated, keeping the scripts to show where to split)."""


def refuse_a_book(document: Document, source: Path, settings: Settings) -> None:
    """Refuse, before it is narrated, a document far too long to be a leaflet."""
    from audio_leaflet.read.structure import block_texts

    words = sum(
        len(text.split())
        for section in document.sections
        for block in section.blocks
        for text in block_texts(block)
    )
    hours = words / settings.wpm / 60
    if hours > BOOK_FACTOR * MAX_HOURS:
        raise BuildError(
            f"{source.name} has {words} words, about {hours:.0f} hours of listening, far more "
            f"than the {MAX_HOURS} hours a build accepts: it was not narrated. Split it into "
            "leaflets of a few sections each"
        )


MAX_LOST_SHOWN = 3
"""Lost lines quoted in the message that stops a build; `script` prints them all."""


def check_buildable(prepared: Prepared, settings: Settings) -> None:
    """Refuse, before any synthesis, a leaflet that cannot become one bundle.

    A leaflet some of whose lines the reader lost (neither spoken nor in the
    left-out ledger) is refused, naming them: a listener could never notice.

    More than MAX_CHAPTERS chapters cannot be listed in the whole MP3's chapter
    table; more than MAX_HOURS of speech is not a leaflet but a book (and
    would take hours to build). The scripts are still written, so staff can
    see where to split it.
    """
    narration = prepared.narration
    name = prepared.source.name
    if prepared.lost:
        shown = "; ".join(f'"{line[:80]}"' for line in prepared.lost[:MAX_LOST_SHOWN])
        more = len(prepared.lost) - MAX_LOST_SHOWN
        raise BuildError(
            f"{len(prepared.lost)} {'line' if len(prepared.lost) == 1 else 'lines'} of {name} "
            f"would be neither spoken nor listed in left-out.txt: {shown}"
            + (f" and {more} more" if more > 0 else "")
            + ". This is a bug in audio-leaflet's reading of the file: nothing was published. "
            f"Run 'audio-leaflet script {name}' to see them all, and report it"
        )
    count = len(narration.chapters)
    if count > MAX_CHAPTERS:
        raise BuildError(
            f"{name} has {count} sections with the introduction, but an MP3's chapter list "
            f"holds at most {MAX_CHAPTERS}: split the leaflet into smaller leaflets, "
            "or join short sections under fewer headings"
        )
    words = sum(len(s.split()) for c in narration.chapters for s in c.sentences)
    hours = words / settings.wpm / 60
    if hours > MAX_HOURS:
        raise BuildError(
            f"{name} would take about {hours:.0f} hours to listen to ({words} words), more "
            f"than the {MAX_HOURS} hours a build accepts: split it into leaflets of a few "
            "sections each"
        )


def check_language(prepared: Prepared, settings: Settings, choice: VoiceChoice) -> str:
    """Refuse, before anything is spoken, a leaflet in a language the voice does not speak;
    a warning when only a part of it is ("" when none is)."""
    declared = {"the setting language": settings.language}
    if prepared.declared_language:
        declared[f'its lang="{prepared.declared_language}"'] = prepared.declared_language
    return refuse_or_warn(
        prepared.languages, declared, choice.language, choice.name, prepared.source.name
    )
