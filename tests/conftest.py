"""Shared fixtures: the seed leaflet (read from ../shared, never copied) and tool paths."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

# The user's data folder (added voices, kept versions) is one of the test run's own, so a
# run never reads or writes a real one; tests that need another set AUDIO_LEAFLET_DATA.
os.environ.setdefault("AUDIO_LEAFLET_DATA", tempfile.mkdtemp(prefix="audio-leaflet-test-data-"))

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SEED_LEAFLET = PROJECT_ROOT.parent / "shared" / "leaflets" / "dystonia-and-mental-health.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def seed_leaflet() -> Path:
    """The charity's real leaflet; tests using it skip where ../shared is absent."""
    if not SEED_LEAFLET.is_file():
        pytest.skip(f"seed leaflet not found at {SEED_LEAFLET} (../shared is absent)")
    return SEED_LEAFLET


@pytest.fixture
def fixtures() -> Path:
    """Folder of the project's own test leaflets."""
    return FIXTURES


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One sentence cache for the whole run, so each sentence is spoken once per session."""
    return tmp_path_factory.mktemp("audio-cache")


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> Path:
    """The seed leaflet built once for the session with the real Piper voice.

    Returns the working folder holding `audio_out/` and `narration/`; tests
    that change anything copy it first.
    """
    if not SEED_LEAFLET.is_file():
        pytest.skip(f"seed leaflet not found at {SEED_LEAFLET} (../shared is absent)")
    from audio_leaflet.config import Settings
    from audio_leaflet.pipeline import build_leaflet

    work = tmp_path_factory.mktemp("seed-build")
    settings = Settings(
        out_dir=work / "audio_out",
        narration_dir=work / "narration",
        cache_dir=session_cache,
        base_url="https://audio.example.org/leaflets/",
        check=False,
    )
    build_leaflet(SEED_LEAFLET, settings)
    return work


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 150 KB (a tmpfs), for a full disk; unmounted after.

    Skipped, saying why, where the tests do not run as root (CI does).
    """
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=150k", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)
