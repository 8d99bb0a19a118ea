"""The only module that wires the stages together (DESIGN section 2).

    prepare:  read -> narrate -> narration scripts (hand edits kept)
    build:    synthesize (cached) -> assemble -> encode + tag -> bundle files
              -> manifest -> listening check -> publish (atomic swap) -> feed

Nothing here decides how a stage works; it decides what must be redone. A
sentence is synthesized only when its cache key is new (`speak`); a chapter
file is re-encoded only when its audio or tags changed, otherwise the
published file is linked (or copied) byte for byte (`_BundleFiles`); a build
whose inputs all match the last manifest writes nothing at all
(`fingerprint`).

A no-change build must stay cheap (under a second or so): it reads and
narrates the leaflet, compares one fingerprint of every input with the
manifest and checks the published files' checksums. The voice, numpy, the
cover and the MP3 tools are imported only past that point.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio_leaflet import __version__
from audio_leaflet.cache import AudioCache, Retakes
from audio_leaflet.config import Settings
from audio_leaflet.errors import BuildError, CheckFailed
from audio_leaflet.fileio import sha256_file, write_atomic
from audio_leaflet.fingerprint import build_fingerprint, build_inputs, digest, encoding_key
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
from audio_leaflet.model import Narration
from audio_leaflet.naming import slugify
from audio_leaflet.narrate import narrate
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
from audio_leaflet.speak import SpeechCounts, SpokenChapter, speak_leaflet

if TYPE_CHECKING:  # imported where used, so that a no-change build stays quick
    from audio_leaflet.audio import ChapterAudio
    from audio_leaflet.check.report import CheckReport
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
        fingerprint = build_fingerprint(prepared.narration, prepared.source_sha256, inputs)
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
        build = functools.partial(
            _build_into,
            bundle=bundle,
            prepared=prepared,
            settings=settings,
            engine=engine,
            cover=_cover_bytes(settings, narration),
            fingerprint=fingerprint,
            previous=previous,
            progress=progress,
            started=started,
        )
        result = _build_hear_and_publish(bundle, build, settings, engine, lexicon, progress)
    write_out_dir_files(settings)
    return result


def _build_hear_and_publish(
    bundle: Path,
    build: Callable[..., BuildResult],
    settings: Settings,
    engine: Engine,
    lexicon: Lexicon,
    progress: Progress,
) -> BuildResult:
    """Build into a staging folder, hear it (unless switched off), and publish it.

    `build(staging, retake=...)` is `_build_into` with everything else bound. When
    the listening check fails only on sentences it did not hear clearly, and
    the voice's takes vary, those sentences are said again (RETAKE_ROUNDS at
    most) before the bundle is refused.
    """
    retake: dict[str, str] = {}
    said_again: list[str] = []
    earlier: BuildResult | None = None
    for round_number in range(RETAKE_ROUNDS + 1):
        staging = make_staging(bundle)
        try:
            result = _with_earlier_speech(build(staging, retake=frozenset(retake)), earlier)
            if settings.check:
                report = _listening_check(staging, settings, lexicon, progress)
                if not report.passed:
                    can_retake = engine.VARIES and round_number < RETAKE_ROUNDS
                    retake = _unclear_sentences(report, staging) if can_retake else {}
                    if not retake:
                        raise _refusal(report, bundle, settings)
                    said_again += retake.values()
                    earlier = result
                    shutil.rmtree(staging, ignore_errors=True)
                    continue
                result = _passed(result, report, said_again, settings)
            publish(staging, bundle)
            return result
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    raise AssertionError("unreachable: the last round publishes or raises")


def _with_earlier_speech(result: BuildResult, earlier: BuildResult | None) -> BuildResult:
    """`result` counting the sentences spoken in earlier rounds of the same build too."""
    if earlier is None:
        return result
    return dataclasses.replace(
        result,
        synthesized=earlier.synthesized + result.synthesized,
        reused=earlier.reused,
        synthesized_sentences=earlier.synthesized_sentences + result.synthesized_sentences,
    )


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
    retake: frozenset[str] = frozenset(),
) -> BuildResult:
    """Make every file of the bundle in `staging`, reusing what the last build published.

    The sentences whose cache keys are in `retake` are said again, and the
    files that hold them are made afresh.
    """
    from audio_leaflet.audio import join_chapters
    from audio_leaflet.bundle import write_bundle_extras

    narration = prepared.narration
    counts = SpeechCounts()
    updated = source_updated(previous, prepared.source_sha256, started.date().isoformat())
    cache = Retakes(settings.cache_dir, retake) if retake else AudioCache(settings.cache_dir)
    spoken = speak_leaflet(narration, engine, cache, counts, previous, updated, progress)
    full_clip, starts = join_chapters([item.audio for item in spoken])

    files = _BundleFiles(staging, bundle, prepared, settings, cover, started, previous, retake)
    for item, start_ms in zip(spoken, starts, strict=True):
        files.add_chapter(item, start_ms, len(spoken))
    files.add_full(spoken, full_clip)
    _encode(files, progress)
    for entry in (*files.chapters, files.full):
        target = staging / entry["file"]
        entry["bytes"] = target.stat().st_size
        entry["sha256"] = sha256_file(target)
    (staging / "cover.jpg").write_bytes(cover)

    built_at = started.isoformat(timespec="seconds").replace("+00:00", "Z")
    manifest: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": {"name": "audio-leaflet", "version": __version__},
        "fingerprint": fingerprint,
        "inputs": build_inputs(settings, started),
        "slug": narration.slug,
        "title": narration.title,
        "organisation": narration.organisation,
        "language": settings.language,
        "built_at": built_at,
        "source": {
            "path": str(prepared.source),
            "sha256": prepared.source_sha256,
            "updated": updated,
        },
        "engine": {"name": engine.NAME, "voice": engine.voice_id, "wpm": engine.wpm},
        "cover": {"file": "cover.jpg", "sha256": sha256_bytes(cover)},
        "full": files.full,
        "chapters": files.chapters,
        "history": next_history(
            previous,
            date=built_at,
            source_sha256=prepared.source_sha256,
            changed=files.changed,
        ),
    }
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
        tuple(files.changed),
        prepared.warnings,
        "",
        tuple(counts.spoken),
    )


class _BundleFiles:
    """The bundle's MP3 files: their manifest entries, and the ones to encode afresh.

    A published file is reused (hard-linked into staging) only when its
    `file_key` (audio, tags, cover and encoder) is the same as last time and
    its bytes are intact; every other file gets an encoding job.
    """

    def __init__(
        self,
        staging: Path,
        bundle: Path,
        prepared: Prepared,
        settings: Settings,
        cover: bytes,
        started: dt.datetime,
        previous: dict[str, Any] | None,
        retake: frozenset[str] = frozenset(),
    ) -> None:
        self.staging = staging
        self.retake = retake
        self.bundle = bundle
        self.prepared = prepared
        self.bitrate_kbps = settings.bitrate_kbps
        self.tags_base = _tags_base(prepared.narration, settings, cover, started)
        self.cover_sha256 = sha256_bytes(cover)
        self.encoding = encoding_key(settings.bitrate_kbps)
        self.scripts = {c.number: c for c in prepared.narration.chapters}
        self.previous_chapters = {c["file"]: c for c in (previous or {}).get("chapters", [])}
        self.previous_full = (previous or {}).get("full", {})
        self.chapters: list[dict[str, Any]] = []
        """Manifest entries of the chapter files, in order."""
        self.full: dict[str, Any] = {}
        """Manifest entry of the whole-leaflet file."""
        self.jobs: list[tuple[str, Callable[[], None]]] = []
        """(progress label, encode and tag) for each chapter file made afresh."""
        self.full_job: Callable[[], None] | None = None
        """Encodes and tags the whole-leaflet file; None when it is reused."""
        self.changed: list[int] = []
        """Numbers of the chapters whose file is made afresh."""

    def add_chapter(self, item: SpokenChapter, start_ms: int, count: int) -> None:
        """Plan chapter `item`'s file, which starts at `start_ms` in the whole file."""
        from audio_leaflet.tags import ChapterTags

        chapter = item.chapter
        lyrics = _lyrics(item.audio)
        tags = ChapterTags(
            **self.tags_base,
            title=chapter.title,
            track=chapter.number,
            track_total=count,
            lyrics=lyrics,
            source_sha256=sha256_bytes(lyrics.encode("utf-8")),
        )
        entry: dict[str, Any] = {
            "number": chapter.number,
            "title": chapter.title,
            "file": f"{chapter.slug}.mp3",
            "narration": str(script_path(self.prepared.script_dir, chapter)),
            "start_ms": start_ms,
            "duration_ms": item.audio.clip.duration_ms,
            "file_key": digest(item.key, repr(tags), self.cover_sha256, self.encoding),
            "pace_factor": item.factor,
            # The script's sentences before lengths were filled in, for `status`.
            "script": list(self.scripts[chapter.number].sentences),
            "cues": [
                {"start_ms": c.start_ms, "end_ms": c.end_ms, "text": c.text, "key": k}
                for c, k in zip(item.audio.cues, item.sentence_keys, strict=True)
            ],
        }
        self.chapters.append(entry)
        old = self.previous_chapters.get(entry["file"], {})
        if self.retake.intersection(item.sentence_keys) or not self._reused(entry, old):
            target = self.staging / entry["file"]
            job = functools.partial(
                _encode_chapter, item.audio.clip, target, self.bitrate_kbps, tags
            )
            self.jobs.append((f"encoding {chapter.title}", job))
            self.changed.append(chapter.number)

    def add_full(self, spoken: list[SpokenChapter], clip: Clip) -> None:
        """Plan the whole-leaflet file, after every chapter has been added."""
        from audio_leaflet.tags import ChapterMark, ChapterTags

        narration = self.prepared.narration
        marks = [
            ChapterMark(e["title"], e["start_ms"], e["start_ms"] + e["duration_ms"])
            for e in self.chapters
        ]
        lyrics = "\n".join(_lyrics(item.audio) for item in spoken)
        tags = ChapterTags(
            **self.tags_base,
            title=narration.title,
            lyrics=lyrics,
            source_sha256=sha256_bytes(lyrics.encode("utf-8")),
        )
        self.full = {
            "file": f"{narration.slug}.mp3",
            "duration_ms": clip.duration_ms,
            "file_key": digest(
                *(item.key for item in spoken),
                repr(tags),
                repr(marks),
                self.cover_sha256,
                self.encoding,
            ),
        }
        if self.retake or not self._reused(self.full, self.previous_full):
            target = self.staging / self.full["file"]
            self.full_job = functools.partial(
                _encode_full, clip, target, self.bitrate_kbps, tags, marks
            )

    def _reused(self, entry: dict[str, Any], old: dict[str, Any]) -> bool:
        """Link the published file into staging when it is still what `entry` describes."""
        name = entry["file"]
        return old.get("file_key") == entry["file_key"] and _reuse_if_intact(
            self.bundle / name, self.staging / name, old.get("sha256")
        )


