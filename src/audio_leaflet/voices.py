"""Voices a charity can add: the catalogue, the user's voices folder, downloads, choice.

The catalogue (`data/voices.toml`, shipped with the package) names every voice
audio-leaflet knows, with its language, accent, licence and lineage, and the
size and SHA-256 of each of its files. `add_voice` downloads a voice's files
from its public source (or from `AUDIO_LEAFLET_VOICES_URL`, a folder holding
the files under their own names: a charity's mirror, or a test server) into a
private folder beside the voices folder, checks every byte count and checksum,
and only then renames the folder into place: a failed, cut or wrong download
leaves nothing in the voices folder. A voice installed by hand (its files
copied into `<voices folder>/<name>/`) is accepted when its files match.

`choose_voice` turns the settings' voice into what an engine loads: a voice
named by the catalogue becomes its installed files; with no voice named, a
leaflet in British English is spoken by an installed British voice of the
engine (the first the catalogue lists).
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import functools
import hashlib
import http.client
import json
import os
import re
import shutil
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from audio_leaflet.config import Settings, default_data_dir
from audio_leaflet.errors import AudioLeafletError
from audio_leaflet.fileio import sha256_file
from audio_leaflet.progress import Progress, Stage, Step, no_progress

VOICES_URL_ENV = "AUDIO_LEAFLET_VOICES_URL"
RECORD_FILE = "voice.json"
_PARTIAL_PREFIX = ".partial-"
_BLOCK = 1 << 20
_TIMEOUT_S = 30
"""A mirror silent this long, connecting or sending, is given up on."""
MIN_RATE_BYTES_S = 20_000
"""Slowest download accepted, over RATE_WINDOW_S: a mirror sending a byte every few
seconds would otherwise take months over a voice (and never time out)."""
RATE_WINDOW_S = 30.0
"""The span over which a download's rate is judged."""


class VoiceError(AudioLeafletError):
    """Raised when a voice cannot be added or is not installed; the message says what to do."""


class LicenceUse(enum.Enum):
    """Whether a voice's licence and lineage allow a charity to publish what it says."""

    OK = "ok"
    CHECK = "check"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class VoiceFile:
    """One file of a voice, as the catalogue pins it."""

    name: str
    """Its file name, the same in the source, a mirror and the voices folder."""
    size: int
    """Its length in bytes; 0 when not pinned."""
    sha256: str
    """Its SHA-256; "" when not pinned."""


@dataclass(frozen=True)
class CatalogueVoice:
    """A voice the catalogue knows."""

    name: str
    """Its name, as `--voice NAME` and `voices add NAME` take it."""
    engine: str
    """The engine that speaks with it."""
    language: str
    """BCP 47 language ("en-GB"), or "many"."""
    accent: str
    """Accent and voice, for people choosing."""
    quality: str
    """The maker's quality grade (low, medium, high)."""
    licence: str
    """What the voice and its recordings are licensed under."""
    lineage: str
    """Where the voice came from: recordings, and any voice it was fine-tuned from."""
    use: LicenceUse
    """Whether that allows a charity to publish what it says."""
    source: str
    """The public address its files come from."""
    files: tuple[VoiceFile, ...]
    """Its files; empty for a voice that comes with its engine."""
    bundled: bool = False
    """Installed with audio-leaflet's packages: nothing to add."""

    @property
    def size(self) -> int:
        """All its files' bytes."""
        return sum(f.size for f in self.files)

    @property
    def pinned(self) -> bool:
        """Every file has a size and checksum to check a download against."""
        return bool(self.files) and all(f.size and len(f.sha256) == 64 for f in self.files)

    @property
    def british(self) -> bool:
        """Speaks British English."""
        return self.language.lower() == "en-gb"

    def to_json(self) -> dict[str, object]:
        """The voice as `voices --json` lists it."""
        return {
            "name": self.name,
            "engine": self.engine,
            "language": self.language,
            "accent": self.accent,
            "quality": self.quality,
            "bytes": self.size,
            "licence": self.licence,
            "lineage": self.lineage,
            "use": self.use.value,
            "source": self.source,
            "installed": is_installed(self),
            "installable": self.pinned and not self.bundled,
        }

    def licence_warning(self) -> str:
        """A warning for staff when the licence or lineage may not allow publishing, else ""."""
        if self.use is LicenceUse.OK:
            return ""
        why = "is not known here" if self.use is LicenceUse.UNKNOWN else "may not allow publishing"
        return (
            f"the licence or lineage of the voice {self.name} {why}: read its model card "
            f"({self.source}) before publishing; `audio-leaflet voices` says what is known"
        )


