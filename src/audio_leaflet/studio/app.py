"""The studio's pages and actions (Starlette), over `studio.desk.Desk`.

Pages are Jinja templates that escape everything by default; every asset
is served from the package, and the Content-Security-Policy allows nothing
else, so leaflet text can never become markup or script. Every action that
changes a file is a POST checked by `studio.guard.Guard`, answered with a
redirect to the page that shows the result (so reloading never repeats it).

One error boundary (`_problem`), as the command line has one: a setting
that cannot be read is a 400 page naming it, something that is not there
(or cannot be: a 300-character name) a 404, anything else staff can act on
a 400 page saying what to do, and a bug a 500 page without a traceback
(logged on the terminal).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
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
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from audio_leaflet import __version__
from audio_leaflet.errors import AudioLeafletError, UsageError
from audio_leaflet.studio.desk import MAX_UPLOAD_BYTES, Desk, LeafletRef, NotFound, StudioError
from audio_leaflet.studio.guard import ENTER_PATH, FORM_FIELD, PUBLISHED_PREFIX, Guard
from audio_leaflet.studio.outline_edit import ROLE_NAMES

log = logging.getLogger(__name__)

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

PUBLISHED_POLICY = (
    "sandbox allow-scripts allow-downloads; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src 'self'; media-src 'self'; frame-ancestors 'none'"
)
"""For a published bundle's own files, its web player above all (made to work from disk, so
its script is inline). The sandbox gives the page no origin: its script runs, but it cannot
read the studio's pages, send the studio's cookie or post to it, whatever the file holds."""

UPLOAD_ALLOWANCE = 64 * 1024
"""Room an upload's form takes besides the file itself."""

_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".mp3": "audio/mpeg",
    ".m4b": "audio/mp4",
    ".vtt": "text/vtt; charset=utf-8",
    ".json": "application/json",
    ".jpg": "image/jpeg",
    ".m3u8": "audio/x-mpegurl",
    ".zip": "application/zip",
    ".epub": "application/epub+zip",
}
_SMALL_FILES = (".html", ".vtt", ".json", ".m3u8")
"""Files served from the very bytes whose checksum was compared (the rest, audio and
archives, are served from disk after their checksum is compared)."""


def _media_type(name: str) -> str:
    return _MEDIA_TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


# Messages a redirect may ask a page to show: named, never taken from the address.
NOTICES = {
    "added": "The leaflet was added. Its narration scripts are in the narration folder.",
    "edited": "Saved to the narration script. The sentence will be spoken at the next build.",
    "sentence-added": "The new sentence is saved to the narration script. It will be spoken "
    "at the next build.",
    "sentence-deleted": "The sentence is taken out of the narration script.",
    "outline": "Saved to the outline. The sections below are the leaflet as it is now read; "
    "the next build speaks them.",
    "word": "Saved to the project lexicon. Sentences marked “to be spoken” will be "
    "spoken again at the next build.",
    "word-removed": "Taken out of the project lexicon (kept in it as a comment).",
    "undone": "Undone.",
    "restored": "The earlier version is published again. The one it replaced is kept below.",
}
VIEWS = ("narration", "structure", "words", "left-out", "versions")
"""The parts of a leaflet's page, one shown at a time."""

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


# --------------------------------------------------------------------------
# what every request goes through
# --------------------------------------------------------------------------


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


class _BodyTooLarge(Exception):
    """A request body went past its limit while it was being read."""


class _LimitedBody:
    """Stops reading a request body past its limit, whatever its Content-Length claims.

    An upload may be at most MAX_UPLOAD_BYTES (and its form); any other request a
    few kilobytes of form. Counting what arrives is what holds: a chunked body
    (or one whose Content-Length lies) is cut off at the limit with 413.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD_BYTES + UPLOAD_ALLOWANCE if scope["path"] == "/upload" else 1 << 20
        claimed = dict(scope["headers"]).get(b"content-length", b"0")
        if claimed.isdigit() and int(claimed) > limit:
            await self._refuse(scope, receive, send)  # said too large before it is read
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _BodyTooLarge
            return message

        async def noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, noting_start)
        except _BodyTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
        mb = MAX_UPLOAD_BYTES // (1024 * 1024)
        response = _page(
            "problem.html",
            413,
            title="Too large",
            error=f"That is too large: a leaflet file may be at most {mb} MB.",
        )
        await response(scope, receive, send)


def _secure(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    # "no-referrer" would make Chromium send "Origin: null" on our own forms.
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _page(name: str, status: int = 200, guard: Guard | None = None, **values: Any) -> Response:
    values = {"notice": "", "error": "", "title": "", "notice_at": "", **values}
    html = _templates.get_template(name).render(
        form_token=guard.form_token if guard else "",
        form_field=FORM_FIELD,
        version=__version__,
        published=guard.published_path if guard else None,
        **values,
    )
    return _secure(HTMLResponse(html, status_code=status))


def _desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def _guard(request: Request) -> Guard:
    guard: Guard = request.app.state.guard
    return guard


def page(request: Request, name: str, status: int = 200, **values: Any) -> Response:
    """A page of the studio, with this session's form token."""
    return _page(name, status, _guard(request), **values)


