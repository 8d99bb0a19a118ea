"""Who may use the studio: the person who started it, from this machine (docs/studio.md).

- The server listens on an address of its own in 127.0.0.0/8 (say
  127.83.12.201), chosen at random at each start. Browsers keep cookies by
  host but share them across ports, so a cookie for 127.0.0.1 would reach
  every other local server; a cookie for the studio's own address reaches
  only it. A request whose Host is not that address and port is refused (a
  web page cannot reach the studio by pointing a name of its own at it).
- The secret never appears on a command line nor in the browser's history.
  The browser is opened on a private file (mode 0600) that posts the
  *entry secret* to `/enter`; the address printed first on stdout carries a
  *ticket* that works once, so the address left in the history opens
  nothing. Either is swapped for the session cookie (HttpOnly,
  SameSite=Strict), whose value is neither. A request with none of them is
  refused with 401, a wrong one with 403, and the answer shows nothing of
  the studio.
- Every change is a POST whose Origin is the studio itself and whose form
  (or X-Studio-Form header) carries this session's anti-forgery token.
- A published bundle's own pages are served under a path holding a key of
  their own (`/published/<key>/...`), in a sandbox with no origin: their
  script runs, but cannot read the studio, send its cookie, or post to it.
"""

from __future__ import annotations

import hmac
import random
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

FORM_FIELD = "form_token"
FORM_HEADER = "x-studio-form"
SAFE_METHODS = ("GET", "HEAD")
ENTER_PATH = "/enter"
"""Where the private opening file posts the entry secret."""
PUBLISHED_PREFIX = "/published/"
"""Published bundles' files, under `/published/<key>/<slug>/<name>`; no cookie needed."""


def random_loopback_host() -> str:
    """An address of 127.0.0.0/8 other than 127.0.0.1, chosen afresh at each start."""
    chooser = random.SystemRandom()
    while True:
        host = f"127.{chooser.randint(1, 254)}.{chooser.randint(1, 254)}.{chooser.randint(2, 254)}"
        if host != "127.0.0.1":
            return host


def _secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass
class Guard:
    """The secrets of one studio session."""

    host: str
    """The loopback address the studio listens on."""
    port: int
    entry_secret: str = field(default_factory=_secret)
    """Posted by the private opening file; opens the studio as long as it runs."""
    tickets: set[str] = field(default_factory=set)
    """One-time secrets for addresses (the printed one): each opens the studio once."""
    session: str = field(default_factory=_secret)
    """The session cookie's value: never in an address, a file or a command line."""
    form_token: str = field(default_factory=_secret)
    """The anti-forgery token every change must carry."""
    published_key: str = field(default_factory=_secret)
    """The key in the addresses of published bundles' files."""

    @property
    def cookie(self) -> str:
        """The session cookie's name (by port too: two studios may be open at once)."""
        return f"audio_leaflet_studio_{self.port}"

    @property
    def origin(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start_address(self) -> str:
        """An address that opens the studio once (printed first on stdout)."""
        ticket = _secret()
        self.tickets.add(ticket)
        return f"{self.origin}/?{urlencode({'token': ticket})}"

    def published_path(self, slug: str, name: str) -> str:
        """The address of a published bundle's file, as the studio's pages link it."""
        return f"{PUBLISHED_PREFIX}{self.published_key}/{slug}/{name}"

    def opening_page(self) -> str:
        """The private file the browser is opened on: it posts the entry secret at once."""
        return (
            '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
            "<title>Opening audio-leaflet studio</title></head><body>"
            f'<form method="post" action="{self.origin}{ENTER_PATH}">'
            f'<input type="hidden" name="secret" value="{self.entry_secret}">'
            "<p>Opening the studio…</p>"
            '<button type="submit">Open audio-leaflet studio</button></form>'
            "<script>document.forms[0].submit();</script></body></html>\n"
        )

    def _same(self, given: str | None, wanted: str) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), wanted.encode())

    def _ticket(self, offered: str) -> bool:
        """Whether `offered` is an unused ticket; it is used up either way."""
        for ticket in list(self.tickets):
            if self._same(offered, ticket):
                self.tickets.discard(ticket)
                return True
        return False

    def refuse(self, request: Request) -> Response | None:
        """The answer to a request that may not go on, or None for one that may.

        `/enter` (the opening file's post) goes on to `enter`, which checks its secret.
        """
        if request.headers.get("host") != f"{self.host}:{self.port}":
            return PlainTextResponse("Refused: wrong host.", status_code=403)
        path = request.url.path
        if path == ENTER_PATH:
            return None  # the route checks the entry secret itself
        if path.startswith(PUBLISHED_PREFIX):
            key = path[len(PUBLISHED_PREFIX) :].split("/", 1)[0]
            if request.method in SAFE_METHODS and self._same(key, self.published_key):
                return None
            return PlainTextResponse("Refused: not a published file of this studio.", 403)
        offered = request.query_params.get("token")
        if offered is not None and request.method in SAFE_METHODS:
            if not self._ticket(offered):
                return PlainTextResponse(
                    "Refused: that studio address has been used already or is not valid. "
                    "Open the studio from the address it printed, or start it again.",
                    403,
                )
            return self._enter(RedirectResponse(self._without_token(request), status_code=303))
        cookie = request.cookies.get(self.cookie)
        if cookie is None:
            return PlainTextResponse(
                "Open the studio with the address it printed when it started.", 401
            )
        if not self._same(cookie, self.session):
            return PlainTextResponse("Refused: that studio session is not valid.", 403)
        return None

    async def enter(self, request: Request) -> Response:
        """`/enter`: the opening file posts the entry secret; the studio opens.

        The answer is a page that moves on to the studio by itself: a redirect
        would carry on the opening file's cross-site navigation, on which the
        browser does not send a SameSite=Strict cookie.
        """
        form = await request.form(max_files=0, max_fields=2)
        secret = form.get("secret")
        if request.method != "POST" or not self._same(
            secret if isinstance(secret, str) else None, self.entry_secret
        ):
            return PlainTextResponse("Refused: that studio address is not valid.", 403)
        page = (
            '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
            '<meta http-equiv="refresh" content="0;url=/"><title>audio-leaflet studio</title>'
            '</head><body><p><a href="/">Open audio-leaflet studio</a></p></body></html>'
        )
        return self._enter(HTMLResponse(page, headers={"Cache-Control": "no-store"}))

    @staticmethod
    def _without_token(request: Request) -> str:
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        return str(URL(path=request.url.path, query=urlencode(query)))

    def _enter(self, response: Response) -> Response:
        """`response` with the session cookie set."""
        response.set_cookie(
            self.cookie, self.session, httponly=True, samesite="strict", path="/", secure=False
        )
        return response

    def refuse_change(self, request: Request, form_value: str | None) -> Response | None:
        """For a POST: refused unless it comes from the studio's own page with its form token."""
        origin = request.headers.get("origin")
        if origin != self.origin:
            return PlainTextResponse("Refused: a change must come from the studio's own page.", 403)
        given = form_value if form_value is not None else request.headers.get(FORM_HEADER)
        if not self._same(given, self.form_token):
            return PlainTextResponse(
                "Refused: this form has expired. Reload the page and try again.", 403
            )
        return None
