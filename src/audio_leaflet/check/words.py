"""Words to a canonical form, so the narration and what the recogniser heard compare.

Whisper writes "0207793 -3650", "24 hours", "don't", "behavior"; the narration
says "zero two zero, seven seven nine three", "twenty-four hours", "do not",
"behaviour". Both sides go through the same steps, so a mapping that is
generous (it merges two spellings) costs nothing as long as it never merges
two words a listener would hear differently.

The steps, in order (each a pure function over the token list):

1. split into words; fold case, apostrophes and dashes; keep each token's
   source word so reports quote what was written or heard;
2. contractions: "don't" -> "do not", "cannot" -> "can not" (so a negation is
   always the token "not");
3. spellings: British to American where cheap ("behaviour" -> "behavior",
   "recognise" -> "recognize"), "per cent" -> "%", "dr" -> "doctor";
4. number words to numbers: "one hundred and sixteen" -> 116, "twenty-four"
   -> 24, "one one six" -> 1 1 6 (each digit word alone stays alone);
5. "oh"/"o" next to digits -> 0 ("oh three oh oh");
6. numbers to one token per digit ("0207793" -> 0 2 0 7 7 9 3), so a phone
   number matches however the recogniser grouped it.

Numbers thus lose the difference between "twenty-four" and "two four": the
digits are the same and that is what a listener writes down.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

# --------------------------------------------------------------------------
# Tokens
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    """One canonical word, with where it came from."""

    text: str
    """The canonical form ("not", "2", "behavior", "%")."""
    source: str
    """The word as written or heard ("don't", "twenty-four", "0207793")."""
    origin: int
    """Index of the source word in the sequence that was normalised."""


_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# Characters that split one written word into several spoken ones.
_SPLITTERS = re.compile(r"[-\u2010\u2011\u2012\u2013\u2014\u2015/_+=&]+")
# What may stay inside a token: letters, digits, apostrophes, % and decimal points.
_NOT_WORD = re.compile(r"[^a-z0-9'%.£$]+")


def split_words(text: str) -> list[str]:
    """Whitespace-separated words of `text` (the unit a report quotes)."""
    return text.split()


def _fold(word: str) -> str:
    """Lower case, ASCII letters, straight apostrophes."""
    word = unicodedata.normalize("NFKD", word.translate(_APOSTROPHES))
    word = "".join(c for c in word if not unicodedata.combining(c))
    return word.lower()


def _pieces(word: str) -> list[str]:
    """The spoken parts of one written word, punctuation dropped."""
    pieces: list[str] = []
    for part in _SPLITTERS.split(_fold(word).replace("@", " at ")):
        part = _NOT_WORD.sub(" ", part)
        for piece in part.split():
            # Whisper writes a web address as "www", ".harbourdystonia", ".org":
            # a full stop before letters is a spoken "dot".
            if len(piece) > 1 and piece[0] == "." and piece[1].isalpha():
                pieces.append("dot")
            # ... and writes "$2.4 million" as "$2", ".4": before digits it is "point".
            if len(piece) > 1 and piece[0] == "." and piece[1].isdigit():
                pieces.append("point")
            # Full stops and apostrophes at the edges are punctuation; inside
            # they belong to the word ("2.5", "don't", "e.g").
            piece = piece.strip(".'")
            if piece:
                pieces.extend(_split_symbols(piece))
    return pieces


_NUMBER_WITH_SUFFIX = re.compile(r"^(\d[\d,]*)(st|nd|rd|th|s)$")
# "Section 4 of 4" written "4F4" by tiny.en.
_NUMBER_OF_NUMBER = re.compile(r"^(\d+)(?:of|f)(\d+)$")
_CODE = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]+")
_CODE_RUNS = re.compile(r"[a-z]+|\d+")
_CURRENCY = {"£": "pounds", "$": "dollars"}


def _split_symbols(piece: str) -> list[str]:
    """Separate %, currency, ordinal suffixes and decimal points from a word."""
    out: list[str] = []
    currency = None
    if piece[0] in _CURRENCY:
        currency = _CURRENCY[piece[0]]
        piece = piece[1:]
    percent = piece.endswith("%")
    piece = piece.rstrip("%").replace("%", " ")
    for part in piece.split():
        between = _NUMBER_OF_NUMBER.match(part)
        if between:
            out.extend([between.group(1), "of", between.group(2)])
            continue
        match = _NUMBER_WITH_SUFFIX.match(part)
        if match:  # "25th" -> "25", "1990s" -> "1990"
            part = match.group(1)
        if _CODE.fullmatch(part):
            # A code written joined, its letters and figures said apart: "EYE042",
            # "501c" (for "501(c)(3)"), a postcode "M5C1B5" or "WC1N".
            out.extend(_CODE_RUNS.findall(part))
            continue
        if re.fullmatch(r"\d[\d,]*(\.\d+)?", part):
            whole, _, decimals = part.replace(",", "").partition(".")
            out.append(whole)
            if decimals:
                out.extend(["point", decimals])
        elif part:
            names = [p for p in part.split(".") if p]
            if len(names) > 1 and max(len(n) for n in names) > 2:
                # a web address, "dystonia.org.uk": the dots are said
                for index, name in enumerate(names):
                    out.extend(["dot", name] if index else [name])
            else:  # "e.g", "u.k": letters
                out.extend(names)
    if currency and out:
        out.append(currency)
    if percent:
        out.append("%")
    return out


def _joined_source(tokens: Sequence[Token]) -> str:
    """The source words of several tokens, each written word once."""
    return " ".join(source for _, source in dict.fromkeys((t.origin, t.source) for t in tokens))


def _tokens(words: Sequence[str]) -> list[Token]:
    tokens = []
    for index, word in enumerate(words):
        for piece in _pieces(word):
            tokens.append(Token(piece, word, index))
    return tokens


# --------------------------------------------------------------------------
# Step 2: contractions
# --------------------------------------------------------------------------

_IRREGULAR_NEGATIONS = {
    "can't": ("can", "not"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "won't": ("will", "not"),
    "wont": ("will", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
}


def expand_contractions(tokens: list[Token]) -> list[Token]:
    """ "don't" -> "do not", "cannot" -> "can not"; other apostrophes dropped ("it's" -> "its")."""
    out: list[Token] = []
    for token in tokens:
        text = token.text
        if text in _IRREGULAR_NEGATIONS:
            out.extend(replace(token, text=part) for part in _IRREGULAR_NEGATIONS[text])
        elif text.endswith("n't") and len(text) > 3:
            out.append(replace(token, text=text[:-3]))
            out.append(replace(token, text="not"))
        else:
            out.append(replace(token, text=text.replace("'", "")))
    return [t for t in out if t.text]


# --------------------------------------------------------------------------
# Step 3: spellings and symbols
# --------------------------------------------------------------------------

# Whole words whose British and American spellings differ in ways no rule
# below covers. Both sides are mapped, so only the key's spelling matters.
_SPELLINGS = {
    "behaviour": "behavior",
    "behaviours": "behaviors",
    "behavioural": "behavioral",
    "colour": "color",
    "favour": "favor",
    "favourite": "favorite",
    "honour": "honor",
    "humour": "humor",
    "labour": "labor",
    "neighbour": "neighbor",
    "tumour": "tumor",
    "tumours": "tumors",
    "rumour": "rumor",
    "vapour": "vapor",
    "odour": "odor",
    "centre": "center",
    "centres": "centers",
    "metre": "meter",
    "litre": "liter",
    "fibre": "fiber",
    "theatre": "theater",
    "programme": "program",
    "programmes": "programs",
    "grey": "gray",
    "ageing": "aging",
    "judgement": "judgment",
    "cheque": "check",
    "licence": "license",
    "defence": "defense",
    "offence": "offense",
    "practise": "practice",
    "enrol": "enroll",
    "fulfil": "fulfill",
    "aluminium": "aluminum",
    "sceptical": "skeptical",
    "mould": "mold",
    "plough": "plow",
    "tyre": "tire",
    "kerb": "curb",
    "storey": "story",
    "pyjamas": "pajamas",
    "okay": "ok",
    "alright": "all right",
    "dr": "doctor",
    "mr": "mister",
    "mrs": "missus",
    "st": "saint",
    "vs": "versus",
    "etc": "et cetera",
    "percent": "%",
}
# Doubled "l" before a suffix (counselling, travelled, labelled).
_DOUBLE_L = re.compile(r"^(counse|trave|cance|labe|mode|signa|fue|leve|tota|equa|jewe|marve)ll")
# Greek "ae"/"oe" in medical words (anaemia, paediatric, oesophagus, diarrhoea).
_GREEK = re.compile(
    r"(anaem|anaes|haem|paed|orthopaed|leukaem|gynaec|caes|aetiol|oedem|oesoph|diarrhoe|foet|"
    r"manoeuv|oestr|dyspnoe|apnoe|coeliac)"
)
# -ise/-yse to -ize/-yze. Generous on purpose: "exercise" becomes "exercize"
# on both sides, which merges it with nothing.
_ISE = re.compile(r"^(\w{2,}?)(is|ys)(e|es|ed|ing|ation|ations|er|ers)$")
# Words ending in -ise that have no -ize spelling and where the rule would
# merge two real words ("advise"/"advice" never merge, but keep them intact
# so reports stay readable).
_ISE_KEEP = frozenset(
    [
        "advise",
        "advised",
        "advising",
        "advises",
        "wise",
        "otherwise",
        "likewise",
        "rise",
        "arise",
        "arisen",
        "raise",
        "raised",
        "raising",
        "praise",
        "praised",
        "noise",
        "poise",
        "promise",
        "promised",
        "premise",
        "premises",
        "surprise",
        "surprised",
        "surprising",
        "expertise",
        "compromise",
        "compromised",
        "concise",
        "precise",
        "exercise",
        "exercises",
        "exercised",
        "exercising",
        "supervise",
        "supervised",
        "devise",
        "devised",
        "revise",
        "revised",
        "disguise",
        "disguised",
        "franchise",
        "enterprise",
        "merchandise",
        "paradise",
        "treatise",
        "demise",
        "despise",
        "improvise",
        "excise",
        "circumcise",
        "televise",
        "chastise",
        "cruise",
        "bruise",
        "bruised",
        "bruising",
    ]
)


def _spelling(text: str) -> str:
    mapped = _SPELLINGS.get(text)
    if mapped is not None:
        return mapped
    if _DOUBLE_L.match(text):
        text = text.replace("ll", "l", 1)
    text = _GREEK.sub(lambda m: m.group(1).replace("ae", "e").replace("oe", "e"), text)
    if text not in _ISE_KEEP:
        match = _ISE.match(text)
        if match:
            z = "iz" if match.group(2) == "is" else "yz"
            text = f"{match.group(1)}{z}{match.group(3)}"
    return text


def normalise_spellings(tokens: list[Token]) -> list[Token]:
    """British spellings to American, "per cent" to "%", common abbreviations expanded."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1].text if index + 1 < len(tokens) else ""
        if token.text == "per" and following == "cent":
            out.append(replace(token, text="%"))
            index += 2
            continue
        for part in _spelling(token.text).split():
            out.append(replace(token, text=part))
        index += 1
    return out