async def _problem(request: Request, error: Exception) -> Response:
    """The studio's one error boundary (see the module's docstring)."""
    if isinstance(error, NotFound):
        return _secure(PlainTextResponse(str(error) or "Not found in this studio.", 404))
    if isinstance(error, UsageError):
        return page(
            request, "problem.html", 400, title="A setting cannot be used", error=str(error)
        )
    if isinstance(error, AudioLeafletError):
        return page(request, "problem.html", 400, title="That did not work", error=str(error))
    log.error("the studio met an internal error on %s", request.url.path, exc_info=error)
    return page(
        request,
        "problem.html",
        500,
        title="Internal error",
        error="The studio met an internal error (a bug in audio-leaflet); the terminal that "
        "started it shows the details. Nothing was changed.",
    )


# --------------------------------------------------------------------------
# helpers of the routes
# --------------------------------------------------------------------------


def leaflet_address(
    ref: LeafletRef,
    notice: str = "",
    anchor: str = "",
    view: str = "narration",
    chapter: int | None = None,
) -> str:
    """A leaflet's page: one view, one chapter, and a notice shown at `anchor`, where the
    change was made. The address ends "#notice" then, not "#<anchor>": a browser moves the
    focus to the fragment's target after the page's script has run, so the notice itself
    (focusable, inside the anchor) must be that target to keep the focus."""
    query: dict[str, str] = {"path": ref.key}
    if view != "narration":
        query["view"] = view
    if chapter is not None:
        query["chapter"] = str(chapter)
    if notice:
        query |= {"notice": notice, "at": anchor or "main"}
        anchor = "notice"
    return f"/leaflet?{urlencode(query)}{'#' + anchor if anchor else ''}"


async def checked_form(request: Request, **limits: int) -> tuple[Any, Response | None]:
    """A POST's form, and the guard's refusal of it (None when it may go on)."""
    form = await request.form(**({"max_files": 0, "max_fields": 20} | limits))
    value = form.get(FORM_FIELD)
    return form, _guard(request).refuse_change(request, value if isinstance(value, str) else None)


def numbers(source: Any) -> tuple[int, int]:
    """The chapter and sentence numbers a request names (NotFound when it names none)."""
    try:
        return int(source.get("chapter", "")), int(source.get("sentence", ""))
    except ValueError:
        raise NotFound("No such sentence in this leaflet.") from None


Action = Callable[[Any, LeafletRef], Awaitable[Response]]


async def leaflet_action(request: Request, action: Action) -> Response:
    """A checked POST about one leaflet: `action(form, leaflet)`, or the refusal.

    A StudioError (something staff asked for that cannot be done) is shown on
    the leaflet's page, where it was asked.
    """
    form, refusal = await checked_form(request)
    if refusal:
        return refusal
    ref = _desk(request).find(form.get("path") or "")
    try:
        return await action(form, ref)
    except StudioError as error:
        if isinstance(error, NotFound):
            raise
        return await leaflet_page(ref, request, str(error), 409 if error.busy else 400)


async def leaflet_page(
    ref: LeafletRef, request: Request, error: str = "", status: int = 200, at: str = ""
) -> Response:
    desk = _desk(request)
    params = request.query_params
    shown = params.get("view", "narration")
    if shown not in VIEWS:
        raise NotFound("No such part of a leaflet's page.")
    chapter = params.get("chapter", "")
    if chapter and not chapter.isdigit():
        raise NotFound("No such section in this leaflet.")
    view = await run_in_threadpool(desk.view, ref, int(chapter) if chapter else None)
    notice = NOTICES.get(params.get("notice", ""), "")
    job = desk.job if desk.job and desk.job.key == ref.key else None
    return page(
        request,
        "leaflet.html",
        status,
        view=view,
        shown=shown,
        roles=ROLE_NAMES,
        notice=notice,
        notice_at=(at or params.get("at", "main")) if (notice or error) else "",
        error=error,
        job=job,
    )


