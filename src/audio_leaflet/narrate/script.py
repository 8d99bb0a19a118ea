"""Narration scripts on disk: `narration/<slug>/NN-<chapter-slug>.txt` (docs/formats.md,
docs/formats.md).

A script is the text staff proofread and may edit before any audio exists. A script
is "edited by hand" when the sha256 of its normalised body differs from the
`generated-sha256` in its header; such a script is never overwritten silently
(issue 2): without `force` it is kept and reported, with `force` it is backed up
first. Every write goes to a temporary file that replaces the script at once, so
an interrupted run never leaves half a script.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from audio_leaflet.errors import NarrationError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.model import (
    LAST_UPDATED_PLACEHOLDER,
    RECORDED_ON_PLACEHOLDER,
    TOTAL_LENGTH_PLACEHOLDER,
    Chapter,
    Line,
    Narration,
    Pause,
    Speech,
)
from audio_leaflet.narrate.chapters import PARAGRAPH_PAUSE_MS

SCRIPT_SUFFIX = ".txt"
PREAMBLE = (
    "# audio-leaflet narration script. Edit the sentences below to change what is said.",
    "# One sentence per line. A blank line is a pause of about a second; "
    "[pause 2s] is a longer one.",
    "# Lines starting with # are not spoken.",
    "# Numbers, dates and addresses are written in words, exactly as the voice will say them.",
)
MAX_PAUSE_MS = 30_000
"""The longest explicit pause a script may ask for."""

_FIELD = re.compile(r"^#\s*(?P<key>[a-z0-9-]+)\s*:\s*(?P<value>.*?)\s*$")
_CHAPTER_FIELD = re.compile(r"^(\d+)\s+of\s+(\d+)$")
_PAUSE = re.compile(
    r"^\[\s*pause\s+(?P<amount>\d+(?:\.\d+)?)\s*(?P<unit>ms|s|secs?|seconds?)\s*\]$", re.IGNORECASE
)
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_KNOWN_PLACEHOLDER = re.compile(
    "|".join(
        [
            re.escape(TOTAL_LENGTH_PLACEHOLDER),
            re.escape(LAST_UPDATED_PLACEHOLDER),
            re.escape(RECORDED_ON_PLACEHOLDER),
            r"\{length of section \d+\}",
        ]
    )
)


@dataclass(frozen=True)
class ParsedScript:
    """A narration script read back from its file."""

    path: Path
    """The file it was read from, for messages."""
    leaflet: str | None
    """The `leaflet:` header: the leaflet's title."""
    chapter: int | None
    """The chapter number from the `chapter: N of M` header."""
    chapters: int | None
    """The chapter count from the `chapter: N of M` header."""
    title: str | None
    """The `title:` header: the chapter's title."""
    source_sha256: str | None
    """The `source-sha256:` header: the leaflet file the script was generated from."""
    generated_sha256: str | None
    """The `generated-sha256:` header: the body as it was generated; None when missing."""
    body_sha256: str
    """sha256 of the body as it is now, normalised."""
    lines: tuple[Line, ...]
    """What the script says, sentence by sentence, with its pauses."""
    edited: bool
    """True when the body differs from what was generated (or the header is missing)."""


@dataclass(frozen=True)
class ScriptWriteResult:
    """What `write_scripts` did to each file, for the command to report."""

    written: tuple[Path, ...]
    """Scripts created or rewritten from the leaflet."""
    unchanged: tuple[Path, ...]
    """Scripts already exactly as they would be written, left untouched."""
    kept_edited: tuple[Path, ...]
    """Scripts edited by hand and left as they are (write again with force to replace them)."""
    backups: tuple[Path, ...]
    """Copies of hand-edited scripts made before force replaced or removed them."""
    removed: tuple[Path, ...]
    """Generated scripts of chapters that no longer exist, deleted."""
    orphans: tuple[Path, ...]
    """Hand-edited scripts of chapters that no longer exist, left in place."""


# --------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------


def _pause_text(ms: int) -> str:
    if ms % 1000 == 0:
        return f"[pause {ms // 1000}s]"
    if ms > 1000 and ms % 100 == 0:
        return f"[pause {ms / 1000:g}s]"
    return f"[pause {ms}ms]"


