"""manifest.json: what a bundle holds, how it was made, and its short history.

One typed definition (docs/formats.md, "manifest.json") used by every writer
and reader: the pipeline writes a `Manifest`; status, the bundle writers, the
feed, the site index and the listening check read one back through
`Manifest.from_json`, which checks every type and says what is wrong. A
manifest that fails that check means "rebuild that leaflet": it never stops
the build of another leaflet, and the site index and feed leave it out and
say so. Keys are stable; readers ignore keys they do not know.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from audio_leaflet.errors import BuildError, ManifestError
from audio_leaflet.fileio import sha256_file, write_atomic

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.json"
SCHEMA = 1
HISTORY_LENGTH = 20
TOOL_NAME = "audio-leaflet"


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


# --------------------------------------------------------------------------
# the typed definition
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ManifestCue:
    """One spoken sentence and when it is heard."""

    start_ms: int
    """Start, relative to the file the cue belongs to."""
    end_ms: int
    """End, relative to the same file."""
    text: str
    """The sentence as narrated."""
    key: str = ""
    """Cache key of the sentence's audio (empty in bundles made by hand for tests)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "start_ms": self.start_ms,
            "end_ms": self.end_ms,
            "text": self.text,
            "key": self.key,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> ManifestCue:
        """Read a cue; ManifestError names what is wrong."""
        table = _Table(data, where)
        return cls(
            table.count("start_ms"),
            table.count("end_ms"),
            table.text("text"),
            table.text("key", ""),
        )


@dataclass(frozen=True)
class ChapterEntry:
    """One chapter: its own MP3 file and a seek point in the whole file."""

    number: int
    """1-based chapter number (also the spoken section number)."""
    title: str
    """Chapter title for menus and the player."""
    file: str
    """Chapter MP3 file name inside the bundle, e.g. "01-introduction.mp3"."""
    start_ms: int
    """Where the chapter starts in the whole-leaflet MP3."""
    duration_ms: int
    """Length of the chapter, from PCM sample counts."""
    bytes: int
    """Size of the chapter MP3 in bytes."""
    sha256: str
    """Checksum of the chapter MP3."""
    cues: tuple[ManifestCue, ...]
    """Sentences, times relative to the chapter file's start."""
    narration: str = ""
    """The chapter's narration script, by file name only (e.g. "01-introduction.txt")."""
    file_key: str = ""
    """What the file was made from (audio, tags, cover, encoder): reused when it matches."""
    pace_factor: float = 1.0
    """How much faster than the engine's calibrated pace the chapter was said."""
    script: tuple[str, ...] = ()
    """The script's sentences before lengths were filled in, for `status`."""

    @property
    def stem(self) -> str:
        """The file name without its extension, e.g. "01-introduction"."""
        return PurePosixPath(self.file).stem

    @property
    def captions_file(self) -> str:
        """The chapter's WebVTT file name, e.g. "01-introduction.vtt"."""
        return f"{self.stem}.vtt"

    @property
    def end_ms(self) -> int:
        """Where the chapter ends in the whole-leaflet MP3."""
        return self.start_ms + self.duration_ms

    @property
    def sentences(self) -> tuple[str, ...]:
        """The narrated sentences in order."""
        return tuple(cue.text for cue in self.cues)

    def absolute_cues(self) -> tuple[ManifestCue, ...]:
        """The cues with times in the whole-leaflet MP3."""
        return tuple(
            ManifestCue(c.start_ms + self.start_ms, c.end_ms + self.start_ms, c.text, c.key)
            for c in self.cues
        )

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "number": self.number,
            "title": self.title,
            "file": self.file,
            "narration": self.narration,
            "start_ms": self.start_ms,
            "duration_ms": self.duration_ms,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "file_key": self.file_key,
            "pace_factor": self.pace_factor,
            "script": list(self.script),
            "cues": [cue.to_json() for cue in self.cues],
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> ChapterEntry:
        """Read a chapter entry; ManifestError names what is wrong."""
        number = data.get("number", "?") if isinstance(data, dict) else "?"
        table = _Table(data, f"{where} {number}")
        place = table.where
        return cls(
            number=table.count("number"),
            title=table.text("title"),
            file=table.file_name("file"),
            start_ms=table.count("start_ms"),
            duration_ms=table.count("duration_ms"),
            bytes=table.count("bytes"),
            sha256=table.checksum("sha256"),
            cues=tuple(
                ManifestCue.from_json(cue, f"{place}, cue {i}")
                for i, cue in enumerate(table.items("cues"), 1)
            ),
            narration=PurePosixPath(table.text("narration", "")).name,
            file_key=table.text("file_key", ""),
            pace_factor=table.number("pace_factor", 1.0),
            script=tuple(table.texts("script")),
        )


