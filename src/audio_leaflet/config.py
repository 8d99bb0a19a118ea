"""Settings: built-in defaults, then `audio-leaflet.toml`, then command-line options.

The project file may hold any setting below under `[audio-leaflet]` (or at top
level) and a list of leaflets:

    title = "Dystonia and mental health"   # only with a single leaflet
    organisation = "The Dystonia Society"
    engine = "hibari"
    wpm = 150
    voice = "..."
    base_url = "https://example.org/audio/"
    leaflets = ["leaflets/mental-health.txt", "leaflets/botox.docx"]

    [[leaflet]]                # or, per leaflet, with its own title
    path = "leaflets/sleep.md"
    title = "Sleep and dystonia"
    slug = "sleep"             # its folder name, when two leaflets share a title

    [check]                    # limits of the listening check (see audio_leaflet.check)
    max_word_error_rate = 0.3
    [check.espeak]             # for one engine only
    max_word_error_rate = 0.5
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from audio_leaflet.errors import UsageError

PROJECT_FILE = "audio-leaflet.toml"


def default_cache_dir() -> Path:
    """Where synthesized sentences are kept between builds.

    `AUDIO_LEAFLET_CACHE` wins, then `$XDG_CACHE_HOME/audio-leaflet`, then
    `~/.cache/audio-leaflet`: outside the project so a fresh clone of the same
    leaflets on the same machine still reuses its audio.
    """
    if env := os.environ.get("AUDIO_LEAFLET_CACHE"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "audio-leaflet"


DATA_DIR_ENV = "AUDIO_LEAFLET_DATA"
"""Names the user's data folder (added voices, kept versions) instead of the default."""


def default_data_dir() -> Path:
    """The user's data folder: `AUDIO_LEAFLET_DATA`, else `$XDG_DATA_HOME/audio-leaflet`,
    else `~/.local/share/audio-leaflet`. Data, unlike the cache, is not cleared freely."""
    if env := os.environ.get(DATA_DIR_ENV):
        return Path(env)
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "audio-leaflet"


def default_versions_dir() -> Path:
    """Where earlier published versions are kept: in the data folder, never the cache."""
    return default_data_dir() / "versions"


@dataclass(frozen=True)
class Settings:
    """Everything a build needs besides the leaflet itself."""

    out_dir: Path = Path("audio_out")
    """Where bundles and the feed are written."""
    narration_dir: Path = Path("narration")
    """Where narration scripts are written and read back."""
    cache_dir: Path = field(default_factory=default_cache_dir)
    """Where synthesized sentences are cached."""
    engine: str = "hibari"
    """Speech engine name: hibari (the default), piper, espeak or gtts."""
    voice: str | None = None
    """A voice the catalogue names (`audio-leaflet voices`), or an engine's own voice: for
    piper a path to a .onnx voice file, for espeak a language such as "en-gb"."""
    wpm: int = 150
    """Target pace in words per minute, pauses included."""
    bitrate_kbps: int = 64
    """MP3 bitrate (constant)."""
    title: str | None = None
    """Overrides the title found in the leaflet."""
    organisation: str | None = None
    """Overrides the organisation found in the leaflet."""
    language: str = "en-GB"
    """BCP 47 language of the leaflet, for tags, feed and player."""
    base_url: str | None = None
    """Public URL of the out-dir; needed for the podcast feed."""
    cover: Path | None = None
    """A cover image to use instead of the generated one."""
    lexicon: Path | None = None
    """A project pronunciation lexicon (TOML) added to the built-in one."""
    check: bool = True
    """Run the listening check at the end of a build."""
    check_thresholds: Mapping[str, Any] = field(default_factory=dict)
    """The project file's `[check]` table, checked: listening-check limits for every engine
    and per engine (`{"max_word_error_rate": 0.3, "espeak": {...}}`); pass it to
    `check_bundle(overrides=...)`. Empty: the measured defaults."""
    jobs: int = 1
    """Leaflets built at once, in separate processes."""
    slug: str | None = None
    """The leaflet's folder and file name, instead of one made from its title."""
    versions_dir: Path = field(default_factory=default_versions_dir)
    """Where earlier published versions are kept, to be put back (`audio_leaflet.versions`)."""
    keep_versions: int = 3
    """How many earlier published versions of each leaflet are kept (0 keeps none)."""

    def replace(self, **changes: Any) -> Settings:
        """A copy with the given fields changed, each checked; None values are ignored."""
        checked = {k: check_setting(k, v, "") for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **checked)

    @property
    def lock_dir(self) -> Path:
        """Where build locks are kept: with the cache, never in the out-dir staff upload."""
        return self.cache_dir / "locks"


