"""The only module that wires the stages together (docs/architecture.md).

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

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audio_leaflet import __version__
from audio_leaflet.cache import AudioCache, Retakes
from audio_leaflet.config import Settings
from audio_leaflet.errors import CheckFailed
from audio_leaflet.fileio import sha256_file
from audio_leaflet.fingerprint import build_fingerprint, build_inputs
from audio_leaflet.language import LanguageFound, declared_in, text_languages
from audio_leaflet.manifest import (
    MANIFEST_NAME,
    EngineInfo,
    FullEntry,
    Manifest,
    SourceInfo,
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
from audio_leaflet.ownership import (
    Owner,
    claim_bundle,
    claim_script_dir,
    record_script_owner,
    recorded_script_owner,
    source_identity,
)
from audio_leaflet.progress import Progress, no_progress
from audio_leaflet.publish import (
    check_report_file,
    clear_stale_staging,
    leaflet_lock,
    make_staging,
    publish,
    recover,
    release_staging,
    write_if_changed,
    write_out_dir_files,
)
from audio_leaflet.read import load_leaflet, read_leaflet
from audio_leaflet.read.coverage import unaccounted_lines
from audio_leaflet.read.metadata import resolve_metadata, title_warning, with_given_title
from audio_leaflet.read.outline import (
    LEFT_OUT_FILE,
    OUTLINE_FILE,
    corrected_document,
    corrected_outline,
    left_out_summary,
    left_out_text,
    outline_markdown,
    record_outline,
)
from audio_leaflet.read.source import HTML_SUFFIXES
from audio_leaflet.refusals import check_buildable, check_language, refuse_a_book
from audio_leaflet.speak import SpeechCounts, speak_leaflet
from audio_leaflet.versions import clear_refused, keep_refused, keeper, versions_store
from audio_leaflet.wording import counted

if TYPE_CHECKING:  # imported where used, so that a no-change build stays quick
    from audio_leaflet.check.early import EarlyHearing
    from audio_leaflet.check.report import CheckReport, Problem
    from audio_leaflet.engines.base import Engine
    from audio_leaflet.lexicon import Lexicon
    from audio_leaflet.voices import VoiceChoice

log = logging.getLogger(__name__)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextlib.contextmanager
def _timed(stage: str, slug: str) -> Iterator[None]:
    """Log how long a stage took (shown with `audio-leaflet -v`)."""
    started = time.perf_counter()
    yield
    log.info("%s: %s took %.1f s", slug, stage, time.perf_counter() - started)


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
    owner: Owner
    """The leaflet file, as the folders it writes record it (`audio_leaflet.ownership`)."""
    left_out: str = ""
    """One line saying what was not spoken and where the list is ("" when nothing was)."""
    lost: tuple[str, ...] = ()
    """Source lines neither spoken nor in the ledger (`read.coverage`): a reader's bug."""
    languages: LanguageFound = field(default_factory=lambda: LanguageFound(()))
    """The languages the leaflet's words are in (`audio_leaflet.language`)."""
    declared_language: str | None = None
    """The language the file declares for itself (an HTML page's `lang`), if any."""

    @property
    def identity(self) -> str:
        """A digest of where the leaflet file lives (no path is published)."""
        return self.owner.identity


