"""Small helpers shared by the bundle writers: templates, lengths, safe JSON, atomic files."""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")


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


def clock(ms: int) -> str:
    """A time as a clock reads it: "3:12", "1:02:03"."""
    seconds = max(0, ms) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}"
    return f"{minutes}:{seconds:02d}"


def length_words(ms: int) -> str:
    """A length for people: "45 sec", "2 min 10 sec", "1 hr 5 min"."""
    seconds = round(max(0, ms) / 1000)
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
