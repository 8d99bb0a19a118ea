"""What the listening check found: thresholds, problems, per-chapter figures, the report."""

from __future__ import annotations

import dataclasses
import enum
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audio_leaflet.errors import UsageError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.publish import check_report_file
from audio_leaflet.wording import counted


@dataclass(frozen=True)
class Thresholds:
    """Limits a bundle must keep. These defaults are Piper's; `thresholds_for` gives each
    engine's, measured on the seed leaflet and the built-in sample (package docstring)."""

    max_word_error_rate: float = 0.25
    """Highest word error rate allowed per chapter (canonical words, digits one each).
    Measured with Piper: good chapters 0.01 to 0.10, a chapter cut to half 0.50, another
    chapter's audio 0.81, silence 0.98. espeak-ng: see `ENGINE_THRESHOLDS`."""
    loudness_lufs: float = -19.0
    """Integrated loudness target for mono speech (docs/formats.md, "Audio and tags")."""
    loudness_tolerance_lu: float = 1.0
    """Allowed distance from the target: a re-measure of MP3 may be 0.5 LU off."""
    max_true_peak_dbtp: float = -1.0
    """Highest true peak allowed."""
    max_silence_s: float = 4.0
    """Longest silence allowed that the narration's pauses do not explain."""
    silence_below_dbfs: float = -50.0
    """A 20 ms frame quieter than this counts as silence."""
    min_wpm: float = 100.0
    """Slowest pace allowed: spoken words per minute of the file between its edge silences."""
    max_wpm: float = 200.0
    """Fastest pace allowed (a chapter cut short speaks its words "faster")."""
    max_duration_difference_ms: int = 100
    """Largest difference between a file's decoded length and the manifest's duration_ms."""
    max_marker_drift_ms: int = 50
    """Largest difference between a chapter marker's start and where the chapter starts."""
    announcement_window_s: float = 12.0
    """ "Section N" must be heard this soon after a chapter starts ("End of ..." this close to
    its end)."""
    min_sentence_heard: float = 0.5
    """Share of a sentence's words that must be heard (sentences of four words or more);
    a voice that drops or truncates a sentence falls below it. Measured at worst on the
    first listening: Piper 0.64, espeak-ng 0.20 ("tiredness or flu-like symptoms for a day
    or two" heard "Tied us off blue eye symptoms for an A4 II"); every such sentence was
    heard on the second, careful listening. A sentence cut to its first third: 0.36."""
    min_title_similarity: float = 0.7
    """How closely (0 to 1, by spelling) some stretch of the introduction must match each
    section title ("Overview" heard as "over new" is 0.8)."""
    min_lexicon_similarity: float = 0.75
    """Similarity (0 to 1, by spelling or by consonants) at which a heard word counts as a
    lexicon word: tiny.en writes "dystonia" as "Estonia" and "botulinum" as "bachelonum"."""
    min_whole_file_correlation: float = 0.8
    """How closely the whole-leaflet file's loudness envelope must follow each chapter file."""
    clipped_run_samples: int = 3
    """Consecutive full-scale samples that count as clipping."""
    critical_added_fails: bool = False
    """Whether a digit or negation heard but not in the narration fails the check. Off by
    default: a voice does not invent digits, while tiny.en repeats them ("123. 3.")."""
    lexicon_misheard_fails: bool = True
    """Whether a lexicon word that the recogniser wrote as other words, on both listenings,
    fails the check. When False it is a warning, and in judging its sentence and the
    introduction's titles it counts as heard; a lexicon word with nothing heard in its
    place still fails. Off for espeak-ng only (`ENGINE_THRESHOLDS`)."""

    def to_json(self) -> dict[str, Any]:
        """The thresholds as plain JSON values."""
        return dataclasses.asdict(self)


