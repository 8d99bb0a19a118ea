"""Published versions kept aside, so that staff can put an earlier one back (docs/safety.md).

Kept versions are data, not cache: they live in the user's data folder
(`Settings.versions_dir`, by default `~/.local/share/audio-leaflet/versions`),
where clearing a cache cannot remove them, and never in the out-dir that staff
upload: `<versions>/<out-dir digest>/<slug>/<stamp>/`. The newest
`Settings.keep_versions` of each leaflet are kept.

A version is a bundle, and is trusted only as a bundle is:

- it is kept under a temporary name (`.incoming-...`) and renamed into the
  store only once every file is there with its checksum, so a full disk
  leaves no half-copied version behind;
- listing verifies each one (manifest readable, every file present with the
  checksum the manifest gives) and says why a damaged one cannot be put back;
- putting one back verifies it again, refuses one made from another leaflet
  (by the manifest's source), copies it beside the bundle, verifies the copy,
  and publishes it with the same atomic swap a build uses; the bundle it
  replaces is kept in turn, so a restore can itself be undone.

A bundle the listening check refused is kept too, in `.../<slug>/refused/`,
so that staff can hear what the check heard.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audio_leaflet.errors import BuildError, ManifestError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import MANIFEST_NAME, Manifest, load_manifest, verify_files
from audio_leaflet.ownership import Owner
from audio_leaflet.publish import (
    clear_stale_staging,
    leaflet_lock,
    make_staging,
    publish,
    recover,
    write_out_dir_files,
)

if TYPE_CHECKING:
    from audio_leaflet.config import Settings

log = logging.getLogger(__name__)

REFUSED = "refused"
"""The store's folder for the last bundle the listening check refused."""
REFUSED_FINDINGS = "refused-findings.json"
"""Beside `refused/`: what the check found in it, each problem as `Problem.to_json` gives it."""
INCOMING = ".incoming-"
"""Prefix of a version being kept: renamed to its stamp only once complete."""


def _digest(out_dir: Path) -> str:
    return hashlib.sha256(str(out_dir.resolve()).encode("utf-8")).hexdigest()[:16]


def store_dir(versions_dir: Path, out_dir: Path, slug: str) -> Path:
    """Where one leaflet's earlier versions of one out-dir are kept."""
    return versions_dir / _digest(out_dir) / slug


def versions_store(settings: Settings, slug: str) -> Path:
    """The store of `slug`'s versions for these settings, moved out of the cache if an
    older audio-leaflet kept them there."""
    _move_from_cache(settings.cache_dir, settings.versions_dir, settings.out_dir)
    return store_dir(settings.versions_dir, settings.out_dir, slug)


@functools.cache
def _move_from_cache(cache_dir: Path, versions_dir: Path, out_dir: Path) -> None:
    """Move versions an older audio-leaflet kept in `<cache>/published/` (once per process).

    Each leaflet's store moves whole, and only where the data folder has none yet.
    """
    legacy = cache_dir / "published" / _digest(out_dir)
    if not legacy.is_dir():
        return
    target = versions_dir / _digest(out_dir)
    for store in sorted(legacy.iterdir()):
        destination = target / store.name
        if not store.is_dir() or destination.exists():
            continue
        try:
            _move(store, destination)
            log.info("moved the kept versions of %s from %s to %s", store.name, legacy, target)
        except OSError as error:
            log.warning("could not move the kept versions in %s: %s", store, error)


@dataclass(frozen=True)
class Version:
    """One earlier published bundle, as found in the store."""

    name: str
    """Its folder name in the store (when it was replaced, UTC, sortable)."""
    folder: Path
    """Where it is kept."""
    problem: str
    """Why it cannot be put back (damaged, unreadable), or "" when every file is sound."""
    manifest: Manifest | None
    """Its manifest, when it could be read."""

    @property
    def sound(self) -> bool:
        """Whether it can be put back: its manifest reads and every file matches it."""
        return not self.problem

    @property
    def built(self) -> str:
        """When it was built (ISO 8601), or "" when its manifest cannot be read."""
        return self.manifest.built_at if self.manifest else ""

    @property
    def sentences(self) -> int:
        """How many sentences it speaks (0 when its manifest cannot be read)."""
        return len(self.manifest.all_cues()) if self.manifest else 0

    def same_as(self, published: Manifest | None) -> bool:
        """Whether this version is the bundle published now (put back, or never replaced)."""
        return bool(
            published
            and self.manifest
            and self.manifest.built_at == published.built_at
            and self.manifest.fingerprint == published.fingerprint
            and self.manifest.files == published.files
        )

    def belongs_to(self, owner: Owner) -> bool:
        """Whether it was built from the leaflet `owner` names (`Owner.is_same_leaflet`)."""
        if self.manifest is None:
            return False
        source = self.manifest.source
        return Owner(source.file, source.identity, source.sha256).is_same_leaflet(owner)