def _merged(lines: tuple[Line, ...]) -> list[Line]:
    """Consecutive pauses as one, so that what is rendered reads back the same."""
    merged: list[Line] = []
    for line in lines:
        if isinstance(line, Pause) and merged and isinstance(merged[-1], Pause):
            merged[-1] = Pause(merged[-1].ms + line.ms)
        else:
            merged.append(line)
    return merged


def render_body(lines: tuple[Line, ...]) -> str:
    """The body of a script: a sentence per line, a blank line for a paragraph pause."""
    merged = _merged(lines)
    out: list[str] = []
    for i, line in enumerate(merged):
        if isinstance(line, Speech):
            text = line.text
            if "\n" in text or text.startswith(("#", "[")) or not text.strip():
                raise NarrationError(
                    f"Cannot write the sentence {text!r} to a script: a sentence must be one "
                    "line that does not start with # or [. This is a bug in narration."
                )
            out.append(text.strip())
        elif line.ms == PARAGRAPH_PAUSE_MS and 0 < i < len(merged) - 1:
            out.append("")
        else:
            # At the very start or end a blank line would be lost: say it explicitly.
            out.append(_pause_text(line.ms))
    return "\n".join(out) + "\n"


def body_sha256(body: str) -> str:
    """sha256 of a script body, normalised (trailing spaces, final newline; docs/formats.md)."""
    return hashlib.sha256(_normalised_body(body.splitlines()).encode("utf-8")).hexdigest()


def _normalised_body(lines: list[str]) -> str:
    stripped = [line.rstrip() for line in lines]
    while stripped and not stripped[0]:
        stripped.pop(0)
    while stripped and not stripped[-1]:
        stripped.pop()
    return "\n".join(stripped) + "\n"


