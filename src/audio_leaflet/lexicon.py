"""The pronunciation lexicon: how to say words the voices get wrong (docs/narration.md).

A lexicon is a TOML file with one table per word:

    [words.torticollis]
    say = "tor-tih-KOLL-iss"     # respelling, for engines without phoneme input (gtts)
    ipa = "ˌtɔːtɪˈkɒlɪs"          # IPA, for piper and espeak

    [words]
    tardive = "TAR-div"           # shorthand: a respelling only

The built-in lexicon (`data/lexicon.toml`) is loaded first and a project's own
file is laid over it, word by word. Entries are applied at synthesis time, in
the form each engine takes, so narration scripts and captions keep the real
spelling. Matching is whole-word and case-insensitive, and a plural or
possessive ("torticollis's", "anxiolytics") takes the entry of its singular.
"""

from __future__ import annotations

import enum
import re
import tomllib
import unicodedata
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib.resources import files
from pathlib import Path

from audio_leaflet.errors import UsageError

BUILTIN_NAME = "built-in lexicon"

# IPA symbols an English entry may use. Anything else is almost surely a typo
# (an "l" for "ɫ" is fine; a "3" for "ɜ" is not), caught when the file is read.
_IPA_VOWELS = frozenset("aeiouæɐɑɒɔəɘɚɛɜɝɞɨɪʉʊʌʏøœɤɯᵻ")
_IPA_CONSONANTS = frozenset("bcdfhjklmnpqrstvwxzçðŋɟɡɣɥɦɫɬɭɮɰɱɲɳɴɸɹɺɻɽɾʀʁʂʃʈʋʍʎʐʑʒʔʝβθχ")
_IPA_MARKS = frozenset("ˈˌːˑʰʲˠˤ̩̯̃ ")
_IPA_SYMBOLS = _IPA_VOWELS | _IPA_CONSONANTS | _IPA_MARKS
_STRESS = "ˈˌ"
# Written forms people use around IPA that no engine wants: /slashes/,
# [brackets], syllable dots, and the tie bar of t͡ʃ.
_IPA_DECORATION = str.maketrans("", "", "/[]().‿͜͡")


class LexiconForm(enum.Enum):
    """The form in which an engine takes a lexicon entry."""

    RESPELL = "respell"
    """The plain-letter respelling (`say`), for engines without phoneme input."""
    IPA = "ipa"
    """Piper's inline phonemes, `[[ dɪstˈoʊniə ]]`; the respelling where an entry has no IPA."""
    MISAKI = "misaki"
    """hibari's inline pronunciation, `[dystonia](/dɪstˈQnɪə/)`: the IPA in the misaki
    alphabet Kokoro-style voices were trained on; the respelling where it cannot be."""
    ESPEAK = "espeak"
    """espeak-ng's own phoneme mnemonics, `[[dIst'oUni@]]`; the respelling, in lower case,
    where an entry has no IPA or its IPA has no espeak equivalent."""


@dataclass(frozen=True)
class LexiconEntry:
    """How to say one word (or a fixed phrase)."""

    word: str
    """The word as written in the lexicon, lower case ("torticollis", "spasmodic dysphonia")."""
    say: str | None
    """A respelling in plain letters ("tor-tih-KOLL-iss"), or None."""
    ipa: str | None
    """IPA phonemes with stress marks placed before the stressed vowel, or None."""
    source: str
    """The file the entry came from, for messages."""


@dataclass(frozen=True)
class Lexicon:
    """Words and how to say them; apply with `apply`."""

    entries: Mapping[str, LexiconEntry] = field(default_factory=dict)
    """Entries by lower-case word."""

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, word: str) -> LexiconEntry | None:
        """The entry for `word` (any case, plural or possessive), or None."""
        match = self._pattern.fullmatch(word.strip()) if self.entries else None
        return self.entries[_key(match.group("word"))] if match else None

    def entries_in(self, text: str) -> tuple[LexiconEntry, ...]:
        """The entries that apply to `text`, in order of first use, each once.

        A chapter's cache key and its "why did this change" report use these, so
        editing an entry changes exactly the sentences that say the word.
        """
        if not self.entries:
            return ()
        found: dict[str, LexiconEntry] = {}
        for match in self._pattern.finditer(text):
            key = _key(match.group("word"))
            found.setdefault(key, self.entries[key])
        return tuple(found.values())

    def apply(
        self,
        text: str,
        form: LexiconForm | str,
        *,
        dialect: str = "en-gb",
        ipa_symbols: Collection[str] | None = None,
    ) -> str:
        """`text` with every lexicon word replaced by its pronunciation in `form`.

        `dialect` is the espeak-ng language of a Piper voice ("en-us", "en-gb"): IPA
        is adapted to the vowels that voice was trained on (see `adapt_ipa`).
        `ipa_symbols`, when given, are the symbols the voice knows: an entry whose
        IPA needs another one is said from its respelling instead.
        """
        form = LexiconForm(form)
        letter_a = _pronounce(_LETTER_A_ENTRY, "", form, dialect, ipa_symbols, "A")
        if letter_a is not None:
            text = _LETTER_A.sub(letter_a, text)
        if not self.entries:
            return text

        def replace(match: re.Match[str]) -> str:
            entry = self.entries[_key(match.group("word"))]
            suffix = match.group("suffix") or ""
            return _pronounce(
                entry, suffix, form, dialect, ipa_symbols, match.group(0)
            ) or match.group(0)

        return self._pattern.sub(replace, text)

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        # Longest words first, so "spasmodic dysphonia" wins over "dysphonia".
        words = sorted(self.entries, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, w.split())) for w in words)
        return re.compile(
            rf"(?<!\w)(?P<word>{alternatives or '(?!)'})(?P<suffix>['’]s|s['’]?)?(?!\w)",
            re.IGNORECASE,
        )


