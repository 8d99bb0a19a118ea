"""Hearing a chapter: only what has not been heard before, and again where Whisper slips.

`hear_chapter` gives the words heard in one chapter file, times relative to
the chapter. Each step is kept in the check's memo (`check.memo`) by the
audio it heard, so nothing is heard twice:

- a chapter heard before (the same audio frames) is not heard again;
- a chapter of which only some sentences are new (a one-sentence edit) has
  each new sentence heard with its neighbours, in one window, and the rest
  assembled from the words heard in each sentence's take before;
- any other chapter is heard whole, and the words are dealt to its sentences
  and kept by take for next time.

Whisper sometimes jumps over a stretch of speech (its 30 s windows end early
and it seeks past what it did not write: on one seed build it skipped 10 s
holding three phone numbers), or repeats itself ("Wm sight Wm sight ...").
Any stretch of sound in which no word was heard is therefore heard again on
its own (`_fill_gaps`), and so is any loop (`_fix_loops`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio_leaflet.check.audio_checks import SILENCE_FRAME_S, frame_levels, runs
from audio_leaflet.check.content import Relisten
from audio_leaflet.check.memo import Memo, audio_digest, key_of
from audio_leaflet.check.recognise import WHISPER_SAMPLE_RATE, Recogniser, Word, pcm_16k
from audio_leaflet.check.words import normalise
from audio_leaflet.model import Cue


@dataclass
class ChapterSound:
    """One chapter file as the check hears it: known by its audio's digest, decoded only
    when something must be heard or measured."""

    path: Path
    """The chapter's MP3 file."""
    digest: str = ""
    """`memo.audio_digest` of the file."""
    _pcm: bytes | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if not self.digest:
            self.digest = audio_digest(self.path)

    def pcm(self) -> bytes:
        """Its audio at 16 kHz, for the recogniser (decoded once, when first needed)."""
        if self._pcm is None:
            self._pcm = pcm_16k(self.path, WHISPER_SAMPLE_RATE)
        return self._pcm

    def piece(self, start_s: float, end_s: float) -> bytes:
        """Its 16 kHz audio from `start_s` to `end_s`."""
        rate = WHISPER_SAMPLE_RATE
        return self.pcm()[2 * max(0, int(start_s * rate)) : 2 * int(end_s * rate)]


Timer = Callable[[str], object]
"""`timed(stage)`: a context manager adding the time spent to the report's timings."""


def _how(recogniser: Recogniser, **how: object) -> str:
    """How something was heard, for cache keys: the recogniser and its settings."""
    return recogniser.name + "|" + "|".join(f"{k}={v}" for k, v in sorted(how.items()) if v)


# Audio kept either side of a stretch heard on its own: less than the 400 ms
# between sentences, more than the recogniser's timing error.
MARGIN_S = 0.25
# Around each heard word, this much audio counts as heard.
_WORD_REACH_S = 0.3
# Sound this long with no word heard in it is listened to again.
_GAP_SOUND_S = 1.5
# Frames louder than this are sound (speech sits 25 dB or more above it).
_SOUND_DBFS = -45.0
# A run of words repeating a pattern this many times is a recogniser loop.
_LOOP_REPEATS = 4
# Below this share of sentences heard before, a chapter is heard whole.
_WINDOWS_AT_MOST = 0.5