@functools.cache
def catalogue() -> tuple[CatalogueVoice, ...]:
    """Every voice the shipped catalogue names, in its order."""
    text = resources.files("audio_leaflet").joinpath("data", "voices.toml").read_text("utf-8")
    return tuple(
        CatalogueVoice(
            name=entry["name"],
            engine=entry["engine"],
            language=entry["language"],
            accent=entry["accent"],
            quality=entry["quality"],
            licence=entry["licence"],
            lineage=entry["lineage"],
            use=LicenceUse(entry["use"]),
            source=entry["source"],
            files=tuple(VoiceFile(f["name"], f["size"], f["sha256"]) for f in entry["files"]),
            bundled=entry.get("bundled", False),
        )
        for entry in tomllib.loads(text)["voice"]
    )


def find_voice(name: str) -> CatalogueVoice | None:
    """The catalogue's voice called `name` (case as written), or None."""
    return next((v for v in catalogue() if v.name == name), None)


def voice_for(engine: str, voice_id: str) -> CatalogueVoice | None:
    """What the catalogue says of the voice an engine spoke with (`Engine.voice_id`)."""
    return find_voice(voice_id) or next(
        (v for v in catalogue() if v.engine == engine and not v.files), None
    )


def voices_dir() -> Path:
    """Where added voices live, one folder per voice (in the user's data folder)."""
    return default_data_dir() / "voices"


def installed_files(voice: CatalogueVoice) -> Path | None:
    """The folder holding `voice`'s files when every one is there with its pinned size."""
    folder = voices_dir() / voice.name
    if not voice.files or not folder.is_dir():
        return None
    for pinned in voice.files:
        path = folder / pinned.name
        if not path.is_file() or (pinned.size and path.stat().st_size != pinned.size):
            return None
    return folder


def is_installed(voice: CatalogueVoice) -> bool:
    """Usable here: bundled, or its files are in the voices folder."""
    return voice.bundled or installed_files(voice) is not None


def add_voice(name: str, *, progress: Progress = no_progress) -> Path:
    """Download, check and install the catalogue's voice `name`; returns its folder.

    Nothing is left in the voices folder unless every file arrived whole and
    matched its checksum. VoiceError says what went wrong and what to do.
    """
    voice = find_voice(name)
    if voice is None:
        known = ", ".join(v.name for v in catalogue() if v.files)
        raise VoiceError(f"No voice called '{name}' in the catalogue. Voices to add: {known}")
    if voice.bundled:
        raise VoiceError(f"{name} comes with audio-leaflet: there is nothing to add")
    folder = voices_dir() / voice.name
    if not voice.pinned:
        raise VoiceError(
            f"{name} has no checksum pinned in the catalogue yet, so it is not downloaded: "
            f"{_by_hand(voice, folder)}"
        )
    voices_dir().mkdir(parents=True, exist_ok=True)
    # One `voices add` of a voice at a time: the others wait, then find it installed.
    with _adding(voice.name):
        if installed_files(voice) is not None and _matches(voice, folder):
            return folder
        _install(voice, folder, progress)
    return folder


@contextlib.contextmanager
def _adding(name: str) -> Iterator[None]:
    """Hold the lock of adding voice `name` (a lock file beside the voices), waiting for it."""
    with open(voices_dir() / f".adding-{name}.lock", "a") as stream:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)


def _install(voice: CatalogueVoice, folder: Path, progress: Progress) -> None:
    """Download every file into a private folder, check them, then rename it into place."""
    _remove_stale_partials()
    partial = Path(tempfile.mkdtemp(prefix=f"{_PARTIAL_PREFIX}{voice.name}-", dir=voices_dir()))
    try:
        done = 0
        for pinned in voice.files:
            _download(voice, pinned, partial / pinned.name, done, progress)
            done += pinned.size
        record = {"name": voice.name, "engine": voice.engine, "source": _base_url(voice)}
        (partial / RECORD_FILE).write_text(json.dumps(record, indent=2) + "\n", "utf-8")
        for path in partial.iterdir():
            path.chmod(0o644)
        partial.chmod(0o755)
        if folder.exists():
            # A broken or older copy: moved aside first, so the swap is one rename.
            old = Path(tempfile.mkdtemp(prefix=f"{_PARTIAL_PREFIX}old-", dir=voices_dir()))
            os.replace(folder, old / voice.name)
            shutil.rmtree(old, ignore_errors=True)
        os.replace(partial, folder)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def _base_url(voice: CatalogueVoice) -> str:
    mirror = os.environ.get(VOICES_URL_ENV, "").strip()
    return (mirror or voice.source).rstrip("/")


