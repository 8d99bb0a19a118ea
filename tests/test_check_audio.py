"""Audio checks of the listening check on files made with real ffmpeg."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio_leaflet.check.audio_checks import (
    FileContext,
    analyse_file,
    decode_or_problem,
    envelope_similarity,
    level_problems,
    pace_problems,
    silence_problems,
    spoken_word_count,
)
from audio_leaflet.check.report import ProblemKind, Severity, Thresholds
from audio_leaflet.ffmpeg import encode_mp3
from audio_leaflet.model import Clip, Cue

RATE = 22_050
WHERE = FileContext("02-x.mp3", 2, "X")


def babble(seconds: float, level_db: float, seed: int = 1) -> np.ndarray:
    """Speech-like sound: noise in bursts of 150 to 400 ms, 100 to 300 ms apart."""
    rng = np.random.default_rng(seed)
    out = np.zeros(int(seconds * RATE))
    position = 0
    while position < out.size:
        length = int(rng.uniform(0.15, 0.4) * RATE)
        burst = rng.normal(0, 1, length) * np.hanning(length)
        out[position : position + length] = burst[: out[position : position + length].size]
        position += length + int(rng.uniform(0.1, 0.3) * RATE)
    out *= 10 ** (level_db / 20) / np.sqrt(np.mean(out**2))
    return out


def encode(path: Path, *parts: np.ndarray) -> Path:
    samples = np.clip(np.concatenate(parts) * 32768, -32768, 32767).astype(np.int16)
    encode_mp3(Clip(samples.tobytes(), RATE), path)
    return path


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE))


def test_loud_clipped_audio_fails_peak_and_clipping(tmp_path: Path) -> None:
    loud = babble(5, -6) * 4  # far past full scale: hard clipped by encode()
    facts = analyse_file(encode(tmp_path / "loud.mp3", silence(1), loud), Thresholds())
    kinds = {p.kind for p in level_problems(facts, WHERE, Thresholds())}
    assert {ProblemKind.LOUDNESS, ProblemKind.TRUE_PEAK, ProblemKind.CLIPPING} <= kinds
    clipping = next(
        p for p in level_problems(facts, WHERE, Thresholds()) if p.kind.value == "clipping"
    )
    assert clipping.time_s is not None and clipping.time_s >= 0.9


def test_quiet_audio_fails_loudness_only(tmp_path: Path) -> None:
    facts = analyse_file(encode(tmp_path / "quiet.mp3", babble(6, -30)), Thresholds())
    problems = level_problems(facts, WHERE, Thresholds())
    assert [p.kind for p in problems] == [ProblemKind.LOUDNESS]
    assert facts.loudness_lufs is not None and facts.loudness_lufs < -25


def test_unexplained_long_silence_fails_and_explained_one_passes(tmp_path: Path) -> None:
    speech = babble(4, -20)
    path = encode(tmp_path / "gap.mp3", silence(1), speech, silence(6), speech, silence(1))
    facts = analyse_file(path, Thresholds())
    assert facts.lead_silence_s == pytest.approx(1.0, abs=0.1)
    assert facts.trail_silence_s == pytest.approx(1.0, abs=0.15)
    cues_without_pause = [Cue(1000, 5000, "a"), Cue(5400, 15000, "b")]
    [problem] = silence_problems(facts, cues_without_pause, WHERE, Thresholds())
    assert problem.kind is ProblemKind.SILENCE
    assert problem.time_s == pytest.approx(5.0, abs=0.3)
    cues_with_pause = [Cue(1000, 5000, "a"), Cue(11000, 15000, "b")]  # a [pause 6s] between
    assert silence_problems(facts, cues_with_pause, WHERE, Thresholds()) == []


def test_empty_and_broken_files_are_problems(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    facts, problems = decode_or_problem(empty, WHERE, Thresholds())
    assert facts is None and [p.kind for p in problems] == [ProblemKind.EMPTY]
    junk = tmp_path / "junk.mp3"
    junk.write_bytes(b"not audio at all" * 100)
    facts, problems = decode_or_problem(junk, WHERE, Thresholds())
    assert facts is None and [p.kind for p in problems] == [ProblemKind.EMPTY]


def test_pace_must_fit_the_text(tmp_path: Path) -> None:
    path = encode(tmp_path / "p.mp3", silence(1), babble(20, -20), silence(1))
    facts = analyse_file(path, Thresholds())
    assert pace_problems(facts, 50, WHERE, Thresholds()) == []  # 150 words a minute
    [fast] = pace_problems(facts, 100, WHERE, Thresholds())  # 300 a minute: cut short
    assert fast.kind is ProblemKind.PACE and "too short" in fast.message
    [slow] = pace_problems(facts, 20, WHERE, Thresholds())
    assert "too long" in slow.message and "menu" not in slow.message
    assert slow.severity is Severity.ERROR
    menu = ["Section two of three. Menu.", "Home.", "About us.", "Shop.", "News.", "End."]
    [slow_menu] = pace_problems(facts, 20, WHERE, Thresholds(), menu)
    assert "is it a menu" in slow_menu.message and "left-out.txt" in slow_menu.message


def test_a_chapter_of_short_lines_is_judged_on_what_was_heard(tmp_path: Path) -> None:
    # Issue 20: real leaflets were refused only for the pace of a tiny chapter, its own
    # opening and closing sentences and pauses outweighing one short line.
    path = encode(tmp_path / "p.mp3", silence(1), babble(20, -20), silence(1))
    facts = analyse_file(path, Thresholds())
    tiny = [
        "Section two of seven. Overview.",
        "Trihexyphenidyl, benzhexol, hydrochloride.",
        "End of section two.",
    ]
    [slow] = pace_problems(facts, 12, WHERE, Thresholds(), tiny)
    assert slow.severity is Severity.WARNING and "what was heard decides" in slow.message
    cells = ["Section three of seven. Brand information.", "Brand name.", "Artane.", "S4.", "End."]
    [slow_cells] = pace_problems(facts, 12, WHERE, Thresholds(), cells)
    assert slow_cells.severity is Severity.WARNING
    one_line = [
        "Section four of four. Types.",
        "For example, dystonia musculorum deformans.",
        "End.",
    ]
    [slow_line] = pace_problems(facts, 12, WHERE, Thresholds(), one_line)
    assert slow_line.severity is Severity.WARNING, "a tiny chapter: its own sentences outweigh it"
    prose = [
        "Section two of three. Care.",
        "Rest when you need to and take your time over every task you do.",
        "Ask for help when you need it.",
        "End.",
    ]
    [slow_prose] = pace_problems(facts, 12, WHERE, Thresholds(), prose)
    assert slow_prose.severity is Severity.ERROR, "long lines said slowly are wrong audio"
    [fast] = pace_problems(facts, 100, WHERE, Thresholds(), tiny)
    assert fast.severity is Severity.ERROR, "a chapter cut short is refused, however short"


def test_spoken_word_count() -> None:
    assert spoken_word_count(["Call zero two zero, now.", "It's 24 hours."]) == 9


def test_envelopes_of_two_encodings_match_and_of_other_audio_do_not(tmp_path: Path) -> None:
    speech, other = babble(8, -20, seed=1), babble(8, -20, seed=2)
    one = analyse_file(encode(tmp_path / "a.mp3", silence(1), speech), Thresholds())
    both = analyse_file(encode(tmp_path / "b.mp3", other, silence(1), speech), Thresholds())
    start = round(8.0 / 0.01)  # the second part of "both" starts at 8 s
    assert envelope_similarity(both.envelope, start, one.envelope, max_lag=10) > 0.95
    assert envelope_similarity(both.envelope, 0, one.envelope, max_lag=10) < 0.5
