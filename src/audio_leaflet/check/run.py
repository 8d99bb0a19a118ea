"""check_bundle: listen to a built bundle and compare it with its narration."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from audio_leaflet.check.audio_checks import (
    SILENCE_FRAME_S,
    AudioFacts,
    FileContext,
    decode_or_problem,
    duration_problems,
    envelope_similarity,
    frame_levels,
    level_problems,
    pace_problems,
    pace_wpm,
    runs,
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
from audio_leaflet.check.recognise import (
    WHISPER_SAMPLE_RATE,
    Recogniser,
    Word,
    default_recogniser,
    pcm_16k,
)
from audio_leaflet.check.report import (
    ChapterResult,
    CheckReport,
    Problem,
    ProblemKind,
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
)
from audio_leaflet.check.words import normalise
from audio_leaflet.model import Cue

Progress = Callable[[str, int, int], None]
"""progress(label, done, total), the pipeline's progress callback."""


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
    progress: Progress | None = None,
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
    - `cache_dir`: where transcripts are kept by audio checksum, so an
      unchanged chapter is not listened to twice (None: no disk cache).
    - `feed`: the podcast feed to check; by default `<out-dir>/feed.xml` when
      `bundle_dir` is the published bundle (named after the slug), not a
      staging folder, whose feed still describes the previous build.

    Never raises for a faulty bundle: every fault is a problem in the report.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    tell = progress or (lambda label, done, total: None)
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
    count = len(spec.chapters)
    total_steps = count + 2

    # 1. Measure every chapter file and decode it for the recogniser.
    measured: dict[int, tuple[AudioFacts, bytes]] = {}
    for index, chapter in enumerate(spec.chapters):
        tell(f"measuring {chapter.title}", index, total_steps)
        facts, pcm, found = _measure_chapter(spec, chapter, thresholds, timings)
        problems += found
        if facts is not None and pcm is not None:
            measured[chapter.number] = (facts, pcm)

    # 2. Listen to all of them at once (see `transcribe_chapters`).
    tell("listening", count, total_steps)
    with _timed(timings, "recognition"):
        heard = transcribe_chapters(
            {number: pcm for number, (_, pcm) in measured.items() if pcm}, chosen, cache_dir
        )

    # 3. Compare what was heard with what each chapter should say.
    with _timed(timings, "comparison and second listenings"):
        results, found = _compare_chapters(
            spec, measured, heard, chosen, cache_dir, timings, thresholds, words_of_lexicon
        )
    problems += found

    # 4. The whole-leaflet file, its chapter markers, the feed.
    tell("checking the whole-leaflet file", count + 1, total_steps)
    facts_by_chapter = {number: facts for number, (facts, _) in measured.items()}
    with _timed(timings, "whole file"):
        problems += _check_whole(spec, facts_by_chapter, thresholds)
    with _timed(timings, "chapter markers"):
        durations = {number: facts.duration_s for number, facts in facts_by_chapter.items()}
        problems += marker_problems(spec, chapter_starts_ms(spec, durations), thresholds)
    feed_path = feed
    if feed_path is None and bundle_dir.name == spec.slug:
        feed_path = bundle_dir.parent / FEED_NAME
    if feed_path is not None and feed_path.is_file():
        problems += feed_problems(spec, feed_path)
    tell("listening check", total_steps, total_steps)

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


def _compare_chapters(
    spec: BundleSpec,
    measured: dict[int, tuple[AudioFacts, bytes]],
    heard: dict[int, list[Word]],
    chosen: Recogniser,
    cache_dir: Path | None,
    timings: dict[str, float],
    thresholds: Thresholds,
    words_of_lexicon: frozenset[str],
) -> tuple[list[ChapterResult], list[Problem]]:
    """Each chapter's words heard against its narration; a chapter far off is heard alone."""
    results: list[ChapterResult] = []
    problems: list[Problem] = []
    for chapter in spec.chapters:
        if chapter.number not in measured:
            results.append(ChapterResult(chapter.number, chapter.title, chapter.file))
            continue
        facts, pcm = measured[chapter.number]
        relisten = _relistener(pcm, chosen, cache_dir, timings, words_of_lexicon)
        compare = functools.partial(
            _compare_chapter,
            spec,
            chapter,
            facts,
            lexicon=words_of_lexicon,
            thresholds=thresholds,
            relisten=relisten,
        )
        result, found = compare(heard.get(chapter.number, []))
        # Heard with the other chapters, Whisper sometimes drops or moves a
        # stretch (a short leaflet's closing recap came out as "(nothing)");
        # a chapter is failed only once it has also been heard on its own,
        # plainly and then carefully (either may loop on a phrase where the
        # other does not). A truly wrong chapter (cut, swapped, silent)
        # fails every time.
        for careful in (False, True):
            if not _too_different(result, thresholds):
                break
            alone = _hear_alone(pcm, chosen, cache_dir, timings, careful=careful)
            again, found_again = compare(alone)
            if not _too_different(again, thresholds):
                result, found = again, found_again
        results.append(result)
        problems += found
    return results, problems


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
    spec: BundleSpec, chapter: ChapterSpec, thresholds: Thresholds, timings: dict[str, float]
) -> tuple[AudioFacts | None, bytes | None, list[Problem]]:
    """Audio facts and level, silence, pace and length problems of one chapter file,
    and its audio at 16 kHz for the recogniser (None when there is nothing to hear)."""
    where = chapter.where()
    path = spec.folder / chapter.file
    if not path.is_file():
        return None, None, []  # reported by the checksum check
    with _timed(timings, "decode and loudness"):
        facts, problems = decode_or_problem(path, where, thresholds)
        if facts is None:
            return None, None, problems
        pcm = pcm_16k(path, WHISPER_SAMPLE_RATE) if facts.duration_s > 0 else b""
    problems += level_problems(facts, where, thresholds)
    if facts.duration_s <= 0:
        return facts, pcm, problems
    problems += silence_problems(facts, chapter.cues, where, thresholds)
    spoken = spoken_word_count(chapter.sentences)
    problems += pace_problems(facts, spoken, where, thresholds, chapter.sentences)
    problems += duration_problems(facts, chapter.duration_ms, where, thresholds)
    return facts, pcm, problems


