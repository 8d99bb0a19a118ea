"""The studio as a real server process: who may use it, and what it refuses.

Plain HTTP here (no browser); the staff journey in a real Chromium is in
test_studio_journey.py.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from audio_leaflet.read import SAMPLE_LEAFLET
from audio_leaflet.studio.desk import MAX_UPLOAD_BYTES
from helpers.studio import Studio, multipart, post_form, running_studio, stop

HOSTILE_LEAFLET = """# Tics & "twitches" <script>alert('title')</script>

## What is it?

A tic is a sudden movement. <img src=x onerror="alert('img')"> Quotes: "double" and 'single'.

## Getting help

Call us on 0300 123 4567 </textarea><script>alert('end')</script>.
"""


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory, session_cache: Path) -> Iterator[Studio]:
    folder = tmp_path_factory.mktemp("project")
    with running_studio(folder, session_cache) as running:
        yield running


def test_the_address_is_local_and_private(studio: Studio) -> None:
    # A loopback address of its own: a cookie for it reaches no other local server.
    assert studio.host.startswith("127.") and studio.host != "127.0.0.1"
    # Without the token: 401, and nothing of the studio is shown.
    status, _, body = studio.request("GET", "/")
    assert status == 401 and b"Leaflets" not in body and b"form_token" not in body
    # A wrong token in the address, or in the cookie: 403.
    status, headers, body = studio.request("GET", "/?token=guess")
    assert status == 403 and "set-cookie" not in headers and b"form_token" not in body
    status, _, body = studio.request(
        "GET", "/", headers={"Cookie": f"audio_leaflet_studio_{studio.port}=guess"}
    )
    assert status == 403 and b"form_token" not in body
    # Every address is guarded, the assets and audio too.
    for path in ("/static/studio.js", "/build.json", "/leaflet?path=x", "/sentence.wav"):
        assert studio.request("GET", path)[0] == 401, path


def test_the_printed_address_works_once_and_the_session_is_another_secret(
    tmp_path: Path, session_cache: Path
) -> None:
    with running_studio(tmp_path, session_cache) as studio:
        status, headers, _ = studio.request("GET", f"/?token={studio.token}")
        assert status == 303
        assert "token" not in headers["location"]
        cookie = headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
        value = headers["set-cookie"].split(";", 1)[0]
        # The address is now spent: found in a browser's history, it opens nothing.
        status, headers, body = studio.request("GET", f"/?token={studio.token}")
        assert status == 403 and "set-cookie" not in headers and b"form_token" not in body
        # The session's secret is none of those that were ever in an address or a file.
        session = value.split("=", 1)[1]
        assert session not in (studio.token, studio.entry_secret)
        status, _, body = studio.request("GET", "/", headers={"Cookie": value})
        assert status == 200 and b"<h1>Leaflets</h1>" in body


def test_the_opening_file_is_private_and_opens_the_studio(studio: Studio) -> None:
    import stat

    assert stat.S_IMODE(studio.opening_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(studio.opening_file.parent.stat().st_mode) == 0o700
    # A wrong secret opens nothing.
    status, headers, _ = studio.request(
        "POST",
        "/enter",
        body=b"secret=guess",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 403 and "set-cookie" not in headers
    cookie, _ = studio.session()  # the opening file's own secret, as often as needed
    cookie_again, _ = studio.session()
    assert cookie == cookie_again
    # Named by port too: two studios may be open at once.
    value = cookie
    assert value.startswith(f"audio_leaflet_studio_{studio.port}=")
    status, page_headers, body = studio.request("GET", "/", headers={"Cookie": value})
    assert status == 200 and b"<h1>Leaflets</h1>" in body
    assert "script-src 'self'" in page_headers["content-security-policy"]
    assert page_headers["x-content-type-options"] == "nosniff"


def test_another_host_name_is_refused(studio: Studio) -> None:
    """A page that points a name of its own at the studio (DNS rebinding) gets nothing."""
    cookie, _ = studio.session()
    status, _, body = studio.request(
        "GET", "/", headers={"Cookie": cookie, "Host": f"evil.example:{studio.port}"}
    )
    assert status == 403 and b"form_token" not in body


def test_a_change_needs_the_studio_origin_and_form_token(studio: Studio) -> None:
    cookie, form_token = studio.session()
    leaflets = studio.folder / "leaflets"
    for origin, fields in [
        (None, {"form_token": form_token}),  # no Origin at all
        ("https://evil.example", {"form_token": form_token}),  # a cross-site form
        (studio.origin, {}),  # our origin, no anti-forgery token
        (studio.origin, {"form_token": "forged"}),
    ]:
        status, _, _ = post_form(studio, "/add-sample", fields, cookie, origin)
        assert status == 403, (origin, fields)
        assert not (leaflets / "sample-leaflet.md").exists()
    # Without the session cookie even a correct form is refused.
    status, _, _ = post_form(studio, "/add-sample", {"form_token": form_token}, "", studio.origin)
    assert status == 401
    status, headers, _ = post_form(
        studio, "/add-sample", {"form_token": form_token}, cookie, studio.origin
    )
    assert status == 303 and headers["location"].startswith("/leaflet?path=leaflets%2Fsample")
    assert (leaflets / "sample-leaflet.md").read_bytes() == SAMPLE_LEAFLET.read_bytes()


def _upload(studio: Studio, name: str, data: bytes) -> tuple[int, dict[str, str], bytes]:
    cookie, form_token = studio.session()
    body, content_type = multipart("leaflet", name, data, {"form_token": form_token})
    return studio.request(
        "POST",
        "/upload",
        body=body,
        headers={"Cookie": cookie, "Origin": studio.origin, "Content-Type": content_type},
    )


def test_an_upload_name_cannot_leave_the_folder(studio: Studio) -> None:
    outside = studio.folder.parent
    before = set(outside.iterdir())
    for name in ("../../escape.md", "..\\..\\escape.md", "/etc/escape.md", "%2e%2e%2fescape.md"):
        status, headers, _ = _upload(studio, name, b"# Escape\n\nA leaflet with a wicked name.\n")
        assert status == 303, name
    assert set(outside.iterdir()) == before
    stored = sorted(p.name for p in (studio.folder / "leaflets").glob("escape*"))
    # The same file three times is one leaflet, stored once under a safe name.
    assert stored == ["escape.md"]
    assert "path=leaflets%2Fescape.md" in headers["location"]


def test_an_oversized_or_foreign_upload_is_refused(studio: Studio) -> None:
    status, _, body = _upload(studio, "huge.txt", b"a" * (MAX_UPLOAD_BYTES + 100 * 1024))
    assert status == 413 and b"too large" in body
    status, _, body = _upload(studio, "virus.exe", b"MZ\x90\x00")
    assert status == 400 and b"not .exe" in body
    status, _, body = _upload(studio, "empty.txt", b"")
    assert status == 400 and b"empty" in body
    names = {p.name for p in (studio.folder / "leaflets").glob("*")}
    assert not names & {"huge.txt", "virus.exe", "empty.txt"}


def test_addresses_reach_only_the_studios_leaflets_and_files(studio: Studio) -> None:
    cookie, _ = studio.session()
    (studio.folder.parent / "secret.txt").write_text("# Secret\n\nNot for the studio.\n")
    for path in (
        "/leaflet?path=..%2Fsecret.txt",
        "/leaflet?path=%2Fetc%2Fpasswd",
        "/sentence.wav?path=..%2Fsecret.txt&chapter=1&sentence=0",
        "/audio?slug=botulinum-toxin-injections-for-dystonia&from=published&file=..%2Fx.mp3",
        "/audio?slug=botulinum-toxin-injections-for-dystonia&from=published&file=manifest.json",
        "/audio?slug=..&from=published&file=secret.mp3",
        "/audio?slug=botulinum-toxin-injections-for-dystonia&from=..%2F..&file=x.mp3",
        "/static/..%2Fapp.py",
        "/audio?slug=" + "a" * 300 + "&from=published&file=x.mp3",  # too long for a file name
    ):
        status, _, body = studio.request("GET", path, headers={"Cookie": cookie})
        assert status == 404, path
        assert b"Secret" not in body and b"Traceback" not in body
    key = studio.published_key(cookie)
    for path in (
        f"/published/{key}/..%2F..%2Fsecret.txt/index.html",
        f"/published/{key}/botulinum-toxin-injections-for-dystonia/manifest.json",
        f"/published/{key}/{'a' * 300}/index.html",
    ):
        status, _, body = studio.request("GET", path)
        assert status == 404, path
        assert b"Secret" not in body and b"Traceback" not in body
    # Without the key (or with a wrong one) nothing published is served, cookie or not.
    for path in (
        "/published/botulinum-toxin-injections-for-dystonia/index.html",
        "/published/guess/botulinum-toxin-injections-for-dystonia/index.html",
    ):
        assert studio.request("GET", path, headers={"Cookie": cookie})[0] == 403, path


def test_hostile_text_is_escaped_in_the_page(studio: Studio) -> None:
    status, headers, _ = _upload(studio, "tics.md", HOSTILE_LEAFLET.encode())
    assert status == 303
    cookie, _ = studio.session()
    status, _, page = studio.request("GET", headers["location"], headers={"Cookie": cookie})
    assert status == 200
    assert page.count(b"<script") == 1  # the studio's own studio.js, nothing else
    assert b"<img" not in page and b"</textarea><script" not in page
    # The leaflet's text is shown as text, line by line as it was read.
    status, _, lines = studio.request(
        "GET", headers["location"].split("#")[0] + "&view=structure", headers={"Cookie": cookie}
    )
    assert status == 200 and lines.count(b"<script") == 1
    assert b"Tics &amp; &#34;twitches&#34;" in lines and b"alert(" not in lines
    assert b"<h1>Tics &amp; &#34;twitches&#34;</h1>" in page


def test_ctrl_c_stops_the_studio_at_once(tmp_path: Path, session_cache: Path) -> None:
    with running_studio(tmp_path, session_cache) as running:
        assert running.request("GET", "/")[0] == 401
        took = stop(running.process)
        assert running.process.returncode is not None
        assert took < 5, f"the studio took {took:.1f} s to stop"


@pytest.mark.slow
def test_a_build_refused_from_the_command_line_is_shown_and_heard(
    tmp_path: Path, session_cache: Path
) -> None:
    """A refusal outlives the process that made it: the studio lists it and plays its audio."""
    import re
    import subprocess
    import sys

    from helpers.pipeline import small_leaflet

    small_leaflet("pipeline-sleep.txt", tmp_path)
    (tmp_path / "lexicon.toml").write_text('[words.two]\nsay = "four"\n')  # "Section four of three"
    (tmp_path / "audio-leaflet.toml").write_text('engine = "espeak"\nlexicon = "lexicon.toml"\n')
    refused = subprocess.run(
        [sys.executable, "-m", "audio_leaflet", "build", "pipeline-sleep.txt"],
        cwd=tmp_path,
        env={**os.environ, "AUDIO_LEAFLET_CACHE": str(session_cache)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 1 and "listening check failed" in refused.stderr
    with running_studio(tmp_path, session_cache) as studio:
        cookie, _ = studio.session()
        status, _, page = studio.request(
            "GET", "/leaflet?path=pipeline-sleep.txt", headers={"Cookie": cookie}
        )
        assert status == 200
        assert b"The last build was not published" in page
        sources = re.findall(rb'data-src="(/audio\?[^"]+from=refused[^"]+)"', page)
        assert sources, "no finding can be played"
        address = sources[0].decode().replace("&amp;", "&")
        status, headers, audio = studio.request("GET", address, headers={"Cookie": cookie})
        assert status == 200 and headers["content-type"] == "audio/mpeg"
        assert audio[:3] == b"ID3"


def test_a_respelling_saved_keeps_what_the_word_had_as_a_comment() -> None:
    import tomllib

    from audio_leaflet.studio.changes import with_entry as _with_entry

    by_hand = (
        '# Our words.\n\n[words.dystonia]\nsay = "dis-TOH-nee-uh"\n\n'
        '[words."three"]\nipa = "θɹiː"\nnote = "Checked by Sam."\n\n'
        '[words.spasm]\nsay = "SPAZ-um"\n'
    )
    text = _with_entry(by_hand, "three", "threee")
    words = tomllib.loads(text)["words"]
    assert words == {
        "dystonia": {"say": "dis-TOH-nee-uh"},
        "spasm": {"say": "SPAZ-um"},
        "three": {"say": "threee"},
    }
    # Nothing written by hand is lost: the old entry is there, as comments.
    assert '# ipa = "θɹiː"' in text and '# note = "Checked by Sam."' in text
    assert text.startswith("# Our words.")


def test_a_copied_hospital_page_shows_what_was_left_out_and_why(studio: Studio) -> None:
    """A real-world page with its site menu: the menu is listed as not spoken, with why."""
    page_file = Path(__file__).parent / "fixtures" / "corpus" / "hospital-page.html"
    status, headers, _ = _upload(studio, page_file.name, page_file.read_bytes())
    assert status == 303
    cookie, _ = studio.session()
    address = headers["location"].split("#")[0] + "&view=left-out"
    status, _, page = studio.request("GET", address, headers={"Cookie": cookie})
    assert status == 200
    text = page.decode()
    assert "7 lines of the leaflet are not spoken" in text
    for line, reason in [("Our services", "site navigation"), ("Jobs", "site navigation")]:
        assert f"<tr><td>{line}</td><td>{reason}</td></tr>" in text
    assert "<h1>Botulinum toxin clinic</h1>" in text


@pytest.mark.slow
def test_ctrl_c_during_a_build_leaves_the_published_audio_and_no_staging(
    tmp_path: Path, session_cache: Path
) -> None:
    """The build stops as Ctrl-C stops one on the command line: its staging folder is
    removed, and what was published before is untouched."""
    import json
    import time

    folder, cache = tmp_path / "project", tmp_path / "cold-cache"  # cold: the build takes time
    folder.mkdir()
    with running_studio(folder, cache) as studio:
        cookie, form_token = studio.session()
        status, _, _ = post_form(
            studio, "/add-sample", {"form_token": form_token}, cookie, studio.origin
        )
        assert status == 303
        fields = {"form_token": form_token, "path": "leaflets/sample-leaflet.md"}
        assert post_form(studio, "/build", fields, cookie, studio.origin)[0] == 303
        for _ in range(600):
            state = json.loads(studio.request("GET", "/build.json", headers={"Cookie": cookie})[2])
            if state["stage"] == "Speaking" and state["done"] > 2:
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the build never got going: {state}")
        out_dir = folder / "audio_out"
        assert any(p.name.startswith(".") for p in out_dir.iterdir()), "no staging folder"
        took = stop(studio.process)
    assert took < 5, f"the studio took {took:.1f} s to stop"
    assert list(out_dir.iterdir()) == [], "a staging folder or bundle was left"


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    # A server listening on every address holds the port for the studio's own address too.
    holder = socket.socket()
    holder.bind(("0.0.0.0", 0))
    holder.listen()
    port = holder.getsockname()[1]
    taken = subprocess.run(
        [
            sys.executable,
            "-m",
            "audio_leaflet",
            "studio",
            str(tmp_path),
            "--port",
            str(port),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    holder.close()
    assert taken.returncode == 2 and taken.stdout == ""
    assert "cannot listen on 127." in taken.stderr and f":{port} (" in taken.stderr
    assert "Traceback" not in taken.stderr


def test_a_broken_project_file_is_named_on_the_home_page(
    tmp_path: Path, session_cache: Path
) -> None:
    (tmp_path / "audio-leaflet.toml").write_text('engine = "hibari"\nwpm = "fast"\n')
    with running_studio(tmp_path, session_cache) as studio:
        cookie, _ = studio.session()
        status, _, page = studio.request("GET", "/", headers={"Cookie": cookie})
    assert status == 400
    assert b"audio-leaflet.toml" in page and b"wpm" in page
