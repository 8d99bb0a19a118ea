"""Speak a leaflet's chapters: sentences from the cache or the engine, at the promised pace.

    spoken = speak_leaflet(narration, engine, AudioCache(dir), SpeechCounts(), previous, ...)

Every chapter is heard at about the chosen words a minute, pauses included
(docs/narration.md): a chapter that comes out too slow (a list of short lines)
is said again a little faster by a retimed engine, except its phone numbers,
which keep the engine's steady pace. The introduction is spoken last, because
it says how long the sections are.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from audio_leaflet.cache import AudioCache, CachedChapter, chapter_key, sentence_key
from audio_leaflet.errors import EngineError
from audio_leaflet.fingerprint import source_digest
from audio_leaflet.model import (
    LAST_UPDATED_PLACEHOLDER,
    RECORDED_ON_PLACEHOLDER,
    TOTAL_LENGTH_PLACEHOLDER,
    Chapter,
    ChapterKind,
    Clip,
    Line,
    Narration,
    Pause,
    Speech,
    section_length_placeholder,
)
from audio_leaflet.narrate.lengths import describe_date, describe_length
from audio_leaflet.progress import Progress, Stage, Step

if TYPE_CHECKING:  # numpy and the voice are imported only when something is spoken
    from audio_leaflet.audio import ChapterAudio, PausePlan
    from audio_leaflet.engines.base import Engine
    from audio_leaflet.manifest import Manifest


@dataclass
class SpeechCounts:
    """What a build spoke and what it took from the cache."""

    synthesized: int = 0
    """Sentences the engine spoke."""
    reused: int = 0
    """Sentences taken from the cache."""
    spoken: list[str] = field(default_factory=list)
    """The sentences the engine spoke, in order (as narrated)."""


@dataclass
class SpokenChapter:
    """One chapter's audio and what it was made from."""

    chapter: Chapter
    """The chapter as spoken (the introduction with its lengths filled in)."""
    audio: ChapterAudio
    """The assembled chapter: audio and a cue per sentence."""
    key: str
    """Cache key of the assembled chapter."""
    sentence_keys: list[str] = field(default_factory=list)
    """Cache key of each sentence, in order."""
    factor: float = 1.0
    """How much faster than the engine's calibrated pace the chapter was said."""


def speak_leaflet(
    narration: Narration,
    engine: Engine,
    cache: AudioCache,
    counts: SpeechCounts,
    previous: Manifest | None,
    updated: str,
    progress: Progress,
    spoken: Callable[[SpokenChapter], None] | None = None,
) -> list[SpokenChapter]:
    """Every chapter's audio, in order; sentences already in `cache` are not spoken again.

    `spoken(chapter)` is told of each chapter as soon as its audio is final (the
    listening check hears it meanwhile, `check.early`).

    `previous` is the last build's manifest: each chapter is tried first at the
    speed it was said at then, and the introduction at its length then.
    `updated` is the day the recording of the leaflet's current text was made, which
    the introduction gives when the leaflet has no date of its own.
    """
    from audio_leaflet.audio import PausePlan

    plan = PausePlan()
    total_sentences = sum(len(c.sentences) for c in narration.chapters)
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        progress(Step(Stage.SPEAKING, done, total_sentences, "sentences", label))

    # The speed each chapter was said at last time (by title; the introduction is chapter 1).
    old_chapters = previous.chapters if previous else ()
    hints = {c.title: c.pace_factor for c in old_chapters}
    intro_hint = recorded_pace_factor(old_chapters[0].pace_factor) if old_chapters else None

    built: dict[int, SpokenChapter] = {}
    learnt = PaceLearnt()
    for chapter in narration.chapters:
        if chapter.kind is ChapterKind.SECTION:
            hint = recorded_pace_factor(hints.get(chapter.title))
            built[chapter.number] = speak_chapter(
                chapter, engine, cache, plan, counts, tick, hint, learnt
            )
            if spoken is not None:
                spoken(built[chapter.number])

    # The introduction says how long everything is, so it is spoken last. Its
    # own length changes the total; describe, speak, and describe again until
    # the words no longer change (lengths are rounded, so this settles fast).
    for chapter in narration.chapters:
        if chapter.kind is ChapterKind.INTRODUCTION:
            built[chapter.number] = speak_introduction(
                chapter,
                built,
                engine,
                cache,
                plan,
                counts,
                tick,
                updated,
                _previous_duration(previous, chapter.number, 45_000),
                intro_hint,
                learnt,
            )
            if spoken is not None:
                spoken(built[chapter.number])
    return [built[c.number] for c in narration.chapters]


