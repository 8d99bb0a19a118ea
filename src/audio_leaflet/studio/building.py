"""A build the studio runs: `pipeline.build_leaflet` in a thread, followed by its page.

One build at a time. Its progress (`progress.Step`) is kept for the page to
read (`/build.json`); its result is said in the studio's own words, counts
spelt right; the listening check's findings are kept with where their audio
can be heard. Closing the studio stops a build as Ctrl-C stops one on the
command line (`BuildStopped` at its next progress report).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audio_leaflet.config import Settings
from audio_leaflet.errors import AudioLeafletError, CheckFailed
from audio_leaflet.manifest import read_manifest
from audio_leaflet.progress import Step
from audio_leaflet.publish import release_every_staging
from audio_leaflet.studio.changes import Busy
from audio_leaflet.versions import REFUSED, versions_store
from audio_leaflet.wording import counted


class BuildStopped(BaseException):
    """Raised in a build's progress report when the studio closes: it unwinds the build
    through every `finally`, as Ctrl-C does on the command line."""


@dataclass
class BuildJob:
    """A build the studio started, as its page follows it."""

    key: str
    """The leaflet's key (its path in the project)."""
    slug: str = ""
    """The leaflet's slug (its bundle's folder name)."""
    stage: str = "Starting"
    unit: str = ""
    """What `done` and `total` count: sentences, or chapters."""
    done: int = 0
    total: int = 0
    finished: bool = False
    passed: bool = False
    messages: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    """The listening check's findings, each with where its audio can be heard."""
    error: str = ""

    def to_json(self) -> dict[str, Any]:
        """What the page following the build reads (`/build.json`)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    @property
    def count(self) -> str:
        """ "3 of 8 chapters", or "" when nothing is counted."""
        if self.total < 1:
            return ""
        unit = self.unit[:-1] if self.total == 1 and self.unit.endswith("s") else self.unit
        return f"{self.done} of {self.total} {unit}"


class Builder:
    """Runs one build at a time for the studio."""

    def __init__(self) -> None:
        self.job: BuildJob | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    def start(
        self, key: str, slug: str, source: Path, settings: Settings, on_done: Callable[[], None]
    ) -> None:
        """Build `source` with `settings` (the voice not yet chosen: the build chooses it)."""
        with self._lock:
            if self.job is not None and not self.job.finished:
                raise Busy(f"A build of {self.job.key} is running: wait for it.")
            self.job = BuildJob(key, slug)
        job = self.job
        self._thread = threading.Thread(
            target=self._build, args=(job, source, settings, on_done), daemon=True, name="build"
        )
        self._thread.start()

    def stop(self, wait_s: float) -> None:
        """Ask a running build to stop (as Ctrl-C stops one), and wait up to `wait_s` for it.

        It stops at its next sentence or file, cleaning up as the command line
        does. One still busy after `wait_s` (saying a long sentence, hearing a
        long chapter) ends with the process, its staging folder removed here:
        the published bundle is untouched either way.
        """
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(wait_s)
            if self._thread.is_alive():
                release_every_staging()

    def _build(
        self, job: BuildJob, source: Path, settings: Settings, on_done: Callable[[], None]
    ) -> None:
        from audio_leaflet.pipeline import build_leaflet

        def progress(step: Step) -> None:
            if self._stopping.is_set():
                raise BuildStopped
            job.stage, job.unit = step.stage.value, step.unit
            job.done, job.total = step.done, step.total

        try:
            result = build_leaflet(source, settings, progress=progress)
        except CheckFailed as error:
            job.problems = findings([p.to_finding() for p in error.problems], settings, job.slug)
            count = sum(1 for item in job.problems if item["severity"] == "error")
            job.error = (
                f"The listening check found {counted(count, 'problem')}, so the audio "
                "published before was left as it was. They are listed below, with the audio "
                "the check heard."
            )
        except AudioLeafletError as error:
            job.error = str(error)
        except BuildStopped:
            job.error = "The studio was closed during the build: nothing was published."
        except Exception as error:  # a bug: shown, and the studio stays up
            job.error = f"The build stopped with an internal error: {error!r}"
        else:
            job.passed = True
            job.messages = build_messages(result)
            job.problems = findings(
                [p.to_finding() for p in result.check_problems],
                settings,
                result.slug,
                published=True,
            )
        finally:
            job.finished = True
            job.stage = "Finished"
            on_done()


def build_messages(result: Any) -> list[str]:
    """A build's result in the studio's words (the command line says it in its own)."""
    messages = [f"Warning: {warning}" for warning in result.warnings]
    if result.voice_warning:
        messages.append(f"Warning: {result.voice_warning}")
    if result.up_to_date:
        messages.append("Nothing had changed since the last build: nothing was rebuilt.")
    else:
        spoken = counted(result.synthesized, "sentence")
        reused = counted(result.reused, "sentence")
        changed = len(result.chapters_changed)
        messages.append(
            f"{spoken} spoken, {reused} taken from earlier builds; "
            f"{counted(changed, 'section')} made again."
        )
    if result.check_summary:
        messages.append(result.check_summary[:1].upper() + result.check_summary[1:] + ".")
    if result.left_out:
        messages.append(result.left_out)
    return messages


def findings(
    items: list[dict[str, Any]], settings: Settings, slug: str, *, published: bool = False
) -> list[dict[str, Any]]:
    """The check's problems (as `Problem.to_json` gives them, with their "text"), each with
    the chapter file that holds its moment and where that file is."""
    where = settings.out_dir / slug if published else versions_store(settings, slug) / REFUSED
    manifest = read_manifest(where)
    found = []
    for item in items:
        chapter = item.get("chapter")
        entry = manifest.chapter(chapter) if manifest and isinstance(chapter, int) else None
        source = "published" if published else REFUSED
        audio = {"slug": slug, "audio": entry.file if entry else "", "from": source}
        found.append({**item, **audio})
    return found
