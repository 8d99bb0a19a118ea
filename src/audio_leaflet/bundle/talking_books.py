"""What the player page, the zip's README and the feed say about the talking books.

One place for the facts a listener needs to choose: which file, which
players read it, and how a DAISY book goes onto a Victor Reader Stream so
that its section navigation works.
"""

from __future__ import annotations

from audio_leaflet.bundle.daisy import daisy_file
from audio_leaflet.bundle.epub import epub_file
from audio_leaflet.manifest import Manifest


def talking_books(info: Manifest) -> list[tuple[str, str, str]]:
    """(file name, what it is, what it does and which players read it) per talking book."""
    return [
        (
            epub_file(info),
            "Talking book, EPUB 3",
            "the text lit up as it is read; for Thorium Reader or EasyReader",
        ),
        (
            daisy_file(info),
            "Talking book, DAISY 2.02",
            "section by section; for Victor Reader Stream, EasyReader or Thorium Reader",
        ),
    ]


def victor_reader_steps(info: Manifest) -> list[str]:
    """How to put the DAISY book on a Victor Reader Stream, one step per item."""
    return [
        f"Unzip {daisy_file(info)}: it holds one folder, {info.slug}.",
        "Copy that folder, as it is, into the $VRDTB folder on the player's SD card "
        "(make a folder named $VRDTB at the top of the card if there is none).",
        "On the player, press 1 (Bookshelf) until you hear 'Talking books', "
        "then 4 or 6 to find the leaflet.",
        "Press 2 or 8 until you hear 'Level 1': then 4 and 6 go back and forward "
        "one section at a time.",
    ]
