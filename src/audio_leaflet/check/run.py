"""check_bundle: listen to a built bundle and compare it with its narration."""

from __future__ import annotations

import functools
import math
import time
import tomllib
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from audio_leaflet.check.audio_checks import (
    AudioFacts,
    FileContext,
    decode_or_problem,
    duration_problems,
    envelope_similarity,
    level_problems,
    pace_problems,
    pace_wpm,
    silence_problems,
    spoken_word_count,
)
from audio_leaflet.check.content import (
    Relisten,
    announcement_problems,
    check_speech,
    introduction_problems,
    lexicon_tokens,
)
from audio_leaflet.check.hearing import (
    ChapterSound,
    hear_alone,
    hear_chapter,
    hear_whole,
    relistener,
)
from audio_leaflet.check.memo import FACTS_VERSION, Memo, key_of
from audio_leaflet.check.recognise import Recogniser, Word, default_recogniser
from audio_leaflet.check.report import (
    ChapterResult,
    CheckReport,
    Problem,
    ProblemKind,
    Severity,
    Thresholds,
    thresholds_for,
)
from audio_leaflet.check.structure import (
    FEED_NAME,
    BundleSpec,
    ChapterSpec,
    chapter_starts_ms,
    checksum_problems,
    feed_problems,
    marker_problems,
    read_bundle,
    whole_is_joined,
)
from audio_leaflet.progress import Progress, Stage, Step, no_progress


def builtin_lexicon_words() -> tuple[str, ...]:
    """Words of the built-in pronunciation lexicon (`audio_leaflet/data/lexicon.toml`)."""
    try:
        text = files("audio_leaflet").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return ()
    return lexicon_words_from_toml(text)


