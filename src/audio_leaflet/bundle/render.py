"""Small helpers shared by the bundle writers: templates, lengths, safe JSON, atomic files."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from audio_leaflet.manifest import ManifestCue

_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")

PARAGRAPH_GAP_MS = 900
"""A silence at least this long between sentences starts a new paragraph of text
(assembly puts 400 ms between sentences and 1000 ms between paragraphs)."""


@cache
def template(name: str) -> str:
    """The text of a file in `bundle/templates/` (package data)."""
    return resources.files("audio_leaflet.bundle").joinpath("templates", name).read_text("utf-8")


def render(name: str, **values: str) -> str:
    """Fill `{{key}}` placeholders of a template; every key must be given, none left over.

    Values are inserted as they are: callers escape them for their context.
    """
    text = template(name)
    wanted = set(_PLACEHOLDER.findall(text))
    if wanted != set(values):
        raise KeyError(
            f"template {name}: missing {wanted - set(values)}, extra {set(values) - wanted}"
        )
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def json_for_script(data: Any) -> str:
    """JSON safe inside `<script type="application/json">`.

    `<` `>` `&` become \\u escapes so no "</script>" or "<!--" can end or
    change the element (HTML spec, "Restrictions for contents of script
    elements"); U+2028/U+2029 are escaped for older JavaScript parsers.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def length_seconds(ms: int) -> int:
    """A length in whole seconds, rounded half up: the one rounding every length shown uses,
    so "10 min 29 sec" and "10:29" never disagree."""
    return (max(0, ms) + 500) // 1000


def clock(ms: int) -> str:
    """A position as a clock reads it, whole seconds passed: "3:12", "1:02:03"."""
    return _clock(max(0, ms) // 1000)


def length_clock(ms: int) -> str:
    """A length as a clock reads it, rounded as `length_words` rounds: "10:29"."""
    return _clock(length_seconds(ms))


def _clock(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def length_words(ms: int) -> str:
    """A length for people: "45 sec", "2 min 10 sec", "1 hr 5 min"."""
    seconds = length_seconds(ms)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} hr {minutes} min" if minutes else f"{hours} hr"
    if minutes:
        return f"{minutes} min {seconds} sec" if seconds else f"{minutes} min"
    return f"{seconds} sec"


def megabytes(size: int) -> str:
    """A file size for people: "0.4 MB", "12 MB"."""
    value = size / 1_000_000
    return f"{value:.1f} MB" if value < 10 else f"{value:.0f} MB"


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def human_date(iso: str) -> str:
    """An ISO date as people write it: "2026-11-25" -> "25 November 2026" (else unchanged)."""
    try:
        year, month, day = (int(part) for part in iso[:10].split("-"))
        return f"{day} {_MONTHS[month - 1]} {year}"
    except (ValueError, IndexError):
        return iso


def paragraphs(cues: Sequence[ManifestCue]) -> list[list[ManifestCue]]:
    """The cues grouped as the listener hears them: a long pause starts a paragraph."""
    groups: list[list[ManifestCue]] = []
    previous: ManifestCue | None = None
    for cue in cues:
        if previous is None or cue.start_ms - previous.end_ms >= PARAGRAPH_GAP_MS:
            groups.append([cue])
        else:
            groups[-1].append(cue)
        previous = cue
    return groups


def xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters); lxml refuses them."""
    return "".join(
        ch for ch in text if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff")
    )


def smil_clock(ms: int, *, hour_width: int = 1) -> str:
    """A SMIL full clock value to the millisecond: "0:01:02.345" (DAISY's metadata writes
    the hours with two digits: `hour_width=2`, "00:01:02.345")."""
    seconds, millis = divmod(max(0, ms), 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours:0{hour_width}d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def seconds(ms: int) -> str:
    """Milliseconds as seconds with three decimals: "12.345"."""
    return f"{ms / 1000:.3f}"


_PRINTED_DATE = re.compile(
    r"^(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?(?:(?P<month>[A-Za-z]+)\s+)?(?P<year>(?:19|20)\d\d)$"
)


def iso_date(printed: str) -> str:
    """A leaflet's printed date as W3C date ("14 March 2025" -> "2025-03-14",
    "November 2011" -> "2011-11", "2019" -> "2019"), or "" when it is not one."""
    match = _PRINTED_DATE.match(printed.strip())
    if not match:
        return ""
    year, month_name, day = match["year"], match["month"], match["day"]
    if not month_name:
        return "" if day else year
    months = [name.lower() for name in _MONTHS]
    name = month_name.lower()
    number = next((i for i, m in enumerate(months, 1) if m == name or m[:3] == name), 0)
    if not number:
        return ""
    if not day:
        return f"{year}-{number:02d}"
    if not 1 <= int(day) <= 31:
        return ""
    return f"{year}-{number:02d}-{int(day):02d}"