ENGINE_THRESHOLDS: Mapping[str, Mapping[str, Any]] = {
    # Measured with `audio-leaflet build --no-check` and `check_bundle` (no transcript
    # cache) on the seed leaflet and the built-in sample, 8 chapters each:
    # - word error rate per chapter: Piper 0.01 to 0.10; espeak-ng 0.08 to 0.22 (seed)
    #   and 0.10 to 0.35 (sample: "w w w" heard "ww au au au au", "End of leaflet" heard
    #   "And don't leave it", "botulinum" heard "your item"), the same in three builds.
    #   With espeak-ng a chapter cut to half is 0.59, another chapter's audio 0.90
    #   (tests/test_check_bundle.py).
    # - lexicon words: tiny.en never hears espeak-ng's "botulinum", however it is said
    #   (its phonemes are the lexicon's, tests/test_engines_espeak.py), nor 5 other of the
    #   24 built-in words (tests/test_engines_espeak_listening.py). Piper's are heard.
    # Digits and negations fail the check with every engine.
    "espeak": {"max_word_error_rate": 0.45, "lexicon_misheard_fails": False},
}
"""Per engine (the manifest's engine name), the defaults that differ from `Thresholds()`.
Engines not listed (piper, hibari, gtts) take `Thresholds()` as it is: hibari's chapters
measured 0.00 to 0.10 (seed and sample, scripts/compare_voices.py)."""

ENGINES = ("espeak", "gtts", "hibari", "piper")
"""Engine names a `[check.<engine>]` table may name."""


def threshold_keys() -> tuple[str, ...]:
    """The names of the thresholds staff may set, in order."""
    return tuple(f.name for f in dataclasses.fields(Thresholds))


def thresholds_for(engine: str | None, overrides: Mapping[str, Any] | None = None) -> Thresholds:
    """The limits for a bundle spoken by `engine`: its defaults (`ENGINE_THRESHOLDS`),
    then the project's `overrides`: threshold keys for every engine, and per-engine
    tables (`{"max_word_error_rate": 0.3, "espeak": {"max_word_error_rate": 0.5}}`)
    as `check_overrides` returns them from the `[check]` table of audio-leaflet.toml.
    """
    values: dict[str, Any] = dict(ENGINE_THRESHOLDS.get(engine or "", {}))
    overrides = overrides or {}
    values.update({k: v for k, v in overrides.items() if k not in ENGINES})
    own = overrides.get(engine or "")
    if isinstance(own, Mapping):
        values.update(own)
    return dataclasses.replace(Thresholds(), **values)


def check_overrides(table: Mapping[str, Any], where: str) -> dict[str, Any]:
    """The `[check]` table of a project file, checked: threshold keys with values of the
    right type, and `[check.<engine>]` tables of them. `where` names the file in errors.

    Keys may be written with dashes or underscores (`max-word-error-rate`).
    """
    return _check_table(table, where, "check", engines=True)


def _check_table(table: Mapping[str, Any], where: str, name: str, engines: bool) -> dict[str, Any]:
    defaults = Thresholds()
    checked: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = str(raw_key).replace("-", "_")
        if engines and key in ENGINES:
            if not isinstance(value, Mapping):
                raise UsageError(f"{where}: [{name}] {raw_key} must be a table, [{name}.{key}]")
            checked[key] = _check_table(value, where, f"{name}.{key}", engines=False)
            continue
        if key not in threshold_keys():
            valid = ", ".join(k.replace("_", "-") for k in threshold_keys())
            tables = (
                f"; or a table [{name}.espeak], [{name}.gtts], [{name}.hibari] or [{name}.piper]"
            )
            raise UsageError(
                f"{where}: unknown key '{raw_key}' in [{name}]. Valid keys: {valid}"
                f"{tables if engines else ''}"
            )
        checked[key] = _checked_value(getattr(defaults, key), value, where, name, str(raw_key))
    return checked


def _checked_value(default: Any, value: Any, where: str, name: str, key: str) -> Any:
    """`value` if it has the type of `default` (an int is a fine float), else UsageError."""
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        wanted = "true or false"
    elif isinstance(default, int):
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        wanted = f"a whole number such as {default}"
    else:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        wanted = f"a number such as {default}"
    raise UsageError(f"{where}: [{name}] {key} must be {wanted}, not {value!r}")