def lexicon_words_from_toml(text: str) -> tuple[str, ...]:
    """The words of a lexicon file: the keys of its `[words]` table."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return ()
    table = data.get("words", {})
    return tuple(str(word) for word in table) if isinstance(table, dict) else ()


def check_bundle(
    bundle_dir: Path,
    *,
    thresholds: Thresholds | None = None,
    overrides: Mapping[str, Any] | None = None,
    recogniser: Recogniser | None = None,
    progress: Progress = no_progress,
    lexicon: Iterable[str] | None = None,
    cache_dir: Path | None = None,
    feed: Path | None = None,
) -> CheckReport:
    """Listen to every chapter of the bundle in `bundle_dir` and check it against its narration.

    - `thresholds`: the limits to apply; by default those of the engine the
      manifest names (`thresholds_for`), with `overrides` laid over them.
    - `overrides`: the project's `[check]` table as `check_overrides` returns
      it (`Settings.check_thresholds`); ignored when `thresholds` is given.
    - `lexicon`: words that must be heard where the narration says them
      (default: the built-in lexicon's words; give the words of the project's
      lexicon too, `load_lexicon(settings.lexicon).entries`).
    - `cache_dir`: where what was measured and heard is kept by the audio's
      checksum (`check.memo`), so audio met before is not measured or heard
      again (None: no cache).
    - `feed`: the podcast feed to check; by default `<out-dir>/feed.xml` when
      `bundle_dir` is the published bundle (named after the slug), not a
      staging folder, whose feed still describes the previous build.

    Never raises for a faulty bundle: every fault is a problem in the report.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    spec, problems = read_bundle(bundle_dir)
    chosen = recogniser or default_recogniser()
    if thresholds is None:
        thresholds = thresholds_for(spec.engine if spec else None, overrides)
    if spec is None:
        title = bundle_dir.name
        return CheckReport(bundle_dir, title, chosen.name, thresholds, problems=tuple(problems))

    with _timed(timings, "checksums"):
        problems += checksum_problems(spec)
    words_of_lexicon = lexicon_tokens(
        builtin_lexicon_words() if lexicon is None else tuple(lexicon)
    )
    memo = Memo(cache_dir)
    count = len(spec.chapters)

    # 1. Measure every chapter file (audio met before is not decoded again).
    measured: dict[int, tuple[AudioFacts, ChapterSound]] = {}
    for chapter in spec.chapters:
        facts, sound, found = _measure_chapter(spec, chapter, thresholds, memo, timings)
        problems += found
        if facts is not None and sound is not None:
            measured[chapter.number] = (facts, sound)

    # 2. Hear each chapter (only what was not heard before), then compare.
    results: list[ChapterResult] = []
    for done, chapter in enumerate(spec.chapters, 1):
        progress(Step(Stage.CHECKING, done - 1, count, "chapters", chapter.title))
        if chapter.number not in measured:
            results.append(ChapterResult(chapter.number, chapter.title, chapter.file))
            continue
        facts, sound = measured[chapter.number]
        with _timed(timings, "recognition"):
            heard = (
                hear_chapter(sound, chapter.cues, chapter.takes, chosen, memo)
                if facts.duration_s > 0
                else []
            )
        with _timed(timings, "comparison and second listenings"):
            result, found = _heard_against_narration(
                spec, chapter, facts, sound, heard, chosen, memo, thresholds, words_of_lexicon
            )
        results.append(result)
        problems += found
    progress(Step(Stage.CHECKING, count, count, "chapters", "the whole leaflet"))

    # 3. The whole-leaflet file, its chapter markers, the feed.
    facts_by_chapter = {number: facts for number, (facts, _) in measured.items()}
    with _timed(timings, "whole file"):
        joined = whole_is_joined(spec)
        problems += _check_whole(spec, facts_by_chapter, thresholds, joined)
    with _timed(timings, "chapter markers"):
        durations = {number: facts.duration_s for number, facts in facts_by_chapter.items()}
        problems += marker_problems(spec, chapter_starts_ms(spec, durations), thresholds)
    feed_path = feed
    if feed_path is None and bundle_dir.name == spec.slug:
        feed_path = bundle_dir.parent / FEED_NAME
    if feed_path is not None and feed_path.is_file():
        problems += feed_problems(spec, feed_path)

    return CheckReport(
        bundle=bundle_dir,
        title=spec.title,
        recogniser=chosen.name,
        thresholds=thresholds,
        engine=spec.engine,
        chapters=tuple(results),
        problems=tuple(_in_order(problems, spec)),
        audio_seconds=sum(facts.duration_s for facts in facts_by_chapter.values()),
        check_seconds=time.perf_counter() - started,
        timings=timings,
    )


def _heard_against_narration(
    spec: BundleSpec,
    chapter: ChapterSpec,
    facts: AudioFacts,
    sound: ChapterSound,
    heard: list[Word],
    chosen: Recogniser,
    memo: Memo,
    thresholds: Thresholds,
    words_of_lexicon: frozenset[str],
) -> tuple[ChapterResult, list[Problem]]:
    """A chapter's words heard against its narration; a chapter far off is heard alone."""
    compare = functools.partial(
        _compare_chapter,
        spec,
        chapter,
        facts,
        lexicon=words_of_lexicon,
        thresholds=thresholds,
        relisten=relistener(sound, chosen, memo, words_of_lexicon),
    )
    result, found = compare(heard)
    if any(problem.severity is Severity.ERROR for problem in found):
        # Never refuse on a chapter assembled from sentences heard apart: hear it whole.
        whole = hear_whole(sound, chosen, memo)
        if whole != heard:
            result, found = compare(whole)
    # Heard in pieces or with other sentences, Whisper sometimes drops or moves a
    # stretch (a short leaflet's closing recap came out as "(nothing)"); a chapter
    # is failed only once it has also been heard on its own, plainly and then
    # carefully (either may loop on a phrase where the other does not). A truly
    # wrong chapter (cut, swapped, silent) fails every time.
    for careful in (False, True):
        if not _too_different(result, thresholds):
            break
        again, found_again = compare(hear_alone(sound, chosen, memo, careful=careful))
        if not _too_different(again, thresholds):
            result, found = again, found_again
    return result, found


