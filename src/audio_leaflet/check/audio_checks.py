"""Audio facts of one file and the checks on them: loudness, peak, silence, clipping, pace.

Each file is decoded at its own rate (44.1 kHz, docs/formats.md, "Audio and tags") and the
samples are looked at with numpy; ffmpeg's ebur128 filter measures loudness
and true peak (the same measurement assembly uses). The recogniser gets its
own 16 kHz decode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio_leaflet.check.report import Problem, ProblemKind, Severity, Thresholds, mmss
from audio_leaflet.errors import AudioError
from audio_leaflet.ffmpeg import OUTPUT_SAMPLE_RATE, decode_file, measure_ebur128
from audio_leaflet.model import Clip, Cue

SILENCE_FRAME_S = 0.02
"""Frame length for silence detection."""
ENVELOPE_FRAME_S = 0.01
"""Frame length of the loudness envelope used to compare two files."""
_FULL_SCALE = 32767 * 0.999
_FLOOR_DB = -90.0


@dataclass(frozen=True)
class Silence:
    """A stretch quieter than the silence threshold."""

    start_s: float
    """Start, seconds."""
    end_s: float
    """End, seconds."""

    @property
    def length_s(self) -> float:
        """Length, seconds."""
        return self.end_s - self.start_s


@dataclass(frozen=True)
class AudioFacts:
    """What one audio file is, measured."""

    duration_s: float
    """Decoded length."""
    loudness_lufs: float | None
    """Integrated loudness; None for an empty file."""
    true_peak_dbtp: float | None
    """True peak; None for an empty file."""
    silences: tuple[Silence, ...]
    """Silences of at least one second, in order."""
    clipped_runs: int
    """Runs of at least `Thresholds.clipped_run_samples` full-scale samples."""
    first_clip_s: float | None
    """Where the first clipped run starts."""
    envelope: np.ndarray = field(repr=False, compare=False)
    """RMS level in dB per 10 ms frame (floored at -90 dB)."""

    @property
    def lead_silence_s(self) -> float:
        """Silence before the first sound."""
        first = self.silences[0] if self.silences else None
        return first.length_s if first and first.start_s <= 0.001 else 0.0

    @property
    def trail_silence_s(self) -> float:
        """Silence after the last sound."""
        last = self.silences[-1] if self.silences else None
        return last.length_s if last and last.end_s >= self.duration_s - 0.001 else 0.0


def analyse_file(path: Path, thresholds: Thresholds) -> AudioFacts:
    """Decode `path` and measure it. Raises AudioError when ffmpeg cannot read it."""
    clip = decode_file(path, OUTPUT_SAMPLE_RATE)
    return analyse_clip(clip, thresholds)


def analyse_clip(clip: Clip, thresholds: Thresholds) -> AudioFacts:
    """Measure decoded audio."""
    samples = np.frombuffer(clip.pcm, dtype=np.int16)
    rate = clip.sample_rate
    if samples.size == 0:
        return AudioFacts(0.0, None, None, (), 0, None, np.zeros(0, dtype=np.float32))
    loudness = measure_ebur128(clip)
    silences = find_silences(samples, rate, thresholds.silence_below_dbfs, min_length_s=1.0)
    count, first = clipped_runs(samples, thresholds.clipped_run_samples)
    return AudioFacts(
        duration_s=samples.size / rate,
        loudness_lufs=loudness.integrated_lufs,
        true_peak_dbtp=loudness.true_peak_dbtp,
        silences=tuple(silences),
        clipped_runs=count,
        first_clip_s=None if first is None else first / rate,
        envelope=envelope(samples, rate),
    )


def frame_levels(samples: np.ndarray, rate: int, frame_s: float) -> np.ndarray:
    """RMS level in dBFS of consecutive frames (the last partial frame dropped)."""
    size = max(1, round(rate * frame_s))
    count = samples.size // size
    if count == 0:
        return np.zeros(0, dtype=np.float32)
    frames = samples[: count * size].astype(np.float32).reshape(count, size) / 32768.0
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    with np.errstate(divide="ignore"):
        levels = 20.0 * np.log10(rms)
    return np.maximum(levels, _FLOOR_DB).astype(np.float32)


def envelope(samples: np.ndarray, rate: int) -> np.ndarray:
    """Level in dB per 10 ms frame."""
    return frame_levels(samples, rate, ENVELOPE_FRAME_S)


def find_silences(
    samples: np.ndarray, rate: int, below_dbfs: float, *, min_length_s: float
) -> list[Silence]:
    """Runs of 20 ms frames quieter than `below_dbfs`, at least `min_length_s` long."""
    quiet = frame_levels(samples, rate, SILENCE_FRAME_S) < below_dbfs
    duration = samples.size / rate
    silences = []
    for start, end in runs(quiet):
        start_s = start * SILENCE_FRAME_S
        end_s = duration if end == quiet.size else end * SILENCE_FRAME_S
        if end_s - start_s >= min_length_s:
            silences.append(Silence(start_s, end_s))
    return silences


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) index pairs of the True runs of a boolean array."""
    if mask.size == 0:
        return []
    padded = np.concatenate(([False], mask, [False]))
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def clipped_runs(samples: np.ndarray, min_run: int) -> tuple[int, int | None]:
    """Number of runs of `min_run` or more full-scale samples, and where the first starts."""
    full_scale = np.abs(samples.astype(np.int32)) >= _FULL_SCALE
    long_runs = [(a, b) for a, b in runs(full_scale) if b - a >= min_run]
    return len(long_runs), (long_runs[0][0] if long_runs else None)


