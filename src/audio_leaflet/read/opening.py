"""The title of a Word or PDF leaflet put first, when a line or two of furniture is above it.

A switchboard number or a label printed above a leaflet's title comes first
in the file, but the title is what the leaflet is called: said first, it is
taken for the title (`read.structure`), and the lines above it become the
opening text, said straight after it.
"""

from __future__ import annotations

from audio_leaflet.read.pieces import Heading, Piece, Text

MAX_LINES_ABOVE_TITLE = 3
"""Most paragraphs above a title that are still taken for furniture over it, not text."""


def title_first(pieces: list[Piece], level: int) -> list[Piece]:
    """`pieces` with the first heading moved to the front when it is the title (at `level`,
    the document's top level) and only a few paragraphs stand before it.

    >>> title_first([Text(("Switchboard: 01305 251150",)), Heading("Going into Hospital", 1)], 1)
    [Heading(text='Going into Hospital', level=1), Text(lines=('Switchboard: 01305 251150',))]
    """
    first = next((i for i, piece in enumerate(pieces) if not isinstance(piece, Text)), None)
    if first is None or first == 0 or first > MAX_LINES_ABOVE_TITLE:
        return pieces
    heading = pieces[first]
    if not isinstance(heading, Heading) or heading.level != level:
        return pieces
    return [heading, *pieces[:first], *pieces[first + 1 :]]
