"""The only module that wires the stages together (DESIGN section 2).

    prepare:  read -> narrate -> narration scripts (hand edits kept)
    build:    synthesize (cached) -> assemble -> encode + tag -> bundle files
              -> manifest -> listening check -> publish (atomic swap) -> feed

Nothing here decides how a stage works; it decides what must be redone. A
sentence is synthesized only when its cache key is new; a chapter file is
re-encoded only when its audio or tags changed, otherwise the published file
is copied byte for byte; a build whose inputs all match the last manifest
writes nothing at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audio_leaflet import __version__
from audio_leaflet.audio import (
    ChapterAudio,
    PausePlan,
    SpokenSentence,
    assemble_chapter,
    join_chapters,
)
from audio_leaflet.cache import AudioCache, CachedChapter, chapter_key, sentence_key
from audio_leaflet.config import Settings
from audio_leaflet.cover import load_cover, make_cover
from audio_leaflet.engines import make_engine
from audio_leaflet.engines.base import Engine, count_words, pace_correction
from audio_leaflet.errors import CheckFailed
from audio_leaflet.ffmpeg import encode_mp3
from audio_leaflet.lexicon import load_lexicon
from audio_leaflet.manifest import (
    SCHEMA,
    next_history,
    read_manifest,
    sha256_bytes,
    sha256_file,
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
    publish,
    recover,
)
from audio_leaflet.read import read_leaflet
from audio_leaflet.read.metadata import resolve_metadata
from audio_leaflet.tags import ChapterMark, ChapterTags, tag_chapter_file, tag_full_file

Progress = Callable[[str, int, int], None]
"""progress(stage label, done, total): the CLI draws it on stderr."""


def _no_progress(label: str, done: int, total: int) -> None:
    return None


def _utc_now() -> dt.datetime:
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


@dataclass
class _Counts:
    synthesized: int = 0
    reused: int = 0


@dataclass
class _ChapterBuild:
    chapter: Chapter
    audio: ChapterAudio
    key: str
    sentence_keys: list[str] = field(default_factory=list)


def build_leaflet(
    source: Path,
    settings: Settings,
    *,
    progress: Progress = _no_progress,
    now: Callable[[], dt.datetime] = _utc_now,
) -> BuildResult:
    """Build (or bring up to date) the bundle of one leaflet and publish it atomically."""
    prepared = prepare(source, settings)
    narration = prepared.narration
    bundle = settings.out_dir / narration.slug
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    with leaflet_lock(settings.out_dir, narration.slug):
        recover(bundle)
        clear_stale_staging(bundle)
        previous = read_manifest(bundle)
        lexicon = load_lexicon(settings.lexicon)
        engine = make_engine(
            settings.engine, voice=settings.voice, wpm=settings.wpm, lexicon=lexicon
        )
        cover = _cover_bytes(settings, narration)
        fingerprint = _fingerprint(prepared, settings, engine, cover)
        if _is_up_to_date(previous, fingerprint, bundle):
            write_out_dir_files(settings)
            return BuildResult(bundle, narration.slug, True, 0, 0, (), prepared.warnings)

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
                now(),
            )
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

    built: dict[int, _ChapterBuild] = {}
    for chapter in sections:
        built[chapter.number] = _chapter_audio(chapter, engine, cache, plan, counts, tick)

    # The introduction says how long everything is, so it is spoken last. Its
    # own length changes the total; describe, speak, and describe again until
    # the words no longer change (lengths are rounded, so this settles fast).
    for chapter in narration.chapters:
        if chapter.kind is ChapterKind.INTRODUCTION:
            built[chapter.number] = _introduction_audio(
                chapter, built, engine, cache, plan, counts, tick, updated
            )

    ordered = [built[c.number] for c in narration.chapters]
    full_clip, starts = join_chapters([b.audio for b in ordered])

    chapter_scripts = {c.number: c for c in narration.chapters}
    tags_base = _tags_base(narration, settings, prepared, cover, started)
    chapter_entries: list[dict[str, Any]] = []
    changed: list[int] = []
    previous_chapters = {c["file"]: c for c in (previous or {}).get("chapters", [])}
    total = len(ordered)
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
        file_key = _digest(item.key, repr(tags), sha256_bytes(cover))
        old = previous_chapters.get(file_name)
        target = staging / file_name
        if (
            old
            and old.get("file_key") == file_key
            and _copy_if_intact(bundle / file_name, target, old.get("sha256"))
        ):
            pass
        else:
            progress(f"encoding {chapter.title}", index + 1, total)
            encode_mp3(item.audio.clip, target, settings.bitrate_kbps)
            tag_chapter_file(target, tags)
            changed.append(chapter.number)
        chapter_entries.append(
            {
                "number": chapter.number,
                "title": chapter.title,
                "file": file_name,
                "narration": str(script_path(prepared.script_dir, chapter)),
                "start_ms": starts[index],
                "duration_ms": item.audio.clip.duration_ms,
                "bytes": target.stat().st_size,
                "sha256": sha256_file(target),
                "file_key": file_key,
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
    full_key = _digest(*(b.key for b in ordered), repr(full_tags), repr(marks), sha256_bytes(cover))
    old_full = (previous or {}).get("full", {})
    full_target = staging / full_name
    if not (
        old_full.get("file_key") == full_key
        and _copy_if_intact(bundle / full_name, full_target, old_full.get("sha256"))
    ):
        progress("encoding the whole leaflet", 1, 1)
        encode_mp3(full_clip, full_target, settings.bitrate_kbps)
        tag_full_file(full_target, full_tags, marks)

    (staging / "cover.jpg").write_bytes(cover)
    manifest: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "audio-leaflet", "version": __version__},
        "fingerprint": fingerprint,
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

    summary = ""
    if settings.check:
        from audio_leaflet.check import check_bundle

        progress("listening check", 0, 1)
        report = check_bundle(staging, cache_dir=settings.cache_dir)
        summary = report.summary()
        if not report.passed:
            raise CheckFailed(
                f"the listening check failed, so {bundle} was left as it was: "
                f"{report.first_problem()}. Run 'audio-leaflet check' on a build "
                "with --no-check for the full report."
            )
    return BuildResult(
        bundle,
        narration.slug,
        False,
        counts.synthesized,
        counts.reused,
        tuple(changed),
        prepared.warnings,
        summary,
    )


def _chapter_audio(
    chapter: Chapter,
    engine: Engine,
    cache: AudioCache,
    plan: PausePlan,
    counts: _Counts,
    tick: Callable[[str], None],
) -> _ChapterBuild:
    """Assemble one chapter from cached or newly synthesized sentences, at the right pace."""
    settings = engine.settings_key()
    keys: list[str] = []
    layout: list[str] = [settings, repr(plan)]
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
        return _ChapterBuild(chapter, ChapterAudio(cached.clip, cached.cues), key, keys)

    audio, speech_ms = _speak(chapter, engine, cache, plan, counts, tick)
    factor = _pace_factor(chapter, audio, speech_ms, engine.wpm)
    if factor != 1.0:
        # A chapter made of short lines (the introduction's list of sections)
        # is heard slower than the engine's calibrated pace: say it again a
        # little faster, so every chapter keeps the pace listeners expect.
        try:
            quicker = engine.retimed(factor)
        except NotImplementedError:
            quicker = None
        if quicker is not None:
            audio, _ = _speak(chapter, quicker, cache, plan, counts, lambda _label: None)
    cache.put_chapter(key, CachedChapter(audio.clip, audio.cues))
    return _ChapterBuild(chapter, audio, key, keys)


def _speak(
    chapter: Chapter,
    engine: Engine,
    cache: AudioCache,
    plan: PausePlan,
    counts: _Counts,
    tick: Callable[[str], None],
) -> tuple[ChapterAudio, int]:
    """Synthesize (or take from the cache) every sentence and assemble the chapter.

    Returns the chapter and how many milliseconds of it are speech.
    """
    settings = engine.settings_key()
    parts: list[SpokenSentence | Pause] = []
    speech_ms = 0
    for line in chapter.lines:
        if isinstance(line, Pause):
            parts.append(line)
            continue
        text = engine.engine_text(line.text)
        key = sentence_key(settings, text)
        clip = cache.get_sentence(key)
        if clip is None:
            clip = engine.synthesize(text)
            cache.put_sentence(key, clip)
            counts.synthesized += 1
        else:
            counts.reused += 1
        tick(chapter.title)
        speech_ms += clip.duration_ms
        parts.append(SpokenSentence(line.text, clip))
    return assemble_chapter(parts, plan=plan), speech_ms


# The band of pace, pauses included, within which a chapter is left as spoken.
PACE_BAND = (0.9, 1.06)


def _pace_factor(chapter: Chapter, audio: ChapterAudio, speech_ms: int, wpm: int) -> float:
    """1.0 when the chapter's pace is within PACE_BAND of `wpm`, else the speed-up it needs."""
    words = sum(count_words(sentence) for sentence in chapter.sentences)
    duration_ms = audio.clip.duration_ms
    if words == 0 or duration_ms == 0:
        return 1.0
    pace = words * 60_000 / duration_ms
    if PACE_BAND[0] * wpm <= pace <= PACE_BAND[1] * wpm:
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
) -> _ChapterBuild:
    """Speak the introduction with the real lengths filled in."""
    sections_ms = sum(b.audio.clip.duration_ms for b in built.values())
    estimate_ms = 45_000
    result: _ChapterBuild | None = None
    for _ in range(4):
        filled = _fill_introduction(chapter, built, sections_ms + estimate_ms, updated)
        result = _chapter_audio(filled, engine, cache, plan, counts, lambda _label: None)
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
    if settings.cover is not None:
        return load_cover(settings.cover)
    return make_cover(narration.title, narration.organisation)