@dataclass(frozen=True)
class FullEntry:
    """The whole-leaflet MP3, with chapter markers."""

    file: str
    """Its file name, "<slug>.mp3"."""
    duration_ms: int
    """Its length."""
    bytes: int
    """Its size in bytes."""
    sha256: str
    """Its checksum."""
    file_key: str = ""
    """What it was made from: reused when it matches."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "file": self.file,
            "duration_ms": self.duration_ms,
            "bytes": self.bytes,
            "sha256": self.sha256,
            "file_key": self.file_key,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> FullEntry:
        """Read the whole-file entry; ManifestError names what is wrong."""
        table = _Table(data, where)
        return cls(
            table.file_name("file"),
            table.count("duration_ms"),
            table.count("bytes"),
            table.checksum("sha256"),
            table.text("file_key", ""),
        )


@dataclass(frozen=True)
class SourceInfo:
    """The leaflet a bundle was made from, named without any local path."""

    file: str
    """The leaflet's file name only, e.g. "botox.docx"."""
    sha256: str
    """Checksum of the leaflet file's bytes."""
    updated: str
    """The date (ISO) the leaflet's text last changed, as recorded across builds."""
    identity: str = ""
    """A digest of where the leaflet file lives: tells two leaflets with one title apart
    without publishing the path (`audio_leaflet.ownership`)."""
    dated: str = ""
    """The leaflet's own date as printed ("November 2011"); "" when it gives none."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "updated": self.updated,
            "identity": self.identity,
            "dated": self.dated,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> SourceInfo:
        """Read the source entry (older manifests had a `path`: only its name is kept)."""
        table = _Table(data, where)
        name = table.text("file", "") or PurePosixPath(table.text("path", "")).name
        return cls(
            name, table.checksum("sha256"), table.text("updated", ""), table.text("identity", "")
        )


@dataclass(frozen=True)
class EngineInfo:
    """The voice that spoke the bundle."""

    name: str
    """Engine name: hibari, piper, espeak or gtts."""
    voice: str
    """The engine's voice identifier."""
    wpm: int
    """The pace asked for, in words per minute."""
    licence: str = ""
    """The voice's licence, as the voice catalogue gives it ("" for a voice it does not know)."""
    lineage: str = ""
    """Where the voice came from: its recordings and any voice it was fine-tuned from."""
    source: str = ""
    """The public address of the voice."""

    @property
    def credit(self) -> str:
        """ "Voice: NAME (engine), LICENCE", for pages and tags."""
        licence = self.licence or "licence not known"
        return f"Voice: {self.voice or self.name} ({self.name}), {licence}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "voice": self.voice,
            "wpm": self.wpm,
            "licence": self.licence,
            "lineage": self.lineage,
            "source": self.source,
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> EngineInfo:
        """Read the engine entry."""
        table = _Table(data, where)
        return cls(
            table.text("name"),
            table.text("voice", ""),
            table.count("wpm", 150),
            table.text("licence", ""),
            table.text("lineage", ""),
            table.text("source", ""),
        )


