"""Atomic publishing and the per-leaflet build lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_leaflet.errors import BuildError
from audio_leaflet.publish import (
    clear_stale_staging,
    leaflet_lock,
    make_staging,
    publish,
    recover,
)


def _bundle(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(text)


def test_publish_replaces_the_bundle_whole(tmp_path: Path) -> None:
    bundle = tmp_path / "leaflet"
    _bundle(bundle, "old")
    (bundle / "gone.mp3").write_text("only in the old bundle")
    staging = make_staging(bundle)
    _bundle(staging, "new")
    publish(staging, bundle)
    assert (bundle / "manifest.json").read_text() == "new"
    assert not (bundle / "gone.mp3").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaflet"]


def test_first_publish_creates_the_bundle(tmp_path: Path) -> None:
    bundle = tmp_path / "leaflet"
    staging = make_staging(bundle)
    _bundle(staging, "first")
    publish(staging, bundle)
    assert (bundle / "manifest.json").read_text() == "first"


def test_recover_puts_back_a_bundle_left_aside(tmp_path: Path) -> None:
    # What a kill between the two renames of the fallback path leaves behind.
    bundle = tmp_path / "leaflet"
    aside = tmp_path / ".leaflet.previous"
    _bundle(aside, "old")
    recover(bundle)
    assert (bundle / "manifest.json").read_text() == "old"
    assert not aside.exists()


def test_stale_staging_is_cleared(tmp_path: Path) -> None:
    bundle = tmp_path / "leaflet"
    stale = make_staging(bundle)
    (stale / "half.mp3").write_bytes(b"\xff\xfb")
    clear_stale_staging(bundle)
    assert not stale.exists()


def test_a_second_build_of_the_same_leaflet_stops_with_a_clear_message(tmp_path: Path) -> None:
    locks, out_dir = tmp_path / "cache" / "locks", tmp_path / "audio_out"
    with leaflet_lock(locks, out_dir, "leaflet"):
        second = leaflet_lock(locks, out_dir, "leaflet")
        with pytest.raises(BuildError, match="another build of 'leaflet' is running"):
            second.__enter__()
        with leaflet_lock(locks, out_dir, "other-leaflet"):
            pass
        with leaflet_lock(locks, tmp_path / "another-out-dir", "leaflet"):
            pass  # the same slug in another out-dir is another bundle
    with leaflet_lock(locks, out_dir, "leaflet"):
        pass
    assert not out_dir.exists(), "no lock file is put in the out-dir staff upload"
