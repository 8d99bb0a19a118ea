"""A project file listing several leaflets: `build` with no argument builds them all (issue 4).

Run as real processes in the project's folder, with `--jobs 2` building two
leaflets at once in separate worker processes, the real Piper voice speaking.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from audio_leaflet.manifest import Manifest, verify_files
from helpers.pipeline import BASE_URL, SMALL_LEAFLETS, small_leaflet, snapshot

SLUGS = ("sleep-and-dystonia", "exercise-and-dystonia", "dystonia-at-work")


def _run(project: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "audio_leaflet", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_build_without_argument_builds_every_listed_leaflet_in_parallel(
    tmp_path: Path, session_cache: Path
) -> None:
    project = tmp_path / "project"
    for name in SMALL_LEAFLETS:
        small_leaflet(name, project / "leaflets")
    listed = ", ".join(f'"leaflets/{name}"' for name in SMALL_LEAFLETS)
    (project / "audio-leaflet.toml").write_text(
        f'cache-dir = "{session_cache}"\n'
        "check = false\n"
        f'base-url = "{BASE_URL}"\n'
        f"leaflets = [{listed}]\n",
        encoding="utf-8",
    )

    built = _run(project, "build", "--jobs", "2")

    assert built.returncode == 0, built.stderr
    out_dir = project / "audio_out"
    assert built.stdout.split() == [str(Path("audio_out") / slug) for slug in SLUGS]
    for slug in SLUGS:
        bundle = out_dir / slug
        manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
        assert verify_files(bundle, Manifest.from_json(manifest)) == []
        assert (project / "narration" / slug / "01-introduction.txt").is_file()
    # Built at once, yet the shared index and feed list all three.
    index = (out_dir / "index.html").read_text(encoding="utf-8")
    feed = (out_dir / "feed.xml").read_text(encoding="utf-8")
    for slug in SLUGS:
        assert f"{slug}/index.html" in index
        assert f"{BASE_URL}{slug}/{slug}.mp3" in feed
    assert feed.count("<item>") == 3

    before = snapshot(project)
    again = _run(project, "build")

    assert again.returncode == 0, again.stderr
    summaries = [line for line in again.stderr.splitlines() if not line.startswith("  ")]
    assert sorted(summaries) == sorted(f"{slug}: up to date, nothing rebuilt" for slug in SLUGS)
    assert snapshot(project) == before