def speak_chapter(
    chapter: Chapter,
    engine: Engine,
    cache: AudioCache,
    plan: PausePlan,
    counts: SpeechCounts,
    tick: Callable[[str], None],
    pace_hint: float | None = None,
    learnt: PaceLearnt | None = None,
) -> SpokenChapter:
    """Assemble one chapter from cached or newly synthesized sentences, at the right pace.

    A chapter made of short lines (the introduction's list of sections) is
    heard slower than the engine's calibrated pace: it is said again a little
    faster (`Engine.retimed`), so every chapter keeps the pace listeners
    expect. `pace_hint` is the speed the last build settled on for this
    chapter: tried first, it keeps a rebuild from saying every sentence of
    such a chapter again when one of them changes. Without one, the speed is
    predicted from the chapter's words, lines and pauses, so that a first
    build says such a chapter once, not twice.
    """
    from audio_leaflet.audio import ChapterAudio

    settings = engine.settings_key()
    keys: list[str] = []
    # The assembly code is part of the key: a change in it (pauses, loudness)
    # must not reuse chapters assembled by the old code.
    layout: list[str] = [settings, repr(plan), source_digest("audio.py")]
    for line in chapter.lines:
        if isinstance(line, Speech):
            key = sentence_key(settings, engine.engine_text(line.text))
            keys.append(key)
            layout.append(f"s {key} {line.text}")
        else:
            layout.append(f"p {line.ms}")
    key = chapter_key(layout)
    cached = cache.get_chapter(key)
    if cached is not None:
        for _ in keys:
            counts.reused += 1
            tick(chapter.title)
        used = list(cached.sentence_keys) if len(cached.sentence_keys) == len(keys) else keys
        audio = ChapterAudio(cached.clip, cached.cues)
        return SpokenChapter(chapter, audio, key, used, cached.pace_factor)

    # At the speed the last build chose, the pace only has to stay within the
    # limits listeners are promised; a fresh choice aims at the narrower band.
    # The difference keeps a small edit from re-speaking a whole chapter.
    band = PACE_LIMITS if pace_hint is not None else PACE_BAND
    learnt = learnt if learnt is not None else PaceLearnt()
    if pace_hint is None:
        pace_hint = _predicted_pace_factor(chapter, plan, engine.wpm, learnt.scale)
    speaker, factor = _at_pace(engine, pace_hint)
    audio, speech_ms, used = _speak(chapter, speaker, engine, cache, plan, counts, tick)
    learnt.heard(chapter, speech_ms, factor, engine.wpm)
    wanted = _pace_factor(chapter, plan, speech_ms, engine.wpm, band)
    # Each correction says the chapter again; an engine whose pace moves in steps
    # (`Engine.PACE_TRIES`) may need more than one, and the closest take is kept.
    best = (abs(wanted - 1.0), audio, used, factor)
    for _ in range(engine.PACE_TRIES):
        if wanted == 1.0:
            break
        quicker, new_factor = _at_pace(engine, factor * wanted)
        if new_factor == factor:
            break
        audio, speech_ms, used = _speak(
            chapter, quicker, engine, cache, plan, counts, lambda _label: None
        )
        factor = new_factor
        learnt.heard(chapter, speech_ms, factor, engine.wpm)
        wanted = _pace_factor(chapter, plan, speech_ms, engine.wpm, band)
        if abs(wanted - 1.0) < best[0]:
            best = (abs(wanted - 1.0), audio, used, factor)
    _distance, audio, used, factor = best
    cache.put_chapter(key, CachedChapter(audio.clip, audio.cues, factor, tuple(used)))
    return SpokenChapter(chapter, audio, key, used, factor)


def recorded_pace_factor(value: object) -> float | None:
    """A pace factor read from a manifest, or None."""
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


PACE_STEP = 0.02
"""Speed factors are rounded to this step, so a small edit finds the speed already used."""


def _at_pace(engine: Engine, factor: float) -> tuple[Engine, float]:
    """The engine speaking `factor` times as fast (rounded), and the factor it got."""
    from audio_leaflet.engines.base import MAX_PACE_CORRECTION

    factor = min(MAX_PACE_CORRECTION, max(1 / MAX_PACE_CORRECTION, factor))
    factor = round(round(factor / PACE_STEP) * PACE_STEP, 4)
    if factor == 1.0:
        return engine, 1.0
    try:
        return engine.retimed(factor), factor
    except NotImplementedError:
        return engine, 1.0