def _encode(files: _BundleFiles, progress: Progress) -> None:
    """Run the planned encodes, two at a time: LAME in ffmpeg uses one core.

    The whole-leaflet file (the longest) starts first, so the chapters fill
    the other core meanwhile and it takes no longer than they do together.
    """
    with ThreadPoolExecutor(max_workers=ENCODERS) as pool:
        full_done = pool.submit(files.full_job) if files.full_job else None
        labels = {pool.submit(job): label for label, job in files.jobs}
        for number, future in enumerate(as_completed(labels), 1):
            future.result()
            progress(labels[future], number, len(labels))
        if full_done is not None:
            full_done.result()
            progress("encoding the whole leaflet", 1, 1)


def _check_report_path(settings: Settings, slug: str) -> Path:
    """Where the report of a build refused by the listening check is written."""
    return settings.out_dir / f"{slug}-check-report.txt"


def _listening_check(
    staging: Path, settings: Settings, lexicon: Lexicon, progress: Progress
) -> CheckReport:
    """Hear the staged bundle before it is published."""
    from audio_leaflet.check import check_bundle

    progress("listening check", 0, 1)
    return check_bundle(
        staging,
        cache_dir=settings.cache_dir,
        overrides=settings.check_thresholds,
        lexicon=lexicon.entries,
    )