def _too_different(result: ChapterResult, thresholds: Thresholds) -> bool:
    """True when a chapter's word error rate is above the limit."""
    rate = result.word_error_rate
    return rate is not None and rate > thresholds.max_word_error_rate


def _hear_alone(
    pcm: bytes,
    recogniser: Recogniser,
    cache_dir: Path | None,
    timings: dict[str, float],
    *,
    careful: bool,
) -> list[Word]:
    """One chapter heard on its own (cached like every listening).

    Its own cache key: the chapter's words from the joined listening are
    cached under the chapter's audio too, and must not be taken for these.
    """
    key = _key(recogniser, pcm, careful=careful, alone=True)
    words = _read_cached(cache_dir, key)
    if words is None:
        with _timed(timings, "second listenings"):
            words = recogniser.transcribe(pcm, WHISPER_SAMPLE_RATE, careful=careful)
            words = _fix_loops(pcm, _fill_gaps(pcm, words, recogniser), recogniser)
        _write_cached(cache_dir, key, words)
    return words


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


# Audio kept either side of a sentence heard a second time: less than the
# 400 ms between sentences, more than the recogniser's timing error.
_RELISTEN_MARGIN_S = 0.25


def _relistener(
    pcm: bytes,
    recogniser: Recogniser,
    cache_dir: Path | None,
    timings: dict[str, float],
    lexicon: frozenset[str] = frozenset(),
) -> Relisten:
    """Hear one sentence of a chapter again, carefully and on its own (cached like the
    first listening), told the lexicon words it uses."""

    heard: dict[Cue, list[Word]] = {}

    def relisten(cue: Cue) -> list[Word]:
        if cue not in heard:
            heard[cue] = listen(cue)
        return heard[cue]

    def listen(cue: Cue) -> list[Word]:
        start = max(0, round((cue.start_ms / 1000 - _RELISTEN_MARGIN_S) * WHISPER_SAMPLE_RATE))
        end = round((cue.end_ms / 1000 + _RELISTEN_MARGIN_S) * WHISPER_SAMPLE_RATE)
        piece = pcm[2 * start : 2 * end]
        if len(piece) < WHISPER_SAMPLE_RATE // 5:
            return []
        vocabulary = sorted(lexicon.intersection(normalise(cue.text)))
        key = _key(recogniser, piece, careful=True, vocabulary=vocabulary)
        words = _read_cached(cache_dir, key)
        if words is None:
            with _timed(timings, "second listenings"):
                words = recogniser.transcribe(
                    piece, WHISPER_SAMPLE_RATE, careful=True, vocabulary=vocabulary
                )
            _write_cached(cache_dir, key, words)
        offset = start / WHISPER_SAMPLE_RATE
        return [Word(w.text, w.start_s + offset, w.end_s + offset, w.probability) for w in words]

    return relisten


# Silence put between chapters when they are listened to in one pass, so no
# word can straddle two of them.
_JOIN_SILENCE_S = 1.0