@dataclass(frozen=True)
class HistoryEntry:
    """One past build."""

    build: int
    """The build number, counting from 1."""
    date: str
    """When it was built (ISO 8601, UTC)."""
    source_sha256: str
    """The leaflet's checksum then."""
    chapters_changed: tuple[int, ...]
    """Numbers of the chapters whose file that build made afresh."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "build": self.build,
            "date": self.date,
            "source_sha256": self.source_sha256,
            "chapters_changed": list(self.chapters_changed),
        }

    @classmethod
    def from_json(cls, data: object, where: str) -> HistoryEntry:
        """Read one history entry."""
        table = _Table(data, where)
        changed = table.items("chapters_changed", required=False)
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in changed):
            raise ManifestError(f"{where}: 'chapters_changed' must list chapter numbers")
        return cls(
            table.count("build"),
            table.text("date"),
            table.text("source_sha256", ""),
            tuple(changed),
        )


@dataclass(frozen=True)
class Manifest:
    """Everything a bundle's manifest.json says."""

    slug: str
    """ASCII slug: folder name and file stem."""
    title: str
    """The leaflet's title."""
    organisation: str
    """Who publishes it; may be empty."""
    language: str
    """BCP 47 language tag, e.g. "en-GB"."""
    built_at: str
    """When this build started (ISO 8601, UTC, "Z")."""
    source: SourceInfo
    """The leaflet it was made from."""
    engine: EngineInfo
    """The voice that spoke it."""
    full: FullEntry
    """The whole-leaflet MP3."""
    chapters: tuple[ChapterEntry, ...]
    """Chapters in order, the introduction first."""
    cover_file: str = ""
    """The cover image's file name (empty when there is none)."""
    cover_sha256: str = ""
    """The cover image's checksum."""
    fingerprint: str = ""
    """Digest of every input of the build: a build with the same one writes nothing."""
    inputs: Mapping[str, str] = field(default_factory=dict)
    """The settings, files and code versions the build depended on, for `status`."""
    history: tuple[HistoryEntry, ...] = ()
    """The last HISTORY_LENGTH builds, oldest first."""
    files: Mapping[str, str] = field(default_factory=dict)
    """Every published file but the manifest, with its checksum."""
    tool_version: str = ""
    """The audio-leaflet version that built it."""
    audiobook: FullEntry | None = None
    """The whole leaflet as a chaptered M4B audiobook; None in bundles made before it."""
    audiobook_starts_ms: tuple[int, ...] = ()
    """Where each chapter starts in the audiobook (a few ms from the whole MP3's starts:
    its chapters' AAC frames are joined as the MP3's frames are, `audiobook.py`)."""

    # Names the bundle writers derive from the slug.
    @property
    def full_file(self) -> str:
        """The whole-leaflet MP3 file name."""
        return self.full.file

    @property
    def full_duration_ms(self) -> int:
        """Length of the whole-leaflet MP3."""
        return self.full.duration_ms

    @property
    def updated(self) -> str:
        """The date the leaflet's text last changed (ISO date), or empty."""
        return self.source.updated

    def date_words(self, human_date: Callable[[str], str]) -> str:
        """How pages name the leaflet's date: its own ("dated November 2011"), else the
        recording's ("recorded 1 December 2026"); never a build's date as the leaflet's."""
        if self.source.dated:
            return f"dated {self.source.dated}"
        return f"recorded {human_date(self.updated)}" if self.updated else ""

    @property
    def playlist_file(self) -> str:
        """The extended M3U playlist's file name."""
        return f"{self.slug}.m3u8"

    @property
    def captions_file(self) -> str:
        """The whole-leaflet WebVTT file name."""
        return f"{self.slug}.vtt"

    @property
    def zip_file(self) -> str:
        """The zip archive's file name."""
        return f"{self.slug}.zip"

    def all_cues(self) -> tuple[ManifestCue, ...]:
        """Every sentence, with times in the whole-leaflet MP3."""
        return tuple(cue for chapter in self.chapters for cue in chapter.absolute_cues())

    def chapter(self, number: int) -> ChapterEntry | None:
        """The chapter with this number, or None."""
        return next((c for c in self.chapters if c.number == number), None)

    def checksums(self) -> Iterator[tuple[str, str, int | None]]:
        """(file name, checksum, size or None) of every file the manifest describes itself."""
        for chapter in self.chapters:
            yield chapter.file, chapter.sha256, chapter.bytes
        yield self.full.file, self.full.sha256, self.full.bytes
        if self.audiobook is not None:
            yield self.audiobook.file, self.audiobook.sha256, self.audiobook.bytes
        if self.cover_file:
            yield self.cover_file, self.cover_sha256, None

    def to_json(self) -> dict[str, Any]:
        """The manifest as JSON-ready data, keys in the documented order."""
        return {
            "schema": SCHEMA,
            "tool": {"name": TOOL_NAME, "version": self.tool_version},
            "fingerprint": self.fingerprint,
            "inputs": dict(self.inputs),
            "slug": self.slug,
            "title": self.title,
            "organisation": self.organisation,
            "language": self.language,
            "built_at": self.built_at,
            "source": self.source.to_json(),
            "engine": self.engine.to_json(),
            "cover": {"file": self.cover_file, "sha256": self.cover_sha256},
            "full": self.full.to_json(),
            **({"audiobook": self.audiobook.to_json()} if self.audiobook else {}),
            **({"audiobook_starts_ms": list(self.audiobook_starts_ms)} if self.audiobook else {}),
            "chapters": [chapter.to_json() for chapter in self.chapters],
            "history": [entry.to_json() for entry in self.history],
            "files": dict(sorted(self.files.items())),
        }

    @classmethod
    def from_json(cls, data: object) -> Manifest:
        """Read and check a manifest; ManifestError says what is wrong, in words."""
        table = _Table(data, "the manifest")
        if table.raw.get("schema") != SCHEMA:
            raise ManifestError(
                f"the manifest's schema is {table.raw.get('schema')!r}, not {SCHEMA}"
            )
        chapters = tuple(ChapterEntry.from_json(raw, "chapter") for raw in table.items("chapters"))
        if not chapters:
            raise ManifestError("the manifest lists no chapters")
        cover = _Table(table.raw.get("cover") or {}, "the manifest's cover")
        cover_file = cover.text("file", "")
        files = _Table(table.raw.get("files") or {}, "the manifest's files")
        for name in files.raw:
            files.checksum(name)
            _check_file_name(name, "the manifest's files")
        manifest = cls(
            slug=table.file_name("slug"),
            title=table.text("title"),
            organisation=table.text("organisation", ""),
            language=table.text("language", "en-GB"),
            built_at=table.text("built_at", ""),
            source=SourceInfo.from_json(table.raw.get("source"), "the manifest's source"),
            engine=EngineInfo.from_json(table.raw.get("engine"), "the manifest's engine"),
            full=FullEntry.from_json(table.raw.get("full"), "the manifest's whole file ('full')"),
            chapters=chapters,
            cover_file=_check_file_name(cover_file, "the manifest's cover") if cover_file else "",
            cover_sha256=cover.checksum("sha256") if cover_file else "",
            fingerprint=table.text("fingerprint", ""),
            inputs={
                str(k): str(v)
                for k, v in _Table(table.raw.get("inputs") or {}, "inputs").raw.items()
            },
            history=tuple(
                HistoryEntry.from_json(raw, f"history entry {i}")
                for i, raw in enumerate(table.items("history", required=False), 1)
            ),
            files=dict(files.raw),
            tool_version=str(_Table(table.raw.get("tool") or {}, "tool").raw.get("version", "")),
            audiobook=(
                FullEntry.from_json(table.raw["audiobook"], "the manifest's audiobook")
                if table.raw.get("audiobook")
                else None
            ),
            audiobook_starts_ms=tuple(
                table.count_list("audiobook_starts_ms") if table.raw.get("audiobook") else ()
            ),
        )
        return manifest


