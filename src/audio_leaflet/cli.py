"""Command line (docs/architecture.md): unpack options, call the pipeline, report.

The one error boundary lives in `main`: an AudioLeafletError becomes a
one-line message on stderr and its exit code (1 failure, 2 usage); Ctrl-C
exits 130; anything else is a bug and shows its traceback. stdout carries
results only (paths, or JSON with --json); progress goes to stderr.
"""

from __future__ import annotations

import contextlib
import errno
import json
import logging
import signal
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from audio_leaflet import __version__
from audio_leaflet.config import (
    BITRATE_RANGE,
    JOBS_RANGE,
    WPM_RANGE,
    LeafletEntry,
    Settings,
    clean_line,
    load_project,
)
from audio_leaflet.errors import AudioLeafletError, UsageError
from audio_leaflet.progress import Stage, Step
from audio_leaflet.wording import counted

if TYPE_CHECKING:
    from audio_leaflet.doctor import DoctorReport

EXIT_INTERRUPTED = 130


def main() -> None:
    """Entry point of the `audio-leaflet` console script."""
    cli.main(prog_name="audio-leaflet")


class _Terminated(BaseException):
    """SIGTERM arrived: unwind like Ctrl-C, through every `finally`.

    Not a KeyboardInterrupt: when one is raised deep in the speaking stage,
    Python can note it as unhandled and end the process by SIGINT (exit -2)
    after our clean exit 130 (one SIGTERM in three, measured).
    """


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM (a service manager, `kill`) like Ctrl-C while a command runs.

    The build then stops as on Ctrl-C: staging removed, nothing published.
    """

    def stop(signum: int, frame: Any) -> None:
        raise _Terminated

    try:
        earlier = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (a test runner's worker): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, earlier)


def _file_system_message(error: OSError) -> str:
    """One line for a file-system failure: what, where, and what to do."""
    where = f" ({error.filename})" if error.filename else ""
    reason = error.strerror or str(error)
    advice = {
        errno.ENOSPC: "free some disk space, then build again",
        errno.EDQUOT: "free some disk space, then build again",
        errno.EROFS: "the folder is read-only; choose another with --out-dir, "
        "--narration-dir or --cache-dir",
        errno.EACCES: "check the folder's permissions, or choose another folder",
        errno.EPERM: "check the folder's permissions, or choose another folder",
    }.get(error.errno or 0, "check the disk and the folder, then build again")
    return f"{reason}{where}: {advice}. The last published audio is unchanged."


def _one_line(text: str) -> str:
    """A message on one line, however it was written."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def _interrupted(args: Sequence[str]) -> str:
    """What Ctrl-C or SIGTERM left as it was, said for the command that was stopped."""
    words = [a for a in args if not a.startswith("-")]
    if words[:2] == ["voices", "add"]:
        return "Interrupted: the voice was not installed, and nothing half-downloaded is kept."
    if words[:1] == ["studio"]:
        return "The studio has stopped; a build it was running published nothing."
    if words[:1] in (["script"], ["status"], ["check"], ["voices"]):
        return "Interrupted."
    return "Interrupted: the last published audio is unchanged."


