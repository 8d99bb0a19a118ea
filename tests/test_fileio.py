"""Atomic writes: whole files or none, readable by a web server."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from audio_leaflet import fileio
from audio_leaflet.fileio import sha256_file, write_atomic


def test_write_atomic_replaces_the_file_and_leaves_it_world_readable(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "feed.xml"
    write_atomic(target, "first")
    write_atomic(target, "‘second’\n", durable=True)
    assert target.read_text(encoding="utf-8") == "‘second’\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["feed.xml"]


def test_a_write_interrupted_before_the_rename_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "manifest.json"
    target.write_bytes(b"old")

    def interrupted(source: str, destination: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fileio.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["manifest.json"]


def test_sha256_file_matches_the_known_digest(tmp_path: Path) -> None:
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