# --------------------------------------------------------------------------
# routes
# --------------------------------------------------------------------------


async def home(request: Request) -> Response:
    return home_page(request)


def home_page(request: Request, error: str = "", status: int = 200) -> Response:
    desk = _desk(request)
    return page(
        request,
        "home.html",
        status,
        leaflets=desk.leaflets(),
        folder=str(desk.folder),
        error=error,
        max_mb=MAX_UPLOAD_BYTES // (1024 * 1024),
    )


async def enter(request: Request) -> Response:
    return await _guard(request).enter(request)


async def add_sample(request: Request) -> Response:
    _form, refusal = await checked_form(request)
    if refusal:
        return refusal
    ref = _desk(request).add_sample()
    return RedirectResponse(leaflet_address(ref, "added"), status_code=303)


async def upload(request: Request) -> Response:
    form, refusal = await checked_form(
        request, max_files=1, max_fields=3, max_part_size=UPLOAD_ALLOWANCE
    )
    if refusal:
        return refusal
    upload = form.get("leaflet")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return home_page(request, "Choose a leaflet file to add.", 400)
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    try:
        ref = _desk(request).add_upload(upload.filename, data)
    except StudioError as error:
        return home_page(request, str(error), 413 if len(data) > MAX_UPLOAD_BYTES else 400)
    return RedirectResponse(leaflet_address(ref, "added"), status_code=303)


async def leaflet(request: Request) -> Response:
    ref = _desk(request).find(request.query_params.get("path") or "")
    return await leaflet_page(ref, request)


async def sentence_audio(request: Request) -> Response:
    desk = _desk(request)
    ref = desk.find(request.query_params.get("path") or "")
    data, spoken = await run_in_threadpool(desk.take, ref, *numbers(request.query_params))
    response = Response(data, media_type="audio/wav")
    response.headers["X-Spoken-Now"] = "1" if spoken else "0"
    return _secure(response)


def _chapter_address(ref: LeafletRef, notice: str, chapter: int, anchor: str) -> str:
    return leaflet_address(ref, notice, anchor, chapter=chapter)


