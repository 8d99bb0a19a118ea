"""The studio's pages and actions (Starlette), over `studio.desk.Desk`.

Pages are Jinja templates that escape everything by default; every asset
is served from the package, and the Content-Security-Policy allows nothing
else, so leaflet text can never become markup or script. Every action that
changes a file is a POST checked by `studio.guard.Guard`, answered with a
redirect to the page that shows the result (so reloading never repeats it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from audio_leaflet import __version__
from audio_leaflet.errors import AudioLeafletError
from audio_leaflet.studio.desk import MAX_UPLOAD_BYTES, Desk, LeafletRef, StudioError
from audio_leaflet.studio.guard import FORM_FIELD, Guard

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
STATIC_FILES = {"studio.css": "text/css", "studio.js": "text/javascript"}

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)

BUILD_STOP_WAIT_S = 2.0
"""How long Ctrl-C waits for a running build to stop and clean up before the studio ends."""

PLAYER_POLICY = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src 'self'; media-src 'self'; connect-src 'self'; frame-ancestors 'none'"
)
"""For a published bundle's web player (made to work from disk, so its script is inline)."""

_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".m3u8": "audio/x-mpegurl",
    ".zip": "application/zip",
    ".epub": "application/epub+zip",
}


def _media_type(name: str) -> str:
    return _MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


# Messages a redirect may ask a page to show: named, never taken from the address.
NOTICES = {
    "added": "The leaflet was added. Its narration scripts are in the narration folder.",
    "edited": "Saved to the narration script. The sentence will be spoken at the next build.",
    "word": "Saved to the project lexicon. Sentences marked “to be spoken” will be "
    "spoken again at the next build.",
    "restored": "The earlier version is published again. The one it replaced is kept below.",
}

_templates = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def _when(iso: str) -> str:
    """ "2026-12-02T13:07:07Z" as people say it: "2 December 2026 at 13:07 (UTC)"."""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return "at an unknown time"
    return f"{moment.day} {moment:%B %Y} at {moment:%H:%M} (UTC)"


_templates.filters["when"] = _when


