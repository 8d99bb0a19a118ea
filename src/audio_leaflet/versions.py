"""Published versions kept aside, so that staff can put an earlier one back (docs/safety.md).

Each time a build publishes a new bundle, the bundle it replaces is moved
into a store beside the build locks (never into the out-dir, which staff
upload): `<cache>/published/<out-dir digest>/<slug>/<stamp>/`. The newest
KEEP_VERSIONS are kept. Putting one back publishes a copy of it exactly as a
build publishes (one atomic swap), and the bundle it replaces is kept in turn,
so a restore can itself be undone.

A bundle the listening check refused is kept too, in `.../<slug>/refused/`,
so that staff can hear what the check heard.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audio_leaflet.errors import BuildError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import MANIFEST_NAME, ManifestError, load_manifest

log = logging.getLogger(__name__)

KEEP_VERSIONS = 3
"""Earlier published versions kept per leaflet."""

REFUSED = "refused"
"""The store's folder for the last bundle the listening check refused."""


def store_dir(cache_dir: Path, out_dir: Path, slug: str) -> Path:
    """Where one leaflet's earlier versions of one out-dir are kept."""
    where = hashlib.sha256(str(out_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir / "published" / where / slug


@dataclass(frozen=True)
class Version:
    """One earlier published bundle."""

    name: str
    """Its folder name in the store (when it was replaced, UTC, sortable)."""
    folder: Path
    built: str
    """When it was built, as its manifest records (ISO 8601), or "" when unreadable."""
    sentences: int
    """How many sentences it speaks."""


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _move(folder: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(folder, target)
    except OSError:
        shutil.move(str(folder), str(target))  # the cache is on another file system


def keep_replaced(old_bundle: Path, store: Path) -> None:
    """Move a bundle just replaced into `store`, and drop all but the newest KEEP_VERSIONS.

    Never fails the publish it follows: a store that cannot be written is logged
    and the old bundle removed, as before versions were kept.
    """
    try:
        if (old_bundle / MANIFEST_NAME).is_file():
            _move(old_bundle, store / _stamp())
        for stale in _version_folders(store)[KEEP_VERSIONS:]:
            shutil.rmtree(stale, ignore_errors=True)
    except OSError as error:
        log.warning("could not keep the replaced bundle in %s: %s", store, error)
    shutil.rmtree(old_bundle, ignore_errors=True)


REFUSED_FINDINGS = "refused-findings.json"
"""Beside `refused/`: what the check found in it, each problem as `Problem.to_json` gives it."""


def keep_refused(staging: Path, store: Path, findings: list[dict[str, Any]]) -> Path | None:
    """Keep a bundle the listening check refused, and its findings (replacing the last).

    Returns its new folder, or None when it could not be kept (logged; the
    refusal itself is never hidden by this).
    """
    target = store / REFUSED
    try:
        clear_refused(store)
        _move(staging, target)
        write_atomic(store / REFUSED_FINDINGS, json.dumps(findings, indent=1) + "\n")
        return target
    except OSError as error:
        log.warning("could not keep the refused bundle in %s: %s", target, error)
        return None


def clear_refused(store: Path) -> None:
    """Forget the last refused bundle (a build has passed since)."""
    shutil.rmtree(store / REFUSED, ignore_errors=True)
    (store / REFUSED_FINDINGS).unlink(missing_ok=True)


def refused_findings(store: Path) -> list[dict[str, Any]]:
    """What the check found in the last refused bundle; [] when there is none."""
    if not (store / REFUSED / MANIFEST_NAME).is_file():
        return []
    try:
        findings = json.loads((store / REFUSED_FINDINGS).read_text("utf-8"))
    except (OSError, ValueError):
        return []
    return (
        [item for item in findings if isinstance(item, dict)] if isinstance(findings, list) else []
    )


def _version_folders(store: Path) -> list[Path]:
    """The kept versions' folders, newest first (their names sort by time)."""
    if not store.is_dir():
        return []
    # Not the refused bundle, nor the findings file beside it.
    folders = (p for p in store.iterdir() if p.is_dir() and p.name != REFUSED)
    return sorted(folders, reverse=True)


def list_versions(store: Path) -> list[Version]:
    """The earlier versions in `store`, newest first."""
    versions = []
    for folder in _version_folders(store):
        try:
            manifest = load_manifest(folder)
            built, sentences = manifest.built_at, len(manifest.all_cues())
        except ManifestError:
            built, sentences = "", 0
        versions.append(Version(folder.name, folder, built, sentences))
    return versions


def find_version(store: Path, name: str) -> Version:
    """The version called `name`, or BuildError naming the ones there are."""
    versions = list_versions(store)
    for version in versions:
        if version.name == name:
            return version
    known = ", ".join(v.name for v in versions) or "none"
    raise BuildError(f"no earlier version called {name!r} (kept: {known})")
