"""Deterministic ASCII names for folders and files (docs/safety.md)."""

from __future__ import annotations

import re
import unicodedata

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
# Letters that Unicode does not decompose into an ASCII letter and a mark, so
# NFKD alone would drop them ("Straße" -> "strae", "Ærø" -> "r").
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Ø": "O",
        "ø": "o",
        "Œ": "OE",
        "œ": "oe",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Ð": "D",
        "ð": "d",
        "Þ": "Th",
        "þ": "th",
        "ı": "i",
    }
)
MAX_SLUG_LENGTH = 60


def slugify(text: str, fallback: str = "leaflet") -> str:
    """Lower-case ASCII words joined by hyphens; never empty, never a path.

    >>> slugify("Dystonia & mental health: a guide")
    'dystonia-mental-health-a-guide'
    >>> slugify("../../etc/passwd")
    'etc-passwd'
    >>> slugify("Łódź, Straße and Ærø")
    'lodz-strasse-and-aero'
    """
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
        .encode("ascii", "ignore")
        .decode("ascii")
    )
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0] or slug[:MAX_SLUG_LENGTH]
    return slug or fallback


def chapter_stem(number: int, title: str) -> str:
    """File stem of a chapter, e.g. "03-talking-therapies"."""
    return f"{number:02d}-{slugify(title, fallback='chapter')}"
