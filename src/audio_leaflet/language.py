"""Which language a leaflet is written in, so that no voice reads a language it cannot speak.

An English voice given a Welsh or Arabic leaflet reads it with English sounds
and English number words, and the listening check then refuses it for the
wrong reason (or worse, passes it). A build stops before speaking, in one line
naming the language found and what to do, when the leaflet's words, or the
language the file or the project declares, are not the voice's language.

The words are judged paragraph by paragraph, weighted by their length: a
paragraph in a script other than Latin is in that script's language; a Latin
one is in the language whose commonest small words it uses most (English,
Welsh, Irish, French, Spanish, German, Polish, Portuguese, Italian), when
they are clearly more than another's. A leaflet mostly in another language
is refused; one with a good part in another (a bilingual leaflet) is spoken
with a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

ENGLISH = "en"

NAMES = {
    "en": "English",
    "cy": "Welsh",
    "ga": "Irish",
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "pl": "Polish",
    "pt": "Portuguese",
    "it": "Italian",
    "ar": "Arabic script (Arabic, Urdu, Farsi)",
    "ru": "Cyrillic script (Russian, Ukrainian, Bulgarian)",
    "el": "Greek",
    "he": "Hebrew",
    "hi": "Devanagari script (Hindi, Marathi, Nepali)",
    "bn": "Bengali",
    "pa": "Gurmukhi script (Punjabi)",
    "gu": "Gujarati",
    "ta": "Tamil",
    "th": "Thai",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
}
"""Languages told apart here, by their primary BCP 47 subtag."""

# The words every text of a language is full of, and that the others seldom use.
_SMALL_WORDS = {
    "en": "the and of to is you your it for that with are can be this have not or on if may "
    "will by from we they our about when what which there their has more some",
    "cy": "yn yr ac mae eich chi gyda bod neu hefyd ei fel ond wedi sydd gan dros rhaid efallai "
    "ydy yw hyn hwn nid dim i'r o'r ar gall byddwch rydych",
    "ga": "agus an ag go bhfuil sé sí tá níl mar chun leis faoi ach ní nach",
    "fr": "le la les et des est vous votre une pour dans que qui pas sur avec sont plus ou au",
    "es": "el la los las y es que de en por para con una su sus son más usted puede",
    "de": "der die das und ist ein eine nicht sie mit für auf den dem sich auch werden oder",
    "pl": "w się jest nie z do że jak lub przez są oraz może jego pan pani dla",
    "pt": "o os as e é de que em um uma para com não se por são mais você pode",
    "it": "il lo gli e è di che un una per con non sono della del più può",
}
_WORD_SETS = {code: frozenset(words.split()) for code, words in _SMALL_WORDS.items()}
# A word two lists share says nothing about English against the others.
_WORD_SETS = {
    code: words - (_WORD_SETS[ENGLISH] if code != ENGLISH else frozenset())
    for code, words in _WORD_SETS.items()
}

# Scripts by the first word of their Unicode character names.
_SCRIPTS = {
    "ARABIC": "ar",
    "CYRILLIC": "ru",
    "GREEK": "el",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "GURMUKHI": "pa",
    "GUJARATI": "gu",
    "TAMIL": "ta",
    "THAI": "th",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
}
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")

CLEAR_LEAD = 2.0
"""A Latin paragraph is in a language when it has this many times the small words of any other."""
MIN_SMALL_WORDS = 2
"""Fewest small words that say anything about a paragraph."""
REFUSE_SHARE = 0.5
"""A leaflet more than this share of whose words are in another language is refused."""
WARN_SHARE = 0.15
"""A leaflet with at least this share in another language is spoken with a warning."""


@dataclass(frozen=True)
class LanguageFound:
    """The languages of a leaflet's words."""

    shares: tuple[tuple[str, float], ...]
    """Each language found with its share of the leaflet's words, largest first."""

    @property
    def main(self) -> str | None:
        """The language most of the words are in, or None when none could be told."""
        return self.shares[0][0] if self.shares else None

    def share(self, code: str) -> float:
        """The share of the words in language `code`."""
        return dict(self.shares).get(code, 0.0)