class Severity(enum.Enum):
    """Whether a problem fails the check."""

    ERROR = "error"
    """Fails the check: the bundle must not be published."""
    WARNING = "warning"
    """Worth a look; does not fail the check."""


class ProblemKind(enum.Enum):
    """What kind of problem was found."""

    WORD_ERRORS = "word-errors"
    """Too many words heard differently from the narration."""
    NUMBER = "number"
    """A number or a phone number's digit missing, changed or added."""
    NEGATION = "negation"
    """A negation (not, never, no, ...) missing, changed or added."""
    LEXICON_WORD = "lexicon-word"
    """A word from the pronunciation lexicon not heard."""
    SENTENCE = "sentence"
    """Most of a sentence not heard: dropped or cut short by the voice."""
    ANNOUNCEMENT = "announcement"
    """A chapter does not say "Section N of M" at its start or "End of ..." at its end."""
    INTRODUCTION = "introduction"
    """The introduction does not name the leaflet or one of its sections."""
    LOUDNESS = "loudness"
    """Integrated loudness off target."""
    TRUE_PEAK = "true-peak"
    """True peak too high."""
    SILENCE = "silence"
    """A silence the narration does not explain."""
    CLIPPING = "clipping"
    """Runs of full-scale samples."""
    EMPTY = "empty"
    """A file with no audio."""
    PACE = "pace"
    """A file's length does not fit the number of words it should say."""
    DURATION = "duration"
    """A file's length differs from the manifest."""
    CHAPTER_MARKERS = "chapter-markers"
    """The whole file's chapter markers disagree with the chapter files or the manifest."""
    WHOLE_FILE = "whole-file"
    """The whole-leaflet file's audio differs from a chapter file."""
    CHECKSUM = "checksum"
    """A file's checksum or size differs from the manifest."""
    MISSING_FILE = "missing-file"
    """A file the manifest names is not there."""
    UNLISTED_FILE = "unlisted-file"
    """A file in the bundle that the manifest does not list with its checksum."""
    FEED = "feed"
    """The podcast feed's enclosure disagrees with the file."""
    MANIFEST = "manifest"
    """manifest.json is missing, unreadable or incomplete."""


def mmss(seconds: float) -> str:
    """ "01:23" for 83.4 s; hours when needed ("1:02:03")."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bundle, located as precisely as known."""

    kind: ProblemKind
    """What kind of problem."""
    message: str
    """One sentence saying what is wrong (and, where useful, what to do)."""
    severity: Severity = Severity.ERROR
    """Whether it fails the check."""
    chapter: int | None = None
    """Chapter number, or None for the bundle as a whole."""
    chapter_title: str | None = None
    """Chapter title, or None."""
    file: str | None = None
    """The bundle file concerned, or None."""
    time_s: float | None = None
    """Where in `file` it is heard, seconds; None when it concerns the whole file."""
    expected: str = ""
    """What the narration (or manifest) says there."""
    heard: str = ""
    """What was heard (or found) instead."""

    @property
    def where(self) -> str:
        """ "chapter 3 'Talking therapies' at 01:23" or "bundle"."""
        if self.chapter is not None:
            place = f"chapter {self.chapter} '{self.chapter_title}'"
        elif self.file:
            place = self.file
        else:
            place = "bundle"
        if self.time_s is not None:
            place += f" at {mmss(self.time_s)}"
        return place

    def render(self) -> str:
        """One line for people."""
        line = f"{self.severity.value.upper()} {self.kind.value}: {self.where}: {self.message}"
        if self.expected or self.heard:
            line += f' (expected "{self.expected}", heard "{self.heard}")'
        return line

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values."""
        return {
            "kind": self.kind.value,
            "severity": self.severity.value,
            "chapter": self.chapter,
            "chapter_title": self.chapter_title,
            "file": self.file,
            "time_s": None if self.time_s is None else round(self.time_s, 2),
            "time": None if self.time_s is None else mmss(self.time_s),
            "message": self.message,
            "expected": self.expected,
            "heard": self.heard,
        }

    def to_finding(self) -> dict[str, Any]:
        """`to_json` with the one line for people as "text": how a refused bundle's
        findings are kept (`versions.keep_refused`) and listed by the studio."""
        return {**self.to_json(), "text": self.render()}


@dataclass(frozen=True)
class WordDifference:
    """A stretch where the words heard differ from the narration (informational)."""

    edit: str
    """ "missing", "added" or "changed"."""
    expected: str
    """The narration's words there ("" when words were added)."""
    heard: str
    """The words heard there ("" when words are missing)."""
    time_s: float
    """Where in the chapter file, seconds."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values."""
        return {
            "edit": self.edit,
            "expected": self.expected,
            "heard": self.heard,
            "time_s": round(self.time_s, 2),
            "time": mmss(self.time_s),
        }