class _Table:
    """A JSON object being read into a dataclass, with messages that say where."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise ManifestError(f"{where} is not an object")
        self.raw: dict[str, Any] = data
        self.where = where

    def _get(self, key: str, default: Any) -> Any:
        if key in self.raw:
            return self.raw[key]
        if default is _REQUIRED:
            raise ManifestError(f"{self.where} has no '{key}'")
        return default

    def text(self, key: str, default: Any = None) -> str:
        value = self._get(key, _REQUIRED if default is None else default)
        if not isinstance(value, str):
            raise ManifestError(f"{self.where}: '{key}' must be text")
        return value

    def count(self, key: str, default: Any = None) -> int:
        value = self._get(key, _REQUIRED if default is None else default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ManifestError(f"{self.where}: '{key}' must be a whole number, 0 or more")
        return value

    def number(self, key: str, default: float) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ManifestError(f"{self.where}: '{key}' must be a number above 0")
        return float(value)

    def checksum(self, key: str) -> str:
        value = self.text(key)
        if len(value) != 64 or any(ch not in "0123456789abcdef" for ch in value):
            raise ManifestError(f"{self.where}: '{key}' must be a SHA-256 checksum")
        return value

    def file_name(self, key: str) -> str:
        return _check_file_name(self.text(key), self.where)

    def items(self, key: str, *, required: bool = True) -> list[Any]:
        value = self._get(key, _REQUIRED if required else [])
        if not isinstance(value, list):
            raise ManifestError(f"{self.where}: '{key}' must be a list")
        return value

    def count_list(self, key: str) -> list[int]:
        value = self.items(key, required=False)
        if not all(isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value):
            raise ManifestError(f"{self.where}: '{key}' must list whole numbers, 0 or more")
        return value

    def texts(self, key: str) -> list[str]:
        value = self.items(key, required=False)
        if not all(isinstance(item, str) for item in value):
            raise ManifestError(f"{self.where}: '{key}' must list text")
        return value


_REQUIRED = object()


def _check_file_name(name: str, where: str) -> str:
    """File names go into URLs, playlists and zips: plain ASCII names, never paths."""
    if (
        not name
        or not name.isascii()
        or "/" in name
        or "\\" in name
        or name.startswith((".", "-"))
        or any(ch.isspace() or not ch.isprintable() for ch in name)
    ):
        raise ManifestError(f"{where} names the file {name!r}, which is not a plain ASCII name")
    return name


# --------------------------------------------------------------------------
# reading and writing
# --------------------------------------------------------------------------


def load_manifest(bundle: Path) -> Manifest:
    """The bundle's manifest; ManifestError says why it cannot be used."""
    path = bundle / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{bundle} has no {MANIFEST_NAME}") from None
    except (OSError, ValueError) as error:
        raise ManifestError(f"{path} cannot be read ({error})") from error
    try:
        return Manifest.from_json(data)
    except ManifestError as error:
        raise ManifestError(f"{path}: {error}") from None


