"""The studio's secret stays in the studio, and what it serves is what was published.

Each test here is one way the studio was broken on purpose (docs/studio.md,
"How it is made safe"): a real studio process, a real Chromium where the
fault needs a browser (cookies, history, a hostile page), real HTTP
otherwise.
"""

from __future__ import annotations

import hashlib
import http.client
import http.server
import json
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from audio_leaflet.studio.desk import MAX_UPLOAD_BYTES, Desk, StudioError
from helpers.browser import CHROMIUM, CHROMIUM_ARGS
from helpers.pipeline import small_leaflet
from helpers.studio import Studio, multipart, post_form, running_studio

SLUG = "sleep-and-dystonia"


def _build_small(folder: Path, cache: Path) -> None:
    """A real bundle of a small leaflet in `folder` (espeak-ng, the fastest voice)."""
    small_leaflet("pipeline-sleep.txt", folder)
    (folder / "audio-leaflet.toml").write_text('engine = "espeak"\ncheck = false\n')
    built = subprocess.run(
        [sys.executable, "-m", "audio_leaflet", "build", "pipeline-sleep.txt"],
        cwd=folder,
        env={**os.environ, "AUDIO_LEAFLET_CACHE": str(cache)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> Path:
    folder = tmp_path_factory.mktemp("charity")
    _build_small(folder, session_cache)
    return folder


@pytest.fixture(scope="module")
def studio(project: Path, session_cache: Path) -> Iterator[Studio]:
    with running_studio(project, session_cache) as running:
        yield running


def _replace_published(project: Path, name: str, data: bytes, *, update_manifest: bool) -> None:
    """What anything able to write into the out-dir (a sync job, a shared folder) can do."""
    bundle = project / "audio_out" / SLUG
    (bundle / name).write_bytes(data)
    if update_manifest:
        manifest = json.loads((bundle / "manifest.json").read_text())
        manifest["files"][name] = hashlib.sha256(data).hexdigest()
        (bundle / "manifest.json").write_text(json.dumps(manifest))


def test_a_published_file_that_no_longer_matches_its_manifest_is_not_served(
    studio: Studio, project: Path
) -> None:
    cookie, _ = studio.session()
    key = studio.published_key(cookie)
    player = f"/published/{key}/{SLUG}/index.html"
    status, headers, _ = studio.request("GET", player)
    assert status == 200
    policy = headers["content-security-policy"]
    assert policy.startswith("sandbox allow-scripts") and "allow-same-origin" not in policy
    original = (project / "audio_out" / SLUG / "index.html").read_bytes()
    try:
        _replace_published(project, "index.html", b"<script>evil()</script>", update_manifest=False)
        status, _, body = studio.request("GET", player)
        assert status == 404 and b"evil" not in body
        audio = f"/published/{key}/{SLUG}/{SLUG}.mp3"
        assert studio.request("GET", audio)[0] == 200
        _replace_published(project, f"{SLUG}.vtt", b"WEBVTT\n\nchanged\n", update_manifest=False)
        assert studio.request("GET", f"/published/{key}/{SLUG}/{SLUG}.vtt")[0] == 404
    finally:
        _replace_published(project, "index.html", original, update_manifest=False)


def test_an_upload_is_cut_off_at_its_limit_whatever_it_claims(studio: Studio) -> None:
    cookie, form_token = studio.session()
    body, content_type = multipart(
        "leaflet",
        "huge.txt",
        b"a" * (MAX_UPLOAD_BYTES + 2 * 1024 * 1024),
        {"form_token": form_token},
    )
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        for start in range(0, len(body), 65536):
            sent += 65536
            yield body[start : start + 65536]

    connection = http.client.HTTPConnection(studio.host, studio.port, timeout=120)
    try:
        connection.request(
            "POST",
            "/upload",
            body=chunks(),
            headers={
                "Cookie": cookie,
                "Origin": studio.origin,
                "Content-Type": content_type,
                "Transfer-Encoding": "chunked",
            },
            encode_chunked=True,
        )
        response = connection.getresponse()
        status, page = response.status, response.read()
    except (BrokenPipeError, ConnectionResetError):
        status, page = 413, b"too large"  # the studio stopped reading and closed
    finally:
        connection.close()
    assert status == 413 and b"too large" in page
    assert not (studio.folder / "leaflets" / "huge.txt").exists()


def test_a_project_file_broken_while_the_studio_runs_is_a_page_naming_it(
    tmp_path: Path, session_cache: Path
) -> None:
    small_leaflet("pipeline-sleep.txt", tmp_path)
    with running_studio(tmp_path, session_cache) as studio:
        cookie, form_token = studio.session()
        (tmp_path / "audio-leaflet.toml").write_text('wpm = "fast"\n')
        for path in (
            "/",
            "/leaflet?path=pipeline-sleep.txt",
            "/sentence.wav?path=pipeline-sleep.txt&chapter=1&sentence=0",
            "/audio?slug=sleep-and-dystonia&from=published&file=x.mp3",
        ):
            status, _, body = studio.request("GET", path, headers={"Cookie": cookie})
            assert status == 400, path
            assert b"audio-leaflet.toml" in body and b"wpm" in body, path
            assert b"Traceback" not in body
        fields = {"form_token": form_token, "path": "pipeline-sleep.txt"}
        status, _, body = post_form(studio, "/build", fields, cookie, studio.origin)
        assert status == 400 and b"wpm" in body


@pytest.mark.parametrize("nothing", ["…", "\u200b", "\u00ad", "★ ★ ★", "  "])
def test_an_edit_with_nothing_to_say_is_refused(
    nothing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AUDIO_LEAFLET_CACHE", str(tmp_path / "cache"))
    (tmp_path / "audio-leaflet.toml").write_text('engine = "espeak"\n')
    desk = Desk()
    ref = desk.add_sample()
    chapter = desk.view(ref, chapter=2).chapter
    script = tmp_path / "narration" / "botulinum-toxin-injections-for-dystonia" / chapter.script
    before = script.read_bytes()
    with pytest.raises(StudioError, match="must have words to say"):
        desk.edit(ref, chapter.number, 0, nothing, chapter.script_sha256)
    assert script.read_bytes() == before


def test_the_browser_is_opened_on_a_private_file_without_waiting_for_it(
    tmp_path: Path, session_cache: Path
) -> None:
    """$BROWSER may be a program that waits until it is closed (a text browser, a wrapper)."""
    argv_file = tmp_path / "browser-argv.txt"
    browser = tmp_path / "slow-browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {argv_file}\nsleep 60\n')
    browser.chmod(0o755)
    process = subprocess.Popen(
        [sys.executable, "-m", "audio_leaflet", "studio", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "AUDIO_LEAFLET_CACHE": str(session_cache), "BROWSER": str(browser)},
    )
    try:
        assert process.stdout is not None
        address = process.stdout.readline().strip()
        opening = process.stdout.readline().strip()
        deadline = time.monotonic() + 60
        while not argv_file.exists():
            assert time.monotonic() < deadline, "the browser was never started"
            time.sleep(0.05)
        # The studio answers while the browser program still runs.
        host, port = address.split("//")[1].split("/")[0].split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 401
        connection.close()
        # The browser's command line names the private file, never a secret.
        argv = argv_file.read_text().split()
        assert argv == [opening]
        token = address.split("token=")[1]
        page = Path(opening.removeprefix("file://")).read_text()
        secret = page.split('name="secret" value="')[1].split('"')[0]
        for pid in (process.pid, *_children(process.pid)):
            command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            assert token not in command_line and secret not in command_line
        assert stat.S_IMODE(Path(opening.removeprefix("file://")).stat().st_mode) == 0o600
    finally:
        process.terminate()
        process.wait(timeout=20)
        subprocess.run(["pkill", "-f", str(browser)], check=False)
    assert not Path(opening.removeprefix("file://")).exists(), "the opening file is removed"


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


# --------------------------------------------------------------------------
# in a real browser
# --------------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Another local server (any program on this computer): records the cookies it is sent."""

    cookies: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        _Recorder.cookies.append(self.headers.get("Cookie") or "")
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<!doctype html><title>another local server</title>")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def other_server() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.cookies = []
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()


@pytest.mark.slow
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_in_chromium_the_secret_stays_in_the_studio(
    studio: Studio, project: Path, other_server: int, tmp_path: Path
) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    profile = tmp_path / "profile"
    lexicon = project / "lexicon.toml"
    with sync_api.sync_playwright() as driver:
        context = driver.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        page = context.pages[0] if context.pages else context.new_page()
        # Opened as `audio-leaflet studio` opens it: on the private file.
        page.goto(studio.opening_file.as_uri())
        page.wait_for_url(f"{studio.origin}/", timeout=30_000)
        assert page.locator("h1").inner_text() == "Leaflets"
        studio_cookies = [c for c in context.cookies() if c["name"].startswith("audio_leaflet")]
        assert len(studio_cookies) == 1 and studio_cookies[0]["domain"] == studio.host

        # Other local servers, on 127.0.0.1 or localhost, never get the studio's cookie.
        for host in ("127.0.0.1", "localhost"):
            page.goto(f"http://{host}:{other_server}/")
        assert len(_Recorder.cookies) >= 2  # the pages (and a favicon)
        assert not any("audio_leaflet" in cookie for cookie in _Recorder.cookies)

        # A bundle page replaced by something that can write into the out-dir, its
        # manifest changed to match, runs in a sandbox with no origin: it cannot read the
        # studio's page for its form token, nor post to it, nor send its cookie.
        bundle = project / "audio_out" / SLUG
        original = {n: (bundle / n).read_bytes() for n in ("index.html", "manifest.json")}
        hostile = (
            b"<!doctype html><title>hostile</title><script>(async () => {"
            b"const seen = [];"
            b"try { const r = await fetch('/', {credentials: 'include'});"
            b" seen.push('read ' + r.status);"
            b" const page = await r.text();"
            b' const m = page.match(/form-token" content="([^"]+)/);'
            b" const body = new URLSearchParams({form_token: m ? m[1] : '',"
            b" path: 'pipeline-sleep.txt', word: 'never', say: 'always'});"
            b" const p = await fetch('/word', {method: 'POST', body, credentials: 'include'});"
            b" seen.push('post ' + p.status);"
            b"} catch (e) { seen.push('refused ' + e.name); }"
            b"try { seen.push('cookie [' + document.cookie + ']'); }"
            b" catch (e) { seen.push('no cookie'); }"
            b"document.title = 'done: ' + seen.join('; ');"
            b"})();</script>"
        )
        try:
            _replace_published(project, "index.html", hostile, update_manifest=True)
            cookie, _ = studio.session()
            key = studio.published_key(cookie)
            page.goto(f"{studio.origin}/published/{key}/{SLUG}/index.html")
            deadline = time.monotonic() + 30
            while not page.title().startswith("done"):
                assert time.monotonic() < deadline, page.title()
                time.sleep(0.1)
            title = page.title()
        finally:
            for name, data in original.items():
                (bundle / name).write_bytes(data)
        # It ran ("done"), and every attempt was refused by the browser.
        assert "read " not in title and "post " not in title, title
        assert "audio_leaflet" not in title
        assert not lexicon.exists(), "nothing was saved"
        context.close()

    # The browser's history holds no secret: the opening file posted it.
    with sqlite3.connect(profile / "Default" / "History") as history:
        urls = [row[0] for row in history.execute("SELECT url FROM urls")]
    assert urls, "Chromium recorded no history"
    assert not any(studio.entry_secret in url or "token=" in url for url in urls), urls