def _in_order(problems: list[Problem], spec: BundleSpec) -> list[Problem]:
    """Bundle-wide problems first, then chapter by chapter; within a chapter the
    chapter file's problems before the whole file's, each in time order."""
    order = {c.number: i for i, c in enumerate(spec.chapters)}
    files_of = {c.number: c.file for c in spec.chapters}
    return sorted(
        problems,
        key=lambda p: (
            p.chapter is not None,
            order.get(p.chapter, -1) if p.chapter is not None else -1,
            p.file != files_of.get(p.chapter) if p.chapter is not None else False,
            p.time_s or 0.0,
        ),
    )


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Any:
    begun = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - begun


def _measure_chapter(
    spec: BundleSpec,
    chapter: ChapterSpec,
    thresholds: Thresholds,
    memo: Memo,
    timings: dict[str, float],
) -> tuple[AudioFacts | None, ChapterSound | None, list[Problem]]:
    """Audio facts and level, silence, pace and length problems of one chapter file, and the
    file as the recogniser will hear it. Facts of audio measured before are not measured
    again (`check.memo`, by the audio frames' digest and the limits measured with)."""
    where = chapter.where()
    path = spec.folder / chapter.file
    if not path.is_file():
        return None, None, []  # reported by the checksum check
    sound = ChapterSound(path)
    key = key_of("facts", FACTS_VERSION, repr(thresholds), sound.digest)
    facts = memo.facts(key)
    problems: list[Problem] = []
    if facts is None:
        with _timed(timings, "decode and loudness"):
            facts, problems = decode_or_problem(path, where, thresholds)
        if facts is None:
            return None, None, problems
        memo.put_facts(key, facts)
    problems += level_problems(facts, where, thresholds)
    if facts.duration_s <= 0:
        return facts, sound, problems
    problems += silence_problems(facts, chapter.cues, where, thresholds)
    spoken = spoken_word_count(chapter.sentences)
    problems += pace_problems(facts, spoken, where, thresholds, chapter.sentences)
    problems += duration_problems(facts, chapter.duration_ms, where, thresholds)
    return facts, sound, problems


def _too_different(result: ChapterResult, thresholds: Thresholds) -> bool:
    """True when a chapter's word error rate is above the limit."""
    rate = result.word_error_rate
    return rate is not None and rate > thresholds.max_word_error_rate


def _compare_chapter(
    spec: BundleSpec,
    chapter: ChapterSpec,
    facts: AudioFacts,
    words: list[Word],
    *,
    lexicon: frozenset[str],
    thresholds: Thresholds,
    relisten: Relisten,
) -> tuple[ChapterResult, list[Problem]]:
    """Speech, announcement and (for the introduction) section-list problems of a chapter."""
    where = chapter.where()
    speech = check_speech(
        where, chapter.cues, words, lexicon=lexicon, thresholds=thresholds, relisten=relisten
    )
    problems = list(speech.problems)
    if facts.duration_s > 0:
        # A chapter that fails as a whole is not worth a second listening.
        whole_fails = speech.word_error_rate > thresholds.max_word_error_rate
        problems += announcement_problems(
            where,
            speech.heard,
            number=chapter.number,
            total=len(spec.chapters),
            duration_s=facts.duration_s,
            thresholds=thresholds,
            cues=chapter.cues,
            relisten=None if whole_fails else relisten,
        )
    # The generated introduction is always chapter 1; a leaflet's own section
    # titled "Introduction" is a section like any other.
    if chapter.number == 1:
        titles = [spec.title] + [c.title for c in spec.chapters if c is not chapter]
        problems += introduction_problems(
            where,
            speech.heard,
            titles=titles,
            thresholds=thresholds,
            lexicon=lexicon,
            cues=chapter.cues,
            relisten=relisten,
        )
    result = ChapterResult(
        number=chapter.number,
        title=chapter.title,
        file=chapter.file,
        duration_s=facts.duration_s,
        words_expected=speech.words_expected,
        words_heard=speech.words_heard,
        word_error_rate=speech.word_error_rate if chapter.cues else None,
        critical_words=speech.critical_words,
        loudness_lufs=facts.loudness_lufs,
        true_peak_dbtp=facts.true_peak_dbtp,
        wpm=pace_wpm(facts, spoken_word_count(chapter.sentences)),
        differences=speech.differences,
        heard_text=" ".join(w.text for w in words),
    )
    return result, problems