def _speak(
    chapter: Chapter,
    engine: Engine,
    steady: Engine,
    cache: AudioCache,
    plan: PausePlan,
    counts: SpeechCounts,
    tick: Callable[[str], None],
) -> tuple[ChapterAudio, int, list[str]]:
    """Synthesize (or take from the cache) every sentence and assemble the chapter.

    `engine` may be a sped-up copy of `steady`; sentences that read out a
    number digit by digit are always said by `steady`, because phone numbers
    must be said slowly (docs/narration.md) whatever the chapter's pace.
    Returns the chapter, how many milliseconds of it are speech, and the
    cache keys of its sentences.
    """
    from audio_leaflet.audio import SpokenSentence, assemble_chapter

    parts: list[SpokenSentence | Pause] = []
    keys: list[str] = []
    speech_ms = 0
    for line in chapter.lines:
        if isinstance(line, Pause):
            parts.append(line)
            continue
        key, clip, spoken = sentence_take(line.text, engine, steady, cache)
        keys.append(key)
        if spoken:
            counts.synthesized += 1
            counts.spoken.append(line.text)
        else:
            counts.reused += 1
        tick(chapter.title)
        speech_ms += clip.duration_ms
        parts.append(SpokenSentence(line.text, clip))
    return assemble_chapter(parts, plan=plan), speech_ms, keys


def sentence_speaker(text: str, engine: Engine, steady: Engine) -> tuple[Engine, str]:
    """Who says `text` (the steady engine for a number read digit by digit) and its cache key."""
    speaker = steady if DIGITS_READ_OUT.search(text) else engine
    return speaker, sentence_key(speaker.settings_key(), speaker.engine_text(text))


def sentence_take(
    text: str, engine: Engine, steady: Engine, cache: AudioCache
) -> tuple[str, Clip, bool]:
    """One sentence's take: its cache key, its audio, and whether it was spoken just now."""
    speaker, key = sentence_speaker(text, engine, steady)
    clip = cache.get_sentence(key)
    if clip is not None:
        return key, clip, False
    clip = speaker.synthesize(speaker.engine_text(text))
    if clip.frames == 0:
        # Never a clip of no length: it would be a cue that cannot be heard or shown,
        # and EPUBCheck refuses a media overlay clip that ends where it begins.
        raise EngineError(
            f'the {speaker.NAME} voice made no sound for the sentence "{text}": '
            "write it in words in its narration script, or remove it"
        )
    cache.put_sentence(key, clip)
    return key, clip, True


def engine_at_pace(engine: Engine, factor: float | None) -> Engine:
    """The engine as a build with pace `factor` (from the manifest) has it speak a chapter."""
    return engine if factor is None else _at_pace(engine, factor)[0]


_DIGIT_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine)"
DIGITS_READ_OUT = re.compile(rf"\b{_DIGIT_WORD}(?:,?\s+{_DIGIT_WORD}\b){{2,}}", re.IGNORECASE)
"""Three or more digits said one by one: a phone number as narration writes it."""

# The band of speaking rate (structural pauses left out) within which a chapter is
# left as spoken, as shares of the target.
PACE_BAND = (0.95, 1.06)
# The speaking rate promised (140 to 165 words a minute at 150), as shares of it.
PACE_LIMITS = (140 / 150, 165 / 150)

# A line's speech, in units of the time the engine takes per word at its
# calibrated pace: a share per word, and a share per line, because a voice
# slows into and out of every line (a list of short lines is slow). Fitted on
# the seed leaflet's 92 lines said by the bundled Piper voice at 150 wpm:
# 324 ms a word and 592 ms a line, at 353 ms a word on average.
_WORD_SHARE, _LINE_SHARE = 0.91, 1.67


def _modelled_speech_ms(chapter: Chapter, wpm: int) -> int:
    """How long the chapter's sentences take at `wpm`, by its words and lines alone."""
    from audio_leaflet.engines.base import count_words, speech_wpm

    words = sum(count_words(sentence) for sentence in chapter.sentences)
    lines = len(chapter.sentences)
    return round(60_000 / speech_wpm(wpm) * (_WORD_SHARE * words + _LINE_SHARE * lines))


@dataclass
class PaceLearnt:
    """What a build has learnt of the voice's real pace from the chapters it said: their
    speech over what `_modelled_speech_ms` expected, at the voice's own speed. The model
    was measured on Piper; hibari says the same words about a tenth quicker, so a cold
    build that did not learn would say most chapters twice or three times."""

    ratios: list[float] = field(default_factory=list)

    def heard(self, chapter: Chapter, speech_ms: int, factor: float, wpm: int) -> None:
        modelled = _modelled_speech_ms(chapter, wpm)
        if modelled and speech_ms:
            self.ratios.append(speech_ms * factor / modelled)

    @property
    def scale(self) -> float:
        """The ratio to expect of the next chapter (1.0 before any was said)."""
        return statistics.median(self.ratios) if self.ratios else 1.0