async def edit(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        chapter, index = numbers(form)
        text, seen = str(form.get("text", "")), str(form.get("script_sha256", ""))
        await run_in_threadpool(_desk(request).edit, ref, chapter, index, text, seen)
        address = _chapter_address(ref, "edited", chapter, f"s-{chapter}-{index}")
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def add_sentence(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        chapter, after = numbers(form)
        text, seen = str(form.get("text", "")), str(form.get("script_sha256", ""))
        await run_in_threadpool(_desk(request).add_sentence, ref, chapter, after, text, seen)
        address = _chapter_address(ref, "sentence-added", chapter, f"s-{chapter}-{after + 1}")
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def delete_sentence(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        chapter, index = numbers(form)
        seen = str(form.get("script_sha256", ""))
        await run_in_threadpool(_desk(request).delete_sentence, ref, chapter, index, seen)
        anchor = f"s-{chapter}-{max(index - 1, 0)}"
        address = _chapter_address(ref, "sentence-deleted", chapter, anchor)
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def change_outline(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        line = str(form.get("line", ""))
        if not line.isdigit():
            raise NotFound("No such line in the outline.")
        await run_in_threadpool(
            _desk(request).change_outline,
            ref,
            str(form.get("action", "")),
            int(line),
            str(form.get("role", "")),
            str(form.get("outline_sha256", "")),
        )
        address = leaflet_address(ref, "outline", "structure-heading", view="structure")
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def undo(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        await run_in_threadpool(_desk(request).undo, ref)
        view = str(form.get("view") or "narration")
        view = view if view in VIEWS else "narration"
        chapter = str(form.get("chapter") or "")
        address = leaflet_address(
            ref, "undone", "undo", view=view, chapter=int(chapter) if chapter.isdigit() else None
        )
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def try_word(request: Request) -> Response:
    params = request.query_params
    desk = _desk(request)
    ref = desk.find(params.get("path") or "")
    try:
        data = await run_in_threadpool(
            desk.try_word, ref, params.get("word", ""), params.get("say", "")
        )
    except StudioError as error:
        return _secure(PlainTextResponse(str(error), status_code=400))
    return _secure(Response(data, media_type="audio/wav"))


async def save_word(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        word, say = str(form.get("word", "")), str(form.get("say", ""))
        await run_in_threadpool(_desk(request).save_word, ref, word, say)
        address = leaflet_address(ref, "word", "words-heading", view="words")
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def remove_word(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        await run_in_threadpool(_desk(request).remove_word, ref, str(form.get("word", "")))
        address = leaflet_address(ref, "word-removed", "words-heading", view="words")
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def build(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        await run_in_threadpool(_desk(request).start_build, ref)
        return RedirectResponse(leaflet_address(ref, anchor="build-heading"), status_code=303)

    return await leaflet_action(request, action)


async def build_state(request: Request) -> Response:
    job = _desk(request).job
    return _secure(JSONResponse(job.to_json() if job else {"finished": True, "none": True}))


async def restore(request: Request) -> Response:
    async def action(form: Any, ref: LeafletRef) -> Response:
        await run_in_threadpool(_desk(request).restore, ref, str(form.get("version", "")))
        address = leaflet_address(ref, "restored", "build-heading", view="versions")
        return RedirectResponse(address, status_code=303)

    return await leaflet_action(request, action)


async def bundle_audio(request: Request) -> Response:
    """A chapter's MP3 from the published bundle, the refused one or a kept version."""
    params = request.query_params
    name = params.get("file", "")
    if not name.endswith(".mp3"):
        raise NotFound("Only audio is served here.")
    path = await run_in_threadpool(
        _desk(request).bundle_file, params.get("slug", ""), name, params.get("from", "")
    )
    return _secure(FileResponse(path, media_type="audio/mpeg"))


async def published(request: Request) -> Response:
    """A published bundle's own file, as listeners get it, only while it matches its manifest."""
    slug, name = request.path_params["slug"], request.path_params["name"]
    desk = _desk(request)
    path = await run_in_threadpool(desk.bundle_file, slug, name)
    response: Response
    if path.suffix.lower() in _SMALL_FILES:
        data = await run_in_threadpool(desk.verified_bytes, slug, name)
        response = Response(data, media_type=_media_type(name))
    else:
        response = FileResponse(path, media_type=_media_type(name))
    response.headers["Content-Security-Policy"] = PUBLISHED_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-cache"
    return response


async def static(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in STATIC_FILES:
        raise NotFound("No such file.")
    response = FileResponse(STATIC / name, media_type=STATIC_FILES[name])
    response.headers["Cache-Control"] = "no-cache"
    return _secure(response)


ROUTES = [
    Route("/", home),
    Route(ENTER_PATH, enter, methods=["POST"]),
    Route("/add-sample", add_sample, methods=["POST"]),
    Route("/upload", upload, methods=["POST"]),
    Route("/leaflet", leaflet),
    Route("/sentence.wav", sentence_audio),
    Route("/edit", edit, methods=["POST"]),
    Route("/sentence/add", add_sentence, methods=["POST"]),
    Route("/sentence/delete", delete_sentence, methods=["POST"]),
    Route("/outline", change_outline, methods=["POST"]),
    Route("/undo", undo, methods=["POST"]),
    Route("/word/remove", remove_word, methods=["POST"]),
    Route("/try-word.wav", try_word),
    Route("/word", save_word, methods=["POST"]),
    Route("/build", build, methods=["POST"]),
    Route("/build.json", build_state),
    Route("/restore", restore, methods=["POST"]),
    Route("/audio", bundle_audio),
    Route(PUBLISHED_PREFIX + "{key}/{slug}/{name}", published),
    Route("/static/{name}", static),
]


def make_app(desk: Desk, guard: Guard) -> Starlette:
    """The studio as an ASGI app."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(desk.stop_building, BUILD_STOP_WAIT_S)

    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(_Guarded, guard=guard), Middleware(_LimitedBody)],
        # Errors staff can act on are answered here; a bug goes through Starlette's last
        # handler, which answers with the same page and logs the traceback on the terminal.
        exception_handlers={AudioLeafletError: _problem, Exception: _problem},
        lifespan=lifespan,
    )
    app.state.desk = desk
    app.state.guard = guard
    return app