def transcribe_chapters(
    audio: dict[int, bytes], recogniser: Recogniser, cache_dir: Path | None
) -> dict[int, list[Word]]:
    """Words heard in each chapter's 16 kHz audio, times relative to the chapter.

    Whisper works in 30 s windows and pads a shorter input to 30 s, so a 20 s
    chapter costs as much as a 30 s one. Chapters not in the cache are
    therefore joined (with a second of silence between them), heard in one
    pass, and the words dealt back to their chapters by time. Transcripts are
    cached per chapter by the checksum of its decoded audio and the
    recogniser's name: re-tagging a file does not make it be heard again.

    Whisper sometimes jumps over a stretch of speech (its 30 s windows end
    early and it seeks past what it did not write: on one seed build it
    skipped 10 s holding three phone numbers). Any stretch of sound in which
    no word was heard is therefore heard again on its own (`_fill_gaps`),
    and so is any stretch where it repeats itself ("Wm sight Wm sight ...",
    `_fix_loops`).
    """
    keys = {number: _key(recogniser, pcm, careful=False) for number, pcm in audio.items()}
    heard: dict[int, list[Word]] = {}
    for number, key in keys.items():
        cached = _read_cached(cache_dir, key)
        if cached is not None:
            heard[number] = cached
    missing = [number for number in audio if number not in heard]
    if not missing:
        return heard
    pad = b"\0\0" * round(WHISPER_SAMPLE_RATE * _JOIN_SILENCE_S)
    spans: list[tuple[int, float, float]] = []
    joined = bytearray()
    for number in missing:
        if joined:
            joined += pad
        start = len(joined) / 2 / WHISPER_SAMPLE_RATE
        joined += audio[number]
        spans.append((number, start, len(joined) / 2 / WHISPER_SAMPLE_RATE))
    words = recogniser.transcribe(bytes(joined), WHISPER_SAMPLE_RATE) if joined else []
    dealt: dict[int, list[Word]] = {number: [] for number in missing}
    for word in words:
        middle = (word.start_s + word.end_s) / 2
        number, start, end = min(spans, key=lambda s: max(s[1] - middle, middle - s[2], 0.0))
        dealt[number].append(
            Word(
                word.text,
                min(max(word.start_s - start, 0.0), end - start),
                min(max(word.end_s - start, 0.0), end - start),
                word.probability,
            )
        )
    for number in missing:
        words = _fill_gaps(audio[number], dealt[number], recogniser)
        heard[number] = _fix_loops(audio[number], words, recogniser)
        _write_cached(cache_dir, keys[number], heard[number])
    return heard


# A run of words repeating a pattern this many times is a recogniser loop.
_LOOP_REPEATS = 4


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


def _fix_loops(pcm: bytes, words: list[Word], recogniser: Recogniser) -> list[Word]:
    """`words` with each recogniser loop replaced by a careful listening to its stretch."""
    fixed = list(words)
    for first, end in reversed(_loops(words)):
        begin_s = max(0.0, words[first].start_s - _WORD_REACH_S)
        end_s = words[end - 1].end_s + _WORD_REACH_S
        piece = pcm[2 * int(begin_s * WHISPER_SAMPLE_RATE) : 2 * int(end_s * WHISPER_SAMPLE_RATE)]
        for careful in (True, False):  # either may loop where the other does not
            again = [
                Word(w.text, w.start_s + begin_s, w.end_s + begin_s, w.probability)
                for w in recogniser.transcribe(piece, WHISPER_SAMPLE_RATE, careful=careful)
            ]
            if len(again) < end - first and not _loops(again):
                fixed[first:end] = again
                break
    return fixed


# Sound this long with no word heard in it is listened to again.
_GAP_SOUND_S = 1.5
# Around each heard word, this much audio counts as heard.
_WORD_REACH_S = 0.3
# Frames louder than this are sound (speech sits 25 dB or more above it).
_SOUND_DBFS = -45.0


def _fill_gaps(pcm: bytes, words: list[Word], recogniser: Recogniser) -> list[Word]:
    """`words` with the words of any stretch of sound the recogniser skipped."""
    samples = np.frombuffer(pcm, dtype=np.int16)
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
        piece = pcm[2 * int(begin_s * WHISPER_SAMPLE_RATE) : 2 * int(end_s * WHISPER_SAMPLE_RATE)]
        for word in recogniser.transcribe(piece, WHISPER_SAMPLE_RATE, careful=True):
            shifted = Word(
                word.text, word.start_s + begin_s, word.end_s + begin_s, word.probability
            )
            middle = (shifted.start_s + shifted.end_s) / 2
            if begin_s <= middle <= end_s:
                found.append(shifted)
    return sorted(found, key=lambda w: w.start_s) if len(found) > len(words) else found


def _key(
    recogniser: Recogniser,
    pcm: bytes,
    *,
    careful: bool,
    alone: bool = False,
    vocabulary: Sequence[str] = (),
) -> str:
    """Cache key of a transcript: the recogniser, how it listened, and the audio."""
    how = f"{recogniser.name}|{'careful' if careful else 'first'}{'|alone' if alone else ''}"
    if vocabulary:
        how += "|told " + ",".join(vocabulary)
    return hashlib.sha256(how.encode() + b"\0" + pcm).hexdigest()


def _read_cached(cache_dir: Path | None, key: str) -> list[Word] | None:
    if cache_dir is None:
        return None
    path = cache_dir / "transcripts" / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Word(w["text"], w["start_s"], w["end_s"], w["probability"]) for w in data]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged entry: listen again


def _write_cached(cache_dir: Path | None, key: str, words: list[Word]) -> None:
    if cache_dir is None:
        return
    path = cache_dir / "transcripts" / f"{key}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(
            json.dumps([dataclasses.asdict(w) for w in words], ensure_ascii=False),
            encoding="utf-8",
        )
        temporary.replace(path)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _check_whole(
    spec: BundleSpec, chapters: dict[int, AudioFacts], thresholds: Thresholds
) -> list[Problem]:
    """The whole-leaflet file: levels, length, and each chapter's audio in its place."""
    if spec.full_file is None or not (spec.folder / spec.full_file).is_file():
        return []
    where = FileContext(spec.full_file)
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
