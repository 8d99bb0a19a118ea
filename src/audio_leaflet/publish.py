"""Build aside, then swap the bundle in whole (docs/safety.md).

A build writes into a staging folder beside the bundle. Publishing exchanges
the two folders in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), so a
reader, a web server or a build killed with SIGKILL at any moment sees either
the old bundle or the new one, never a mixture. Where the exchange is not
available, two renames are used and a bundle left aside by a kill between
them is put back by the next run (`recover`).

One lock file per leaflet stops two builds of the same leaflet at once; a
second build stops at once with a message naming the first. One lock per
out-dir makes builds of different leaflets take turns writing the shared feed
and site index. Lock files live in the cache folder, never in the out-dir
that staff upload.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from audio_leaflet.errors import BuildError

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


def make_staging(bundle: Path) -> Path:
    """A fresh, empty staging folder beside `bundle` (same file system)."""
    bundle.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=bundle.parent, prefix=f".{bundle.name}.staging-"))
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read the bundle
    return staging


def clear_stale_staging(bundle: Path) -> None:
    """Remove staging folders left by builds that were killed (call under the lock)."""
    for stale in bundle.parent.glob(f".{bundle.name}.staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


def publish(staging: Path, bundle: Path, versions: Path | None = None) -> None:
    """Make `staging` the bundle, in one step where possible; keep or remove the old one.

    With `versions`, the bundle replaced is kept there (`audio_leaflet.versions`).
    A kill after the swap leaves the old bundle in the staging folder's place;
    `clear_stale_staging` removes it on the next build.
    """
    from audio_leaflet.versions import keep_replaced

    def set_aside(old: Path) -> None:
        if versions is None:
            shutil.rmtree(old, ignore_errors=True)
        else:
            keep_replaced(old, versions)

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


@contextmanager
def out_dir_lock(lock_dir: Path, out_dir: Path) -> Iterator[None]:
    """Hold the out-dir's lock while its shared files are written; wait for it if taken.

    Writing the index or feed takes a fraction of a second, so waiting is
    right here, unlike a second build of the same leaflet.
    """
    with open(_lock_file(lock_dir, out_dir, "out-dir"), "a") as stream:
        fcntl.flock(stream.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(stream.fileno(), fcntl.LOCK_UN)