def prepare(
    source: Path, settings: Settings, *, write: bool = True, force_scripts: bool = False
) -> Prepared:
    """Read and narrate a leaflet, write its scripts and load them back as staff left them.

    With `write=False` (for `status`) nothing is written: scripts on disk that
    were edited by hand still win over the leaflet, as they would in a build.
    """
    # The file is read once: its reader, the coverage check and the fingerprint see the
    # same bytes, even if staff save it again meanwhile.
    leaflet = load_leaflet(source)
    document = with_given_title(read_leaflet(leaflet), settings.title)
    refuse_a_book(document, source, settings)
    title, organisation = resolve_metadata(
        document, path=source, title=settings.title, organisation=settings.organisation
    )
    slug = settings.slug or slugify(title)
    source_sha256 = leaflet.sha256
    script_dir = settings.narration_dir / slug
    # Built from its own outline.md (corrected by staff), a leaflet stays the one the
    # outline was made from, and the outline and ledger are theirs to keep.
    from_outline = source.name == OUTLINE_FILE and _same_folder(source.parent, script_dir)
    # An outline corrected in the studio (or by hand) is what is read instead, and kept
    # as a script edited by hand is; the folder keeps the name the leaflet gave it.
    corrected = None if from_outline else corrected_outline(script_dir)
    outline_warnings: list[str] = []
    if corrected is not None:
        document = with_given_title(corrected_document(script_dir), settings.title)
        title, organisation = resolve_metadata(
            document, path=source, title=settings.title, organisation=settings.organisation
        )
        if corrected.source_sha256 != source_sha256:
            outline_warnings.append(
                f"{source.name} changed since its outline ({script_dir / OUTLINE_FILE}) was "
                "corrected; the corrected outline is still what is spoken: look it over, "
                "or delete it to read the leaflet afresh"
            )
    generated = narrate(
        document, title=title, organisation=organisation, slug=slug, date=document.date
    )
    owner = Owner(source.name, source_identity(source), source_sha256)
    if from_outline:
        owner = recorded_script_owner(script_dir) or owner
    taken_over = claim_script_dir(script_dir, owner, explicit_slug=settings.slug is not None)
    scripts = None
    if write:
        scripts = write_scripts(
            generated, script_dir, source_sha256=source_sha256, force=force_scripts
        )
        record_script_owner(script_dir, owner)
        if not from_outline:
            if corrected is None:
                outline = outline_markdown(document, title)
                write_if_changed(script_dir / OUTLINE_FILE, outline.encode("utf-8"))
                record_outline(script_dir, outline, source_sha256)
            write_if_changed(script_dir / LEFT_OUT_FILE, left_out_text(document).encode("utf-8"))
    narration, warnings = load_scripts(generated, script_dir)
    edited = frozenset(
        chapter.number
        for chapter in generated.chapters
        if (path := script_path(script_dir, chapter)).is_file() and read_script(path).edited
    )
    warnings += outline_warnings
    if taken_over:
        warnings.insert(0, taken_over)
    if untitled := title_warning(document, settings.title, source):
        warnings.append(untitled)
    left_out = left_out_summary(document.left_out, str(script_dir / LEFT_OUT_FILE))
    lost = unaccounted_lines(list(leaflet.lines), generated, document.left_out)
    from audio_leaflet.read.structure import block_texts

    languages = text_languages(
        text for section in document.sections for block in section.blocks
        for text in block_texts(block)
    )  # fmt: skip
    declared = declared_in(leaflet.data) if source.suffix.lower() in HTML_SUFFIXES else None
    return Prepared(
        source,
        source_sha256,
        narration,
        script_dir,
        scripts,
        edited,
        tuple(warnings),
        owner,
        left_out,
        tuple(lost),
        languages,
        declared,
    )


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
    check_warnings: tuple[str, ...] = ()
    """The listening check's warnings, one line each, when it passed with some."""
    check_report: Path | None = None
    """Where the listening check's full report was written, when it has warnings."""
    check_problems: tuple[Problem, ...] = ()
    """The listening check's warnings as found (chapter, time, words), for the studio."""
    feed: Path | None = None
    """The out-dir's podcast feed, when one is written."""
    left_out: str = ""
    """What the reader left out, in one line, and where the list is."""
    voice: str = ""
    """The voice that speaks the leaflet and why it was chosen, in one line."""
    voice_warning: str = ""
    """When audio was made: a warning that the voice's licence or lineage may not allow
    publishing, or is not known (the same for every leaflet the voice speaks)."""