# espeak-ng, and Piper through it, says a capital "A" on its own as the
# article: "A and E" comes out "uh and E", "Vitamin A is" as "vitamin uh is".
# Where the words after it show it is a letter, it gets the letter's sound.
# A title-case "In A Crisis" keeps the article: a word follows it.
_LETTER_A = re.compile(
    r"(?<![\w'’-])A(?![\w'’-])"
    r"(?=\s*(?:[.,;:!?)]|$)"  # Vitamin A. / Grade A, / one A,
    r"|\s+[A-Z](?![\w'’-])"  # A B C, two A A
    r"|\s+(?:and|or|to)\s+[A-Z](?![\w'’-])"  # A and E, A or B, A to Z
    r"|\s+(?:is|are|was|were|has|can|will|may)(?!\w))"  # Vitamin A is
)
_LETTER_A_ENTRY = LexiconEntry("a", None, "ˈeɪ", BUILTIN_NAME)


def _key(word: str) -> str:
    """The lookup key of a matched word: lower case, single spaces."""
    return " ".join(word.lower().split())


def _pronounce(
    entry: LexiconEntry,
    suffix: str,
    form: LexiconForm,
    dialect: str,
    ipa_symbols: Collection[str] | None,
    written: str = "",
) -> str | None:
    """The replacement for `entry` followed by a plural/possessive `suffix`, or None to keep it.

    `written` is the word as the text has it (the misaki form keeps it beside the phonemes).
    """
    if form is LexiconForm.MISAKI and entry.ipa:
        ipa = adapt_ipa(entry.ipa, dialect)
        misaki = ipa_to_misaki(ipa + (_ipa_plural(ipa) if suffix else ""), dialect)
        if ipa_symbols is None or all(c in ipa_symbols for c in misaki):
            # Brackets inside the written word would end the link early.
            shown = (written or entry.word).replace("[", "").replace("]", "")
            return f"[{shown}](/{misaki}/)"
    if form is LexiconForm.IPA and entry.ipa:
        ipa = adapt_ipa(entry.ipa, dialect)
        ipa += _ipa_plural(ipa) if suffix else ""
        if ipa_symbols is None or all(c in ipa_symbols for c in ipa):
            return f"[[ {ipa} ]]"
    if form is LexiconForm.ESPEAK and entry.ipa:
        phonemes = ipa_to_espeak(entry.ipa + (_ipa_plural(entry.ipa) if suffix else ""))
        if phonemes is not None:
            return f"[[{phonemes}]]"
    if entry.say:
        if form is LexiconForm.ESPEAK:
            # espeak-ng spells a capitalised syllable out as letters: "bot-yoo-LYE-num"
            # is said "bot yoo L Y E num", "TOH" is "T O H". Lower case, it reads them.
            return entry.say.lower() + suffix
        return entry.say + suffix
    return None


def _ipa_plural(ipa: str) -> str:
    """The English plural ending after `ipa`: /ɪz/ after a sibilant, /s/ after a voiceless stop."""
    last = ipa.rstrip(_STRESS + "ː ")[-1:]
    if last in ("s", "z", "ʃ", "ʒ"):
        return "ɪz"
    if last in ("p", "t", "k", "f", "θ"):
        return "s"
    return "z"


# --------------------------------------------------------------------------
# IPA clean-up and conversion
# --------------------------------------------------------------------------


