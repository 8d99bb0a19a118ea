"""Which leaflet a folder belongs to: a build never replaces a folder it did not make.

A bundle folder `<out-dir>/<slug>/` and a script folder `<narration-dir>/<slug>/`
belong to one leaflet file. The bundle records it in its manifest (`source`),
the script folder in a small file beside the scripts (`OWNER_FILE`). Before a
build writes either folder it claims it (`claim_bundle`, `claim_script_dir`):

- a folder that does not exist, or is empty, is free;
- a folder this tool made for the same leaflet is the leaflet's own: the same
  file (by `source_identity`), the same bytes moved elsewhere, or a file of
  the same name (a project copied to another folder, then edited);
- a folder made for another leaflet with the same title is refused, naming
  `--slug`, unless the slug was given explicitly (then it is taken over, and
  the build says so);
- anything else (a staff folder, a web root's `docs/`, the narration folder
  itself) is refused and left exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from audio_leaflet.errors import BuildError
from audio_leaflet.fileio import write_atomic
from audio_leaflet.manifest import MANIFEST_NAME, TOOL_NAME

OWNER_FILE = ".audio-leaflet-source.json"
"""Beside the narration scripts: which leaflet file they were written from."""

_SLUG_HINT = (
    'give this leaflet its own name with --slug NAME (or slug = "NAME" in audio-leaflet.toml)'
)


def source_identity(path: Path) -> str:
    """A digest of where the leaflet file lives, which names no local path when published."""
    return hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Owner:
    """The leaflet a folder belongs to."""

    file: str
    """The leaflet's file name only."""
    identity: str
    """`source_identity` of the leaflet file ("" when an older build did not record it)."""
    sha256: str
    """Checksum of the leaflet's bytes when the folder was last written."""

    def is_same_leaflet(self, other: Owner) -> bool:
        """The same file; or the same bytes moved or renamed; or a file of the same name.

        The file name counts because a project is often copied to another
        machine or folder and then edited: its leaflets keep their names. Two
        different leaflets with one title and one file name (in two folders)
        are taken for one; `--slug` keeps them apart.
        """
        if self.identity and other.identity and self.identity == other.identity:
            return True
        return self.sha256 == other.sha256 or (bool(self.file) and self.file == other.file)

    def describe(self) -> str:
        """The file's name and the digest of where it lives, for fingerprints."""
        return f"{self.file} {self.identity}"

    def to_json(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {"file": self.file, "identity": self.identity, "sha256": self.sha256}

    @classmethod
    def from_json(cls, data: Any) -> Owner | None:
        """The owner recorded in `data`, or None when it records none."""
        if not isinstance(data, dict):
            return None
        name = data.get("file") or PurePosixPath(str(data.get("path") or "")).name
        values = (name, data.get("identity", ""), data.get("sha256", ""))
        if not all(isinstance(v, str) for v in values) or not (values[0] or values[2]):
            return None
        return cls(*values)


def claim_bundle(bundle: Path, slug: str, owner: Owner, *, explicit_slug: bool) -> str | None:
    """Check that a build may replace `bundle`; a warning when it takes one over.

    Raises BuildError, having touched nothing, when the folder is not this
    leaflet's bundle.
    """
    if not bundle.exists() and not bundle.is_symlink():
        return None
    if bundle.is_symlink() or not bundle.is_dir():
        raise BuildError(
            f"{bundle} already exists and is not a folder this tool made, so it was left "
            f"as it was; choose another --out-dir, or {_SLUG_HINT}"
        )
    if not any(bundle.iterdir()):
        return None
    recorded = _bundle_owner(bundle, slug)
    if recorded is None:
        raise BuildError(
            f"{bundle} already exists and holds no audio-leaflet bundle of '{slug}', so it "
            f"was left as it was; choose another --out-dir, or {_SLUG_HINT}"
        )
    if not (recorded.file or recorded.sha256):
        return None  # this tool's bundle of this slug, from a build that named no source
    return _settle(bundle, "audio", recorded, owner, explicit_slug)


def claim_script_dir(script_dir: Path, owner: Owner, *, explicit_slug: bool) -> str | None:
    """Check that scripts may be written to (or read from) `script_dir`; a warning on take-over.

    A folder of scripts written before owners were recorded is taken as the
    leaflet's own when every file in it is a narration script or a backup.
    """
    if not script_dir.is_dir():
        return None
    recorded = recorded_script_owner(script_dir)
    if recorded is None:
        if all(_is_script_file(path) for path in script_dir.iterdir()):
            return None
        raise BuildError(
            f"{script_dir} already exists and holds files that are not narration scripts, so "
            f"it was left as it was; choose another --narration-dir, or {_SLUG_HINT}"
        )
    return _settle(script_dir, "narration scripts", recorded, owner, explicit_slug)


def recorded_script_owner(script_dir: Path) -> Owner | None:
    """The leaflet the scripts in `script_dir` were written from, when it is recorded."""
    marker = script_dir / OWNER_FILE
    return Owner.from_json(_read_json(marker)) if marker.is_file() else None


def record_script_owner(script_dir: Path, owner: Owner) -> None:
    """Write which leaflet the scripts in `script_dir` belong to (only when it changed)."""
    marker = script_dir / OWNER_FILE
    text = json.dumps(owner.to_json(), indent=2) + "\n"
    if not marker.is_file() or marker.read_text(encoding="utf-8") != text:
        write_atomic(marker, text)


def _settle(
    folder: Path, what: str, recorded: Owner, owner: Owner, explicit_slug: bool
) -> str | None:
    if recorded.is_same_leaflet(owner):
        return None
    if explicit_slug:
        return (
            f"{folder} held the {what} of {recorded.file}; it now holds those of {owner.file}, "
            "as the slug given asks"
        )
    raise BuildError(
        f"{folder} holds the {what} of another leaflet with the same title ({recorded.file}), "
        f"so it was left as it was; {_SLUG_HINT}"
    )


def _bundle_owner(bundle: Path, slug: str) -> Owner | None:
    """The leaflet a folder's manifest records, when the folder is this tool's bundle of `slug`.

    Read loosely on purpose: a manifest too damaged for `Manifest.from_json`
    still shows whose bundle it is, and a build of that leaflet repairs it.
    """
    data = _read_json(bundle / MANIFEST_NAME)
    if not isinstance(data, dict) or data.get("slug") != slug:
        return None
    tool = data.get("tool")
    if not (isinstance(tool, dict) and tool.get("name") == TOOL_NAME):
        return None
    return Owner.from_json(data.get("source")) or Owner("", "", "")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_script_file(path: Path) -> bool:
    from audio_leaflet.narrate.script import PREAMBLE
    from audio_leaflet.read.outline import LEFT_OUT_FILE, OUTLINE_FILE, OUTLINE_RECORD

    if path.name in (OUTLINE_FILE, LEFT_OUT_FILE, OUTLINE_RECORD):
        return True  # written beside the scripts
    if path.name.startswith(".") and path.suffix == ".tmp":
        return True  # left by a write that was interrupted (fileio.write_atomic)
    if not path.is_file() or path.suffix not in (".txt", ".bak"):
        return False
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.readline().rstrip("\n") == PREAMBLE[0]
    except (OSError, UnicodeDecodeError):
        return False