def build_leaflet(
    source: Path,
    settings: Settings,
    *,
    progress: Progress = no_progress,
    now: Callable[[], dt.datetime] = utc_now,
) -> BuildResult:
    """Build (or bring up to date) the bundle of one leaflet and publish it atomically.

    Raises BuildError before anything is synthesized or written to the out-dir
    when the leaflet cannot become one MP3 (too many sections, far too long),
    or when another build of the same leaflet holds its lock.
    """
    from audio_leaflet.voices import with_chosen_voice

    settings, choice = with_chosen_voice(settings)
    with _timed("reading and narrating", source.name):
        prepared = prepare(source, settings)
    narration = prepared.narration
    check_buildable(prepared, settings)
    if language_warning := check_language(prepared, settings, choice):
        prepared = dataclasses.replace(prepared, warnings=(*prepared.warnings, language_warning))
    bundle = settings.out_dir / narration.slug
    ensure_writable(settings.out_dir)
    started = now()
    with leaflet_lock(settings.lock_dir, settings.out_dir, narration.slug):
        recover(bundle)
        clear_stale_staging(bundle)
        taken_over = claim_bundle(
            bundle, narration.slug, prepared.owner, explicit_slug=settings.slug is not None
        )
        if taken_over:
            prepared = dataclasses.replace(prepared, warnings=(taken_over, *prepared.warnings))
        previous = read_manifest(bundle)
        inputs = build_inputs(settings, started)
        fingerprint = build_fingerprint(
            prepared.narration, prepared.source_sha256, inputs, prepared.owner.describe()
        )
        if _is_up_to_date(previous, fingerprint, bundle):
            log.info("%s: every input is as the last build recorded", narration.slug)
            # The published bundle passed its check; a report of a refused build is stale.
            check_report_file(settings.out_dir, narration.slug).unlink(missing_ok=True)
            result = BuildResult(
                bundle,
                narration.slug,
                True,
                0,
                0,
                (),
                prepared.warnings,
                left_out=prepared.left_out,
            )
            return _with_out_dir_files(_with_voice(result, choice), settings)

        from audio_leaflet.engines import make_engine
        from audio_leaflet.lexicon import load_lexicon

        if settings.check:
            # A recogniser's model that is not the one pinned stops the build now, not
            # after minutes of speaking (hearing would refuse it then).
            from audio_leaflet.check.recognise import MODEL_PACKAGE
            from audio_leaflet.model_files import checked_folder

            checked_folder(MODEL_PACKAGE)
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
    result = dataclasses.replace(result, voice_warning=choice.licence_warning())
    return _with_out_dir_files(_with_voice(result, choice), settings)


def _with_voice(result: BuildResult, choice: VoiceChoice) -> BuildResult:
    """`result` saying which voice spoke and why."""
    return dataclasses.replace(result, voice=choice.describe())


def engine_info(engine: Engine) -> EngineInfo:
    """The manifest's engine entry: the voice, its pace, and what the catalogue says of it."""
    from audio_leaflet.voices import voice_for

    known = voice_for(engine.NAME, engine.voice_id)
    if known is None:
        return EngineInfo(engine.NAME, engine.voice_id, engine.wpm)
    return EngineInfo(
        engine.NAME, engine.voice_id, engine.wpm, known.licence, known.lineage, known.source
    )


