"""Build aside, then swap the bundle in whole (docs/safety.md).

A build writes into a staging folder beside the bundle. Publishing exchanges
the two folders in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), so a
reader, a web server or a build killed with SIGKILL at any moment sees either
the old bundle or the new one, never a mixture. Where the exchange is not
available, two renames are used and a bundle left aside by a kill between
them is put back by the next run (`recover`).

Two builds of one leaflet never run at once. A lock file per leaflet in the
cache folder stops a second build from the same cache at once, naming the
first; and each build holds its staging folder (`flock` on the folder), so
a build from another cache folder (another person, the studio beside a
terminal) sees it and stops too. The out-dir folder's own lock makes builds
take turns at claiming staging folders and at writing the out-dir's site
index and feed (`write_out_dir_files`). Nothing is written into the out-dir
but bundles, their staging folders, the site index and the feed.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from audio_leaflet.errors import BuildError, ManifestError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import MANIFEST_NAME, Manifest, load_manifest

if TYPE_CHECKING:
    from audio_leaflet.config import Settings

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name, use_errno=True) if name else None
    except OSError:
        return None


_LIBC = _libc()


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths; False where the system cannot."""
    renameat2 = getattr(_LIBC, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise BuildError(f"could not publish {second}: {os.strerror(code)}")


def _aside_path(bundle: Path) -> Path:
    return bundle.with_name(f".{bundle.name}.previous")


def recover(bundle: Path) -> None:
    """Put back a bundle left aside by a build killed while publishing."""
    aside = _aside_path(bundle)
    if aside.is_dir():
        if bundle.exists():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            os.replace(aside, bundle)


STAGING_MARK = ".staging-"
"""A staging folder is `.<slug>.staging-XXXX` beside the bundle it will become."""

_CLAIMS: dict[Path, int] = {}
"""Staging folders this process is building into, each with the descriptor that holds
its lock (`flock` on the folder itself) for as long as the build runs."""


@contextmanager
def out_dir_lock(out_dir: Path) -> Iterator[None]:
    """Hold the out-dir folder's own lock (`flock` on the folder), waiting for it if taken.

    It belongs to the out-dir, not to a cache folder: two builds with different
    caches (two staff members, the studio and a terminal) still take turns at
    claiming a staging folder and at writing the site index and feed, each a
    moment's work. A file system that cannot lock folders is used without it.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY)
    try:
        # A file system that cannot lock folders: the cache's lock still guards one cache.
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _held_elsewhere(folder: Path) -> bool:
    """Whether another build holds `folder` (a staging folder) now; False for a dead one."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(descriptor)
    return False


def make_staging(bundle: Path) -> Path:
    """A fresh, empty staging folder beside `bundle`, held by this build until released.

    Under the out-dir's own lock, staging folders of `bundle` left by builds
    that were killed are removed, and one another build still holds stops
    this one (BuildError), whatever cache folder either uses.
    """
    with out_dir_lock(bundle.parent):
        for other in sorted(bundle.parent.glob(f".{bundle.name}{STAGING_MARK}*")):
            if other in _CLAIMS:
                continue  # this process's own (a retake round)
            if _held_elsewhere(other):
                raise BuildError(
                    f"another build of '{bundle.name}' is writing into {bundle.parent} "
                    f"(its folder {other.name}); wait for it to finish, then build again"
                )
            shutil.rmtree(other, ignore_errors=True)
        staging = Path(tempfile.mkdtemp(dir=bundle.parent, prefix=f".{bundle.name}{STAGING_MARK}"))
        staging.chmod(0o755)  # mkdtemp makes it private; a web server must read the bundle
        descriptor = os.open(staging, os.O_RDONLY | os.O_DIRECTORY)
        with contextlib.suppress(OSError):  # no locks on this file system
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        _CLAIMS[staging] = descriptor
    return staging


def release_staging(staging: Path) -> None:
    """End this build's hold on `staging` and remove whatever is left of it."""
    descriptor = _CLAIMS.pop(staging, None)
    shutil.rmtree(staging, ignore_errors=True)
    if descriptor is not None:
        os.close(descriptor)


def release_every_staging() -> None:
    """Release and remove every staging folder this process holds (a studio closing while
    its build is still busy inside the voice)."""
    for staging in list(_CLAIMS):
        release_staging(staging)


def clear_stale_staging(bundle: Path) -> None:
    """Remove staging folders of `bundle` that no running build holds."""
    with out_dir_lock(bundle.parent):
        for stale in bundle.parent.glob(f".{bundle.name}{STAGING_MARK}*"):
            if stale not in _CLAIMS and not _held_elsewhere(stale):
                shutil.rmtree(stale, ignore_errors=True)


def publish(staging: Path, bundle: Path, keep: Callable[[Path], None] | None = None) -> None:
    """Make `staging` the bundle, in one step where possible; keep or remove the old one.

    `keep(old_bundle)` takes the bundle replaced (`versions.keep_replaced`);
    without it the old bundle is removed. A kill after the swap leaves the old
    bundle in the staging folder's place; the next build removes it. The
    staging folder is released either way.
    """

    def set_aside(old: Path) -> None:
        if keep is None:
            shutil.rmtree(old, ignore_errors=True)
        else:
            keep(old)

    try:
        _fsync_tree(staging)
        if bundle.is_dir() and _exchange(staging, bundle):
            _fsync_dir(bundle.parent)
            set_aside(staging)  # now holds the old bundle
            return
        aside = _aside_path(bundle)
        if bundle.exists():
            os.replace(bundle, aside)
        os.replace(staging, bundle)
        _fsync_dir(bundle.parent)
        set_aside(aside)
    finally:
        descriptor = _CLAIMS.pop(staging, None)
        if descriptor is not None:
            os.close(descriptor)


def _fsync_tree(folder: Path) -> None:
    """Flush the new files to disk before they become the published bundle."""
    for path in folder.iterdir():
        if path.is_file():
            with open(path, "rb") as stream:
                os.fsync(stream.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames), so a power cut cannot undo a publish."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename still stands
    finally:
        os.close(descriptor)


def _lock_file(lock_dir: Path, out_dir: Path, name: str) -> Path:
    """A lock file outside the out-dir (staff upload that folder), one per out-dir and name."""
    lock_dir.mkdir(parents=True, exist_ok=True)
    where = hashlib.sha256(str(out_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return lock_dir / f"{where}-{name}.lock"


@contextmanager
def leaflet_lock(lock_dir: Path, out_dir: Path, slug: str) -> Iterator[None]:
    """Hold the build lock of one leaflet of `out_dir`, or stop with a clear message."""
    with open(_lock_file(lock_dir, out_dir, f"leaflet-{slug}"), "a+") as stream:
        try:
            fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            stream.seek(0)
            holder = stream.read().strip() or "another process"
            raise BuildError(
                f"another build of '{slug}' is running ({holder}); "
                "wait for it to finish, then run this build again"
            ) from None
        stream.seek(0)
        stream.truncate()
        stream.write(f"pid {os.getpid()}")
        stream.flush()
        try:
            yield
        finally:
            stream.seek(0)
            stream.truncate()
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------
# the out-dir's own files: site index and feed over every bundle
# --------------------------------------------------------------------------


def check_report_file(out_dir: Path, slug: str) -> Path:
    """Where staff find what the listening check heard in a leaflet's last build: beside
    its bundle, outside it (a refused build publishes nothing)."""
    return out_dir / f"{slug}-check-report.txt"


def bundle_manifests(out_dir: Path) -> tuple[list[Manifest], list[str]]:
    """Manifests of every bundle published in `out_dir`, by slug, and why others were left out.

    A folder whose manifest cannot be used is left out of the index and feed
    (and named), never allowed to stop them: building that leaflet repairs it.
    Folders with no manifest at all are not bundles and are passed over quietly.
    """
    manifests: list[Manifest] = []
    skipped: list[str] = []
    if out_dir.is_dir():
        for folder in sorted(out_dir.iterdir()):
            if not folder.is_dir() or folder.name.startswith("."):
                continue
            if not (folder / MANIFEST_NAME).exists():
                continue
            try:
                manifests.append(load_manifest(folder))
            except ManifestError as error:
                skipped.append(
                    f"{folder.name} left out of the site index and feed ({error}); "
                    "build that leaflet again to repair it"
                )
    return manifests, skipped


def write_out_dir_files(settings: Settings) -> list[str]:
    """Bring the site index and the feed up to date; unchanged files stay. Returns warnings.

    The feed is written when this build or an earlier one into the same
    out-dir gave a base URL (`bundle.feed.feed_settings`), so a later build
    without `--base-url` keeps it true. Held under the out-dir's lock, so
    leaflets built at once (`--jobs`, or two people) cannot write an index or
    feed that misses the other's bundle.
    """
    from audio_leaflet.bundle.feed import FEED_FILE, feed_base_url, feed_xml
    from audio_leaflet.bundle.site import SITE_INDEX_FILE, site_index_html

    if not settings.out_dir.is_dir():
        return []
    with out_dir_lock(settings.out_dir):
        manifests, skipped = bundle_manifests(settings.out_dir)
        if not manifests:
            return skipped
        base_url = feed_base_url(settings.out_dir, settings.base_url)
        index = site_index_html(manifests, base_url=base_url)
        write_if_changed(settings.out_dir / SITE_INDEX_FILE, index.encode("utf-8"))
        if base_url:
            feed = feed_xml(settings.out_dir, manifests, base_url=base_url)
            write_if_changed(settings.out_dir / FEED_FILE, feed)
    return skipped


def write_if_changed(path: Path, data: bytes) -> None:
    """Write `data` atomically unless the file already holds exactly it."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)