def verify_bundle(folder: Path) -> tuple[Manifest | None, str]:
    """A bundle's manifest and "" when it is whole; else what is wrong, in a few words."""
    try:
        manifest = load_manifest(folder)
    except ManifestError as error:
        return None, f"its manifest cannot be read ({error})"
    if not manifest.files:
        return manifest, "its manifest lists no files with checksums"
    wrong = verify_files(folder, manifest)
    if wrong:
        shown = ", ".join(wrong[:3]) + (f" and {len(wrong) - 3} more" if len(wrong) > 3 else "")
        return manifest, f"{len(wrong)} of its files are missing or changed ({shown})"
    return manifest, ""


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _move(folder: Path, target: Path) -> None:
    """Move a folder; across file systems, copy it whole first and remove it after."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(folder, target)
    except OSError:
        try:
            shutil.copytree(folder, target)
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        shutil.rmtree(folder, ignore_errors=True)


def keep_replaced(old_bundle: Path, store: Path, keep: int) -> None:
    """Keep a bundle just replaced in `store`, and drop all but the newest `keep` versions.

    Never fails the publish it follows, and never leaves half a version: the
    bundle is moved (or copied, across file systems) under a temporary name,
    verified, then renamed into place. When that fails (a full disk) the
    partial copy is removed, the reason logged, and the old bundle removed,
    as before versions were kept.
    """
    try:
        if keep > 0 and (old_bundle / MANIFEST_NAME).is_file():
            stamp = _stamp()
            incoming = store / f"{INCOMING}{stamp}"
            try:
                _move(old_bundle, incoming)
                _, problem = verify_bundle(incoming)
                if problem:
                    raise OSError(f"the kept copy is not whole: {problem}")
                os.replace(incoming, store / stamp)
            finally:
                shutil.rmtree(incoming, ignore_errors=True)
        for stale in _version_folders(store)[keep:]:
            shutil.rmtree(stale, ignore_errors=True)
    except OSError as error:
        log.warning("could not keep the replaced bundle in %s: %s", store, error)
    shutil.rmtree(old_bundle, ignore_errors=True)


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
        clear_refused(store)
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
    # Not the refused bundle, the findings beside it, nor a version still being kept.
    folders = (
        p
        for p in store.iterdir()
        if p.is_dir() and p.name != REFUSED and not p.name.startswith(".")
    )
    return sorted(folders, reverse=True)


def list_versions(store: Path) -> list[Version]:
    """The earlier versions in `store`, newest first, each verified."""
    versions = []
    for folder in _version_folders(store):
        manifest, problem = verify_bundle(folder)
        versions.append(Version(folder.name, folder, problem, manifest))
    return versions


def find_version(store: Path, name: str) -> Version:
    """The version called `name`, or BuildError naming the ones there are."""
    versions = list_versions(store)
    for version in versions:
        if version.name == name:
            return version
    known = ", ".join(v.name for v in versions) or "none"
    raise BuildError(f"no earlier version called {name!r} (kept: {known})")


def store_size(folder: Path) -> int:
    """Bytes taken by every file under `folder` (0 when it does not exist)."""
    if not folder.is_dir():
        return 0
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def restore_version(settings: Settings, slug: str, name: str, owner: Owner) -> Path:
    """Publish an earlier version of a leaflet's bundle again, as a build publishes.

    Raises BuildError, having changed nothing, when the version is unknown,
    damaged, or made from another leaflet (`owner` is the leaflet asking), or
    when the folder in the out-dir was not made by audio-leaflet. The bundle
    it replaces is kept as a version in turn, so this can be undone.
    """
    bundle = settings.out_dir / slug
    store = versions_store(settings, slug)
    version = find_version(store, name)
    refuse_unless_restorable(version, owner, slug)
    with leaflet_lock(settings.lock_dir, settings.out_dir, slug):
        recover(bundle)
        clear_stale_staging(bundle)
        if bundle.exists() and not (bundle / MANIFEST_NAME).is_file():
            raise BuildError(f"{bundle} was not made by audio-leaflet, so it was left as it was")
        staging = make_staging(bundle)
        try:
            shutil.copytree(version.folder, staging, dirs_exist_ok=True)
            _, problem = verify_bundle(staging)
            if problem:
                raise BuildError(
                    f"the copy of version {name} did not come out whole ({problem}); "
                    f"the published bundle {bundle} was left as it was"
                )
            publish(staging, bundle, keep=keeper(settings, slug))
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    write_out_dir_files(settings)
    return bundle


def refuse_unless_restorable(version: Version, owner: Owner, slug: str) -> None:
    """BuildError (one line, saying why) unless `version` may be put back for `owner`."""
    if not version.sound:
        raise BuildError(
            f"version {version.name} of '{slug}' is damaged ({version.problem}), so it cannot "
            "be put back; the published bundle was left as it was"
        )
    if not version.belongs_to(owner):
        made_from = version.manifest.source.file if version.manifest else "another file"
        raise BuildError(
            f"version {version.name} of '{slug}' was made from another leaflet ({made_from}), "
            f"not {owner.file}, so it was not put back"
        )


def keeper(settings: Settings, slug: str) -> Callable[[Path], None]:
    """What `publish` does with the bundle a build of `slug` replaces: keep it as a version."""
    return functools.partial(
        keep_replaced, store=versions_store(settings, slug), keep=settings.keep_versions
    )
