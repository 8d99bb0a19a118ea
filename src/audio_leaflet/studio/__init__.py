"""audio-leaflet studio: proofread, hear, fix and publish leaflets in a browser (docs/studio.md).

`run_studio` serves `studio.app` on a loopback address of its own for the
leaflets of one project folder; `studio.desk` does the work with the
functions the command line uses, and `studio.guard` decides who may.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import sys
import tempfile
import threading
import webbrowser
from pathlib import Path

from audio_leaflet.errors import UsageError


def run_studio(folder: Path, port: int = 0, open_browser: bool = True) -> None:
    """Serve the studio for `folder` until Ctrl-C.

    Prints on stdout, first, an address that opens the studio once, then the
    private file that opens it as long as it runs (the browser is opened on
    that file: the secret never reaches a command line).
    """
    import uvicorn

    from audio_leaflet.studio.app import make_app
    from audio_leaflet.studio.desk import Desk
    from audio_leaflet.studio.guard import Guard, random_loopback_host

    os.chdir(folder)  # relative paths then mean what they mean to `build` run here
    host = random_loopback_host()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Reuse a port left in TIME_WAIT by a studio just closed; Linux still refuses
    # one another process is listening on.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        raise UsageError(
            f"cannot listen on {host}:{port} ({error.strerror}): "
            "choose another port with --port, or leave it out to use a free one"
        ) from error
    listener.listen(64)
    guard = Guard(host, listener.getsockname()[1])
    opening = _opening_file(guard.opening_page())
    print(guard.start_address(), flush=True)
    print(opening.as_uri(), flush=True)
    print(
        f"audio-leaflet studio for {Path('.').resolve()}: open the address above (it works "
        "once) or the file below it; Ctrl-C stops it.",
        file=sys.stderr,
        flush=True,
    )
    if open_browser:
        # In a thread: a browser named by $BROWSER that waits until it is closed
        # (a text browser, a wrapper script) must not hold the studio up.
        threading.Thread(
            target=webbrowser.open, args=(opening.as_uri(),), daemon=True, name="browser"
        ).start()
    config = uvicorn.Config(
        make_app(Desk(), guard),
        log_level="warning",
        timeout_graceful_shutdown=1,
        access_log=False,
    )
    uvicorn.Server(config).run(sockets=[listener])


def _opening_file(page: str) -> Path:
    """The page that opens the studio, in a folder only this user can read (removed at exit)."""
    folder = Path(tempfile.mkdtemp(prefix="audio-leaflet-studio-"))  # mode 0700
    path = folder / "open-studio.html"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(page)
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return path