# --------------------------------------------------------------------------
# Step 4: number words
# --------------------------------------------------------------------------

_UNITS = {
    w: i
    for i, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    )
}
_UNITS |= {"nought": 0, "naught": 0, "nil": 0}
_TEENS = {
    w: i + 10
    for i, w in enumerate(
        [
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: (i + 2) * 10
    for i, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    )
}
# A decade is heard as the recogniser writes it ("their twenties", "the 1960s").
_TENS |= {word.removesuffix("y") + "ies": value for word, value in _TENS.items()}
_SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
}


def _kind(text: str) -> str | None:
    """The role of a number word in a spoken number, or None."""
    if text in _UNITS:
        return "unit"
    if text in _TEENS:
        return "teen"
    if text in _TENS:
        return "tens"
    if text == "hundred":
        return "hundred"
    if text in _SCALES:
        return "scale"
    if text in _ORDINALS:
        return "ordinal"
    return None


def _value(text: str) -> int:
    return (_UNITS | _TEENS | _TENS | _ORDINALS)[text]


def _parse_number(texts: Sequence[str], start: int) -> tuple[int, int] | None:
    """The value of the spoken number starting at `start` and the index after it.

    "one one six" is three numbers (a unit after a unit ends a number);
    "twenty four" is one; "one hundred and sixteen", "two thousand and
    twenty six" and "a hundred" are one each.
    """
    total = 0
    current: int | None = None
    last: str | None = None
    index = start
    if (
        texts[index] == "a"
        and index + 1 < len(texts)
        and _kind(texts[index + 1])
        in (
            "hundred",
            "scale",
        )
    ):
        current, last, index = 1, "unit", index + 1
    while index < len(texts):
        text = texts[index]
        kind = _kind(text)
        if kind is None and text == "and" and last in ("hundred", "scale"):
            following = _kind(texts[index + 1]) if index + 1 < len(texts) else None
            if following in ("unit", "teen", "tens", "ordinal"):
                index += 1
                continue
            break
        if kind is None:
            break
        if kind in ("unit", "teen", "tens", "ordinal"):
            value = _value(text)
            # "twenty" + "four"; "one hundred" + "sixteen"; else a new number.
            limit = {"tens": 10, "hundred": 100}.get(last or "", 0)
            if last is None or last == "scale":
                current = value
            elif current is not None and 0 < value < limit:
                current += value
            else:
                break
            last = "tens" if kind == "tens" else kind
            index += 1
            if kind == "ordinal":
                break  # an ordinal ends a number: "the twenty-fifth"
            continue
        if kind == "hundred":
            if current is None or last not in ("unit", "teen") or current == 0:
                break
            current *= 100
            last = "hundred"
            index += 1
            continue
        # a scale word: "two thousand", "one hundred thousand"
        if current is None or current == 0:
            break
        total += current * _SCALES[text]
        current = None
        last = "scale"
        index += 1
    if last is None:
        return None
    return total + (current or 0), index