def _with_out_dir_files(result: BuildResult, settings: Settings) -> BuildResult:
    """Rewrite the out-dir's index and feed; `result` with their warnings and the feed."""
    from audio_leaflet.bundle.feed import FEED_FILE

    skipped = write_out_dir_files(settings)
    feed = settings.out_dir / FEED_FILE
    return dataclasses.replace(
        result,
        warnings=result.warnings + tuple(skipped),
        feed=feed if feed.is_file() else None,
    )


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
    versions = versions_store(settings, bundle.name)
    retake: dict[str, str] = {}
    said_again: list[str] = []
    earlier: BuildResult | None = None
    for round_number in range(RETAKE_ROUNDS + 1):
        staging = make_staging(bundle)
        try:
            result = _with_earlier_speech(build(staging, retake=frozenset(retake)), earlier)
            if settings.check:
                with _timed("the listening check", bundle.name):
                    report = _listening_check(staging, settings, lexicon, progress)
                if not report.passed:
                    from audio_leaflet.check.report import keep_report
                    from audio_leaflet.check.retakes import unclear_sentences

                    can_retake = engine.VARIES and round_number < RETAKE_ROUNDS
                    retake = unclear_sentences(report, read_manifest(staging)) if can_retake else {}
                    if not retake:
                        report_path = keep_report(report, settings.out_dir, bundle.name)
                        refusal = CheckFailed(
                            f"the listening check failed, so {bundle} was left as it was: "
                            f"{report.first_problem()}. Full report: {report_path}",
                            problems=tuple(report.problems),
                        )
                        findings = [problem.to_finding() for problem in report.problems]
                        keep_refused(staging, versions, findings)
                        raise refusal
                    log.info("%s: saying again %s", bundle.name, "; ".join(retake.values()))
                    said_again += retake.values()
                    earlier = result
                    release_staging(staging)
                    continue
                result = _passed(result, report, said_again, settings)
            publish(staging, bundle, keep=keeper(settings, bundle.name))
            clear_refused(versions)  # this one passed
            return result
        except BaseException:
            release_staging(staging)
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
    previous: Manifest | None,
    progress: Progress,
    started: dt.datetime,
    retake: frozenset[str] = frozenset(),
) -> BuildResult:
    """Make every file of the bundle in `staging`, reusing what the last build published.

    The sentences whose cache keys are in `retake` are said again, and the
    files that hold them are made afresh.
    """
    from audio_leaflet.audiobook import make_audiobook
    from audio_leaflet.bundle import write_bundle_extras
    from audio_leaflet.encode import BundleFiles, tag_facts

    narration = prepared.narration
    counts = SpeechCounts()
    updated = source_updated(previous, prepared.source_sha256, started.date().isoformat())
    cache = Retakes(settings.cache_dir, retake) if retake else AudioCache(settings.cache_dir)
    early = _early_hearing(settings, engine, previous)
    try:
        with _timed("speaking", narration.slug):
            spoken = speak_leaflet(
                narration, engine, cache, counts, previous, updated, progress,
                early.spoken if early else None,
            )  # fmt: skip
        log.info(
            "%s: %s spoken, %d from the cache",
            narration.slug,
            counted(counts.synthesized, "sentence"),
            counts.reused,
        )
        facts = tag_facts(narration, settings.language, cover, started, engine_info(engine).credit)
        files = BundleFiles(
            staging, bundle, narration, facts, settings.bitrate_kbps, previous, retake
        )
        for item in spoken:
            files.add_chapter(item, len(spoken))
        files.add_full(spoken)
        with _timed("encoding", narration.slug):
            chapters, full = files.encode(progress)
            audiobook, audiobook_starts = make_audiobook(
                files, spoken, previous, settings.cache_dir
            )
    except BaseException:
        if early is not None:
            early.stop()
        raise
    if early is not None:
        with _timed("hearing the chapters spoken (beside the voice)", narration.slug):
            early.finish()
    (staging / "cover.jpg").write_bytes(cover)

    manifest = _manifest(prepared, settings, engine, cover, fingerprint, started, updated)
    manifest = dataclasses.replace(
        manifest,
        full=full,
        chapters=chapters,
        audiobook=audiobook,
        audiobook_starts_ms=audiobook_starts,
        history=next_history(
            previous,
            date=manifest.built_at,
            source_sha256=prepared.source_sha256,
            changed=files.changed,
        ),
    )
    write_bundle_extras(staging, manifest)
    listed = {
        p.name: sha256_file(p)
        for p in sorted(staging.iterdir())
        if p.is_file() and p.name != MANIFEST_NAME
    }
    write_manifest(staging, dataclasses.replace(manifest, files=listed))

    return BuildResult(
        bundle,
        narration.slug,
        False,
        counts.synthesized,
        counts.reused,
        tuple(files.changed),
        prepared.warnings + _cache_damage(cache),
        "",
        tuple(counts.spoken),
        left_out=prepared.left_out,
    )