def _fingerprint(prepared: Prepared, settings: Settings, engine: Engine, cover: bytes) -> str:
    """Everything that determines the bundle's bytes, except the clock."""
    parts = [
        __version__,
        engine.settings_key(),
        settings.language,
        str(settings.bitrate_kbps),
        prepared.source_sha256,
        sha256_bytes(cover),
    ]
    for chapter in prepared.narration.chapters:
        parts.append(f"chapter {chapter.number} {chapter.slug} {chapter.title}")
        for line in chapter.lines:
            if isinstance(line, Speech):
                parts.append(f"s {engine.engine_text(line.text)}")
            else:
                parts.append(f"p {line.ms}")
    return _digest(*parts)


def _is_up_to_date(previous: dict[str, Any] | None, fingerprint: str, bundle: Path) -> bool:
    return bool(
        previous
        and previous.get("fingerprint") == fingerprint
        and not verify_files(bundle, previous)
    )


def _copy_if_intact(source: Path, target: Path, expected_sha256: str | None) -> bool:
    """Copy a published file into staging when it is still what the manifest says."""
    if not expected_sha256 or not source.is_file() or sha256_file(source) != expected_sha256:
        return False
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
    """Rewrite the feed (when a base URL is known) and the site index, if they changed."""
    from audio_leaflet.bundle import write_feed, write_site_index

    manifests = bundle_manifests(settings.out_dir)
    if not manifests:
        return
    write_site_index(settings.out_dir, manifests)
    if settings.base_url:
        write_feed(settings.out_dir, manifests, base_url=settings.base_url)


