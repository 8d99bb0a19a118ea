"""audio-leaflet studio: proofread, hear, fix and publish leaflets in a browser (docs/studio.md).

`run_studio` serves `studio.app` on 127.0.0.1 for the leaflets of one
project folder; `studio.desk` does the work with the functions the command
line uses, and `studio.guard` decides who may.
"""

from __future__ import annotations

import os
import socket
import sys
import webbrowser
from pathlib import Path

from audio_leaflet.errors import UsageError


def run_studio(folder: Path, port: int = 0, open_browser: bool = True) -> None:
    """Serve the studio for `folder` until Ctrl-C; print its address first, on stdout."""
    import uvicorn

    from audio_leaflet.studio.app import make_app
    from audio_leaflet.studio.desk import Desk
    from audio_leaflet.studio.guard import Guard

    os.chdir(folder)  # relative paths then mean what they mean to `build` run here
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Reuse a port left in TIME_WAIT by a studio just closed; Linux still refuses
    # one another process is listening on.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
    except OSError as error:
        listener.close()
        raise UsageError(
            f"cannot listen on 127.0.0.1:{port} ({error.strerror}): "
            "choose another port with --port, or leave it out to use a free one"
        ) from error
    listener.listen(64)
    guard = Guard(listener.getsockname()[1])
    address = guard.start_address()
    print(address, flush=True)
    print(
        f"audio-leaflet studio for {Path('.').resolve()}: open the address above; Ctrl-C stops it.",
        file=sys.stderr,
        flush=True,
    )
    if open_browser:
        webbrowser.open(address)
    config = uvicorn.Config(
        make_app(Desk(), guard),
        log_level="warning",
        timeout_graceful_shutdown=1,
        access_log=False,
    )
    uvicorn.Server(config).run(sockets=[listener])