@dataclass(frozen=True)
class LeafletEntry:
    """One leaflet listed in the project file, with its own overrides."""

    path: Path
    """The leaflet file, relative to the project file's folder."""
    title: str | None = None
    """Its title, overriding the one found in the document."""
    organisation: str | None = None
    """Its organisation, overriding the project's."""
    slug: str | None = None
    """Its folder and file name, overriding the one made from its title."""


@dataclass(frozen=True)
class Project:
    """The project file's settings and leaflets."""

    settings: Settings
    """Settings with the project file applied."""
    leaflets: tuple[LeafletEntry, ...]
    """The leaflets to build when `build` gets no argument."""
    path: Path | None
    """The project file, or None when there is none."""


# --------------------------------------------------------------------------
# checking settings: once, at the boundary, the same for the command line and
# the project file
# --------------------------------------------------------------------------

WPM_RANGE = (80, 250)
"""The paces `--wpm` and `wpm =` accept."""
BITRATE_RANGE = (32, 320)
"""The MP3 bitrates (kbit/s) `--bitrate` and `bitrate_kbps =` accept."""
JOBS_RANGE = (1, 16)
"""How many leaflets may be built at once."""
KEEP_VERSIONS_RANGE = (0, 50)
"""How many earlier versions of a leaflet may be kept."""
MAX_NAME_LENGTH = 300
"""Longest title or organisation a setting may give."""
_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,4}")


def clean_line(text: str) -> str:
    """One line of text without control characters or runs of spaces (titles, names)."""
    spaced = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in text
    )
    return " ".join(spaced.split())


def normalise_base_url(base_url: str) -> str:
    """The base URL with one trailing slash and its path percent-encoded.

    UsageError when it is not the http(s) address of a folder: control
    characters, a host with spaces or other than ASCII, a bad port, a query or
    a fragment are refused, since every enclosure URL of the feed starts with it.
    """
    text = base_url.strip()
    if any(not ch.isprintable() for ch in text):
        raise UsageError(f"--base-url must not hold control characters: {base_url!r}")
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        parts, port_ok = urlsplit(""), False
    host = parts.netloc
    if (
        parts.scheme not in ("http", "https")
        or not host
        or not port_ok
        or not host.isascii()
        or any(ch.isspace() for ch in host)
    ):
        raise UsageError(
            "--base-url must be the public http(s) address of the out-dir, "
            f"e.g. https://example.org/audio/, not {base_url!r}"
        )
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise UsageError(f"--base-url must not have a query or fragment: {base_url!r}")
    path = quote(unquote(parts.path), safe="/-._~!$&'()*+,;=:@")
    return f"{parts.scheme}://{host}{path.rstrip('/')}/"