def normalise_ipa(ipa: str) -> str:
    """IPA as the voices take it: decorations dropped, stress marks right before the vowel.

    Dictionaries put the stress mark before the syllable ("dɪˈstoʊniə"); espeak-ng,
    whose phonemes Piper voices were trained on, puts it before the syllable's vowel
    ("dɪstˈoʊniə"). Moving it keeps the stress where the voice expects it.
    """
    text = unicodedata.normalize("NFD", ipa).translate(_IPA_DECORATION)
    text = " ".join(text.split())
    out: list[str] = []
    pending = ""
    for char in text:
        if char in _STRESS:
            pending = char
        elif pending and (char in _IPA_VOWELS or char == " "):
            # Before the vowel; or, with no vowel after it in its word, where it was.
            out.append(pending + char)
            pending = ""
        else:
            out.append(char)
    return "".join(out) + pending


# espeak-ng writes these English phonemes differently by dialect; Piper voices
# know only the symbols their dialect's espeak-ng produced in training.
_TO_AMERICAN = (("əʊ", "oʊ"), ("ɒ", "ɑː"), ("ɑːː", "ɑː"))
_TO_BRITISH = (("oʊ", "əʊ"),)
_TO_ESPEAK_SYMBOLS = (("r", "ɹ"), ("g", "ɡ"))


def adapt_ipa(ipa: str, dialect: str) -> str:
    """`ipa` (British, as in the lexicon) with the symbols espeak-ng uses for `dialect`.

    The lexicon is written in British IPA; an American voice ("en-us") says the
    GOAT vowel as oʊ and the LOT vowel as ɑː, and was never trained on ɒ or əʊ.
    """
    pairs: tuple[tuple[str, str], ...] = _TO_ESPEAK_SYMBOLS
    if dialect.lower().startswith("en-us"):
        pairs += _TO_AMERICAN
    elif dialect.lower().startswith("en"):
        pairs += _TO_BRITISH
    for old, new in pairs:
        ipa = ipa.replace(old, new)
    return ipa


# espeak-ng's English phoneme mnemonics (phsource/ph_english), the "[[ ]]" input
# of espeak_Synth with espeakPHONEMES. Longest IPA sequences are tried first.
_IPA_TO_ESPEAK: dict[str, str] = {
    "eɪ": "eI",
    "aɪ": "aI",
    "ɔɪ": "OI",
    "aʊ": "aU",
    "oʊ": "oU",
    "əʊ": "oU",
    "ɪə": "i@",
    "eə": "e@",
    "ɛə": "e@",
    "ʊə": "U@",
    "iː": "i:",
    "uː": "u:",
    "ɑː": "A:",
    "ɔː": "O:",
    "ɜː": "3:",
    "tʃ": "tS",
    "dʒ": "dZ",
    "i": "i",
    "ɪ": "I",
    "ᵻ": "I2",
    "e": "E",
    "ɛ": "E",
    "æ": "a",
    "a": "a",
    "ɐ": "a#",
    "ʌ": "V",
    "ɒ": "0",
    "ɑ": "A:",
    "ɔ": "O:",
    "o": "oU",
    "ʊ": "U",
    "u": "u:",
    "ə": "@",
    "ɚ": "3",
    "ɝ": "3:",
    "ɜ": "3:",
    "θ": "T",
    "ð": "D",
    "ʃ": "S",
    "ʒ": "Z",
    "ŋ": "N",
    "ɹ": "r",
    "r": "r",
    "ɾ": "t",
    "ɡ": "g",
    "g": "g",
    "ʔ": "?",
    "ɫ": "l",
    "x": "x",
    "ˈ": "'",
    "ˌ": ",",
    " ": " ",
    **{c: c for c in "pbtdkfvszhmnlwj"},
}
_ESPEAK_KEYS = sorted(_IPA_TO_ESPEAK, key=len, reverse=True)


# IPA to the misaki alphabet of Kokoro-style voices (hibari): diphthongs and
# affricates are single letters; American misaki has no length marks.
_IPA_TO_MISAKI = (
    ("eɪ", "A"),
    ("aɪ", "I"),
    ("ɔɪ", "Y"),
    ("aʊ", "W"),
    ("əʊ", "Q"),
    ("oʊ", "O"),
    ("dʒ", "ʤ"),
    ("tʃ", "ʧ"),
    ("r", "ɹ"),
    ("g", "ɡ"),
)


def ipa_to_misaki(ipa: str, dialect: str) -> str:
    """IPA (already adapted to `dialect`) in the misaki alphabet."""
    text = ipa
    for before, after in _IPA_TO_MISAKI:
        text = text.replace(before, after)
    if dialect.lower() != "en-gb":
        text = text.replace("ː", "")
    return text