def _download(
    voice: CatalogueVoice, pinned: VoiceFile, target: Path, done: int, progress: Progress
) -> None:
    url = f"{_base_url(voice)}/{pinned.name}"
    digest = hashlib.sha256()
    received = 0
    answered = False
    pace = _Pace(pinned.name, url)
    try:
        with urllib.request.urlopen(url, timeout=_TIMEOUT_S) as answer, target.open("wb") as out:
            answered = True
            # read1: whatever has arrived, so a slow mirror is measured, not waited on.
            while block := answer.read1(_BLOCK):
                received += len(block)
                pace.check(received)
                if received > pinned.size:
                    raise VoiceError(
                        f"{pinned.name} from {url} is longer than the catalogue's "
                        f"{pinned.size} bytes: it is not the pinned file; nothing was installed"
                    )
                digest.update(block)
                out.write(block)
                progress(Step(Stage.DOWNLOADING, done + received, voice.size, "bytes", pinned.name))
    except urllib.error.HTTPError as error:
        raise VoiceError(
            f"Cannot add {voice.name}: {url} answered {error.code} {error.reason}; "
            f"{_by_hand(voice, voices_dir() / voice.name)}"
        ) from error
    except http.client.HTTPException as error:  # the server closed the answer early
        raise VoiceError(
            f"Cannot add {voice.name}: the download of {pinned.name} stopped after {received} "
            f"of {pinned.size} bytes ({type(error).__name__}); nothing was installed: try again"
        ) from error
    except TimeoutError as error:
        if not answered:
            raise VoiceError(
                f"Cannot add {voice.name}: {url} did not answer within {_TIMEOUT_S} s; "
                f"nothing was installed: try again later, or "
                f"{_by_hand(voice, voices_dir() / voice.name)}"
            ) from error
        raise VoiceError(
            f"Cannot add {voice.name}: the download of {pinned.name} stalled (nothing for "
            f"{_TIMEOUT_S} s) after {received} of {pinned.size} bytes; nothing was installed: "
            "try again later"
        ) from error
    except (urllib.error.URLError, OSError) as error:
        if isinstance(getattr(error, "reason", None), TimeoutError):
            raise VoiceError(
                f"Cannot add {voice.name}: {url} did not answer within {_TIMEOUT_S} s; "
                f"nothing was installed: try again later, or "
                f"{_by_hand(voice, voices_dir() / voice.name)}"
            ) from error
        reason = getattr(error, "reason", None) or error
        raise VoiceError(
            f"Cannot add {voice.name}: {url} could not be reached ({reason}); "
            f"{_by_hand(voice, voices_dir() / voice.name)}"
        ) from error
    if received != pinned.size:
        raise VoiceError(
            f"Cannot add {voice.name}: the download of {pinned.name} stopped after {received} "
            f"of {pinned.size} bytes; nothing was installed: try again"
        )
    if digest.hexdigest() != pinned.sha256:
        raise VoiceError(
            f"Cannot add {voice.name}: {pinned.name} from {url} is not the pinned file "
            f"(sha256 {digest.hexdigest()[:12]}..., expected {pinned.sha256[:12]}...); "
            "nothing was installed"
        )


class _Pace:
    """Refuses a download slower than MIN_RATE_BYTES_S over the last RATE_WINDOW_S."""

    def __init__(self, name: str, url: str) -> None:
        self.name, self.url = name, url
        self.marks: list[tuple[float, int]] = [(time.monotonic(), 0)]

    def check(self, received: int) -> None:
        now = time.monotonic()
        self.marks.append((now, received))
        while len(self.marks) > 2 and now - self.marks[1][0] >= RATE_WINDOW_S:
            self.marks.pop(0)
        since, then = self.marks[0]
        if now - since >= RATE_WINDOW_S:
            rate = (received - then) / (now - since)
            if rate < MIN_RATE_BYTES_S:
                raise VoiceError(
                    f"the download of {self.name} from {self.url} is too slow "
                    f"({rate / 1000:.1f} kB/s over the last {now - since:.0f} s, below "
                    f"{MIN_RATE_BYTES_S / 1000:.0f} kB/s); nothing was installed: try again "
                    "later, or from another mirror (AUDIO_LEAFLET_VOICES_URL)"
                )


def _by_hand(voice: CatalogueVoice, folder: Path) -> str:
    names = " and ".join(f.name for f in voice.files)
    return f"to install it by hand, download {names} from {voice.source} into {folder}"


def _matches(voice: CatalogueVoice, folder: Path) -> bool:
    """Every file's checksum is the pinned one (files without a pin are taken as they are)."""
    return all(
        not pinned.sha256 or sha256_file(folder / pinned.name) == pinned.sha256
        for pinned in voice.files
    )


STALE_PARTIAL_S = 6 * 3600
"""A download folder untouched this long was left by a kill, not by a download under way."""


def _remove_stale_partials() -> None:
    """Folders of downloads a kill interrupted: ours by name, never finished, and old
    enough that no other `voices add` can still be writing into them."""
    now = time.time()
    for path in voices_dir().glob(f"{_PARTIAL_PREFIX}*"):
        if path.is_dir() and now - path.stat().st_mtime > STALE_PARTIAL_S:
            shutil.rmtree(path, ignore_errors=True)