class _Cli(click.Group):
    """The command group, with the one error boundary of the command line.

    It lives in `main` (not in the console-script function) so that tests
    driving the group with click's CliRunner see exactly what users see.
    """

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run a command; turn expected failures into one line on stderr and an exit code."""
        try:
            with _sigterm_as_interrupt():
                code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except (click.exceptions.Abort, KeyboardInterrupt, _Terminated):
            click.echo(_interrupted(sys.argv[1:] if args is None else args), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.UsageError as error:
            # click prints usage, a hint and the error on three lines; one is
            # easier to read (and to hear through a screen reader).
            command = error.ctx.command_path if error.ctx else "audio-leaflet"
            click.echo(
                f"Error: {_one_line(error.format_message())} (see '{command} --help')", err=True
            )
            sys.exit(error.exit_code)
        except click.ClickException as error:
            click.echo(f"Error: {_one_line(error.format_message())}", err=True)
            sys.exit(error.exit_code)
        except AudioLeafletError as error:
            click.echo(f"Error: {_one_line(str(error))}", err=True)
            sys.exit(error.exit_code)
        except OSError as error:
            # Disk full, a read-only or vanished folder: the file system, not a bug.
            if isinstance(error, (BrokenPipeError, ConnectionError)) or error.errno is None:
                raise
            click.echo(f"Error: {_one_line(_file_system_message(error))}", err=True)
            sys.exit(1)
        if not standalone_mode:
            return code
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=_Cli)
@click.version_option(__version__, prog_name="audio-leaflet")
@click.option("-v", "--verbose", is_flag=True, help="Log details to stderr.")
def cli(verbose: bool) -> None:
    """Turn patient-information leaflets into accessible audio.

    Start with `audio-leaflet build`: it builds the built-in sample leaflet
    (or the leaflets listed in audio-leaflet.toml) with the offline voice.
    """
    logging.basicConfig(
        level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s"
    )
    if verbose:  # this package's details (cache hits, reuse, timings); libraries stay quiet
        logging.getLogger("audio_leaflet").setLevel(logging.DEBUG)


# ----------------------------------------------------------------------------
# shared options
# ----------------------------------------------------------------------------


def _settings(**options: Any) -> Settings:
    """Project file settings with command-line options on top."""
    project = load_project(Path("."))
    return project.settings.replace(**options)


def _leaflets(arguments: tuple[Path, ...]) -> list[LeafletEntry]:
    """The leaflets named, else those of audio-leaflet.toml, else the built-in sample."""
    if arguments:
        return [LeafletEntry(path) for path in arguments]
    project = load_project(Path("."))
    if project.leaflets:
        return list(project.leaflets)
    from audio_leaflet.read import SAMPLE_LEAFLET

    return [LeafletEntry(SAMPLE_LEAFLET)]


# A missing leaflet named on the command line is a usage error (exit 2), caught
# before anything is written; one listed in audio-leaflet.toml fails the build.
_leaflet_path = click.Path(path_type=Path, dir_okay=False, exists=True)
leaflet_argument = click.argument("leaflets", nargs=-1, type=_leaflet_path)
one_leaflet_argument = click.argument("leaflet", type=_leaflet_path, required=False)
title_option = click.option("--title", help="Title to use instead of the one found in the leaflet.")
organisation_option = click.option(
    "--organisation", help="Organisation to name instead of the one found in the leaflet."
)
narration_dir_option = click.option(
    "--narration-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where narration scripts live (default: narration).",
)
slug_option = click.option(
    "--slug",
    help="Folder and file name of the leaflet (default: made from its title); "
    "gives two leaflets with one title their own bundles.",
)
out_dir_option = click.option(
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where bundles and the feed go (default: audio_out).",
)


class _StderrProgress:
    """One progress bar per stage on stderr (only each stage's name when it is not a terminal)."""

    def __init__(self) -> None:
        self.stage: Stage | None = None
        self.bar: Any = None
        self.done = 0

    def __call__(self, step: Step) -> None:
        if self.bar is None or step.stage != self.stage:
            self.close()
            self.stage = step.stage
            self.bar = click.progressbar(
                length=max(step.total, 1), label=step.stage.value, file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()
            self.done = 0
        self.bar.update(max(step.done - self.done, 0))
        self.done = max(step.done, self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


# ----------------------------------------------------------------------------
# commands
# ----------------------------------------------------------------------------


@cli.command()
@one_leaflet_argument
@narration_dir_option
@title_option
@organisation_option
@slug_option
@click.option(
    "--force", is_flag=True, help="Overwrite scripts edited by hand (a .bak copy of each is kept)."
)
def script(
    leaflet: Path | None,
    narration_dir: Path | None,
    title: str | None,
    organisation: str | None,
    slug: str | None,
    force: bool,
) -> None:
    """Write the narration scripts of LEAFLET for proofreading; print their paths."""
    from audio_leaflet.narrate.script import script_path
    from audio_leaflet.pipeline import prepare
    from audio_leaflet.refusals import check_buildable

    entry = _leaflets((leaflet,) if leaflet else ())[0]
    settings = _settings(
        narration_dir=narration_dir,
        title=title or entry.title,
        organisation=organisation or entry.organisation,
        slug=slug or entry.slug,
    )
    prepared = prepare(entry.path, settings, force_scripts=force)
    written = prepared.scripts
    assert written is not None  # prepare writes unless told not to
    for path in written.kept_edited:
        click.echo(f"kept (edited by hand; --force to overwrite): {path}", err=True)
    for path in written.backups:
        click.echo(f"backup of your edit: {path}", err=True)
    for warning in prepared.warnings:
        click.echo(f"warning: {warning}", err=True)
    if prepared.left_out:
        click.echo(prepared.left_out, err=True)
    for line in prepared.lost:
        click.echo(
            f"warning: neither spoken nor in left-out.txt (a bug; build refuses): {line}", err=True
        )
    for chapter in prepared.narration.chapters:
        click.echo(str(script_path(prepared.script_dir, chapter)))
    # Whatever `build` would refuse before speaking, `script` refuses too, in the same words.
    check_buildable(prepared, settings)


def _shown(text: str) -> str:
    """Text from a leaflet or a manifest, safe to print: no terminal escape sequences."""
    return clean_line(text)


def _check_engine_name(name: str) -> None:
    """Stop before anything is read or written when the engine does not exist."""
    from audio_leaflet.engines import ENGINES

    if name.strip().lower() not in ENGINES:
        raise UsageError(f"Unknown engine '{name}'. Available: {', '.join(sorted(ENGINES))}")


@dataclass(frozen=True)
class _Job:
    entry: LeafletEntry
    settings: Settings


def _run_job(job: _Job) -> tuple[str, list[str], str]:
    """Build one leaflet in a worker process; return its folder, messages and voice warning."""
    from audio_leaflet.pipeline import build_leaflet

    settings = _entry_settings(job.settings, job.entry)
    result = build_leaflet(job.entry.path, settings)
    return str(result.bundle), result_messages(result), result.voice_warning


def _entry_settings(settings: Settings, entry: LeafletEntry) -> Settings:
    """`settings` with one leaflet's own title, organisation and slug from the project file."""
    return settings.replace(title=entry.title, organisation=entry.organisation, slug=entry.slug)


CHECK_WARNINGS_SHOWN = 3
"""The listening check's warnings printed after a build; the rest are in its report."""


def result_messages(result: Any) -> list[str]:
    messages = [f"warning: {w}" for w in result.warnings]
    if result.left_out:
        messages.append(result.left_out)
    if result.up_to_date:
        messages.append(f"{result.slug}: up to date, nothing rebuilt")
    else:
        changed = ", ".join(str(n) for n in result.chapters_changed) or "none"
        messages.append(
            f"{result.slug}: {counted(result.synthesized, 'sentence')} spoken, "
            f"{result.reused} reused; "
            f"chapters rewritten: {changed}"
        )
    if result.voice:
        messages.append(f"  Voice: {result.voice}")
    if result.check_summary:
        messages.append(f"{result.slug}: {result.check_summary}")
    for line in result.check_warnings[:CHECK_WARNINGS_SHOWN]:
        messages.append(f"  {line}")
    if result.check_report is not None:
        more = len(result.check_warnings) - CHECK_WARNINGS_SHOWN
        also = f"{more} more warnings and " if more > 0 else ""
        messages.append(f"  The listening check's {also}full report: {result.check_report}")
    messages += _what_to_open(result)
    return messages


def _what_to_open(result: Any) -> list[str]:
    """Where staff find what was made: the player as a file:// address, the zip, the feed."""
    bundle = Path(result.bundle).absolute()
    lines = [
        f"  Listen: {(bundle / 'index.html').as_uri()}",
        f"  Download for listeners: {bundle / (result.slug + '.zip')}",
        f"  Talking books: {bundle / (result.slug + '.epub')} and "
        f"{bundle / (result.slug + '-daisy.zip')}",
    ]
    if result.feed is not None:
        lines.append(f"  Podcast feed (upload the whole out-dir): {Path(result.feed).absolute()}")
    return lines


@cli.command()
@leaflet_argument
@out_dir_option
@narration_dir_option
@click.option(
    "--engine",
    help="Speech engine: hibari (default, offline), piper (offline), espeak (offline), gtts.",
)
@click.option(
    "--voice",
    help="Voice: a name from `audio-leaflet voices`, or a path to a Piper .onnx voice file.",
)
@click.option("--wpm", type=click.IntRange(*WPM_RANGE), help="Pace in words per minute (150).")
@click.option("--base-url", help="Public URL of the out-dir; writes the podcast feed.")
@title_option
@organisation_option
@click.option(
    "--cover",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Cover image to use instead of the generated one.",
)
@click.option(
    "--lexicon",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Pronunciation lexicon (TOML) added to the built-in one.",
)
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where synthesized sentences are kept (default: ~/.cache/audio-leaflet).",
)
@click.option(
    "--bitrate",
    "bitrate_kbps",
    type=click.IntRange(*BITRATE_RANGE),
    help="MP3 bitrate in kbit/s (64).",
)
@click.option(
    "--check/--no-check",
    default=None,
    help="Run the listening check before publishing (default: on).",
)
@click.option("--jobs", type=click.IntRange(*JOBS_RANGE), help="Leaflets built at once (1).")
@slug_option
def build(leaflets: tuple[Path, ...], jobs: int | None, **options: Any) -> None:
    """Build LEAFLET (default: audio-leaflet.toml's leaflets, else the built-in sample).

    Only what changed since the last build is spoken again. The new bundle
    replaces the old one in a single step once it is complete and checked.
    Prints each bundle folder.
    """
    from audio_leaflet.pipeline import build_leaflet

    entries = _leaflets(leaflets)
    settings = _settings(**options, jobs=jobs)
    _check_engine_name(settings.engine)
    if len(entries) > 1 and (
        options.get("title") or options.get("organisation") or options.get("slug")
    ):
        raise UsageError(
            "--title, --organisation and --slug apply to one leaflet; set them per "
            "leaflet in audio-leaflet.toml instead"
        )
    # A voice's licence warning is said once, after every leaflet it spoke.
    voice_warnings: dict[str, None] = {}
    if settings.jobs > 1 and len(entries) > 1:
        with ProcessPoolExecutor(max_workers=settings.jobs) as pool:
            work = [_Job(e, settings) for e in entries]
            for folder, messages, voice_warning in pool.map(_run_job, work):
                for message in messages:
                    click.echo(message, err=True)
                click.echo(folder)
                voice_warnings[voice_warning] = None
    else:
        for entry in entries:
            progress = _StderrProgress()
            try:
                result = build_leaflet(
                    entry.path, _entry_settings(settings, entry), progress=progress
                )
            finally:
                progress.close()
            for message in result_messages(result):
                click.echo(message, err=True)
            click.echo(str(result.bundle))
            voice_warnings[result.voice_warning] = None
    for warning in filter(None, voice_warnings):
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@one_leaflet_argument
@out_dir_option
@narration_dir_option
@title_option
@organisation_option
@slug_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(leaflet: Path | None, as_json: bool, **options: Any) -> None:
    """Which chapters changed since the last build, and why."""
    from audio_leaflet.status import leaflet_status

    entry = _leaflets((leaflet,) if leaflet else ())[0]
    report = leaflet_status(entry.path, _entry_settings(_settings(**options), entry))
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    if not report.built:
        click.echo(f"{_shown(report.slug)}: never built; every chapter is new")
    elif report.source_changed:
        click.echo(f"{_shown(report.slug)}: the leaflet changed since the last build")
    else:
        click.echo(f"{_shown(report.slug)}: the leaflet is the same as at the last build")
    for chapter in report.chapters:
        edited = " (script edited by hand)" if chapter.edited_by_hand else ""
        click.echo(f"  {chapter.number:2d}. {_shown(chapter.title)}: {chapter.state}{edited}")
        for sentence in chapter.changed_sentences:
            click.echo(f"        + {_shown(sentence)}")
        for sentence in chapter.removed_sentences:
            click.echo(f"        - {_shown(sentence)}")
    for reason in report.reasons:
        click.echo(f"  Also: {_shown(reason)}.")
    for name in report.bundle_damaged:
        click.echo(
            f"  Damaged: {_shown(name)} no longer matches the manifest; a build replaces it."
        )
    if report.up_to_date:
        click.echo("Up to date: a build now would change nothing.")
    if report.versions is not None and report.versions.kept:
        room = report.versions
        damaged = f", {room.damaged} damaged" if room.damaged else ""
        click.echo(
            f"  Earlier versions: {room.kept} kept{damaged}, {_megabytes(room.size_bytes)}, "
            f"in {room.folder}"
        )
    for warning in report.warnings:
        click.echo(f"warning: {_shown(warning)}", err=True)


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size < 10e6 else f"{size / 1e6:.0f} MB"


@cli.command()
@click.argument("words", nargs=-1, metavar="[LEAFLET] | restore LEAFLET VERSION")
@out_dir_option
@narration_dir_option
@title_option
@slug_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def versions(words: tuple[str, ...], as_json: bool, **options: Any) -> None:
    """The earlier published versions of LEAFLET, or put one back.

    `audio-leaflet versions LEAFLET` lists them, newest first, each checked
    file by file against its manifest; `audio-leaflet versions restore
    LEAFLET VERSION` publishes VERSION again (the one it replaces is kept in
    turn). A damaged version, or one made from another leaflet, is never put back.
    """
    from audio_leaflet.manifest import read_manifest
    from audio_leaflet.pipeline import prepare
    from audio_leaflet.versions import list_versions, restore_version, versions_store

    restoring = bool(words) and words[0] == "restore"
    arguments = words[1:] if restoring else words
    if len(arguments) > 2 or (len(arguments) == 2) != restoring:
        raise UsageError(
            "give a leaflet to list its versions, or 'restore LEAFLET VERSION' to put one back"
        )
    leaflet = Path(arguments[0]) if arguments else None
    if leaflet is not None and not leaflet.is_file():
        raise UsageError(f"Leaflet not found: {leaflet}")
    entry = _leaflets((leaflet,) if leaflet else ())[0]
    settings = _entry_settings(_settings(**options), entry)
    prepared = prepare(entry.path, settings, write=False)
    slug = prepared.narration.slug
    if restoring:
        bundle = restore_version(settings, slug, arguments[1], prepared.owner)
        click.echo(f"{_shown(slug)}: version {arguments[1]} is published again", err=True)
        click.echo(str(bundle))
        return
    store = versions_store(settings, slug)
    published = read_manifest(settings.out_dir / slug)
    kept = [v for v in list_versions(store) if v.belongs_to(prepared.owner)]
    if as_json:
        listed = [
            {
                "name": v.name,
                "built": v.built,
                "sentences": v.sentences,
                "sound": v.sound,
                "problem": v.problem,
                "published_now": v.same_as(published),
            }
            for v in kept
        ]
        click.echo(json.dumps({"slug": slug, "folder": str(store), "versions": listed}, indent=2))
        return
    if not kept:
        click.echo(f"{_shown(slug)}: no earlier versions kept")
        return
    click.echo(f"{_shown(slug)}: {counted(len(kept), 'earlier version')} kept in {store}")
    for version in kept:
        if not version.sound:
            click.echo(f"  {version.name}  damaged: {version.problem}; it cannot be put back")
            continue
        now = "  (the one published now)" if version.same_as(published) else ""
        click.echo(
            f"  {version.name}  built {version.built}, {counted(version.sentences, 'sentence')}, "
            f"{_shown(version.manifest.title if version.manifest else '')}{now}"
        )


@cli.command()
@click.argument("bundle_dir", type=click.Path(path_type=Path, file_okay=False, exists=True))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the readable report to this file.",
)
def check(bundle_dir: Path, as_json: bool, report_path: Path | None) -> None:
    """Listen to a built bundle and compare it with its narration.

    Exits 1 when a check fails: a missing or changed number, a dropped 'not',
    a truncated or silent chapter, wrong loudness or broken chapter markers.
    """
    from audio_leaflet.check import check_bundle
    from audio_leaflet.lexicon import load_lexicon

    settings = _settings()
    report = check_bundle(
        bundle_dir,
        cache_dir=settings.cache_dir,
        overrides=settings.check_thresholds,
        lexicon=load_lexicon(settings.lexicon).entries,
    )
    text = report.render_text()
    if report_path is not None:
        report_path.write_text(text, encoding="utf-8")
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        click.echo(text, err=True)
    else:
        click.echo(text)
    if not report.passed:
        sys.exit(1)


@cli.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def voices(context: click.Context, as_json: bool) -> None:
    """List the voices: installed, and those `voices add NAME` can download.

    Each with its engine, language, accent, quality, size, licence and source,
    then every engine's voices on this machine.
    """
    if context.invoked_subcommand is not None:
        return
    from audio_leaflet.engines import available_voices
    from audio_leaflet.voices import catalogue, is_installed, voices_dir

    known = catalogue()
    found = available_voices()
    if as_json:
        listed = [v.to_json() for v in known]
        engines = [v.to_json() for v in found]
        click.echo(json.dumps({"catalogue": listed, "engines": engines}, indent=2))
        return
    for voice in known:
        if voice.bundled:
            state = "installed: comes with audio-leaflet"
        elif is_installed(voice):
            state = f"installed in {voices_dir() / voice.name}"
        elif voice.pinned:
            state = f"to add: audio-leaflet voices add {voice.name} ({voice.size / 1e6:.0f} MB)"
        else:
            state = "no checksum pinned yet: install it by hand"
        click.echo(f"{voice.name}  ({voice.engine}, {voice.language}, {voice.accent})")
        click.echo(f"    {state}; quality {voice.quality}")
        click.echo(f"    licence: {voice.licence}")
        click.echo(f"    lineage: {voice.lineage}")
        click.echo(f"    from: {voice.source}")
        if warning := voice.licence_warning():
            click.echo(f"    warning: {warning}")
    click.echo("")
    click.echo("Every engine's voices on this machine:")
    for usable_voice in found:
        where = "offline" if usable_voice.offline else "online"
        usable = "usable" if usable_voice.usable else "not usable"
        note = f" ({usable_voice.note})" if usable_voice.note else ""
        click.echo(
            f"{usable_voice.engine:7s} {usable_voice.voice_id:30s} "
            f"{usable_voice.language:6s} {where}, {usable}{note}"
        )


@voices.command("add")
@click.argument("name")
def voices_add(name: str) -> None:
    """Download the voice NAME from its source, check it, and install it.

    The files go into the user's data folder (AUDIO_LEAFLET_DATA, else
    ~/.local/share/audio-leaflet) under voices/NAME. AUDIO_LEAFLET_VOICES_URL
    names another address holding the same files, such as the charity's own
    mirror. Nothing is installed unless every file matches its pinned checksum.
    """
    from audio_leaflet.voices import add_voice, find_voice

    reported = [-1]

    def progress(step: Step) -> None:
        percent = step.done * 100 // max(1, step.total)
        if percent >= reported[0] + 10 or step.done == step.total:
            reported[0] = percent
            click.echo(f"{name}: {percent}% of {step.total / 1e6:.1f} MB ({step.detail})", err=True)

    folder = add_voice(name, progress=progress)
    click.echo(str(folder))
    voice = find_voice(name)
    if voice is not None and (warning := voice.licence_warning()):
        click.echo(f"warning: {warning}", err=True)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor(as_json: bool) -> None:
    """What a support request needs: versions, models, voices, folders, and checks.

    Prints the versions of audio-leaflet, Python, its audio libraries and
    ffmpeg; every model package with its publisher, licence, lineage and each
    file's SHA-256 against its pin; the voices usable here; where the cache and
    data folders are and their sizes; then whether each check passes (model
    files, ffmpeg, folders writable, the default voice says a word). Exits 1
    when a check fails.
    """
    from audio_leaflet.doctor import run_doctor

    report = run_doctor(_settings())
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for line in _doctor_lines(report):
            click.echo(line)
    if not report.passed:
        sys.exit(1)


def _doctor_lines(report: DoctorReport) -> Iterator[str]:
    """`doctor`'s report as text, one fact a line."""
    yield f"audio-leaflet {report.version}"
    yield f"Python: {report.python}"
    yield f"System: {report.system}"
    yield "Libraries: " + ", ".join(f"{name} {version}" for name, version in report.libraries)
    yield f"ffmpeg: {report.ffmpeg_version or 'not found'} ({report.ffmpeg_path or '-'})"
    yield ""
    yield "Model packages (each file's SHA-256, against the pin audio-leaflet keeps):"
    for model in report.models:
        installed = model.installed_version or "not installed"
        yield f"  {model.package.name} {installed} (pinned {model.package.version})"
        yield f"    used for: {model.package.role}"
        yield f"    publisher: {model.package.publisher}"
        yield f"    licence: {model.package.licence}"
        yield f"    lineage: {model.package.lineage}"
        local = " (the charity's copy)" if model.local_copy else ""
        yield f"    files in: {model.folder or '-'}{local}"
        for measured in model.files:
            state = "ok  " if measured.ok else "DIFF"
            yield f"    {state} {measured.sha256 or '(missing)':64s}  {measured.pinned.name}"
    yield ""
    yield "Voices usable here:"
    for voice in report.voices:
        yield f"  {voice.name} ({voice.engine}, {voice.language}): {voice.where}"
        yield f"    licence: {voice.licence} (publishing: {voice.use})"
        for measured in voice.files:
            state = "ok  " if measured.ok else "DIFF"
            yield f"    {state} {measured.sha256 or '(missing)':64s}  {measured.pinned.name}"
    yield ""
    yield "Folders:"
    for folder in report.folders:
        held = (
            f"{folder.bytes / 1e6:.1f} MB in {counted(folder.files, 'file')}"
            if folder.exists
            else "not made yet"
        )
        yield f"  {folder.role:6s} {folder.path}  ({held})"
    yield ""
    yield "Checks:"
    for check in report.checks:
        yield f"  {'pass' if check.passed else 'FAIL'}  {check.name}: {_shown(check.detail)}"
    failed = [check for check in report.checks if not check.passed]
    if failed:
        yield f"{len(failed)} of {len(report.checks)} checks failed."
    else:
        yield f"All {len(report.checks)} checks passed."


@cli.command()
@click.argument(
    "folder",
    required=False,
    default=Path("."),
    type=click.Path(path_type=Path, file_okay=False, exists=True),
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one)."
)
@click.option("--no-browser", is_flag=True, help="Do not open a browser; just print the address.")
def studio(folder: Path, port: int, no_browser: bool) -> None:
    """Proofread, hear, fix and publish the leaflets of FOLDER (default: here) in a browser.

    Listens on 127.0.0.1 only and prints its address, with a private token,
    as the first line of standard output. Ctrl-C stops it.
    """
    from audio_leaflet.studio import run_studio

    run_studio(folder, port, open_browser=not no_browser)