def numbers_to_digits(tokens: list[Token]) -> list[Token]:
    """Spoken numbers to digit strings: "twenty-four" -> "24", "one one six" -> 1 1 6."""
    texts = [t.text for t in tokens]
    out: list[Token] = []
    index = 0
    decimals = False  # from "point" on, while digits follow
    while index < len(tokens):
        after_point = index > 0 and texts[index - 1] == "point"
        decimals = (decimals or after_point) and _kind(texts[index]) == "unit"
        if decimals:
            # Decimals are said digit by digit, and a scale word after them is
            # not theirs: "two point four million" is 2.4 million, not 2 . 4000000.
            out.append(Token(str(_value(texts[index])), tokens[index].source, tokens[index].origin))
            index += 1
            continue
        parsed = _parse_number(texts, index) if _starts_number(texts, index) else None
        if parsed is None:
            out.append(tokens[index])
            index += 1
            continue
        value, end = parsed
        span = tokens[index:end]
        out.append(Token(str(value), _joined_source(span), span[0].origin))
        index = end
    return out


def _starts_number(texts: Sequence[str], index: int) -> bool:
    kind = _kind(texts[index])
    if kind in ("unit", "teen", "tens", "ordinal"):
        return True
    return (
        texts[index] == "a"
        and index + 1 < len(texts)
        and _kind(texts[index + 1])
        in (
            "hundred",
            "scale",
        )
    )