def _script_language(text: str) -> str | None:
    """The language of a paragraph's script when most of its letters are not Latin."""
    scripts: Counter[str] = Counter()
    letters = 0
    for char in text:
        if not char.isalpha():
            continue
        letters += 1
        name = unicodedata.name(char, "")
        first = name.split(" ", 1)[0]
        scripts[_SCRIPTS.get(first, "latin" if first == "LATIN" else "other")] += 1
    if not letters:
        return None
    script, count = scripts.most_common(1)[0]
    return script if script not in ("latin", "other") and count > letters / 2 else None


def paragraph_language(text: str) -> str | None:
    """The language one paragraph is in, or None when it cannot be told (too short)."""
    if script := _script_language(text):
        return script
    words = [w.lower().replace("’", "'") for w in _WORD.findall(text)]
    hits = Counter({code: sum(w in found for w in words) for code, found in _WORD_SETS.items()})
    (best, most), *rest = hits.most_common()
    runner_up = rest[0][1] if rest else 0
    if most < MIN_SMALL_WORDS or most < CLEAR_LEAD * runner_up:
        return None
    return best


def text_languages(paragraphs: Iterable[str]) -> LanguageFound:
    """The languages of a leaflet's paragraphs, each weighted by its words."""
    words: Counter[str] = Counter()
    for text in paragraphs:
        if code := paragraph_language(text):
            words[code] += len(text.split())
    total = sum(words.values())
    return LanguageFound(
        tuple((code, n / total) for code, n in words.most_common()) if total else ()
    )


def primary(tag: str) -> str:
    """The primary subtag of a language tag, lower case: "en-GB" and "en_us" are "en"."""
    return re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower()


def name_of(code: str) -> str:
    """A language's name for messages ("Welsh (cy)")."""
    return f"{NAMES[code]} ({code})" if code in NAMES else code


_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)*)")


def refuse_or_warn(
    found: LanguageFound, declared: dict[str, str], voice_language: str, voice: str, name: str
) -> str:
    """A warning when part of leaflet `name` is in a language the voice does not speak
    ("" when none is); BuildError, before anything is spoken, when most of it is, or when
    a language declared for it (`declared`: where -> tag) is not the voice's."""
    from audio_leaflet.errors import BuildError

    spoken = primary(voice_language)
    advice = (
        "choose a voice that speaks it with --voice (audio-leaflet voices lists them), or "
        'if the leaflet is in fact in {voice}, set language = "{tag}" in audio-leaflet.toml'
    )
    for where, tag in declared.items():
        if primary(tag) != spoken:
            raise BuildError(
                f"{name} is declared to be in {name_of(primary(tag))} ({where}), but the voice "
                f"{voice} speaks {name_of(spoken)}: nothing was spoken; "
                + advice.format(voice=NAMES.get(spoken, spoken), tag=voice_language)
            )
    other = [(code, share) for code, share in found.shares if code != spoken]
    if not other:
        return ""
    code, share = other[0]
    if found.main != spoken and share > REFUSE_SHARE:
        raise BuildError(
            f"{name} reads as {name_of(code)} (about {share:.0%} of its words), but the voice "
            f"{voice} speaks {name_of(spoken)}: nothing was spoken; "
            + advice.format(voice=NAMES.get(spoken, spoken), tag=voice_language)
        )
    if share >= WARN_SHARE:
        return (
            f"about {share:.0%} of {name} reads as {name_of(code)}, which the voice {voice} "
            f"reads with {NAMES.get(spoken, spoken)} sounds: listen to those parts, or give "
            "them their own leaflet with a voice that speaks them"
        )
    return ""


def declared_in(data: bytes) -> str | None:
    """The language an HTML leaflet declares on its <html> element, if any."""
    match = _HTML_LANG.search(data[:65536])
    return match[1].decode("ascii") if match else None