def hear_chapter(
    sound: ChapterSound,
    cues: Sequence[Cue],
    takes: Sequence[str],
    recogniser: Recogniser,
    memo: Memo,
) -> list[Word]:
    """Words heard in a chapter, times relative to it (see the module's docstring).

    `takes`: each cue's take (the sentence cache's key), or "" where it is not known
    (then the chapter is heard whole when it is new).
    """
    whole_key = key_of(_how(recogniser, pass_="first"), sound.digest)
    words = memo.words(whole_key)
    if words is not None:
        return words
    if memo.words(key_of(_how(recogniser, pass_="whole"), sound.digest)) is not None:
        return hear_whole(sound, recogniser, memo)
    keys = [
        _take_key(recogniser, take, cue) if take else ""
        for take, cue in zip(takes, cues, strict=False)
    ]
    heard = {index: memo.words(key) if key else None for index, key in enumerate(keys)}
    new = [index for index, found in heard.items() if found is None]
    if (
        not cues
        or len(keys) != len(cues)
        or not all(keys)
        or len(new) > _WINDOWS_AT_MOST * len(cues)
    ):
        words = recogniser.transcribe(sound.pcm(), WHISPER_SAMPLE_RATE)
        words = _fix_loops(sound, _fill_gaps(sound, words, recogniser), recogniser)
        if all(keys):
            for index, cue_words in _dealt(words, cues).items():
                memo.put_words(keys[index], _relative(cue_words, cues[index]))
    else:
        for first, last in _runs(new):
            window = _window(sound, cues, first, last, recogniser)
            for index, cue_words in _dealt(window, cues).items():
                if first <= index <= last:
                    heard[index] = _relative(cue_words, cues[index])
                    memo.put_words(keys[index], heard[index] or [])
        words = [
            Word(
                w.text,
                w.start_s + cue.start_ms / 1000,
                w.end_s + cue.start_ms / 1000,
                w.probability,
            )
            for index, cue in enumerate(cues)
            for w in heard[index] or []
        ]
        words = _fix_loops(sound, _fill_gaps(sound, words, recogniser), recogniser)
    memo.put_words(whole_key, words)
    return words


def hear_whole(sound: ChapterSound, recogniser: Recogniser, memo: Memo) -> list[Word]:
    """A chapter heard whole in one go, never assembled from sentences heard before: what
    a chapter found wrong when assembled is judged on (a word at a sentence's edge can be
    dealt to its neighbour in one hearing and lost in another)."""
    key = key_of(_how(recogniser, pass_="whole"), sound.digest)
    words = memo.words(key)
    if words is None:
        words = recogniser.transcribe(sound.pcm(), WHISPER_SAMPLE_RATE)
        words = _fix_loops(sound, _fill_gaps(sound, words, recogniser), recogniser)
        memo.put_words(key, words)
    return words


def _take_key(recogniser: Recogniser, take: str, cue: Cue) -> str:
    """Where the words heard in one sentence's take are kept: the take and its length."""
    return key_of(_how(recogniser, pass_="take"), take, str(cue.end_ms - cue.start_ms))


def _runs(indices: list[int]) -> list[tuple[int, int]]:
    """Consecutive indices as (first, last) runs."""
    found: list[tuple[int, int]] = []
    for index in indices:
        if found and found[-1][1] == index - 1:
            found[-1] = (found[-1][0], index)
        else:
            found.append((index, index))
    return found


def _window(
    sound: ChapterSound, cues: Sequence[Cue], first: int, last: int, recogniser: Recogniser
) -> list[Word]:
    """New sentences `first` to `last` heard with a neighbour either side, in one go."""
    begin = cues[max(first - 1, 0)].start_ms / 1000 - MARGIN_S
    end = cues[min(last + 1, len(cues) - 1)].end_ms / 1000 + MARGIN_S
    begin = max(begin, 0.0)
    words = recogniser.transcribe(sound.piece(begin, end), WHISPER_SAMPLE_RATE)
    return [_shifted(word, begin) for word in words]


def _dealt(words: Sequence[Word], cues: Sequence[Cue]) -> dict[int, list[Word]]:
    """Each word given to the sentence it was heard in (by its middle; the nearest one when
    it falls in a pause)."""
    dealt: dict[int, list[Word]] = {index: [] for index in range(len(cues))}
    if not cues:
        return dealt
    for word in words:
        middle = (word.start_s + word.end_s) / 2
        index = min(
            range(len(cues)),
            key=lambda i: max(cues[i].start_ms / 1000 - middle, middle - cues[i].end_ms / 1000, 0),
        )
        dealt[index].append(word)
    return dealt


def _shifted(word: Word, by_s: float) -> Word:
    return Word(word.text, word.start_s + by_s, word.end_s + by_s, word.probability)


def _relative(words: list[Word], cue: Cue) -> list[Word]:
    """Words with times from the sentence's start."""
    return [_shifted(word, -cue.start_ms / 1000) for word in words]


def hear_alone(
    sound: ChapterSound, recogniser: Recogniser, memo: Memo, *, careful: bool
) -> list[Word]:
    """A chapter heard whole on its own, plainly or carefully (kept like every listening)."""
    key = key_of(_how(recogniser, pass_="alone", careful=careful), sound.digest)
    words = memo.words(key)
    if words is None:
        words = recogniser.transcribe(sound.pcm(), WHISPER_SAMPLE_RATE, careful=careful)
        words = _fix_loops(sound, _fill_gaps(sound, words, recogniser), recogniser)
        memo.put_words(key, words)
    return words