def _header_value(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def render_script(chapter: Chapter, narration: Narration, source_sha256: str) -> str:
    """The full text of a chapter's script file: header, blank line, body."""
    body = render_body(chapter.lines)
    header = [
        *PREAMBLE,
        f"# leaflet: {_header_value(narration.title)}",
        f"# chapter: {chapter.number} of {len(narration.chapters)}",
        f"# title: {_header_value(chapter.title)}",
        f"# source-sha256: {source_sha256}",
        f"# generated-sha256: {body_sha256(body)}",
    ]
    return "\n".join(header) + "\n\n" + body


# --------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------


def _pause_ms(match: re.Match[str]) -> int:
    amount = float(match.group("amount"))
    return round(amount if match.group("unit").lower() == "ms" else amount * 1000)


def _check_speech(text: str, where: str) -> None:
    if not says_something(_PLACEHOLDER.sub("", text)) and not _PLACEHOLDER.search(text):
        raise NarrationError(
            f"{where}: {text!r} has no words to say (no letters or digits); write it in "
            "words, or delete the line."
        )
    if re.search(r"\[\s*pause\b", text, re.IGNORECASE):
        raise NarrationError(f"{where}: put [pause ...] on a line of its own.")
    for placeholder in _PLACEHOLDER.findall(text):
        if not _KNOWN_PLACEHOLDER.fullmatch(placeholder):
            raise NarrationError(
                f"{where}: unknown placeholder {placeholder}; the known ones are "
                f"{TOTAL_LENGTH_PLACEHOLDER}, {RECORDED_ON_PLACEHOLDER} and "
                "{length of section N}. Write the words instead."
            )
    if re.search(r"[{}]", _PLACEHOLDER.sub("", text)):
        raise NarrationError(f"{where}: unmatched brace; remove it or write a whole placeholder.")


def parse_script(text: str, path: Path | str) -> ParsedScript:
    """Read a script's header fields and lines; a bad line raises NarrationError naming it.

    Blank lines between sentences (however many) are one paragraph pause; a
    `[pause 2s]` or `[pause 500ms]` line is an explicit pause that takes the place
    of the blank lines around it.
    """
    path = Path(path)
    raw = text.removeprefix("\ufeff").splitlines()
    fields: dict[str, str] = {}
    header_end = 0
    for number, line in enumerate(raw):
        if not line.startswith("#"):
            break
        header_end = number + 1
        if match := _FIELD.match(line):
            fields[match.group("key")] = match.group("value")
    chapter = chapters = None
    if "chapter" in fields:
        counts = _CHAPTER_FIELD.match(fields["chapter"])
        if counts is None:
            raise NarrationError(
                f"{path}: the header line '# chapter: {fields['chapter']}' should read "
                "'# chapter: N of M'; fix it or delete the file to regenerate it."
            )
        chapter, chapters = int(counts.group(1)), int(counts.group(2))

    lines: list[Line] = []
    blank = False
    after_explicit = False
    for number, line in enumerate(raw[header_end:], header_end + 1):
        content = line.strip()
        where = f"{path}, line {number}"
        if not content:
            blank = True
        elif content.startswith("#"):
            continue
        elif content.startswith("["):
            match = _PAUSE.match(content)
            if match is None:
                raise NarrationError(
                    f"{where}: cannot read {content!r}; write a pause as [pause 2s] or "
                    "[pause 500ms] on a line of its own."
                )
            ms = _pause_ms(match)
            if not 0 < ms <= MAX_PAUSE_MS:
                raise NarrationError(
                    f"{where}: a pause must be longer than 0 and at most "
                    f"{MAX_PAUSE_MS // 1000}s; {content!r} is not."
                )
            lines.append(Pause(ms))
            blank, after_explicit = False, True
        else:
            _check_speech(content, where)
            if blank and lines and not after_explicit:
                lines.append(Pause(PARAGRAPH_PAUSE_MS))
            lines.append(Speech(content))
            blank, after_explicit = False, False

    body_hash = hashlib.sha256(_normalised_body(raw[header_end:]).encode("utf-8")).hexdigest()
    generated = fields.get("generated-sha256")
    return ParsedScript(
        path=path,
        leaflet=fields.get("leaflet"),
        chapter=chapter,
        chapters=chapters,
        title=fields.get("title"),
        source_sha256=fields.get("source-sha256"),
        generated_sha256=generated,
        body_sha256=body_hash,
        lines=tuple(lines),
        edited=generated != body_hash,
    )


def says_something(text: str) -> bool:
    """Whether text has something to say: a letter or a digit. "…", "★★★", an emoji or a
    zero-width space alone would be a sentence with no sound."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def is_speech_line(line: str) -> bool:
    """Whether a script line is a sentence, as `parse_script` reads it (not a comment,
    header, blank line or pause)."""
    content = line.strip()
    return bool(content) and not content.startswith(("#", "["))


def read_script(path: Path) -> ParsedScript:
    """Parse the script at `path`; a file that is not UTF-8 raises NarrationError."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise NarrationError(
            f"{path} is not UTF-8 text (byte {error.start}): save it as UTF-8, "
            "or delete it to regenerate it from the leaflet."
        ) from error
    except OSError as error:
        raise NarrationError(f"Cannot read {path}: {error.strerror}.") from error
    return parse_script(text, path)


# --------------------------------------------------------------------------
# writing and loading
# --------------------------------------------------------------------------


def script_path(folder: Path, chapter: Chapter) -> Path:
    """Where a chapter's script lives in a leaflet's script folder."""
    return folder / f"{chapter.slug}{SCRIPT_SUFFIX}"


def _backup(path: Path) -> Path:
    """Copy `path` to `path.bak`, or `path.2.bak`, ... so that no earlier backup is lost."""
    backup = path.with_name(path.name + ".bak")
    number = 2
    while backup.exists():
        backup = path.with_name(f"{path.name}.{number}.bak")
        number += 1
    shutil.copy2(path, backup)
    return backup


def _edited(path: Path) -> bool:
    """Whether an existing file must be treated as a person's work."""
    try:
        return read_script(path).edited
    except NarrationError:
        return True  # unreadable or malformed: somebody else's text, never ours to lose


def _is_script_name(path: Path) -> bool:
    return re.fullmatch(r"\d{2,}-[a-z0-9-]+\.txt", path.name) is not None


