"""How chapters are listened to: one pass for all, dealt back by time, cached, with
skipped stretches and recogniser loops heard again.

A scripted recogniser stands in for Whisper here, to pin down the
orchestration; the real recogniser runs in test_check_bundle.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from audio_leaflet.check.recognise import WHISPER_SAMPLE_RATE, Word
from audio_leaflet.check.run import transcribe_chapters

RATE = WHISPER_SAMPLE_RATE


def sound(seconds: float, seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 3000, int(seconds * RATE))).astype(np.int16).tobytes()


def quiet(seconds: float) -> bytes:
    return b"\0\0" * int(seconds * RATE)


class Scripted:
    """Answers each call from a list of scripts, by call order; records calls."""

    name = "scripted"

    def __init__(self, *answers: list[tuple[str, float]]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[float, bool]] = []

    def transcribe(
        self,
        audio: bytes | Path,
        sample_rate: int,
        *,
        careful: bool = False,
        vocabulary: Sequence[str] = (),
    ) -> list[Word]:
        assert isinstance(audio, bytes) and sample_rate == RATE
        self.calls.append((len(audio) / 2 / RATE, careful))
        script = self.answers.pop(0) if self.answers else []
        return [Word(text, start, start + 0.3, 0.9) for text, start in script]


def test_chapters_are_heard_in_one_pass_and_dealt_back(tmp_path: Path) -> None:
    one = quiet(1) + sound(2) + quiet(1)  # 4 s
    two = quiet(1) + sound(2, seed=4) + quiet(1)
    # joined: one (0-4 s), a second of silence, two (5-9 s)
    recogniser = Scripted([("hello", 1.2), ("there", 1.8), ("second", 6.1), ("chapter", 6.7)])
    heard = transcribe_chapters({1: one, 2: two}, recogniser, tmp_path)
    assert recogniser.calls == [(9.0, False)]
    timed = {n: [(w.text, round(w.start_s, 1)) for w in words] for n, words in heard.items()}
    assert timed == {1: [("hello", 1.2), ("there", 1.8)], 2: [("second", 1.1), ("chapter", 1.7)]}
    # heard before: from the cache, no listening at all
    again = Scripted()
    assert transcribe_chapters({1: one, 2: two}, again, tmp_path) == heard
    assert again.calls == []


def test_a_stretch_of_sound_with_no_word_is_heard_again() -> None:
    chapter = quiet(1) + sound(2) + quiet(0.4) + sound(3) + quiet(1)
    # The first pass hears only the first burst; the second burst (3.4-6.4 s) is skipped.
    recogniser = Scripted(
        [("one", 1.1), ("two", 1.6), ("three", 2.4)],
        [("four", 0.5), ("five", 1.5)],
    )
    heard = transcribe_chapters({1: chapter}, recogniser, None)
    assert [w.text for w in heard[1]] == ["one", "two", "three", "four", "five"]
    [_, (length, careful)] = recogniser.calls
    assert careful and 2.5 < length < 4.5
    assert heard[1][3].start_s > 3.0  # placed at its time in the chapter


def test_a_recogniser_loop_is_heard_again() -> None:
    chapter = quiet(1) + sound(4) + quiet(1)
    loop = [("Website", 1.0)] + [(w, 1.3 + 0.3 * i) for i, w in enumerate(["Wm", "sight"] * 6)]
    recogniser = Scripted(loop, [("Website", 0.2), ("www", 0.8), ("example", 1.4)])
    heard = transcribe_chapters({1: chapter}, recogniser, None)
    assert [w.text for w in heard[1]] == ["Website", "Website", "www", "example"]
    assert recogniser.calls[1][1] is True  # heard again carefully