def relistener(
    sound: ChapterSound, recogniser: Recogniser, memo: Memo, lexicon: frozenset[str] = frozenset()
) -> Relisten:
    """Hear one sentence of a chapter again, carefully and on its own (kept like every
    listening), told the lexicon words it uses."""
    heard: dict[Cue, list[Word]] = {}

    def relisten(cue: Cue) -> list[Word]:
        if cue not in heard:
            heard[cue] = listen(cue)
        return heard[cue]

    def listen(cue: Cue) -> list[Word]:
        begin = max(0.0, cue.start_ms / 1000 - MARGIN_S)
        end = cue.end_ms / 1000 + MARGIN_S
        if end - begin < 0.2:
            return []
        vocabulary = sorted(lexicon.intersection(normalise(cue.text)))
        how = _how(recogniser, pass_="sentence", told=",".join(vocabulary))
        key = key_of(how, sound.digest, f"{begin:.3f}-{end:.3f}")
        words = memo.words(key)
        if words is None:
            words = recogniser.transcribe(
                sound.piece(begin, end), WHISPER_SAMPLE_RATE, careful=True, vocabulary=vocabulary
            )
            memo.put_words(key, words)
        return [_shifted(word, begin) for word in words]

    return relisten


def _loops(words: list[Word]) -> list[tuple[int, int]]:
    """(first, end) word indices of stretches where 1 to 3 words repeat over and over."""
    texts = [w.text.strip(".,;:!?-").lower() for w in words]
    found: list[tuple[int, int]] = []
    index = 0
    while index < len(texts):
        best = index
        for size in (1, 2, 3):
            end = index + size
            while (
                end + size <= len(texts) and texts[end : end + size] == texts[index : index + size]
            ):
                end += size
            if (end - index) // size >= _LOOP_REPEATS:
                best = max(best, end)
        if best > index:
            found.append((index, best))
            index = best
        else:
            index += 1
    return found


def _fix_loops(sound: ChapterSound, words: list[Word], recogniser: Recogniser) -> list[Word]:
    """`words` with each recogniser loop replaced by a careful listening to its stretch."""
    fixed = list(words)
    for first, end in reversed(_loops(words)):
        begin_s = max(0.0, words[first].start_s - _WORD_REACH_S)
        end_s = words[end - 1].end_s + _WORD_REACH_S
        piece = sound.piece(begin_s, end_s)
        for careful in (True, False):  # either may loop where the other does not
            again = [
                _shifted(word, begin_s)
                for word in recogniser.transcribe(piece, WHISPER_SAMPLE_RATE, careful=careful)
            ]
            if len(again) < end - first and not _loops(again):
                fixed[first:end] = again
                break
    return fixed


def _fill_gaps(sound: ChapterSound, words: list[Word], recogniser: Recogniser) -> list[Word]:
    """`words` with the words of any stretch of sound the recogniser skipped."""
    samples = np.frombuffer(sound.pcm(), dtype=np.int16)
    levels = frame_levels(samples, WHISPER_SAMPLE_RATE, SILENCE_FRAME_S)
    unheard = levels > _SOUND_DBFS
    for word in words:
        first = max(0, int((word.start_s - _WORD_REACH_S) / SILENCE_FRAME_S))
        last = int((word.end_s + _WORD_REACH_S) / SILENCE_FRAME_S) + 1
        unheard[first:last] = False
    found = list(words)
    for start, end in runs(np.convolve(unheard, np.ones(25), mode="same") > 0):
        # runs of unheard sound, bridging pauses of up to half a second
        if unheard[start:end].sum() * SILENCE_FRAME_S < _GAP_SOUND_S:
            continue
        begin_s, end_s = start * SILENCE_FRAME_S, end * SILENCE_FRAME_S
        for word in recogniser.transcribe(
            sound.piece(begin_s, end_s), WHISPER_SAMPLE_RATE, careful=True
        ):
            shifted = _shifted(word, begin_s)
            middle = (shifted.start_s + shifted.end_s) / 2
            if begin_s <= middle <= end_s:
                found.append(shifted)
    return sorted(found, key=lambda w: w.start_s) if len(found) > len(words) else found
