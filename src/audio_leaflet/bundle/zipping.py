"""Deterministic zip files: the listener's zip, the EPUB and the DAISY book.

Same files give the same bytes: a fixed timestamp, fixed permissions, names
sorted (or in the order given, for an EPUB, whose "mimetype" must come
first). MP3, JPEG and other packed files are stored, not deflated: they do
not compress and storing them is faster to open; the EPUB's "mimetype" must
be stored (OCF 3.3).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable

from audio_leaflet.errors import BuildError

# The earliest time a zip entry can hold (MS-DOS date): the same for every build.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_STORED_SUFFIXES = (".mp3", ".jpg", ".jpeg", ".png", ".zip", ".epub")


def zip_bytes(files: Iterable[tuple[str, bytes]], *, sort: bool = True) -> bytes:
    """A deterministic zip of (name, data) pairs, sorted by name unless `sort` is False
    (an EPUB's "mimetype" must come first)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in sorted(files) if sort else files:
            if not name.isascii():
                raise BuildError(f"the zip entry {name!r} is not ASCII; file names must be slugs")
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.create_system = 3  # Unix, so the permissions below are honoured
            entry.external_attr = 0o644 << 16
            stored = name == "mimetype" or name.lower().endswith(_STORED_SUFFIXES)
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            archive.writestr(entry, data, compresslevel=None if stored else 9)
    return buffer.getvalue()
