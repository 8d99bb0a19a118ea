"""Atomic publishing and the per-leaflet build lock."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from audio_leaflet.errors import BuildError
from audio_leaflet.publish import (
    clear_stale_staging,
    leaflet_lock,
    make_staging,
    publish,
    recover,
    release_staging,
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
    stale = tmp_path / ".leaflet.staging-killed"  # what a build killed with SIGKILL leaves
    stale.mkdir()
    (stale / "half.mp3").write_bytes(b"\xff\xfb")
    clear_stale_staging(bundle)
    assert not stale.exists()
    fresh = make_staging(bundle)
    assert fresh.is_dir()
    release_staging(fresh)
    assert not fresh.exists()


def test_a_staging_folder_another_process_holds_is_left_alone_and_stops_this_build(
    tmp_path: Path,
) -> None:
    bundle = tmp_path / "leaflet"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from audio_leaflet.publish import make_staging; "
            "print(make_staging(Path(sys.argv[1])), flush=True); time.sleep(60)",
            str(bundle),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        held = Path(holder.stdout.readline().strip())
        clear_stale_staging(bundle)
        assert held.is_dir(), "another build's staging folder is never removed"
        with pytest.raises(BuildError, match=r"another build of 'leaflet' is writing into "):
            make_staging(bundle)
    finally:
        holder.kill()
        holder.wait()
    # Once that build is gone, its folder is stale and is cleared.
    release_staging(make_staging(bundle))
    assert not held.exists()


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
