"""Faults during a build (issue 4, docs/safety.md): kills, a failing engine, two builds at once.

Whatever happens, the bundle published before stays complete and matches its
manifest, and the speech already made is kept and never made twice. Builds
that are killed run as real processes (`python -m audio_leaflet build`) and
are stopped with SIGKILL at points found by watching their files: the sentence
cache, and the staging folder the bundle is built in.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from audio_leaflet import engines
from audio_leaflet.cache import AudioCache, sentence_key
from audio_leaflet.cli import cli
from audio_leaflet.engines.piper import PiperEngine
from audio_leaflet.errors import EngineError
from audio_leaflet.manifest import Manifest, verify_files
from audio_leaflet.model import Clip
from audio_leaflet.pipeline import build_leaflet
from helpers.pipeline import (
    assert_bundle_is,
    build_command,
    cached_sentences,
    kill_when,
    manifest_of,
    settings_for,
    small_leaflet,
    staging_folders,
    start,
)

OLD_TIPS = (
    "Keep a regular bedtime. Avoid screens in the hour before bed. "
    "Talk to your doctor if pain keeps you awake."
)
NEW_TIPS = (
    "Go to bed at the same time each night. Keep your bedroom cool and dark. "
    "A warm bath before bed can relax tight muscles. Write down your worries before you sleep. "
    "Talk to your doctor if pain keeps you awake."
)


def _edit(leaflet: Path) -> None:
    text = leaflet.read_text(encoding="utf-8")
    assert OLD_TIPS in text
    leaflet.write_text(text.replace(OLD_TIPS, NEW_TIPS), encoding="utf-8")


def _in_staging(out_dir: Path, pattern: str) -> bool:
    for folder in staging_folders(out_dir):
        try:
            if next(folder.glob(pattern), None):
                return True
        except FileNotFoundError:  # published or removed between listing and looking
            continue
    return False


@pytest.mark.slow
def test_sigkill_at_any_point_keeps_the_last_bundle_and_all_speech(
    tmp_path: Path, session_cache: Path
) -> None:
    work = tmp_path / "work"
    out_dir = work / "audio_out"
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path)
    settings = settings_for(work, session_cache)
    first = build_leaflet(leaflet, settings)
    published = (first.bundle / "manifest.json").read_bytes()
    _edit(leaflet)
    kept = cached_sentences(session_cache)

    def run_and_kill(when: str, *extra: str) -> None:
        nonlocal kept
        process = start(build_command(leaflet, work, session_cache, *extra), tmp_path)
        kill_when(process, kill_points[when])
        assert_bundle_is(first.bundle, published)
        now = cached_sentences(session_cache)
        assert {name: now[name] for name in kept} == kept, (
            f"killed {when}: no sentence was spoken twice (cache entries keep their inode)"
        )
        kept = now

    kill_points = {
        "after two new sentences reached the cache": lambda: (
            len(cached_sentences(session_cache)) >= len(kept) + 2
        ),
        "while encoding MP3s": lambda: _in_staging(out_dir, "*.mp3"),
        "while writing captions, player page and zip": lambda: _in_staging(out_dir, "*.m3u8"),
        # With the listening check on, the bundle is complete in staging (its
        # manifest written) for seconds before it is published: the last moment.
        "right before publishing": lambda: _in_staging(out_dir, "manifest.json"),
    }
    run_and_kill("after two new sentences reached the cache", "--no-check")
    run_and_kill("while encoding MP3s", "--no-check")
    run_and_kill("while writing captions, player page and zip", "--check")
    run_and_kill("right before publishing", "--check")
    assert staging_folders(out_dir), "the killed builds left staging folders behind"

    result = build_leaflet(leaflet, settings)

    assert not staging_folders(out_dir), "the next build cleared the leftover staging folders"
    final = cached_sentences(session_cache)
    assert {name: final[name] for name in kept} == kept, "nothing spoken again"
    assert result.synthesized == len(final) - len(kept)
    manifest = manifest_of(result.bundle)
    assert verify_files(result.bundle, Manifest.from_json(manifest)) == []
    assert [h["build"] for h in manifest["history"]] == [1, 2]
    spoken = {c["text"] for chapter in manifest["chapters"] for c in chapter["cues"]}
    assert "Keep your bedroom cool and dark." in spoken
    assert "Keep a regular bedtime." not in spoken


@pytest.mark.slow
def test_a_second_build_of_the_same_leaflet_stops_with_a_clear_message(
    tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    cache = tmp_path / "cache"  # empty, so the first build is still speaking
    leaflet = small_leaflet("pipeline-work.txt", tmp_path)
    first = start(build_command(leaflet, work, cache, "--no-check"), tmp_path)
    # The lock lives with the cache, named by the out-dir: never in the folder staff upload.
    locks = cache / "locks"
    deadline = time.monotonic() + 300
    while not any(
        p.read_text().startswith("pid") for p in locks.glob("*-leaflet-dystonia-at-work.lock")
    ):
        assert first.poll() is None and time.monotonic() < deadline, "first build never locked"
        time.sleep(0.05)

    second = subprocess.run(
        build_command(leaflet, work, cache, "--no-check"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert second.returncode == 1
    assert second.stdout == ""
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert lines[0].startswith("Error: another build of 'dystonia-at-work' is running (pid ")
    assert "wait for it to finish" in lines[0]
    assert first.poll() is None, "the second build did not disturb the first"
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    bundle = work / "audio_out" / "dystonia-at-work"
    assert out.strip() == str(bundle)
    assert verify_files(bundle, Manifest.from_json(manifest_of(bundle))) == []


@pytest.mark.slow
def test_a_build_from_another_cache_folder_is_stopped_too(tmp_path: Path) -> None:
    """Two staff members (or the studio and a terminal) with their own cache folders."""
    work = tmp_path / "work"
    leaflet = small_leaflet("pipeline-work.txt", tmp_path)
    first = start(build_command(leaflet, work, tmp_path / "cache-a", "--no-check"), tmp_path)
    deadline = time.monotonic() + 300
    while not staging_folders(work / "audio_out"):
        assert first.poll() is None and time.monotonic() < deadline, "first build never staged"
        time.sleep(0.05)

    second = subprocess.run(
        build_command(leaflet, work, tmp_path / "cache-b", "--no-check"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert second.returncode == 1, second.stderr
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1, second.stderr
    assert lines[0].startswith("Error: another build of 'dystonia-at-work' is writing into ")
    assert "wait for it to finish" in lines[0]
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    bundle = work / "audio_out" / "dystonia-at-work"
    assert out.strip() == str(bundle)
    assert verify_files(bundle, Manifest.from_json(manifest_of(bundle))) == []
    assert staging_folders(work / "audio_out") == []


@pytest.mark.parametrize("full", ["out-dir", "cache"])
def test_a_full_disk_names_where_in_one_line(full: str, tmp_path: Path, small_disk: Path) -> None:
    work = tmp_path / "work"
    cache = tmp_path / "cache"
    if full == "out-dir":
        work = small_disk
    else:
        cache = small_disk / "cache"
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path)
    result = CliRunner(mix_stderr=False).invoke(
        cli, build_command(leaflet, work, cache, "--engine", "espeak", "--no-check")[3:]
    )
    assert result.exit_code == 1
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert line.startswith(f"Error: No space left on device ({small_disk}/"), line
    assert "free some disk space" in line
    assert staging_folders(work / "audio_out") == []


class FailingPiper(PiperEngine):
    """The real Piper voice, failing once it has said `budget` sentences (fault injection)."""

    NAME = "failing-piper"
    budget: ClassVar[int] = 1_000
    spoken: ClassVar[list[str]] = []
    """Cache keys of the sentences said (text and speed: a chapter may be re-said faster)."""

    def synthesize(self, engine_text: str) -> Clip:
        if FailingPiper.budget <= 0:
            raise EngineError("the failing-piper voice stopped half-way (fault injected by a test)")
        FailingPiper.budget -= 1
        clip = super().synthesize(engine_text)
        FailingPiper.spoken.append(sentence_key(self.settings_key(), engine_text))
        return clip


@pytest.mark.slow
def test_an_engine_failing_half_way_keeps_the_bundle_and_the_speech_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(engines.ENGINES, FailingPiper.NAME, FailingPiper)  # type: ignore[arg-type]
    monkeypatch.setattr(FailingPiper, "budget", 1_000)
    monkeypatch.setattr(FailingPiper, "spoken", [])
    work = tmp_path / "work"
    cache = tmp_path / "cache"
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path)
    settings = settings_for(work, cache, engine=FailingPiper.NAME)
    first = build_leaflet(leaflet, settings)
    published = (first.bundle / "manifest.json").read_bytes()
    _edit(leaflet)
    FailingPiper.budget = 2
    FailingPiper.spoken.clear()

    runner = CliRunner(mix_stderr=False)
    outcome = runner.invoke(
        cli,
        [
            "build",
            str(leaflet),
            "--engine",
            FailingPiper.NAME,
            "--out-dir",
            str(settings.out_dir),
            "--narration-dir",
            str(settings.narration_dir),
            "--cache-dir",
            str(cache),
            "--no-check",
        ],
    )

    assert outcome.exit_code == 1
    assert outcome.stdout == ""
    assert outcome.stderr.strip().splitlines()[-1] == (
        "Error: the failing-piper voice stopped half-way (fault injected by a test)"
    )
    assert_bundle_is(first.bundle, published)
    assert not staging_folders(settings.out_dir)
    before_fault = list(FailingPiper.spoken)
    assert len(before_fault) == 2
    assert all(AudioCache(cache).get_sentence(key) for key in before_fault), "kept in the cache"

    FailingPiper.budget = 1_000
    FailingPiper.spoken.clear()
    result = build_leaflet(leaflet, settings)

    assert not set(FailingPiper.spoken) & set(before_fault), "speech made before the fault reused"
    assert result.synthesized == len(FailingPiper.spoken) >= 1
    manifest = manifest_of(result.bundle)
    assert verify_files(result.bundle, Manifest.from_json(manifest)) == []
    assert manifest["engine"]["name"] == FailingPiper.NAME
    assert [h["build"] for h in manifest["history"]] == [1, 2]