def write_scripts(
    narration: Narration, folder: Path, *, source_sha256: str, force: bool = False
) -> ScriptWriteResult:
    """Write every chapter's script into `folder` (the leaflet's own `narration/<slug>`).

    A hand-edited script is kept and reported in `kept_edited`; with `force` it is copied to
    a `.bak` file first and then replaced. Scripts of chapters that no longer exist
    are removed unless edited (with `force`, edited ones are backed up, then removed).
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise NarrationError(
            f"Cannot create the narration folder {folder}: {error.strerror}. "
            "Choose another with --narration-dir."
        ) from error
    written: list[Path] = []
    unchanged: list[Path] = []
    kept_edited: list[Path] = []
    backups: list[Path] = []
    wanted = set()
    for chapter in narration.chapters:
        path = script_path(folder, chapter)
        wanted.add(path.name)
        text = render_script(chapter, narration, source_sha256)
        if path.exists():
            if path.read_bytes() == text.encode("utf-8"):
                unchanged.append(path)
                continue
            same_body = _same_body(path, text)
            if not same_body and _edited(path):
                if not force:
                    kept_edited.append(path)
                    continue
                backups.append(_backup(path))
        write_atomic(path, text, durable=True)
        written.append(path)

    removed: list[Path] = []
    orphans: list[Path] = []
    for path in sorted(folder.glob(f"*{SCRIPT_SUFFIX}")):
        if path.name in wanted or not _is_script_name(path):
            continue
        if _edited(path):
            if not force:
                orphans.append(path)
                continue
            backups.append(_backup(path))
        path.unlink()
        removed.append(path)
    return ScriptWriteResult(
        written=tuple(written),
        unchanged=tuple(unchanged),
        kept_edited=tuple(kept_edited),
        backups=tuple(backups),
        removed=tuple(removed),
        orphans=tuple(orphans),
    )


def _same_body(path: Path, new_text: str) -> bool:
    """True when the file already says what would be written (only its header differs)."""
    try:
        old = read_script(path)
    except NarrationError:
        return False
    return old.body_sha256 == parse_script(new_text, path).body_sha256


def load_scripts(narration: Narration, folder: Path) -> tuple[Narration, list[str]]:
    """The narration to synthesize: hand-edited scripts in `folder` win over the leaflet.

    Returns the narration and warnings: an edited script whose chapter changed in
    the leaflet since (its generated-sha256 is not what would be generated now), and
    edited scripts whose chapter no longer exists.
    """
    chapters: list[Chapter] = []
    warnings: list[str] = []
    wanted = set()
    for chapter in narration.chapters:
        path = script_path(folder, chapter)
        wanted.add(path.name)
        if not path.is_file():
            chapters.append(chapter)
            continue
        parsed = read_script(path)
        if not parsed.edited:
            chapters.append(chapter)
            continue
        if not any(isinstance(line, Speech) for line in parsed.lines):
            raise NarrationError(
                f"{path} has no sentences left: write what should be said, "
                "or delete the file to regenerate it from the leaflet."
            )
        now = body_sha256(render_body(chapter.lines))
        if parsed.generated_sha256 is None:
            warnings.append(
                f"{path} has no generated-sha256 header, so it is taken as edited by hand "
                "and used as written."
            )
        elif parsed.generated_sha256 != now:
            warnings.append(
                f"{path} was edited by hand, but the leaflet's text for '{chapter.title}' has "
                "changed since: the edited script is used; compare it with the leaflet, or "
                "delete it to regenerate it."
            )
        chapters.append(dataclasses.replace(chapter, lines=parsed.lines))
    if folder.is_dir():
        for path in sorted(folder.glob(f"*{SCRIPT_SUFFIX}")):
            if path.name not in wanted and _is_script_name(path) and _edited(path):
                warnings.append(
                    f"{path} was edited by hand, but its chapter is no longer in the leaflet: "
                    "it is not used. Move its edits into the new scripts, then delete it."
                )
    return dataclasses.replace(narration, chapters=tuple(chapters)), warnings