def _check_whole(
    spec: BundleSpec, chapters: dict[int, AudioFacts], thresholds: Thresholds, joined: bool
) -> list[Problem]:
    """The whole-leaflet file: levels, length, and each chapter's audio in its place.

    A whole file that is its chapters' frames joined, byte for byte (`joined`), holds
    exactly their audio in their places: its levels and length follow from theirs,
    and it is not decoded again. Any other (an older build's, or one damaged) is
    decoded and each chapter's sound looked for where the manifest puts it.
    """
    if spec.full_file is None or not (spec.folder / spec.full_file).is_file():
        return []
    where = FileContext(spec.full_file)
    if joined and len(chapters) == len(spec.chapters):
        derived = _joined_facts(spec, chapters)
        return level_problems(derived, where, thresholds) + duration_problems(
            derived, spec.full_duration_ms, where, thresholds
        )
    facts, problems = decode_or_problem(spec.folder / spec.full_file, where, thresholds)
    if facts is None:
        return problems
    problems += level_problems(facts, where, thresholds)
    problems += duration_problems(facts, spec.full_duration_ms, where, thresholds)
    frame_ms = 10
    for chapter in spec.chapters:
        own = chapters.get(chapter.number)
        if own is None or chapter.start_ms is None:
            continue
        similarity = envelope_similarity(
            facts.envelope, chapter.start_ms // frame_ms, own.envelope, max_lag=10
        )
        if similarity < thresholds.min_whole_file_correlation:
            problems.append(
                FileContext(spec.full_file, chapter.number, chapter.title).problem(
                    ProblemKind.WHOLE_FILE,
                    f"the whole-leaflet file from {chapter.start_ms / 1000:.1f} s does not "
                    f"sound like {chapter.file} (level correlation {similarity:.2f}); "
                    "rebuild the bundle",
                    time_s=chapter.start_ms / 1000,
                    expected=chapter.file,
                    heard=f"correlation {similarity:.2f}",
                )
            )
    return problems


def _joined_facts(spec: BundleSpec, chapters: dict[int, AudioFacts]) -> AudioFacts:
    """The facts of a whole file joined from the chapters' frames, from theirs.

    Its length is every frame's (`mp3.py`); its loudness the chapters' energy,
    each weighted by its length (every chapter is made at the same loudness, so
    gating changes nothing that matters); its peak the highest of theirs.
    """
    from audio_leaflet.mp3 import audio_frames

    parts = [audio_frames(spec.folder / chapter.file) for chapter in spec.chapters]
    duration = sum(part.samples for part in parts) / parts[0].sample_rate
    facts = list(chapters.values())
    measured = [(f.duration_s, f.loudness_lufs) for f in facts if f.loudness_lufs is not None]
    energy = sum(seconds * 10 ** (lufs / 10) for seconds, lufs in measured)
    span = sum(seconds for seconds, _ in measured)
    peaks = [f.true_peak_dbtp for f in facts if f.true_peak_dbtp is not None]
    clipped = [f for f in facts if f.clipped_runs]
    return AudioFacts(
        duration_s=duration,
        loudness_lufs=10 * math.log10(energy / span) if span and energy > 0 else None,
        true_peak_dbtp=max(peaks) if peaks else None,
        silences=(),
        clipped_runs=sum(f.clipped_runs for f in facts),
        first_clip_s=clipped[0].first_clip_s if clipped else None,
        envelope=np.zeros(0, dtype=np.float32),
    )