class _Guarded:
    """Refuses every request the guard does not let through, before any route sees it."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = self.guard.refuse(Request(scope))
            if refusal is not None:
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    # "no-referrer" would make Chromium send "Origin: null" on our own forms.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def make_app(desk: Desk, guard: Guard) -> Starlette:
    """The studio as an ASGI app."""

    def page(name: str, status: int = 200, **values: Any) -> Response:
        values = {"notice": "", "error": "", **values}
        html = _templates.get_template(name).render(
            form_token=guard.form_token, form_field=FORM_FIELD, version=__version__, **values
        )
        return _secure(HTMLResponse(html, status_code=status))

    def leaflet_address(ref: LeafletRef, notice: str = "", anchor: str = "") -> str:
        query = {"path": ref.key, **({"notice": notice} if notice else {})}
        return f"/leaflet?{urlencode(query)}{'#' + anchor if anchor else ''}"

    def find(key: str | None) -> LeafletRef | None:
        try:
            return desk.find(key or "")
        except KeyError:
            return None

    def not_found() -> Response:
        return _secure(PlainTextResponse("No such leaflet in this studio.", status_code=404))

    async def checked_form(request: Request, **limits: int) -> tuple[Any, Response | None]:
        """A POST's form, and the guard's refusal of it (None when it may go on)."""
        form = await request.form(**({"max_files": 0, "max_fields": 20} | limits))
        value = form.get(FORM_FIELD)
        return form, guard.refuse_change(request, value if isinstance(value, str) else None)

    async def leaflet_form(request: Request) -> tuple[Any, LeafletRef] | Response:
        """A checked POST about one leaflet: its form and the leaflet, or the answer to
        give instead (the refusal, or 404 for a leaflet the studio does not list)."""
        form, refusal = await checked_form(request)
        if refusal:
            return refusal
        ref = find(form.get("path"))
        return (form, ref) if ref else not_found()

    def home_page(request: Request, error: str = "", status: int = 200) -> Response:
        try:
            leaflets = desk.leaflets()
        except AudioLeafletError as failure:  # a project file that cannot be read
            leaflets, error, status = [], str(failure), 400
        return page(
            "home.html",
            status,
            leaflets=leaflets,
            folder=str(desk.folder),
            error=error,
            max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
        )

    async def home(request: Request) -> Response:
        return home_page(request)

    async def add_sample(request: Request) -> Response:
        _form, refusal = await checked_form(request)
        if refusal:
            return refusal
        ref = desk.add_sample()
        return RedirectResponse(leaflet_address(ref, "added"), status_code=303)

    async def upload(request: Request) -> Response:
        length = request.headers.get("content-length")
        if length is None:
            return PlainTextResponse("An upload must say its length.", status_code=411)
        if not length.isdigit() or int(length) > MAX_UPLOAD_BYTES + 64 * 1024:
            return home_page(request, "That file is too large for a leaflet.", 413)
        form, refusal = await checked_form(
            request, max_files=1, max_fields=3, max_part_size=64 * 1024
        )
        if refusal:
            return refusal
        upload = form.get("leaflet")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return home_page(request, "Choose a leaflet file to add.", 400)
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            ref = desk.add_upload(upload.filename, data)
        except StudioError as error:
            return home_page(request, str(error), 400)
        return RedirectResponse(leaflet_address(ref, "added"), status_code=303)

    async def leaflet_page(
        ref: LeafletRef, request: Request, error: str = "", status: int = 200
    ) -> Response:
        try:
            view = await run_in_threadpool(desk.view, ref)
        except AudioLeafletError as failure:
            return page("problem.html", 400, ref=ref, error=str(failure))
        notice = NOTICES.get(request.query_params.get("notice", ""), "")
        job = desk.job if desk.job and desk.job.ref.key == ref.key else None
        return page("leaflet.html", status, view=view, notice=notice, error=error, job=job)

    async def leaflet(request: Request) -> Response:
        ref = find(request.query_params.get("path"))
        return (await leaflet_page(ref, request)) if ref else not_found()

    def numbers(source: Any) -> tuple[int, int] | None:
        try:
            return int(source.get("chapter", "")), int(source.get("sentence", ""))
        except ValueError:
            return None

    async def sentence_audio(request: Request) -> Response:
        ref = find(request.query_params.get("path"))
        where = numbers(request.query_params)
        if ref is None or where is None:
            return not_found()
        try:
            data, spoken = await run_in_threadpool(desk.take, ref, *where)
        except KeyError:
            return not_found()
        except AudioLeafletError as error:
            return PlainTextResponse(str(error), status_code=500)
        response = Response(data, media_type="audio/wav")
        response.headers["X-Spoken-Now"] = "1" if spoken else "0"
        return _secure(response)

    async def edit(request: Request) -> Response:
        checked = await leaflet_form(request)
        if isinstance(checked, Response):
            return checked
        form, ref = checked
        where = numbers(form)
        if where is None:
            return not_found()
        try:
            text, seen = str(form.get("text", "")), str(form.get("script_sha256", ""))
            await run_in_threadpool(desk.edit, ref, *where, text, seen)
        except KeyError:
            return not_found()
        except StudioError as error:
            return await leaflet_page(ref, request, str(error), 400)
        anchor = f"s-{where[0]}-{where[1]}"
        return RedirectResponse(leaflet_address(ref, "edited", anchor), status_code=303)

    async def try_word(request: Request) -> Response:
        params = request.query_params
        ref = find(params.get("path"))
        if ref is None:
            return not_found()
        try:
            data = await run_in_threadpool(
                desk.try_word, ref, params.get("word", ""), params.get("say", "")
            )
        except StudioError as error:
            return PlainTextResponse(str(error), status_code=400)
        return _secure(Response(data, media_type="audio/wav"))

    async def save_word(request: Request) -> Response:
        checked = await leaflet_form(request)
        if isinstance(checked, Response):
            return checked
        form, ref = checked
        try:
            word, say = str(form.get("word", "")), str(form.get("say", ""))
            await run_in_threadpool(desk.save_word, word, say)
        except StudioError as error:
            return await leaflet_page(ref, request, str(error), 400)
        return RedirectResponse(leaflet_address(ref, "word", "narration"), status_code=303)

    async def build(request: Request) -> Response:
        checked = await leaflet_form(request)
        if isinstance(checked, Response):
            return checked
        _form, ref = checked
        try:
            desk.start_build(ref)
        except StudioError as error:
            return await leaflet_page(ref, request, str(error), 409)
        return RedirectResponse(leaflet_address(ref, anchor="build"), status_code=303)

    async def build_state(request: Request) -> Response:
        job = desk.job
        return _secure(JSONResponse(job.to_json() if job else {"finished": True, "none": True}))

    async def restore(request: Request) -> Response:
        checked = await leaflet_form(request)
        if isinstance(checked, Response):
            return checked
        form, ref = checked
        try:
            await run_in_threadpool(desk.restore, ref, str(form.get("version", "")))
        except AudioLeafletError as error:
            return await leaflet_page(ref, request, str(error), 400)
        return RedirectResponse(leaflet_address(ref, "restored", "versions"), status_code=303)

    async def bundle_audio(request: Request) -> Response:
        params = request.query_params
        name = params.get("file", "")
        try:
            if not name.endswith(".mp3"):
                raise KeyError(name)
            path = desk.bundle_file(params.get("slug", ""), name, params.get("from", ""))
        except (KeyError, AudioLeafletError):
            return not_found()
        return _secure(FileResponse(path, media_type="audio/mpeg"))

    async def published(request: Request) -> Response:
        slug, name = request.path_params["slug"], request.path_params["name"]
        try:
            path = await run_in_threadpool(desk.bundle_file, slug, name)
        except KeyError:
            return not_found()
        response = FileResponse(path, media_type=_media_type(name))
        # The bundle's own web player, as listeners get it: its one inline script is ours.
        response.headers["Content-Security-Policy"] = PLAYER_POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Cache-Control"] = "no-cache"
        return response

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return not_found()
        response = FileResponse(STATIC / name, media_type=STATIC_FILES[name])
        response.headers["Cache-Control"] = "no-cache"
        return _secure(response)

    routes = [
        Route("/", home),
        Route("/add-sample", add_sample, methods=["POST"]),
        Route("/upload", upload, methods=["POST"]),
        Route("/leaflet", leaflet),
        Route("/sentence.wav", sentence_audio),
        Route("/edit", edit, methods=["POST"]),
        Route("/try-word.wav", try_word),
        Route("/word", save_word, methods=["POST"]),
        Route("/build", build, methods=["POST"]),
        Route("/build.json", build_state),
        Route("/restore", restore, methods=["POST"]),
        Route("/audio", bundle_audio),
        Route("/published/{slug}/{name}", published),
        Route("/static/{name}", static),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(desk.stop_building, BUILD_STOP_WAIT_S)

    return Starlette(
        routes=routes, middleware=[Middleware(_Guarded, guard=guard)], lifespan=lifespan
    )
