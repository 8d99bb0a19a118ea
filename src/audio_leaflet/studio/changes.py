"""The changes staff make in the studio, as text: a script's lines, the project's lexicon.

Each function takes a file's text and gives the new text, refusing (with a
StudioError naming the fix) what would lose or break something: a sentence
with nothing to say, one that would read as a comment or a pause, a lexicon
that would not load, the last sentence of a section. Nothing here touches a
file; `studio.desk` writes what these return, and keeps the text it replaced
so that the change can be undone.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.errors import AudioLeafletError, NarrationError
from audio_leaflet.narrate.script import is_speech_line, parse_script, says_something

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{0,39}")
"""A word a lexicon entry can be for."""
RESPELLING = re.compile(r"[A-Za-z][A-Za-z' -]{0,59}")
"""A respelling as the lexicon's `say` takes it ("dis-TOH-nee-uh")."""


class StudioError(AudioLeafletError):
    """Something staff asked for that cannot be done; the message says why."""

    busy = False
    """True when it cannot be done only because other work is running (a build)."""


class NotFound(StudioError):
    """An address names a leaflet, sentence, version or file the studio does not have
    (or cannot have: a name no leaflet could get)."""


class Busy(StudioError):
    """A build is running: wait for it."""

    busy = True


# --------------------------------------------------------------------------
# a chapter's script: one sentence a line
# --------------------------------------------------------------------------


def _speech_line_numbers(lines: list[str]) -> list[int]:
    """Which lines of a script are sentences (not comments, blank lines or pauses)."""
    return [number for number, line in enumerate(lines) if is_speech_line(line)]


def checked_sentence(text: str) -> str:
    """A sentence as staff typed it, on one line; StudioError when it cannot be one."""
    text = " ".join(text.split())
    if not says_something(text):
        # "…", a zero-width space or a soft hyphen would be a sentence with no sound.
        raise StudioError(
            "A sentence must have words to say (letters or digits): write it in words, "
            "or delete the sentence instead."
        )
    if not is_speech_line(text):
        # In a script, "# ..." is a comment and "[...]" a pause: the sentence would vanish.
        raise StudioError("A sentence cannot start with # or [: write it in words.")
    return text


def _checked_script(text: str, path: Path) -> str:
    try:
        parse_script(text, path)
    except NarrationError as error:
        raise StudioError(str(error)) from error
    return text


def sentence_changed(script: str, path: Path, index: int, text: str) -> str:
    """The script with sentence `index` (from 0) said as `text`."""
    lines = script.splitlines()
    at = _speech_line_numbers(lines)
    if not 0 <= index < len(at):
        raise NotFound("No such sentence in this section.")
    lines[at[index]] = checked_sentence(text)
    return _checked_script("\n".join(lines) + "\n", path)


def sentence_added(script: str, path: Path, after: int, text: str) -> str:
    """The script with `text` said after sentence `after` (-1: before the first)."""
    lines = script.splitlines()
    at = _speech_line_numbers(lines)
    if not -1 <= after < len(at):
        raise NotFound("No such sentence in this section.")
    where = at[after] + 1 if after >= 0 else (at[0] if at else len(lines))
    lines.insert(where, checked_sentence(text))
    return _checked_script("\n".join(lines) + "\n", path)


def sentence_deleted(script: str, path: Path, index: int) -> str:
    """The script without sentence `index`; a section keeps at least one sentence."""
    lines = script.splitlines()
    at = _speech_line_numbers(lines)
    if not 0 <= index < len(at):
        raise NotFound("No such sentence in this section.")
    if len(at) == 1:
        raise StudioError(
            "A section must say something: change its last sentence instead, or leave its "
            "heading out in the outline."
        )
    del lines[at[index]]
    return _checked_script("\n".join(lines) + "\n", path)


# --------------------------------------------------------------------------
# the project's lexicon
# --------------------------------------------------------------------------

_HEADER = re.compile(r"^\[\s*words\s*\.\s*(?P<key>\"[^\"]*\"|'[^']*'|[A-Za-z0-9_-]+)\s*\]\s*$")


def checked_entry(word: str, say: str) -> tuple[str, str]:
    """A lexicon word and its respelling as staff typed them; StudioError when unusable."""
    word, say = word.strip(), " ".join(say.split())
    if not WORD.fullmatch(word):
        raise StudioError(
            "A lexicon word is one word of letters (apostrophes and hyphens allowed)."
        )
    if not RESPELLING.fullmatch(say):
        raise StudioError(
            "A respelling is letters, spaces and hyphens, with the stressed part in "
            'capitals: "dis-TOH-nee-uh".'
        )
    return word.lower().replace("’", "'"), say


def _commented(text: str, word: str, why: str) -> list[str]:
    """`text`'s lines with `word`'s entry turned into comments (nothing staff wrote lost)."""
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            inside = match["key"].strip("\"'").lower() == word
            if inside:
                kept.append(f"# {why} in audio-leaflet studio on {dt.date.today().isoformat()}:")
        elif line.startswith("["):
            inside = False
        kept.append(f"# {line}" if inside and line.strip() else line)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def with_entry(text: str, word: str, say: str) -> str:
    """Lexicon TOML `text` with `word` said as `say`. An entry the word had is kept,
    commented out, so that nothing staff wrote (an IPA, a note) is lost."""
    kept = _commented(text, word, "Replaced")
    block = [f"[words.{json.dumps(word)}]", f"say = {json.dumps(say)}"]
    if not kept:
        kept = ["# Pronunciations added in audio-leaflet studio (and by hand)."]
    return "\n".join([*kept, "", *block]) + "\n"


def without_entry(text: str, word: str) -> str:
    """Lexicon TOML `text` with `word`'s entry commented out (removed, but kept to read)."""
    if not any(
        (m := _HEADER.match(line)) and m["key"].strip("\"'").lower() == word
        for line in text.splitlines()
    ):
        raise NotFound(f"The project lexicon has no entry for {word!r}.")
    return "\n".join(_commented(text, word, "Removed")) + "\n"


@dataclass(frozen=True)
class Change:
    """One change to a file, kept so that it can be undone."""

    what: str
    """What was changed, in words ("the sentence 3 of section 2")."""
    path: Path
    """The file changed."""
    before: str | None
    """Its text before, or None when the change made it."""
