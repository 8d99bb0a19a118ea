"""Helpers for the pipeline, incremental, status and fault tests (real voice, real files).

Small leaflets of our own live in tests/fixtures/pipeline-*.txt; tests copy
them (and any build they change) into tmp folders first.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from audio_leaflet.config import Settings
from audio_leaflet.manifest import Manifest, verify_files

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SMALL_LEAFLETS = ("pipeline-sleep.txt", "pipeline-exercise.txt", "pipeline-work.txt")
SEED_SLUG = "dystonia-and-mental-health"
BASE_URL = "https://audio.example.org/leaflets/"

Stamp = tuple[int, int, int]
"""(inode, mtime in ns, size) of a file: changes when a file is rewritten or replaced."""


def settings_for(work: Path, cache: Path, **changes: Any) -> Settings:
    """Settings writing into `work` (audio_out/, narration/) with `cache`, no listening check."""
    base = Settings(
        out_dir=work / "audio_out",
        narration_dir=work / "narration",
        cache_dir=cache,
        check=False,
    )
    return base.replace(**changes)


def small_leaflet(name: str, folder: Path) -> Path:
    """A copy of one of our small leaflets in `folder`, ready to edit."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copyfile(FIXTURES / name, target)
    return target


def copy_work(source: Path, target: Path) -> Path:
    """A copy of a build's working folder (audio_out/, narration/), times kept."""
    shutil.copytree(source, target, symlinks=True)
    return target


def snapshot(folder: Path) -> dict[str, Stamp]:
    """Every file under `folder` with its inode, mtime and size; lock files left out.

    Lock files (`.<slug>.lock`, `.audio-leaflet.lock`) are opened by every
    build to take the lock; they are not part of what is published.
    """
    found: dict[str, Stamp] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.name.endswith(".lock"):
            info = path.stat()
            found[str(path.relative_to(folder))] = (info.st_ino, info.st_mtime_ns, info.st_size)
    return found


def staging_folders(out_dir: Path) -> list[Path]:
    """Staging folders (and bundles left aside) in an out-dir."""
    if not out_dir.is_dir():
        return []
    return sorted(p for p in out_dir.iterdir() if p.name.startswith(".") and p.is_dir())


def manifest_of(bundle: Path) -> dict[str, Any]:
    """The bundle's manifest.json."""
    data: dict[str, Any] = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    return data


def assert_bundle_is(bundle: Path, manifest_bytes: bytes) -> None:
    """The bundle is exactly the one whose manifest is `manifest_bytes`, complete and intact."""
    assert (bundle / "manifest.json").read_bytes() == manifest_bytes
    manifest = json.loads(manifest_bytes)
    assert verify_files(bundle, Manifest.from_json(manifest)) == [], (
        "every file matches its checksum"
    )
    present = {p.name for p in bundle.iterdir()}
    assert present == {*manifest["files"], "manifest.json"}, "no file missing, none extra"


def cached_sentences(cache: Path) -> dict[str, int]:
    """Sentence files in the cache with their inodes (a re-synthesized one gets a new inode)."""
    folder = cache / "sentences"
    if not folder.is_dir():
        return {}
    return {
        str(p.relative_to(folder)): p.stat().st_ino
        for p in folder.rglob("*.wav")
        if not p.name.startswith(".")
    }


def build_arguments(leaflet: Path, work: Path, cache: Path, *extra: str) -> list[str]:
    """The arguments of `audio-leaflet build` of one leaflet into `work`."""
    return [
        "build",
        str(leaflet),
        "--out-dir",
        str(work / "audio_out"),
        "--narration-dir",
        str(work / "narration"),
        "--cache-dir",
        str(cache),
        *extra,
    ]


def build_command(leaflet: Path, work: Path, cache: Path, *extra: str) -> list[str]:
    """`python -m audio_leaflet build` of one leaflet into `work`."""
    return [sys.executable, "-m", "audio_leaflet", *build_arguments(leaflet, work, cache, *extra)]


def start(command: list[str], cwd: Path) -> subprocess.Popen[str]:
    """Start a command with its output captured."""
    return subprocess.Popen(
        command,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def kill_when(
    process: subprocess.Popen[str],
    condition: Callable[[], bool],
    *,
    timeout: float = 600,
    interval: float = 0.002,
) -> None:
    """SIGKILL `process` as soon as `condition()` holds; fail if it ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return
        if process.poll() is not None:
            _out, err = process.communicate()
            raise AssertionError(
                f"the build ended (exit {process.returncode}) before the kill point: {err[-800:]}"
            )
        time.sleep(interval)
    process.kill()
    process.wait()
    raise AssertionError("the kill point was not reached in time")


def repaced_sentences(before: dict[str, Any], after: dict[str, Any]) -> set[str]:
    """Sentences of chapters said at another speed than in the last build.

    A chapter is re-spoken faster or slower, whole, when an edit takes its pace
    out of the promised range (130 to 160 words a minute); only a changed
    chapter can be.
    """
    speeds = {c["title"]: c.get("pace_factor") for c in before["chapters"]}
    return {
        cue["text"]
        for chapter in after["chapters"]
        if chapter["title"] in speeds and speeds[chapter["title"]] != chapter.get("pace_factor")
        for cue in chapter["cues"]
    }