# --------------------------------------------------------------------------
# Steps 5 and 6: "oh" as zero, one token per digit
# --------------------------------------------------------------------------

_OH = re.compile(r"^(oh|o+)$")
_DIGITS_AND_OS = re.compile(r"^[0-9o]*[0-9][0-9o]*$")


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def oh_as_zero(tokens: list[Token]) -> list[Token]:
    """ "oh", "o", "oo" next to digits are zeros; "o3" is "03" (Whisper writes both)."""
    out = [
        replace(t, text=t.text.replace("o", "0")) if _DIGITS_AND_OS.match(t.text) else t
        for t in tokens
    ]
    changed = True
    while changed:  # a run "oh oh" between digits turns from the digit side inwards
        changed = False
        for index, token in enumerate(out):
            if not _OH.match(token.text):
                continue
            before = out[index - 1].text if index > 0 else ""
            after = out[index + 1].text if index + 1 < len(out) else ""
            if _is_digits(before) or _is_digits(after):
                zeros = "0" if token.text == "oh" else "0" * len(token.text)
                out[index] = replace(token, text=zeros)
                changed = True
    return out


def split_digits(tokens: list[Token]) -> list[Token]:
    """One token per digit: "0207793" -> 0 2 0 7 7 9 3."""
    out: list[Token] = []
    for token in tokens:
        if _is_digits(token.text) and len(token.text) > 1:
            out.extend(replace(token, text=digit) for digit in token.text)
        else:
            out.append(token)
    return out