_SPOKEN_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*|\d")


def spoken_word_count(sentences: Sequence[str]) -> int:
    """Words a voice says for these sentences; each digit written as a figure counts as one."""
    return sum(len(_SPOKEN_WORD.findall(s)) for s in sentences)


def _explained(silence: Silence, cues: Sequence[Cue], duration_s: float) -> bool:
    """True when a silence lies within a gap the narration leaves between its sentences."""
    slack = 0.5
    edges = [0.0]
    for cue in cues:
        edges.extend([cue.start_ms / 1000, cue.end_ms / 1000])
    edges.append(duration_s)
    for gap_start, gap_end in zip(edges[::2], edges[1::2], strict=True):
        if silence.start_s >= gap_start - slack and silence.end_s <= gap_end + slack:
            return True
    return False


@dataclass(frozen=True)
class FileContext:
    """Who a file belongs to, for naming problems."""

    file: str
    """The file's name in the bundle."""
    chapter: int | None = None
    """Chapter number, or None for the whole-leaflet file."""
    chapter_title: str | None = None
    """Chapter title, or None."""

    def problem(
        self,
        kind: ProblemKind,
        message: str,
        *,
        time_s: float | None = None,
        expected: str = "",
        heard: str = "",
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        """A problem located in this file."""
        return Problem(
            kind=kind,
            message=message,
            severity=severity,
            chapter=self.chapter,
            chapter_title=self.chapter_title,
            file=self.file,
            time_s=time_s,
            expected=expected,
            heard=heard,
        )


def level_problems(facts: AudioFacts, where: FileContext, thresholds: Thresholds) -> list[Problem]:
    """Empty file, loudness, true peak and clipping."""
    if facts.duration_s <= 0:
        return [where.problem(ProblemKind.EMPTY, f"{where.file} holds no audio; rebuild it")]
    problems = []
    target, tolerance = thresholds.loudness_lufs, thresholds.loudness_tolerance_lu
    if facts.loudness_lufs is not None and abs(facts.loudness_lufs - target) > tolerance:
        problems.append(
            where.problem(
                ProblemKind.LOUDNESS,
                f"integrated loudness {facts.loudness_lufs:.1f} LUFS is outside "
                f"{target:.0f} ± {tolerance:g} LU",
                expected=f"{target:.1f} LUFS",
                heard=f"{facts.loudness_lufs:.1f} LUFS",
            )
        )
    peak = facts.true_peak_dbtp
    if peak is not None and peak > thresholds.max_true_peak_dbtp:
        problems.append(
            where.problem(
                ProblemKind.TRUE_PEAK,
                f"true peak {peak:.1f} dBTP is above {thresholds.max_true_peak_dbtp:g} dBTP",
                expected=f"<= {thresholds.max_true_peak_dbtp:g} dBTP",
                heard=f"{peak:.1f} dBTP",
            )
        )
    if facts.clipped_runs:
        problems.append(
            where.problem(
                ProblemKind.CLIPPING,
                f"{facts.clipped_runs} runs of {thresholds.clipped_run_samples} or more "
                "full-scale samples (clipped audio)",
                time_s=facts.first_clip_s,
            )
        )
    return problems


def silence_problems(
    facts: AudioFacts, cues: Sequence[Cue], where: FileContext, thresholds: Thresholds
) -> list[Problem]:
    """Silences longer than allowed that the narration's pauses do not explain."""
    problems = []
    for silence in facts.silences:
        if silence.length_s <= thresholds.max_silence_s:
            continue
        if cues and _explained(silence, cues, facts.duration_s):
            continue
        whole = silence.start_s <= 0.001 and silence.end_s >= facts.duration_s - 0.001
        message = (
            "the whole file is silent"
            if whole
            else f"{silence.length_s:.1f} s of silence from {mmss(silence.start_s)} "
            f"to {mmss(silence.end_s)} that the narration does not call for"
        )
        problems.append(
            where.problem(
                ProblemKind.SILENCE,
                message,
                time_s=silence.start_s,
                expected=f"speech (at most {thresholds.max_silence_s:g} s of silence)",
                heard=f"{silence.length_s:.1f} s of silence",
            )
        )
    return problems


def pace_wpm(facts: AudioFacts, words: int) -> float | None:
    """Spoken words per minute between the edge silences; None when there is no sound."""
    speaking = facts.duration_s - facts.lead_silence_s - facts.trail_silence_s
    if speaking <= 0.5 or words == 0:
        return None
    return words / (speaking / 60.0)


def pace_problems(
    facts: AudioFacts,
    words: int,
    where: FileContext,
    thresholds: Thresholds,
    sentences: Sequence[str] = (),
) -> list[Problem]:
    """The file's length does not fit its text; for a slow one, what to look at.

    A chapter of short lines ("Brand name." "Artane." "Schedule.") is slow by
    nature: each line has its pause, and its own opening and closing sentences
    outweigh it. Slow, it is a warning, not a refusal: the recogniser, which
    hears every chapter, judges whether its words are the right ones (issue 20).
    """
    wpm = pace_wpm(facts, words)
    if wpm is None or thresholds.min_wpm <= wpm <= thresholds.max_wpm:
        return []
    expected_s = words / ((thresholds.min_wpm + thresholds.max_wpm) / 2) * 60
    verdict = "too short (cut off?)" if wpm > thresholds.max_wpm else "too long"
    hint = ""
    severity = Severity.ERROR
    if wpm < thresholds.min_wpm and _short_lines(sentences):
        severity = Severity.WARNING
        hint = ", as its lines are short, each with its pause; what was heard decides"
        if _mostly_short(sentences):
            hint += (
                ". Most of its lines are one or two words: is it a menu or a list of "
                "links? See outline.md and left-out.txt beside the narration scripts"
            )
    return [
        where.problem(
            ProblemKind.PACE,
            f"{words} words in {facts.duration_s:.1f} s is {wpm:.0f} words a minute, outside "
            f"{thresholds.min_wpm:g} to {thresholds.max_wpm:g}: the audio is {verdict} for "
            f"its text{hint}",
            expected=f"about {expected_s:.0f} s",
            heard=f"{facts.duration_s:.1f} s",
            severity=severity,
        )
    ]


MAX_SHORT_LINE_WORDS = 4
"""Most words of a short line: "Trihexyphenidyl, benzhexol, hydrochloride." is one."""
MAX_TINY_CHAPTER_WORDS = 12
"""Most words of a chapter's own text that its opening and closing sentences outweigh."""


def _short_lines(sentences: Sequence[str]) -> bool:
    """Whether the chapter's own lines (its opening and closing aside) are mostly short,
    or are so few words in all that its own opening and closing sentences outweigh them."""
    body = list(sentences[1:-1])
    if not body:
        return False
    tiny = sum(len(s.split()) for s in body) <= MAX_TINY_CHAPTER_WORDS
    return tiny or sum(len(s.split()) <= MAX_SHORT_LINE_WORDS for s in body) > len(body) / 2


def _mostly_short(sentences: Sequence[str]) -> bool:
    """Whether most lines (the chapter's opening and closing aside) are one or two words."""
    body = list(sentences[1:-1])
    return len(body) >= 4 and sum(len(s.split()) <= 2 for s in body) > len(body) / 2


def duration_problems(
    facts: AudioFacts, manifest_ms: int | None, where: FileContext, thresholds: Thresholds
) -> list[Problem]:
    """The decoded length differs from the manifest's."""
    if manifest_ms is None:
        return []
    difference = facts.duration_s * 1000 - manifest_ms
    if abs(difference) <= thresholds.max_duration_difference_ms:
        return []
    return [
        where.problem(
            ProblemKind.DURATION,
            f"the file lasts {facts.duration_s:.2f} s but the manifest says "
            f"{manifest_ms / 1000:.2f} s",
            expected=f"{manifest_ms / 1000:.2f} s",
            heard=f"{facts.duration_s:.2f} s",
        )
    ]


def envelope_similarity(whole: np.ndarray, start: int, part: np.ndarray, max_lag: int) -> float:
    """Best correlation of `part` with `whole[start:]`, shifting up to `max_lag` frames.

    Two encodings of the same audio follow each other's level closely (0.95 and
    up); different speech, or speech against silence, does not.
    """
    if part.size == 0:
        return 0.0
    best = 0.0
    for lag in range(-max_lag, max_lag + 1):
        begin = start + lag
        if begin < 0 or begin >= whole.size:
            continue
        segment = whole[begin : begin + part.size]
        piece = part[: segment.size]
        if piece.size < 10 or piece.std() < 1e-3 or segment.std() < 1e-3:
            # A flat level (silence) matches only flat: equal means, equal files.
            if piece.size and abs(float(piece.mean()) - float(segment.mean())) < 1.0:
                best = max(best, 1.0 if piece.std() < 1e-3 and segment.std() < 1e-3 else 0.0)
            continue
        best = max(best, float(np.corrcoef(piece, segment)[0, 1]))
    return best


def decode_or_problem(
    path: Path, where: FileContext, thresholds: Thresholds
) -> tuple[AudioFacts | None, list[Problem]]:
    """`analyse_file`, with an unreadable file turned into a problem."""
    try:
        return analyse_file(path, thresholds), []
    except AudioError as error:
        return None, [
            where.problem(
                ProblemKind.EMPTY,
                f"{where.file} cannot be decoded ({error}); rebuild the bundle",
                severity=Severity.ERROR,
            )
        ]
