"""Writing files so that a reader or a kill never sees half of one, and checksums.

Every file the tool writes (cache entries, scripts, bundle files, the feed)
goes through `write_atomic`: a temporary file beside the target, flushed, then
renamed over it. mkstemp makes the temporary file private; published files
are made readable by all, since a web server serves them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str, *, durable: bool = False) -> None:
    """Replace `path` with `data` (str is written as UTF-8 with \\n line ends) in one step.

    `durable` also fsyncs the data before the rename, for files people edit
    (narration scripts), where losing an edit to a power cut would hurt.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        if error.filename is None:  # a full disk says nothing of where: name the file
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
