"""A real `audio-leaflet studio` process for tests, and plain HTTP requests to it."""

from __future__ import annotations

import http.client
import os
import re
import selectors
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlencode, urlsplit

START_TIMEOUT_S = 60


@dataclass
class Studio:
    process: subprocess.Popen[str]
    address: str
    """The first line it printed: http://127.X.Y.Z:PORT/?token=... (it works once)."""
    opening_file: Path
    """The second line: the private page that opens the studio (it posts the entry secret)."""
    folder: Path

    @property
    def host(self) -> str:
        return urlsplit(self.address).hostname or ""

    @property
    def port(self) -> int:
        return urlsplit(self.address).port or 0

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def token(self) -> str:
        return self.address.split("token=", 1)[1]

    @property
    def entry_secret(self) -> str:
        """The secret the opening file posts (read from the file, as the browser reads it)."""
        page = self.opening_file.read_text(encoding="utf-8")
        match = re.search(r'name="secret" value="([^"]+)"', page)
        assert match, "the opening file posts no secret"
        return match.group(1)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return (
                response.status,
                {k.lower(): v for k, v in response.getheaders()},
                response.read(),
            )
        finally:
            connection.close()

    def session(self) -> tuple[str, str]:
        """Enter as the browser opened on the opening file does: the cookie, and the form
        token of the home page."""
        status, headers, _ = self.request(
            "POST",
            "/enter",
            body=urlencode({"secret": self.entry_secret}).encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Origin": "null"},
        )
        assert status == 200, status
        cookie = headers["set-cookie"].split(";", 1)[0]
        _, _, page = self.request("GET", "/", headers={"Cookie": cookie})
        match = re.search(rb'name="form-token" content="([^"]+)"', page)
        assert match, "the page has no form token"
        return cookie, match.group(1).decode()

    def published_key(self, cookie: str) -> str:
        """The key of published files' addresses, as the studio's own page links them."""
        _, _, page = self.request("GET", "/", headers={"Cookie": cookie})
        match = re.search(rb'name="published-key" content="([^"]+)"', page)
        assert match, "the page gives no published key"
        return match.group(1).decode()


def post_form(
    studio: Studio, path: str, fields: dict[str, str], cookie: str, origin: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    if origin is not None:
        headers["Origin"] = origin
    return studio.request("POST", path, body=urlencode(fields).encode(), headers=headers)


def multipart(field: str, filename: str, data: bytes, extra: dict[str, str]) -> tuple[bytes, str]:
    """A multipart/form-data body with one file and some fields, and its content type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in extra.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@contextmanager
def running_studio(folder: Path, cache: Path) -> Iterator[Studio]:
    """Start the studio on a free port for `folder`; stop it with Ctrl-C (SIGINT) after."""
    env = {**os.environ, "AUDIO_LEAFLET_CACHE": str(cache)}
    process = subprocess.Popen(
        [sys.executable, "-m", "audio_leaflet", "studio", str(folder), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        chooser = selectors.DefaultSelector()
        chooser.register(process.stdout, selectors.EVENT_READ)
        if not chooser.select(timeout=START_TIMEOUT_S):
            raise AssertionError("the studio printed no address")
        first = process.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.\d+\.\d+\.\d+:\d+/\?token=[A-Za-z0-9_-]{40,}", first), (
            first
        )
        opening = process.stdout.readline().strip()
        assert opening.startswith("file:///"), opening
        yield Studio(process, first, Path(unquote(urlsplit(opening).path)), folder)
    finally:
        stop(process)


def stop(process: subprocess.Popen[str]) -> float:
    """Ctrl-C the studio; how long it took to end (it is killed after 20 s)."""
    if process.poll() is not None:
        return 0.0
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return time.monotonic() - started