# --------------------------------------------------------------------------
# choosing the voice of a build
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceChoice:
    """The voice a build will speak with, and why."""

    engine: str
    """The engine to build."""
    voice: str | None
    """What the engine loads (for piper a .onnx path), or None for its default."""
    entry: CatalogueVoice | None
    """What the catalogue says of it, or None for a voice it does not know."""
    reason: str
    """Why this voice, for the build's report."""

    @property
    def name(self) -> str:
        """The voice's name: the catalogue's, or a voice file's or an engine voice's own."""
        if self.voice and (self.entry is None or not self.entry.files):
            return Path(self.voice).stem  # a voice file, or an engine's own voice name
        return self.entry.name if self.entry else "default"

    @property
    def language(self) -> str:
        """The language the voice speaks, as a language tag."""
        if self.engine == "espeak":
            # espeak-ng speaks every language its voice names ("cy"); British English unless told.
            return self.voice or "en-GB"
        if self.engine == "piper" and self.voice and (self.entry is None or not self.entry.files):
            # Piper's voices are named by their language: "cy_GB-gwryw_gogleddol-medium.onnx".
            code = Path(self.voice).name.split("-", 1)[0]
            if re.fullmatch(r"[a-z]{2,3}(?:_[A-Z]{2})?", code):
                return code.replace("_", "-")
        if self.entry is None or self.entry.language == "many":
            return "en"  # gTTS is always asked for English here (its voice is an accent)
        return self.entry.language

    def describe(self) -> str:
        """ "NAME (engine), why", for the build's report."""
        return f"{self.name} ({self.engine}), {self.reason}"

    def applied_to(self, settings: Settings) -> Settings:
        """`settings` with this choice's engine and voice file."""
        import dataclasses

        return dataclasses.replace(settings, engine=self.engine, voice=self.voice)

    def licence_warning(self) -> str:
        """The warning staff need about this voice's licence or lineage, or ""."""
        if self.entry is not None:
            return self.entry.licence_warning()
        return (
            f"the voice {self.voice} is not in audio-leaflet's voice catalogue, so its licence "
            "and lineage are not known: check them before publishing"
        )


def choose_voice(engine: str, voice: str | None, language: str) -> VoiceChoice:
    """The voice for a build with these settings (see the module's docstring)."""
    if voice:
        entry = find_voice(voice)
        if entry is None:
            # An engine's own voice (a Piper file, an espeak-ng language): what the catalogue
            # says of the engine's voices in general, if anything. A .onnx file that is not
            # one of hibari's is a Piper voice, whichever of the two engines was asked for.
            if engine == "hibari" and _is_piper_file(voice):
                engine = "piper"
            return VoiceChoice(engine, voice, voice_for(engine, voice), "the voice named")
        return VoiceChoice(entry.engine, _load_path(entry), entry, "the voice named")
    if language.lower() == "en-gb":
        for entry in catalogue():
            if entry.engine == engine and entry.british and installed_files(entry):
                reason = "the installed British voice, for a leaflet in British English"
                return VoiceChoice(engine, _load_path(entry), entry, reason)
    default = next((v for v in catalogue() if v.engine == engine and v.bundled), None)
    return VoiceChoice(engine, None, default, "the default voice")


def _is_piper_file(voice: str) -> bool:
    hibari_files = {f.name for v in catalogue() if v.engine == "hibari" for f in v.files}
    name = Path(voice).name
    return name.endswith((".onnx", ".onnx.json")) and name not in hibari_files | {"hibari.onnx"}


def _load_path(entry: CatalogueVoice) -> str | None:
    """What the engine loads for a catalogue voice; VoiceError when it is not installed."""
    if entry.bundled:
        return None
    folder = installed_files(entry)
    if folder is None:
        raise VoiceError(
            f"The voice {entry.name} is not installed: run `audio-leaflet voices add "
            f"{entry.name}`, or {_by_hand(entry, voices_dir() / entry.name)}"
        )
    # A voice installed by hand, or damaged since: never spoken with unless it is the file
    # the catalogue pins.
    if not _matches(entry, folder):
        raise VoiceError(
            f"The files in {folder} are not the voice {entry.name} the catalogue pins "
            f"(a checksum differs): run `audio-leaflet voices add {entry.name}` again"
        )
    model = next((f.name for f in entry.files if f.name.endswith(".onnx")), entry.files[0].name)
    return str(folder / model)


def with_chosen_voice(settings: Settings) -> tuple[Settings, VoiceChoice]:
    """`settings` with the engine and voice file `choose_voice` picks, and the choice."""
    choice = choose_voice(settings.engine, settings.voice, settings.language)
    return choice.applied_to(settings), choice
