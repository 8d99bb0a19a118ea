"""manifest.json: what a bundle holds, how it was made, and its short history.

The schema is DESIGN section 4, extended with per-chapter cues and sentence
keys (for status, captions and the listening check), a `files` checksum map
and `history`. Keys are stable; readers must ignore keys they do not know.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from audio_leaflet.errors import BuildError
from audio_leaflet.fileio import sha256_file, write_atomic

MANIFEST_NAME = "manifest.json"
SCHEMA = 1
HISTORY_LENGTH = 20


def sha256_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def read_manifest(bundle: Path) -> dict[str, Any] | None:
    """The bundle's manifest, or None when there is no readable one."""
    path = bundle / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        return None
    return data


def write_manifest(bundle: Path, manifest: dict[str, Any]) -> None:
    """Write manifest.json atomically."""
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomic(bundle / MANIFEST_NAME, text)


def verify_files(bundle: Path, manifest: dict[str, Any]) -> list[str]:
    """Names of files whose checksum does not match the manifest (missing ones too)."""
    wrong = []
    for name, expected in sorted(manifest.get("files", {}).items()):
        path = bundle / name
        if not path.is_file() or sha256_file(path) != expected:
            wrong.append(name)
    return wrong


def next_history(
    previous: dict[str, Any] | None, *, date: str, source_sha256: str, changed: list[int]
) -> list[dict[str, Any]]:
    """The history list with this build appended, keeping the last HISTORY_LENGTH builds."""
    history = list(previous.get("history", [])) if previous else []
    number = (history[-1]["build"] + 1) if history else 1
    history.append(
        {"build": number, "date": date, "source_sha256": source_sha256, "chapters_changed": changed}
    )
    return history[-HISTORY_LENGTH:]


def source_updated(previous: dict[str, Any] | None, source_sha256: str, today: str) -> str:
    """The date the leaflet's text last changed, as recorded across builds."""
    if previous and previous.get("source", {}).get("sha256") == source_sha256:
        updated = previous["source"].get("updated")
        if isinstance(updated, str):
            return updated
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
