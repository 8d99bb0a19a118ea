"""Settings: built-in defaults, then `audio-leaflet.toml`, then command-line options.

The project file may hold any setting below under `[audio-leaflet]` (or at top
level) and a list of leaflets:

    title = "Dystonia and mental health"   # only with a single leaflet
    organisation = "The Dystonia Society"
    engine = "piper"
    wpm = 150
    base_url = "https://example.org/audio/"
    leaflets = ["leaflets/mental-health.txt", "leaflets/botox.docx"]

    [[leaflet]]                # or, per leaflet, with its own title
    path = "leaflets/sleep.md"
    title = "Sleep and dystonia"

    [check]                    # limits of the listening check (see audio_leaflet.check)
    max_word_error_rate = 0.3
    [check.espeak]             # for one engine only
    max_word_error_rate = 0.5
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class Settings:
    """Everything a build needs besides the leaflet itself."""

    out_dir: Path = Path("audio_out")
    """Where bundles and the feed are written."""
    narration_dir: Path = Path("narration")
    """Where narration scripts are written and read back."""
    cache_dir: Path = field(default_factory=default_cache_dir)
    """Where synthesized sentences are cached."""
    engine: str = "piper"
    """Speech engine name: piper, espeak or gtts."""
    voice: str | None = None
    """Engine-specific voice; for piper a path to a .onnx voice file."""
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

    def replace(self, **changes: Any) -> Settings:
        """A copy with the given fields changed; None values are ignored."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


@dataclass(frozen=True)
class LeafletEntry:
    """One leaflet listed in the project file, with its own overrides."""

    path: Path
    """The leaflet file, relative to the project file's folder."""
    title: str | None = None
    """Its title, overriding the one found in the document."""
    organisation: str | None = None
    """Its organisation, overriding the project's."""


@dataclass(frozen=True)
class Project:
    """The project file's settings and leaflets."""

    settings: Settings
    """Settings with the project file applied."""
    leaflets: tuple[LeafletEntry, ...]
    """The leaflets to build when `build` gets no argument."""
    path: Path | None
    """The project file, or None when there is none."""


_PATH_KEYS = {"out_dir", "narration_dir", "cache_dir", "cover", "lexicon"}
# check_thresholds is written as a [check] table, not as a key.
_SETTING_KEYS = {f.name for f in dataclasses.fields(Settings)} - {"check_thresholds"}


def load_project(folder: Path = Path(".")) -> Project:
    """Read `audio-leaflet.toml` from `folder`, if present."""
    path = folder / PROJECT_FILE
    if not path.is_file():
        return Project(Settings(), (), None)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UsageError(f"{path} is not valid TOML: {error}") from error
    table = data.get("audio-leaflet", data)
    settings = _settings_from_table(table, path)
    if table is not data and isinstance(data.get("check"), dict):
        # [check] written beside [audio-leaflet] rather than as [audio-leaflet.check]
        settings = settings.replace(check_thresholds=_check_thresholds(data["check"], path))
    leaflets = _leaflets_from_table(table, path)
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
        changes[key] = (path.parent / value) if key in _PATH_KEYS else value
    if "wpm" in changes and not (80 <= int(changes["wpm"]) <= 250):
        raise UsageError(f"{path}: wpm must be between 80 and 250, not {changes['wpm']}")
    return Settings().replace(**changes)


def _check_thresholds(table: dict[str, Any], path: Path) -> dict[str, Any]:
    """The `[check]` table, with unknown keys and wrong types refused (UsageError)."""
    # Imported here: the check package loads numpy, which a build that finds
    # nothing changed never needs.
    from audio_leaflet.check.report import check_overrides

    return check_overrides(table, str(path))


def _leaflets_from_table(table: dict[str, Any], path: Path) -> tuple[LeafletEntry, ...]:
    entries: list[LeafletEntry] = []
    for item in table.get("leaflets", []):
        entries.append(LeafletEntry(path.parent / str(item)))
    for item in table.get("leaflet", []):
        if not isinstance(item, dict) or "path" not in item:
            raise UsageError(f"{path}: each [[leaflet]] needs a path")
        entries.append(
            LeafletEntry(path.parent / item["path"], item.get("title"), item.get("organisation"))
        )
    return tuple(entries)
