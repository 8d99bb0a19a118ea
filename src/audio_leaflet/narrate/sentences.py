"""Sentences for the voice: split where a reader would stop, and give long ones a breath.

Each sentence becomes one line of the narration script, one caption cue and one
synthesis call (gTTS cuts its input every 100 characters, docs/architecture.md, "Engines"), so a
split in the wrong place ("e.g. | anxiety") is heard as a stop mid-thought.
"""

from __future__ import annotations

import re
import unicodedata

# Words whose full stop does not end a sentence.
_NO_STOP_AFTER = frozenset(
    {"e.g", "eg", "i.e", "ie", "dr", "mr", "mrs", "ms", "mx", "st", "prof", "approx"}
    | {"vs", "fig", "cf", "incl", "ref", "tel", "a.k.a"}
)
# "No." is short for "number" only before one ("No. 5"); "Yes and no. At present" ends there.
# So is "Vol." for "volume" ("Vol. 36").
_NUMBER_SIGNS = frozenset({"no", "nos", "vol"})
_CANDIDATE = re.compile(r"[.!?]+[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n+")
MAX_WORDS = 40
"""Sentences longer than this are split at "; " or ", but" where one of those exists."""
_MIN_PART_WORDS = 6


def _is_initial(before: str) -> bool:
    """True for "J." in "J. K. Rowling"; false for the "D." that ends "O C D."."""
    tokens = before.split()
    if not tokens or not re.fullmatch(r"[A-Z]\.", tokens[-1]):
        return False
    # A single letter spelt out of an abbreviation ("O C D.") has a bare letter before it.
    return not (len(tokens) >= 2 and re.fullmatch(r"[A-Z]", tokens[-2]))


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, not at "e.g.", "Dr.", "2.5" or the initials of a name."""
    sentences: list[str] = []
    start = 0
    for match in _CANDIDATE.finditer(text):
        before = text[start : match.end()].rstrip()
        last_word = before.split()[-1].rstrip(".!?\"')]").lower() if before.split() else ""
        number_follows = text[match.end() : match.end() + 1].isdigit()
        abbreviation = last_word in _NO_STOP_AFTER or (
            last_word in _NUMBER_SIGNS and number_follows
        )
        if "\n" not in match.group(0) and (
            (before.endswith(".") and abbreviation) or _is_initial(before)
        ):
            continue
        if before.strip():
            sentences.append(before.strip())
        start = match.end()
    if text[start:].strip():
        sentences.append(text[start:].strip())
    return sentences


def _split_points(words: list[str]) -> list[int]:
    """Indexes of words after which a long sentence may be cut."""
    points = []
    for i, word in enumerate(words[:-1]):
        if (
            word.endswith(";")
            or (
                word.endswith(",")
                and words[i + 1].lower() == "but"
                # "not X, but Y" would leave "But Y" as a fragment: keep it whole.
                and "not" not in (w.lower().strip(",") for w in words[: i + 1])
            )
        ):
            points.append(i)
    return [p for p in points if p + 1 >= _MIN_PART_WORDS and len(words) - p - 1 >= _MIN_PART_WORDS]


def breathe(sentence: str, max_words: int = MAX_WORDS) -> list[str]:
    """Split a sentence of more than `max_words` words at "; " or ", but" nearest its middle."""
    words = sentence.split()
    points = _split_points(words) if len(words) > max_words else []
    if not points:
        return [sentence]
    cut = min(points, key=lambda p: abs(len(words) / 2 - p))
    first = " ".join(words[: cut + 1]).rstrip(",;") + "."
    rest = words[cut + 1 :]
    second = " ".join([rest[0][:1].upper() + rest[0][1:], *rest[1:]])
    return breathe(first, max_words) + breathe(second, max_words)


def sentences_of(text: str) -> list[str]:
    """Sentences ready to speak: split, long ones given a breath, each ending in punctuation."""
    out = []
    for sentence in split_sentences(text):
        if not any(unicodedata.category(char)[0] in "LN" for char in sentence):
            continue  # "…" or "★★★" alone: nothing a voice can say (and no word to lose)
        for part in breathe(sentence):
            # A quotation's own stop ends it: 'alone."' needs no second one.
            if not part.rstrip("\"')]”’").endswith((".", "!", "?", ":")):
                part += "."
            out.append(part)
    return out
