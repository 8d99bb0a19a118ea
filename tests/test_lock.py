"""The lock files agree with pyproject.toml, so what CI tests is what a charity installs.

`requirements.lock` is the application; `requirements-test.lock` the same
versions plus the test tools. Both are made by `bash scripts/lock` (uv pip
compile, every file pinned by hash). Read here with their own format, not with
uv: which requirement pulled each package in is in its "# via" lines.
"""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker, default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from audio_leaflet.model_files import model_packages

ROOT = Path(__file__).resolve().parents[1]
APP_LOCK = ROOT / "requirements.lock"
TEST_LOCK = ROOT / "requirements-test.lock"
FROM_PYPROJECT = "audio-leaflet (pyproject.toml)"
ENTRY = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+?)(?: ; (.+?))? \\$")
HASH = re.compile(r"^\s+--hash=sha256:([0-9a-f]{64})(?: \\)?$")


@dataclass(frozen=True)
class Pin:
    """One package as a lock file pins it."""

    name: str
    version: str
    marker: str
    hashes: frozenset[str]
    via: tuple[str, ...]


def read_lock(path: Path) -> dict[str, Pin]:
    """Every pin of a lock file written by uv pip compile, by canonical name."""
    pins: dict[str, Pin] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = ENTRY.match(lines[index])
        index += 1
        if not match:
            continue
        hashes: set[str] = set()
        via: list[str] = []
        while index < len(lines) and lines[index].startswith(" "):
            line = lines[index]
            index += 1
            if found := HASH.match(line):
                hashes.add(found.group(1))
            elif line.strip().startswith("# via "):
                via.append(line.strip().removeprefix("# via ").strip())
            elif line.strip().startswith("#   "):
                via.append(line.strip().removeprefix("#").strip())
        name = canonicalize_name(match.group(1))
        assert name not in pins, f"{path.name} pins {name} twice"
        pins[name] = Pin(name, match.group(2), match.group(3) or "", frozenset(hashes), tuple(via))
    return pins


def requirements(*, test: bool) -> list[Requirement]:
    """The requirements pyproject.toml states: the application's, and the test extra's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    if test:
        found += [Requirement(r) for r in project["optional-dependencies"]["test"]]
    return found


@pytest.mark.parametrize("lock", [APP_LOCK, TEST_LOCK], ids=lambda p: p.name)
def test_every_package_is_pinned_to_one_version_by_hash(lock: Path) -> None:
    pins = read_lock(lock)
    assert len(pins) > 40
    text = lock.read_text(encoding="utf-8")
    entries = [line for line in text.splitlines() if line and line[0] not in " #"]
    assert len(entries) == len(pins), "a line the reader does not understand"
    for pin in pins.values():
        assert pin.hashes, f"{pin.name} has no hash"
        assert pin.via, f"{pin.name} says nothing of what needs it"
    assert "bash scripts/lock" in text.splitlines()[1], "the header names the command"


@pytest.mark.parametrize(
    ("lock", "test"), [(APP_LOCK, False), (TEST_LOCK, True)], ids=["app", "test"]
)
def test_the_lock_holds_exactly_what_pyproject_asks_for(lock: Path, test: bool) -> None:
    """A requirement added, removed or narrowed in pyproject.toml without running
    `bash scripts/lock` fails here."""
    pins = read_lock(lock)
    wanted = {canonicalize_name(r.name): r for r in requirements(test=test)}
    direct = {name for name, pin in pins.items() if FROM_PYPROJECT in pin.via}
    assert sorted(set(wanted) - set(pins)) == [], "in pyproject.toml, missing from the lock"
    assert sorted(direct - set(wanted)) == [], "in the lock for pyproject.toml, which dropped it"
    assert direct == set(wanted)
    for name, requirement in wanted.items():
        pin = pins[name]
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{lock.name} pins {name}=={pin.version}, pyproject.toml asks {requirement}"
        )
        assert bool(requirement.marker) == bool(pin.marker), (name, requirement, pin.marker)


def test_the_test_lock_installs_the_applications_own_files() -> None:
    """The same version and the same files (a marker may differ: a test tool may need a
    package on more platforms than the application does)."""
    app, test = read_lock(APP_LOCK), read_lock(TEST_LOCK)
    for name, pin in app.items():
        assert name in test, name
        assert (test[name].version, test[name].hashes) == (pin.version, pin.hashes), name


def test_model_packages_are_pinned_exactly_where_their_checksums_are() -> None:
    wanted = {canonicalize_name(r.name): r for r in requirements(test=False)}
    for lock in (APP_LOCK, TEST_LOCK):
        pins = read_lock(lock)
        for package in model_packages():
            assert str(wanted[package.name].specifier) == f"=={package.version}", package.name
            assert pins[package.name].version == package.version, (lock.name, package.name)


def test_this_environment_runs_the_locked_versions() -> None:
    """What the tests run with is what the lock installs (`bash scripts/test` installs it)."""
    environment = default_environment()
    differ = []
    for name, pin in read_lock(TEST_LOCK).items():
        marker = Marker(pin.marker) if pin.marker else None
        if marker is not None and not marker.evaluate(environment):
            continue
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = "not installed"
        if installed == "not installed" or Version(installed) != Version(pin.version):
            differ.append(f"{name}: {installed}, locked {pin.version}")
    assert differ == [], "run: .venv/bin/pip install -r requirements-test.lock"