RETAKE_ROUNDS = 2
"""How often a build says again the sentences the listening check could not hear
clearly, before it refuses the bundle. Only for voices whose takes differ (Piper):
tiny.en sometimes mishears one take ("fifteen" as "fifty") and hears the next."""

# Problems the check places at one sentence, which a new take may cure.
_SENTENCE_PROBLEMS = frozenset({"number", "negation", "lexicon-word", "sentence", "announcement"})
# A chapter's word error rate may be high because of those same sentences.
_SPEECH_PROBLEMS = _SENTENCE_PROBLEMS | {"word-errors"}


def _unclear_sentences(report: CheckReport, staging: Path) -> dict[str, str]:
    """The sentences (cache key -> text) at which the check found a speech error.

    Empty, so the bundle is refused at once, unless every error is in speech
    and every failing chapter has a sentence to say again: loudness, silence
    or structure, or a chapter far from its text with no sentence to blame,
    would not be cured by a new take.
    """
    cues_of = {c["number"]: c["cues"] for c in (read_manifest(staging) or {}).get("chapters", [])}
    if any(p.kind.value not in _SPEECH_PROBLEMS for p in report.errors):
        return {}
    unclear: dict[str, str] = {}
    blamed: set[int | None] = set()
    for problem in report.errors:
        cues = cues_of.get(problem.chapter)
        if problem.kind.value not in _SENTENCE_PROBLEMS or not cues or problem.time_s is None:
            continue
        at_ms = problem.time_s * 1000
        nearest = min(cues, key=lambda cue: _ms_away(cue, at_ms))
        if _ms_away(nearest, at_ms) <= 1000:
            unclear[nearest["key"]] = nearest["text"]
            blamed.add(problem.chapter)
    if {p.chapter for p in report.errors} - blamed:
        return {}
    return unclear


