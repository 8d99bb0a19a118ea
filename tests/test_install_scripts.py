"""scripts/apt-get-waiting: the install scripts wait for another apt-get, not fail.

apt-get runs for real, as root, against a package archive of its own in a
temporary folder (a local, empty repository: nothing is downloaded, and the
machine's own package lists and dpkg database are never touched). The test
holds the lock another apt-get would hold, as apt takes it (fcntl), for a
few seconds.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HELPER = ROOT / "scripts" / "apt-get-waiting"
HELD_S = 4.0

pytestmark = pytest.mark.skipif(
    shutil.which("apt-get") is None or os.geteuid() != 0,
    reason="needs apt-get, run as root (Debian)",
)


def private_apt(folder: Path) -> list[str]:
    """apt-get options that keep it inside `folder`: lists, dpkg state, cache, sources."""
    for sub in ("lists/partial", "dpkg", "parts", "cache/archives/partial", "repo"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "dpkg" / "status").touch()
    (folder / "repo" / "Packages").touch()
    (folder / "sources.list").write_text(f"deb [trusted=yes] file:{folder / 'repo'} ./\n")
    return [
        f"-oDir::State::Lists={folder / 'lists'}",
        f"-oDir::State::status={folder / 'dpkg' / 'status'}",
        f"-oDir::Etc::SourceList={folder / 'sources.list'}",
        f"-oDir::Etc::SourceParts={folder / 'parts'}",
        f"-oDir::Cache={folder / 'cache'}",
    ]


@contextmanager
def held(lock: Path) -> Iterator[None]:
    """Hold `lock` as another apt-get would, releasing it HELD_S seconds later."""
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o640)
    fcntl.lockf(fd, fcntl.LOCK_EX)
    timer = threading.Timer(HELD_S, lambda: os.close(fd))
    timer.start()
    try:
        yield
    finally:
        timer.join()


def run_timed(command: list[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    return result, time.monotonic() - started


def test_update_waits_for_the_lock_on_the_package_lists(tmp_path: Path) -> None:
    options = private_apt(tmp_path)
    with held(tmp_path / "lists" / "lock"):
        # apt-get alone gives up at once, even told to wait for dpkg's lock.
        bare, bare_s = run_timed(["apt-get", "-oDPkg::Lock::Timeout=600", *options, "update"])
        assert bare.returncode != 0 and "Could not get lock" in bare.stderr
        assert bare_s < HELD_S
        waited, waited_s = run_timed(["bash", str(HELPER), *options, "update", "-qq"])
    assert waited.returncode == 0, waited.stderr
    assert waited_s >= HELD_S - 1
    assert "waiting for it" in waited.stderr


def test_install_waits_for_the_dpkg_lock(tmp_path: Path) -> None:
    options = private_apt(tmp_path)
    with held(tmp_path / "dpkg" / "lock-frontend"):
        waited, waited_s = run_timed(["bash", str(HELPER), *options, "install", "-y", "-qq"])
    assert waited.returncode == 0, waited.stderr
    assert waited_s >= HELD_S - 1


def test_another_failure_is_not_waited_for(tmp_path: Path) -> None:
    options = private_apt(tmp_path)
    failed, failed_s = run_timed(
        ["bash", str(HELPER), *options, "install", "-y", "-qq", "no-such-package-here"]
    )
    assert failed.returncode != 0
    assert "no-such-package-here" in failed.stderr
    assert failed_s < 30