def _early_hearing(
    settings: Settings, engine: Engine, previous: Manifest | None
) -> EarlyHearing | None:
    """With the check on, what hears each newly spoken chapter at once (`check.early`)."""
    if not settings.check:
        return None
    from audio_leaflet.check.early import EarlyHearing

    return EarlyHearing(
        settings.cache_dir, settings.bitrate_kbps, engine.NAME, previous, settings.check_thresholds
    )


def _manifest(
    prepared: Prepared,
    settings: Settings,
    engine: Engine,
    cover: bytes,
    fingerprint: str,
    started: dt.datetime,
    updated: str,
) -> Manifest:
    """The manifest's leaflet-wide part; the files and history are filled in once encoded."""
    narration = prepared.narration
    return Manifest(
        slug=narration.slug,
        title=narration.title,
        organisation=narration.organisation,
        language=settings.language,
        built_at=started.isoformat(timespec="seconds").replace("+00:00", "Z"),
        source=SourceInfo(
            prepared.source.name,
            prepared.source_sha256,
            updated,
            prepared.identity,
            narration.dated,
        ),
        engine=engine_info(engine),
        full=FullEntry("", 0, 0, ""),
        chapters=(),
        cover_file="cover.jpg",
        cover_sha256=sha256_bytes(cover),
        fingerprint=fingerprint,
        inputs=build_inputs(settings, started),
        tool_version=__version__,
    )


def _cache_damage(cache: AudioCache) -> tuple[str, ...]:
    """A word for staff when cached audio was found damaged (and said again)."""
    if not cache.damaged:
        return ()
    count = len(cache.damaged)
    return (
        f"{count} cached audio {'file was' if count == 1 else 'files were'} damaged (cut short "
        f"or changed) in {cache.root}; dropped and spoken again",
    )


def _listening_check(
    staging: Path, settings: Settings, lexicon: Lexicon, progress: Progress
) -> CheckReport:
    """Hear the staged bundle before it is published."""
    from audio_leaflet.check import check_bundle

    return check_bundle(
        staging,
        cache_dir=settings.cache_dir,
        overrides=settings.check_thresholds,
        lexicon=lexicon.entries,
        progress=progress,
    )


RETAKE_ROUNDS = 2
"""How often a build says again the sentences the listening check could not hear
clearly, before it refuses the bundle. Only for voices whose takes differ (Piper):
tiny.en sometimes mishears one take ("fifteen" as "fifty") and hears the next."""


def _passed(
    result: BuildResult, report: CheckReport, said_again: list[str], settings: Settings
) -> BuildResult:
    """`result` with the check's summary and warnings, and a word about sentences said again.

    A check that passed with warnings leaves its report where a refused one
    would be, so staff can read every warning.
    """
    from audio_leaflet.check.report import keep_report

    kept = keep_report(report, settings.out_dir, result.slug)
    warnings = result.warnings
    if said_again:
        quoted = "; ".join(f'"{text}"' for text in dict.fromkeys(said_again))
        warnings += (
            f"said again, because the listening check did not hear the first take clearly: "
            f"{quoted}",
        )
    return dataclasses.replace(
        result,
        check_summary=report.summary(),
        warnings=warnings,
        check_warnings=tuple(problem.render() for problem in report.warnings),
        check_problems=report.warnings,
        check_report=kept,
    )


def _cover_bytes(settings: Settings, narration: Narration) -> bytes:
    from audio_leaflet.cover import load_cover, make_cover

    if settings.cover is not None:
        return load_cover(settings.cover)
    return make_cover(narration.title, narration.organisation)


def _is_up_to_date(previous: Manifest | None, fingerprint: str, bundle: Path) -> bool:
    return bool(
        previous and previous.fingerprint == fingerprint and not verify_files(bundle, previous)
    )


def _same_folder(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve()
    except OSError:
        return False