def _ms_away(cue: dict[str, Any], at_ms: float) -> float:
    """How far `at_ms` is from a manifest cue's span (0 inside it)."""
    return max(cue["start_ms"] - at_ms, at_ms - cue["end_ms"], 0.0)


def _refusal(report: CheckReport, bundle: Path, settings: Settings) -> CheckFailed:
    """The error that refuses a bundle, after writing the check's full report.

    The report goes to `<out-dir>/<slug>-check-report.txt`, so staff can read
    what was heard without building again.
    """
    report_path = _check_report_path(settings, bundle.name)
    write_atomic(report_path, report.render_text())
    return CheckFailed(
        f"the listening check failed, so {bundle} was left as it was: "
        f"{report.first_problem()}. Full report: {report_path}"
    )


def _passed(
    result: BuildResult, report: CheckReport, said_again: list[str], settings: Settings
) -> BuildResult:
    """`result` with the check's summary, and a word about sentences said again."""
    _check_report_path(settings, result.slug).unlink(missing_ok=True)
    warnings = result.warnings
    if said_again:
        quoted = "; ".join(f'"{text}"' for text in dict.fromkeys(said_again))
        warnings += (
            f"said again, because the listening check did not hear the first take clearly: "
            f"{quoted}",
        )
    return dataclasses.replace(result, check_summary=report.summary(), warnings=warnings)


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


def _tags_base(
    narration: Narration,
    settings: Settings,
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


def _is_up_to_date(previous: dict[str, Any] | None, fingerprint: str, bundle: Path) -> bool:
    return bool(
        previous
        and previous.get("fingerprint") == fingerprint
        and not verify_files(bundle, previous)
    )


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
