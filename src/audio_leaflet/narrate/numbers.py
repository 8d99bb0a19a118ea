"""Numbers in words, British style ("one hundred and sixteen"), written here because
num2words is not available (issue 2). Pure functions over ints and digit strings.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ONES = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _words("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
_SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))

# Irregular ordinals; every other one adds "th" (dropping a final "y" to "ie").
_ORDINAL_WORDS = {
    "one": "first",
    "two": "second",
    "three": "third",
    "five": "fifth",
    "eight": "eighth",
    "nine": "ninth",
    "twelve": "twelfth",
}

# Digits as they are read out one by one. "zero" everywhere, never "oh", so a
# phone number sounds the same each time it is said (docs/narration.md).
DIGIT_WORDS = dict(zip("0123456789", _ONES[:10], strict=True))


def _under_thousand(n: int) -> str:
    """Words for 0 < n < 1000, with the British "and" ("one hundred and six")."""
    hundreds, rest = divmod(n, 100)
    parts = []
    if hundreds:
        parts.append(f"{_ONES[hundreds]} hundred")
    if rest:
        if rest < 20:
            words = _ONES[rest]
        else:
            tens, ones = divmod(rest, 10)
            words = _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
        parts.append(words)
    return " and ".join(parts)


def cardinal(n: int) -> str:
    """A whole number in words: 116 -> "one hundred and sixteen".

    >>> cardinal(2_300_004)
    'two million three hundred thousand and four'
    """
    if n < 0:
        return f"minus {cardinal(-n)}"
    if n < 1000:
        return _ONES[n] if n < 20 else _under_thousand(n)
    parts: list[str] = []
    rest = n
    for value, name in _SCALES:
        if rest >= value:
            count, rest = divmod(rest, value)
            parts.append(f"{cardinal(count)} {name}")
    if rest:
        # British usage puts "and" before a last part under a hundred:
        # "one thousand and five", but "one thousand two hundred".
        parts.append(("and " if rest < 100 else "") + _under_thousand(rest))
    return " ".join(parts)


def ordinal(n: int) -> str:
    """An ordinal number in words: 1 -> "first", 22 -> "twenty-second"."""
    words = cardinal(n)
    head, sep, last = words.rpartition(" ")
    head_h, hyphen, last_h = last.rpartition("-")
    if last_h in _ORDINAL_WORDS:
        last_h = _ORDINAL_WORDS[last_h]
    elif last_h.endswith("y"):
        last_h = last_h[:-1] + "ieth"
    else:
        last_h += "th"
    return head + sep + head_h + hyphen + last_h


def year(n: int) -> str:
    """A year as it is said: 2026 -> "twenty twenty-six", 1905 -> "nineteen oh five"."""
    if not 1000 <= n <= 2999 or 2000 <= n <= 2009:
        return cardinal(n)
    century, rest = divmod(n, 100)
    if rest == 0:
        return f"{cardinal(century)} hundred"
    if rest < 10:
        # "oh" is how years are said ("nineteen oh five"); phone digits keep "zero".
        return f"{cardinal(century)} oh {_ONES[rest]}"
    return f"{cardinal(century)} {cardinal(rest)}"


def digits(text: str) -> str:
    """Each digit of `text` in words: "0300" -> "zero three zero zero"."""
    return " ".join(DIGIT_WORDS[ch] for ch in text if ch in DIGIT_WORDS)


def decimal(text: str) -> str:
    """A printed number with an optional decimal part: "2.5" -> "two point five".

    Thousands separators are ignored ("1,500" -> "one thousand five hundred").
    """
    whole, _, fraction = text.replace(",", "").partition(".")
    words = cardinal(int(whole or "0"))
    if fraction:
        words += " point " + digits(fraction)
    return words