@dataclass(frozen=True)
class ChapterResult:
    """Figures for one chapter file."""

    number: int
    """Chapter number."""
    title: str
    """Chapter title."""
    file: str
    """Chapter file name."""
    duration_s: float = 0.0
    """Decoded length of the file."""
    words_expected: int = 0
    """Canonical words in the narration."""
    words_heard: int = 0
    """Canonical words recognised."""
    word_error_rate: float | None = None
    """Word error rate; None when speech was not checked."""
    critical_words: int = 0
    """Digits, negations and lexicon words checked."""
    loudness_lufs: float | None = None
    """Integrated loudness."""
    true_peak_dbtp: float | None = None
    """True peak."""
    wpm: float | None = None
    """Spoken words per minute between the edge silences."""
    differences: tuple[WordDifference, ...] = ()
    """Where the words heard differ from the narration."""
    heard_text: str = ""
    """Everything the recogniser wrote, for a person to read."""

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values."""

        def rounded(value: float | None, digits: int) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "number": self.number,
            "title": self.title,
            "file": self.file,
            "duration_s": round(self.duration_s, 3),
            "words_expected": self.words_expected,
            "words_heard": self.words_heard,
            "word_error_rate": rounded(self.word_error_rate, 3),
            "critical_words": self.critical_words,
            "loudness_lufs": rounded(self.loudness_lufs, 1),
            "true_peak_dbtp": rounded(self.true_peak_dbtp, 1),
            "wpm": rounded(self.wpm, 1),
            "differences": [d.to_json() for d in self.differences],
            "heard_text": self.heard_text,
        }


# How many problems of one kind per chapter the text report lists before
# summing up the rest (a swapped chapter fails dozens of words).
_TEXT_LIMIT = 5


@dataclass(frozen=True)
class CheckReport:
    """Everything the listening check found in one bundle."""

    bundle: Path
    """The bundle folder checked."""
    title: str
    """The leaflet's title (from the manifest)."""
    recogniser: str
    """Which recogniser listened."""
    thresholds: Thresholds
    """The limits applied."""
    engine: str | None = None
    """The speech engine the manifest names (the limits depend on it), or None."""
    chapters: tuple[ChapterResult, ...] = ()
    """Figures per chapter, in order."""
    problems: tuple[Problem, ...] = ()
    """Everything found wrong, in chapter and time order."""
    audio_seconds: float = 0.0
    """Seconds of chapter audio listened to."""
    check_seconds: float = 0.0
    """Wall-clock seconds the check took."""
    timings: dict[str, float] = field(default_factory=dict)
    """Seconds spent per stage (decode, loudness, recognition, ...)."""

    @property
    def passed(self) -> bool:
        """True when no problem is an error."""
        return not self.errors

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that fail the check."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """The problems that do not fail the check."""
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)

    def failed_chapters(self) -> tuple[int, ...]:
        """Numbers of the chapters with an error, in order."""
        return tuple(sorted({p.chapter for p in self.errors if p.chapter is not None}))

    def first_problem(self) -> str:
        """The first error in one line ("" when the check passed)."""
        return self.errors[0].render() if self.errors else ""

    def summary(self) -> str:
        """One line: passed or failed, counts, speed."""
        verdict = "passed" if self.passed else "FAILED"
        wers = [c.word_error_rate for c in self.chapters if c.word_error_rate is not None]
        wer = f", word error rate {max(wers):.2f} at worst" if wers else ""
        limit = f" (limit {self.thresholds.max_word_error_rate:.2f}" if wers else ""
        limit += f" for {self.engine})" if wers and self.engine else (")" if wers else "")
        speed = ""
        if self.audio_seconds > 0:
            speed = (
                f"; it took {self.check_seconds:.0f} s to hear "
                f"{_duration(self.audio_seconds)} of audio"
            )
        return (
            f"listening check {verdict}: {counted(len(self.chapters), 'chapter')}, "
            f"{counted(len(self.errors), 'error')}, {counted(len(self.warnings), 'warning')}"
            f"{wer}{limit}{speed}"
        )

    def to_json(self) -> dict[str, Any]:
        """The report as plain JSON values (`json.dumps` it)."""
        return {
            "bundle": str(self.bundle),
            "title": self.title,
            "passed": self.passed,
            "summary": self.summary(),
            "recogniser": self.recogniser,
            "engine": self.engine,
            "thresholds": self.thresholds.to_json(),
            "audio_seconds": round(self.audio_seconds, 2),
            "check_seconds": round(self.check_seconds, 2),
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "problems": [p.to_json() for p in self.problems],
            "chapters": [c.to_json() for c in self.chapters],
        }

    def render_text(self) -> str:
        """The report for people: problems first, then a line per chapter."""
        spoken = f", spoken by {self.engine}" if self.engine else ""
        lines = [f"Listening check of '{self.title}' ({self.bundle}{spoken})", self.summary(), ""]
        if self.problems:
            lines.append("Problems:")
            shown: Counter[tuple[int | None, ProblemKind]] = Counter()
            hidden: Counter[tuple[int | None, ProblemKind]] = Counter()
            for problem in self.problems:
                key = (problem.chapter, problem.kind)
                shown[key] += 1
                if shown[key] > _TEXT_LIMIT:
                    hidden[key] += 1
                    continue
                lines.append(f"  {problem.render()}")
            for (chapter, kind), count in hidden.items():
                where = f"chapter {chapter}" if chapter is not None else "the bundle"
                lines.append(
                    f"  ... and {counted(count, 'more ' + kind.value + ' problem')} in {where}"
                )
            lines.append("")
        lines.append(
            "Chapters (word error rate: share of words heard differently from the narration; "
            "pace: words a minute between the opening and closing silence, paragraph pauses "
            "included, so below the speaking rate the build aims at; "
            "checked words: numbers, negations and lexicon words):"
        )
        for c in self.chapters:
            wer = "-" if c.word_error_rate is None else f"{c.word_error_rate:.2f}"
            loud = "-" if c.loudness_lufs is None else f"{c.loudness_lufs:.1f} LUFS"
            peak = "-" if c.true_peak_dbtp is None else f"{c.true_peak_dbtp:.1f} dBTP"
            pace = "-" if c.wpm is None else f"pace {c.wpm:.0f}"
            lines.append(
                f"  {c.number:2d} {c.title[:40]:40s} {mmss(c.duration_s)}  word error rate {wer}  "
                f"{loud}  peak {peak}  {pace}  {counted(c.critical_words, 'checked word')}"
            )
            for difference in c.differences[:_TEXT_LIMIT]:
                lines.append(
                    f"       {mmss(difference.time_s)} {difference.edit}: "
                    f'expected "{difference.expected}", heard "{difference.heard}"'
                )
            if len(c.differences) > _TEXT_LIMIT:
                more = counted(len(c.differences) - _TEXT_LIMIT, "more difference")
                lines.append(f"       ... and {more}")
        return "\n".join(lines) + "\n"


def _duration(seconds: float) -> str:
    """ "45 s", "9 min 45 s"."""
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


def keep_report(report: CheckReport, out_dir: Path, slug: str) -> Path | None:
    """Write the report where staff look for it when it has something to say (a problem
    or a warning) and return its path; otherwise remove an earlier build's, now stale."""
    path = check_report_file(out_dir, slug)
    if report.problems or report.warnings:
        write_atomic(path, report.render_text())
        return path
    path.unlink(missing_ok=True)
    return None
