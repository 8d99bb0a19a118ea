"""Where the sentence cache lives, and what its keys cover (issue 4, item 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from audio_leaflet import cache as cache_module
from audio_leaflet.cache import sentence_key
from audio_leaflet.config import default_cache_dir
from helpers.pipeline import cached_sentences, small_leaflet


def test_cache_folder_from_environment_then_xdg_then_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("AUDIO_LEAFLET_CACHE", raising=False)
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "audio-leaflet"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "audio-leaflet"
    monkeypatch.setenv("AUDIO_LEAFLET_CACHE", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


def test_the_synthesis_version_is_part_of_every_sentence_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = sentence_key("piper|joe|150|22050", "Hello.")
    monkeypatch.setattr(cache_module, "SYNTHESIS_VERSION", "next")
    assert sentence_key("piper|joe|150|22050", "Hello.") != before


@pytest.mark.slow
def test_a_build_keeps_its_speech_where_audio_leaflet_cache_says(tmp_path: Path) -> None:
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path)
    cache = tmp_path / "speech-cache"
    home = tmp_path / "home"
    environment = {**os.environ, "AUDIO_LEAFLET_CACHE": str(cache), "HOME": str(home)}
    environment.pop("XDG_CACHE_HOME", None)
    built = subprocess.run(
        [sys.executable, "-m", "audio_leaflet", "build", str(leaflet), "--no-check"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stderr
    assert len(cached_sentences(cache)) >= 10
    # (onnxruntime keeps a device id under ~/.cache/Microsoft; that is not ours.)
    assert not (home / ".cache" / "audio-leaflet").exists(), "not the default cache"
    assert (tmp_path / "audio_out" / "sleep-and-dystonia" / "manifest.json").is_file()