def read_manifest(bundle: Path) -> Manifest | None:
    """The bundle's manifest, or None when there is no usable one (the reason is logged)."""
    try:
        return load_manifest(bundle)
    except ManifestError as error:
        if (bundle / MANIFEST_NAME).exists():
            log.info("ignoring a manifest a build will replace: %s", error)
        return None


def write_manifest(bundle: Path, manifest: Manifest) -> None:
    """Write manifest.json atomically."""
    text = json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n"
    write_atomic(bundle / MANIFEST_NAME, text)


def verify_files(bundle: Path, manifest: Manifest) -> list[str]:
    """Names of files whose checksum does not match the manifest (missing ones too)."""
    wrong = []
    for name, expected in sorted(manifest.files.items()):
        path = bundle / name
        if not path.is_file() or sha256_file(path) != expected:
            wrong.append(name)
    return wrong


def next_history(
    previous: Manifest | None, *, date: str, source_sha256: str, changed: list[int]
) -> tuple[HistoryEntry, ...]:
    """The history with this build appended, keeping the last HISTORY_LENGTH builds."""
    history = list(previous.history) if previous else []
    number = (history[-1].build + 1) if history else 1
    history.append(HistoryEntry(number, date, source_sha256, tuple(changed)))
    return tuple(history[-HISTORY_LENGTH:])


def source_updated(previous: Manifest | None, source_sha256: str, today: str) -> str:
    """The date the leaflet's text last changed, as recorded across builds."""
    if previous and previous.source.sha256 == source_sha256 and previous.source.updated:
        return previous.source.updated
    return today


def ensure_writable(folder: Path) -> None:
    """Stop early with a clear message when the out-dir cannot be written."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BuildError(f"cannot create the output folder {folder}: {error.strerror}") from error
    if not os.access(folder, os.W_OK):
        raise BuildError(
            f"the output folder {folder} is not writable; choose another with --out-dir"
        )