def _predicted_pace_factor(
    chapter: Chapter, plan: PausePlan, wpm: int, scale: float = 1.0
) -> float:
    """The speed-up `_pace_factor` will likely ask for, before anything is said; `scale`
    is what this build learnt of the voice (`PaceLearnt`)."""
    from audio_leaflet.engines.base import count_words, pace_correction

    words = sum(count_words(sentence) for sentence in chapter.sentences)
    if words == 0:
        return 1.0
    speech_ms = round(_modelled_speech_ms(chapter, wpm) * scale)
    gap_ms = _sentence_gaps_ms(chapter, plan)
    pace = words * 60_000 / (speech_ms + gap_ms)
    if PACE_BAND[0] * wpm <= pace <= PACE_BAND[1] * wpm:
        return 1.0
    return pace_correction(words, speech_ms, gap_ms, wpm)


def _sentence_gaps_ms(chapter: Chapter, plan: PausePlan) -> int:
    """The short pauses between sentences the assembly puts in `chapter`: the only silence
    that counts in its speaking rate (an explicit pause replaces the gap, and is structural)."""
    gaps = 0
    after_sentence = False
    for line in chapter.lines:
        if isinstance(line, Pause):
            after_sentence = False
        else:
            gaps += 1 if after_sentence else 0
            after_sentence = True
    return gaps * plan.sentence_gap_ms


def _pace_factor(
    chapter: Chapter,
    plan: PausePlan,
    speech_ms: int,
    wpm: int,
    band: tuple[float, float] = PACE_BAND,
) -> float:
    """1.0 when the chapter's speaking rate is within `band` of `wpm`, else the speed-up
    it needs. The speaking rate leaves the structural pauses out (`engines.base`)."""
    from audio_leaflet.engines.base import count_words, pace_correction

    words = sum(count_words(sentence) for sentence in chapter.sentences)
    gap_ms = _sentence_gaps_ms(chapter, plan)
    if words == 0 or speech_ms == 0:
        return 1.0
    pace = words * 60_000 / (speech_ms + gap_ms)
    if band[0] * wpm <= pace <= band[1] * wpm:
        return 1.0
    return pace_correction(words, speech_ms, gap_ms, wpm)


def speak_introduction(
    chapter: Chapter,
    built: dict[int, SpokenChapter],
    engine: Engine,
    cache: AudioCache,
    plan: PausePlan,
    counts: SpeechCounts,
    tick: Callable[[str], None],
    updated: str,
    estimate_ms: int,
    pace_hint: float | None,
    learnt: PaceLearnt | None = None,
) -> SpokenChapter:
    """Speak the introduction with the real lengths filled in.

    `estimate_ms` is a first guess at its own length: the last build's, so that
    a rebuild whose lengths did not change speaks nothing new here.
    """
    sections_ms = sum(b.audio.clip.duration_ms for b in built.values())
    result: SpokenChapter | None = None
    for _ in range(4):
        filled = _fill_introduction(chapter, built, sections_ms + estimate_ms, updated)
        result = speak_chapter(
            filled, engine, cache, plan, counts, lambda _label: None, pace_hint, learnt
        )
        pace_hint = result.factor
        if result.audio.clip.duration_ms == estimate_ms or describe_length(
            sections_ms + result.audio.clip.duration_ms
        ) == describe_length(sections_ms + estimate_ms):
            break
        estimate_ms = result.audio.clip.duration_ms
    assert result is not None
    for _ in result.sentence_keys:
        tick(chapter.title)
    return result


def _fill_introduction(
    chapter: Chapter, built: dict[int, SpokenChapter], total_ms: int, updated: str
) -> Chapter:
    lengths = {number: item.audio.clip.duration_ms for number, item in built.items()}
    return fill_placeholders(chapter, lengths, total_ms, updated)


def fill_placeholders(
    chapter: Chapter, lengths_ms: dict[int, int], total_ms: int, updated: str
) -> Chapter:
    """`chapter` with the lengths, the total and the recording date (ISO) said in words."""
    replacements = {
        TOTAL_LENGTH_PLACEHOLDER: describe_length(total_ms),
        LAST_UPDATED_PLACEHOLDER: describe_date(dt.date.fromisoformat(updated)),
        RECORDED_ON_PLACEHOLDER: describe_date(dt.date.fromisoformat(updated)),
    }
    for number, ms in lengths_ms.items():
        replacements[section_length_placeholder(number)] = describe_length(ms)
    lines: list[Line] = []
    for line in chapter.lines:
        if isinstance(line, Speech):
            text = line.text
            for placeholder, words in replacements.items():
                text = text.replace(placeholder, words)
            lines.append(Speech(text))
        else:
            lines.append(line)
    return Chapter(chapter.number, chapter.title, chapter.slug, chapter.kind, tuple(lines))


def _previous_duration(previous: Manifest | None, number: int, default: int) -> int:
    """The length of chapter `number` in the last build, or `default`."""
    chapter = previous.chapter(number) if previous else None
    return chapter.duration_ms if chapter else default
