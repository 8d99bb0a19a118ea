"""How a chapter is listened to: only what was not heard before, the new sentences with their
neighbours, and skipped stretches and recogniser loops heard again.

A scripted recogniser stands in for Whisper here, to pin down the
orchestration; the real recogniser runs in test_check_bundle.py and in every
build with the listening check.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from audio_leaflet.check.hearing import ChapterSound, hear_chapter
from audio_leaflet.check.memo import Memo
from audio_leaflet.check.recognise import WHISPER_SAMPLE_RATE, Word
from audio_leaflet.model import Cue

RATE = WHISPER_SAMPLE_RATE


def sound(seconds: float, seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    return (rng.normal(0, 3000, int(seconds * RATE))).astype(np.int16).tobytes()


def quiet(seconds: float) -> bytes:
    return b"\0\0" * int(seconds * RATE)


def chapter(pcm: bytes, digest: str) -> ChapterSound:
    """A chapter's audio as the check holds it, without an MP3 file behind it."""
    return ChapterSound(Path("unused.mp3"), digest, pcm)


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
        self.calls.append((round(len(audio) / 2 / RATE, 2), careful))
        script = self.answers.pop(0) if self.answers else []
        return [Word(text, start, start + 0.3, 0.9) for text, start in script]


# Three sentences of sound, 2 s each, a second apart, with a second of quiet either end.
THREE = quiet(1) + sound(2) + quiet(1) + sound(2, seed=4) + quiet(1) + sound(2, seed=5) + quiet(1)
CUES = (Cue(1000, 3000, "One two."), Cue(4000, 6000, "Three four."), Cue(7000, 9000, "Five six."))


def test_a_new_chapter_is_heard_whole_and_each_sentence_kept_by_its_take(tmp_path: Path) -> None:
    memo = Memo(tmp_path)
    recogniser = Scripted(
        [("one", 1.2), ("two", 2.0), ("three", 4.2), ("four", 5.1), ("five", 7.3), ("six", 8.2)]
    )
    heard = hear_chapter(chapter(THREE, "a"), CUES, ("t1", "t2", "t3"), recogniser, memo)
    assert [w.text for w in heard] == ["one", "two", "three", "four", "five", "six"]
    assert recogniser.calls == [(10.0, False)]
    # Heard before: from the memo, no listening at all.
    again = Scripted()
    assert hear_chapter(chapter(THREE, "a"), CUES, ("t1", "t2", "t3"), again, memo) == heard
    assert again.calls == []


def test_an_edited_sentence_is_heard_with_its_neighbours_not_its_chapter_whole(
    tmp_path: Path,
) -> None:
    memo = Memo(tmp_path)
    first = Scripted(
        [("one", 1.2), ("two", 2.0), ("three", 4.2), ("four", 5.1), ("five", 7.3), ("six", 8.2)]
    )
    hear_chapter(chapter(THREE, "before"), CUES, ("t1", "t2", "t3"), first, memo)
    # The last sentence is said anew (another take, 0.5 s longer): a new chapter audio.
    edited = THREE[: 2 * 7 * RATE] + sound(2.5, seed=9) + quiet(1)
    cues = (*CUES[:2], Cue(7000, 9500, "Five and six."))
    # Heard from 0.25 s before the neighbour's start (3.75 s) to the edited sentence's end.
    recogniser = Scripted([("four", 1.35), ("five", 3.5), ("and", 4.0), ("six", 4.6)])
    heard = hear_chapter(chapter(edited, "after"), cues, ("t1", "t2", "t3-new"), recogniser, memo)
    assert recogniser.calls == [(6.0, False)]
    assert [w.text for w in heard] == ["one", "two", "three", "four", "five", "and", "six"]
    assert [round(w.start_s, 2) for w in heard][-3:] == [7.25, 7.75, 8.35]


def test_a_stretch_of_sound_with_no_word_is_heard_again() -> None:
    audio = quiet(1) + sound(2) + quiet(0.4) + sound(3) + quiet(1)
    # The first pass hears only the first burst; the second burst (3.4-6.4 s) is skipped.
    recogniser = Scripted(
        [("one", 1.1), ("two", 1.6), ("three", 2.4)],
        [("four", 0.5), ("five", 1.5)],
    )
    heard = hear_chapter(chapter(audio, "gap"), (), (), recogniser, Memo(None))
    assert [w.text for w in heard] == ["one", "two", "three", "four", "five"]
    [_, (length, careful)] = recogniser.calls
    assert careful and 2.5 < length < 4.5
    assert heard[3].start_s > 3.0  # placed at its time in the chapter


def test_a_recogniser_loop_is_heard_again() -> None:
    audio = quiet(1) + sound(4) + quiet(1)
    loop = [("Website", 1.0)] + [(w, 1.3 + 0.3 * i) for i, w in enumerate(["Wm", "sight"] * 6)]
    recogniser = Scripted(loop, [("Website", 0.2), ("www", 0.8), ("example", 1.4)])
    heard = hear_chapter(chapter(audio, "loop"), (), (), recogniser, Memo(None))
    assert [w.text for w in heard] == ["Website", "Website", "www", "example"]
    assert recogniser.calls[1][1] is True  # heard again carefully