# --------------------------------------------------------------------------
# status
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterStatus:
    """How one chapter differs from the last build."""

    number: int
    """Chapter number now (or in the last build, for a removed chapter)."""
    title: str
    """Chapter title."""
    state: str
    """new, removed, changed or unchanged."""
    changed_sentences: tuple[str, ...] = ()
    """Sentences now spoken that the last build did not speak."""
    removed_sentences: tuple[str, ...] = ()
    """Sentences the last build spoke that are gone."""
    edited_by_hand: bool = False
    """True when the chapter's narration script was edited by hand."""


@dataclass(frozen=True)
class LeafletStatus:
    """What a rebuild would change."""

    slug: str
    """The leaflet's slug."""
    built: bool
    """False when there is no previous build."""
    source_changed: bool
    """True when the leaflet file differs from the one last built."""
    chapters: tuple[ChapterStatus, ...]
    """Per chapter, in order; removed chapters last."""
    warnings: tuple[str, ...]
    """Messages for staff."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "slug": self.slug,
            "built": self.built,
            "source_changed": self.source_changed,
            "chapters": [
                c.__dict__
                | {
                    "changed_sentences": list(c.changed_sentences),
                    "removed_sentences": list(c.removed_sentences),
                }
                for c in self.chapters
            ],
            "warnings": list(self.warnings),
        }


def leaflet_status(source: Path, settings: Settings) -> LeafletStatus:
    """Compare the leaflet and its scripts with the last build's manifest."""
    prepared = prepare(source, settings, write=False)
    narration = prepared.narration
    previous = read_manifest(settings.out_dir / narration.slug)
    if previous is None:
        chapters = tuple(
            ChapterStatus(c.number, c.title, "new", edited_by_hand=c.number in prepared.edited)
            for c in narration.chapters
        )
        return LeafletStatus(narration.slug, False, True, chapters, prepared.warnings)
    old_by_title = {c["title"]: c for c in previous.get("chapters", [])}
    statuses = []
    seen = set()
    for chapter in narration.chapters:
        old = old_by_title.get(chapter.title)
        is_edited = chapter.number in prepared.edited
        if old is None:
            statuses.append(
                ChapterStatus(
                    chapter.number, chapter.title, "new", chapter.sentences, (), is_edited
                )
            )
            continue
        seen.add(chapter.title)
        old_texts = list(old.get("script", []))
        now_texts = list(chapter.sentences)
        added = tuple(t for t in now_texts if t not in old_texts)
        removed = tuple(t for t in old_texts if t not in now_texts)
        state = "changed" if added or removed or old["number"] != chapter.number else "unchanged"
        statuses.append(
            ChapterStatus(chapter.number, chapter.title, state, added, removed, is_edited)
        )
    for title, old in old_by_title.items():
        if title not in seen and title not in {c.title for c in narration.chapters}:
            statuses.append(ChapterStatus(old["number"], title, "removed"))
    return LeafletStatus(
        narration.slug,
        True,
        previous.get("source", {}).get("sha256") != prepared.source_sha256,
        tuple(statuses),
        prepared.warnings,
    )


def manifest_json(manifest: dict[str, Any]) -> str:
    """A manifest as indented JSON."""
    return json.dumps(manifest, indent=2, ensure_ascii=False)


def describe_sequence(items: Sequence[int]) -> str:
    """'1, 3 and 4' for messages."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