def join_letters(tokens: list[Token]) -> list[Token]:
    """Letters spelt out are one word: "O C D" -> "ocd", "w w w" -> "www" (Whisper writes
    "OCD", "www")."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        end = index
        while end < len(tokens) and _is_letter(tokens[end].text):
            end += 1
        if end - index >= 2:
            span = tokens[index:end]
            out.append(Token("".join(t.text for t in span), _joined_source(span), span[0].origin))
            index = end
        else:
            out.append(tokens[index])
            index += 1
    return out


def _is_letter(text: str) -> bool:
    return len(text) == 1 and text.isalpha()


_MONTHS = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)


def impossible_days(tokens: list[Token]) -> list[Token]:
    """A day of the month heard as 40 to 90 was 14 to 19: "the 40th of March".

    tiny.en writes Piper's "fourteenth of March" as "40th of March". No month
    has a 40th day, so the "-teen" reading is the only one a listener could
    take; a day that exists (13th / 30th) is left as it is.
    """
    out = list(tokens)
    for index, token in enumerate(tokens):
        if not (_is_digits(token.text) and token.text in ("40", "50", "60", "70", "80", "90")):
            continue
        before = tokens[index - 1].text if index else ""
        after = [t.text for t in tokens[index + 1 : index + 3]]
        if before in _MONTHS or (after[:1] == ["of"] and after[1:] and after[1] in _MONTHS):
            out[index] = replace(token, text=str(10 + int(token.text) // 10))
    return out


def currency_after_amount(tokens: list[Token]) -> list[Token]:
    """A currency from a symbol said after its decimals and scale: "$2.4 million" is
    said "two point four million dollars"."""
    out = list(tokens)
    for index, token in enumerate(tokens):
        if token.text not in _CURRENCY.values() or token.source[:1] not in _CURRENCY:
            continue
        end = index + 1
        while end < len(out) and (
            out[end].text in ("point", *_SCALES)
            or (out[end - 1].text == "point" and _is_digits(out[end].text))
        ):
            end += 1
        out.insert(end - 1, out.pop(index))
    return out


def figures_times_scale(tokens: list[Token]) -> list[Token]:
    """Figures before a scale word, as a number said in words gives them: "3 million"
    is 3000000, as "three million" is (decimals keep their scale word both ways)."""
    out: list[Token] = []
    decimals = False  # from "point" on, while digits follow
    for token in tokens:
        previous = out[-1] if out else None
        whole = previous is not None and _is_digits(previous.text) and not decimals
        if token.text in _SCALES and previous is not None and whole:
            value = int(previous.text) * _SCALES[token.text]
            out[-1] = Token(str(value), _joined_source([previous, token]), previous.origin)
            continue
        decimals = token.text == "point" or (decimals and _is_digits(token.text))
        out.append(token)
    return out


STEPS: tuple[Callable[[list[Token]], list[Token]], ...] = (
    expand_contractions,
    normalise_spellings,
    join_letters,
    numbers_to_digits,
    currency_after_amount,
    figures_times_scale,
    impossible_days,
    oh_as_zero,
    split_digits,
)
"""The normalisation steps after splitting, in order."""


def normalise_words(words: Sequence[str]) -> list[Token]:
    """Canonical tokens of a word sequence; `Token.origin` indexes `words`."""
    tokens = _tokens(words)
    for step in STEPS:
        tokens = step(tokens)
    return tokens


def normalise(text: str) -> list[str]:
    """Canonical token texts of `text` (for tests and quick comparisons)."""
    return [t.text for t in normalise_words(split_words(text))]


# --------------------------------------------------------------------------
# What counts as critical, and which different spellings sound the same
# --------------------------------------------------------------------------

NEGATIONS = frozenset(
    {"not", "never", "no", "nor", "without", "neither", "nothing", "none", "nobody"}
)
"""Canonical tokens that turn a sentence's meaning around (n't and cannot become "not")."""

# Words a recogniser may write for a digit, negation or lexicon word it heard
# correctly: the audio is the same, so the speech cannot have said something else.
# Only exact homophones: "for" for four, never "five" for four.
_SOUNDS_ALIKE = {
    # "two of four" said quickly is "two o' four": Whisper writes "204".
    "0": {"oh", "o", "of"},
    "1": {"won"},
    "2": {"to", "too"},
    "4": {"for", "fore"},
    "8": {"ate"},
    "no": {"know"},
    "not": {"knot"},
    "nor": {"gnaw"},
    # Both /kəˈriːə/; Whisper writes the country (a real clinic page's "Chorea").
    "chorea": {"korea"},
}
HOMOPHONES: frozenset[tuple[str, str]] = frozenset(
    pair
    for canonical, others in _SOUNDS_ALIKE.items()
    for other in others
    for pair in ((canonical, other), (other, canonical))
)
"""Pairs of canonical tokens that sound the same."""


def same_sound(expected: str, heard: str) -> bool:
    """True when `heard` is `expected` or is spelt differently but sounds the same."""
    return expected == heard or (expected, heard) in HOMOPHONES


def is_number(text: str) -> bool:
    """True for a digit token."""
    return _is_digits(text)


_SOUND_STEPS = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"(ch|ck|q|c|g|j|x)"), "k"),
    (re.compile(r"[bp]"), "p"),
    (re.compile(r"[dt]"), "t"),
    (re.compile(r"[vf]"), "f"),
    (re.compile(r"[zs]"), "s"),
    (re.compile(r"[aeiouyhw]"), ""),
    (re.compile(r"(.)\1+"), r"\1"),
)


def sound_key(word: str) -> str:
    """A rough consonant skeleton: "botulinum" and "bachelonum" both give "ptlnm".

    For judging whether a recogniser's odd spelling of a rare word ("Estonia"
    for "dystonia") is the word it heard; not a general phonetic algorithm.
    """
    key = word.lower()
    for pattern, replacement in _SOUND_STEPS:
        key = pattern.sub(replacement, key)
    return key