def check_setting(key: str, value: Any, where: str) -> Any:
    """`value` for setting `key`, checked and cleaned; UsageError says what is wrong.

    `where` names the project file for its messages ("" for the command line).
    """
    name = key.replace("_", "-")
    prefix = f"{where}: " if where else ""

    def wrong(expected: str) -> UsageError:
        return UsageError(f"{prefix}{name} must be {expected}, not {value!r}")

    if key in _PATH_KEYS:
        if isinstance(value, str):
            value = Path(value)
        if not isinstance(value, Path) or not str(value) or "\0" in str(value):
            raise wrong("a file or folder name")
        return value
    if key in _INT_RANGES:
        low, high = _INT_RANGES[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise wrong(f"a whole number from {low} to {high}")
        return value
    if key == "check":
        if not isinstance(value, bool):
            raise wrong("true or false")
        return value
    if key == "check_thresholds":
        return value
    if not isinstance(value, str):
        raise wrong("text")
    if key in ("title", "organisation"):
        cleaned = clean_line(value)
        if key == "title" and not cleaned:
            raise wrong("some words")
        if len(cleaned) > MAX_NAME_LENGTH:
            raise UsageError(f"{prefix}{name} is longer than {MAX_NAME_LENGTH} characters")
        return cleaned
    if key == "language":
        if not _LANGUAGE.fullmatch(value):
            raise wrong('a language tag such as "en-GB"')
        return value
    if key == "base_url":
        return normalise_base_url(value)
    if key == "slug":
        from audio_leaflet.naming import MAX_SLUG_LENGTH, slugify

        if slugify(value, fallback="") != value or len(value) > MAX_SLUG_LENGTH:
            raise wrong('lower-case letters, digits and hyphens, such as "botox-hospital-b"')
        return value
    if key in ("engine", "voice"):
        if not value.strip() or not value.isprintable():
            raise wrong("a name")
        return value.strip()
    return value


_PATH_KEYS = {"out_dir", "narration_dir", "cache_dir", "cover", "lexicon", "versions_dir"}
_INT_RANGES = {
    "wpm": WPM_RANGE,
    "bitrate_kbps": BITRATE_RANGE,
    "jobs": JOBS_RANGE,
    "keep_versions": KEEP_VERSIONS_RANGE,
}
# check_thresholds is written as a [check] table, not as a key.
_SETTING_KEYS = {f.name for f in dataclasses.fields(Settings)} - {"check_thresholds"}
_LEAFLET_KEYS = {"path", "title", "organisation", "slug"}


def load_project(folder: Path = Path(".")) -> Project:
    """Read `audio-leaflet.toml` from `folder`, if present; UsageError names a bad value."""
    path = folder / PROJECT_FILE
    if not path.is_file():
        return Project(Settings(), (), None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path} is not valid TOML: {error}") from error
    except OSError as error:
        raise UsageError(f"{path} cannot be read: {error.strerror}") from error
    table = data.get("audio-leaflet", data)
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [audio-leaflet] must be a table")
    settings = _settings_from_table(table, path)
    if table is not data and isinstance(data.get("check"), dict):
        # [check] written beside [audio-leaflet] rather than as [audio-leaflet.check]
        settings = settings.replace(check_thresholds=_check_thresholds(data["check"], path))
    leaflets = _leaflets_from_table(table, path)
    if len(leaflets) > 1 and (settings.title or settings.slug):
        raise UsageError(
            f"{path}: title and slug apply to one leaflet; set them per [[leaflet]] instead"
        )
    return Project(settings, leaflets, path)


def _settings_from_table(table: dict[str, Any], path: Path) -> Settings:
    changes: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("-", "_")
        if key in ("leaflets", "leaflet"):
            continue
        if key == "check" and isinstance(value, dict):
            changes["check_thresholds"] = _check_thresholds(value, path)
            continue
        if key not in _SETTING_KEYS:
            known = ", ".join(sorted(k.replace("_", "-") for k in _SETTING_KEYS))
            raise UsageError(f"{path}: unknown setting '{raw_key}'. Known settings: {known}")
        value = check_setting(key, value, str(path))
        changes[key] = (path.parent / value) if key in _PATH_KEYS else value
    return dataclasses.replace(Settings(), **changes)


def _check_thresholds(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """The `[check]` table, with unknown keys and wrong types refused (UsageError)."""
    # Imported here: the check package loads numpy, which a build that finds
    # nothing changed never needs.
    from audio_leaflet.check.report import check_overrides

    return check_overrides(table, str(path))


def _leaflets_from_table(table: dict[str, Any], path: Path) -> tuple[LeafletEntry, ...]:
    listed = table.get("leaflets", [])
    if not isinstance(listed, list) or not all(isinstance(item, str) for item in listed):
        raise UsageError(f'{path}: leaflets must be a list of file names, e.g. ["a.txt"]')
    entries = [LeafletEntry(path.parent / item) for item in listed]
    tables = table.get("leaflet", [])
    if not isinstance(tables, list):
        raise UsageError(f"{path}: each leaflet with its own settings is a [[leaflet]] table")
    for item in tables:
        if not isinstance(item, dict) or not isinstance(item.get("path"), str):
            raise UsageError(f"{path}: each [[leaflet]] needs a path")
        unknown = set(item) - _LEAFLET_KEYS
        if unknown:
            raise UsageError(
                f"{path}: unknown key '{sorted(unknown)[0]}' in a [[leaflet]]; "
                f"known: {', '.join(sorted(_LEAFLET_KEYS))}"
            )
        checked = {
            key: check_setting(key, item[key], str(path))
            for key in ("title", "organisation", "slug")
            if key in item
        }
        entries.append(LeafletEntry(path.parent / item["path"], **checked))
    slugs = [entry.slug for entry in entries if entry.slug]
    if len(slugs) != len(set(slugs)):
        raise UsageError(f"{path}: two leaflets have the same slug; each needs its own")
    return tuple(entries)