def ipa_to_espeak(ipa: str) -> str | None:
    """`ipa` in espeak-ng's English phoneme mnemonics, or None if a symbol has no equivalent."""
    text = ipa
    out: list[str] = []
    while text:
        for key in _ESPEAK_KEYS:
            # "ɪəʊ" in "craniocervical" is ɪ then əʊ, not the diphthong ɪə then ʊ (which
            # espeak-ng says "crani-uh-r-oo-cervical").
            if key.endswith("ə") and text[len(key) - 1 : len(key) + 1] == "əʊ":
                continue
            if text.startswith(key):
                out.append(_IPA_TO_ESPEAK[key])
                text = text[len(key) :]
                break
        else:
            if text[0] == "ː":  # length on a vowel that is long in espeak anyway
                text = text[1:]
                continue
            return None
    return "".join(out)


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def builtin_lexicon_text() -> str:
    """The text of the built-in lexicon shipped with the package."""
    return files("audio_leaflet").joinpath("data/lexicon.toml").read_text(encoding="utf-8")


def load_lexicon(extra: Path | None = None) -> Lexicon:
    """The built-in lexicon, with the entries of `extra` (a project's TOML file) laid over it."""
    if extra is None:
        return parse_lexicon(builtin_lexicon_text(), BUILTIN_NAME)
    try:
        text = extra.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise UsageError(
            f"Lexicon file {extra} not found: check the path given as `lexicon`"
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"Cannot read lexicon file {extra}: {error}") from error
    return builtin_with(text, str(extra))


def builtin_with(text: str, source: str) -> Lexicon:
    """The built-in lexicon with the entries of project lexicon TOML `text` laid over it."""
    entries = dict(parse_lexicon(builtin_lexicon_text(), BUILTIN_NAME).entries)
    entries.update(parse_lexicon(text, source).entries)
    return Lexicon(entries)


def parse_lexicon(text: str, source: str) -> Lexicon:
    """Parse lexicon TOML `text`; `source` names the file in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{source} is not valid TOML: {error}") from error
    unknown = sorted(set(data) - {"words"})
    if unknown:
        raise UsageError(
            f"{source}: unknown table '{unknown[0]}'. Put entries under [words], "
            'e.g. [words.dystonia] say = "dis-TONE-ee-uh"'
        )
    words = data.get("words", {})
    if not isinstance(words, dict):
        raise UsageError(f"{source}: 'words' must be a table of entries")
    entries: dict[str, LexiconEntry] = {}
    for word, value in words.items():
        entry = _parse_entry(str(word), value, source)
        entries[entry.word] = entry
    return Lexicon(entries)


def _parse_entry(word: str, value: object, source: str) -> LexiconEntry:
    where = f'{source}: [words."{word}"]'
    key = " ".join(word.lower().split())
    if not key or not re.fullmatch(r"[\w'’-]+( [\w'’-]+)*", key):
        raise UsageError(f"{where}: a lexicon word must be letters (and spaces between words)")
    if isinstance(value, str):
        value = {"say": value}
    if not isinstance(value, dict):
        raise UsageError(f'{where}: give say = "..." and/or ipa = "..."')
    unknown = sorted(set(value) - {"say", "ipa", "note"})
    if unknown:
        raise UsageError(f"{where}: unknown key '{unknown[0]}'. Known keys: say, ipa, note")
    say = _optional_str(value.get("say"), where, "say")
    ipa = _optional_str(value.get("ipa"), where, "ipa")
    if say is None and ipa is None:
        raise UsageError(f'{where}: give say = "..." and/or ipa = "..."')
    if say is not None and ("[" in say or "]" in say):
        raise UsageError(f"{where}: say is a respelling in letters; put phonemes in ipa")
    if ipa is not None:
        ipa = normalise_ipa(ipa)
        strange = sorted({c for c in ipa if c not in _IPA_SYMBOLS})
        if strange:
            raise UsageError(
                f"{where}: ipa has {', '.join(repr(c) for c in strange)}, which are not IPA "
                "symbols English voices know (use ɡ ɹ ə ɪ ʊ ʌ ɒ ɔ ɜ æ θ ð ʃ ʒ ŋ and ˈ ˌ ː)"
            )
        if not any(c in _IPA_VOWELS for c in ipa):
            raise UsageError(f"{where}: ipa has no vowel")
    return LexiconEntry(word=key, say=say, ipa=ipa, source=source)


MAX_SAYING_LENGTH = 100
"""Longest `say` or `ipa` of one entry: a word's respelling is a few syllables, and a
long one would be spoken at every use of the word (100,000 letters made two hours)."""


def _optional_str(value: object, where: str, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{where}: {name} must be a string in quotes")
    value = " ".join(value.split())
    if len(value) > MAX_SAYING_LENGTH:
        raise UsageError(
            f"{where}: {name} is {len(value)} characters long; a respelling of a word or "
            f"phrase has at most {MAX_SAYING_LENGTH}"
        )
    if not value.isprintable():
        raise UsageError(f"{where}: {name} must not hold control characters")
    return value or None
