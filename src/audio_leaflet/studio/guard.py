"""Who may use the studio: the person who started it, from this machine (docs/studio.md).

- The server listens on 127.0.0.1 only, and a request whose Host is not
  that address and port is refused (a web page cannot reach the studio by
  pointing a name of its own at 127.0.0.1).
- The address printed at start carries a random token. The first visit
  swaps it for a cookie (HttpOnly, SameSite=Strict) and sends the browser on
  to the same page without the token, so it is not left in the address bar.
  A request with neither is refused with 401, a wrong one with 403, and the
  answer shows nothing of the studio.
- Every change is a POST whose Origin is the studio itself and whose form
  (or X-Studio-Form header) carries this session's anti-forgery token.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

FORM_FIELD = "form_token"
FORM_HEADER = "x-studio-form"
SAFE_METHODS = ("GET", "HEAD")


@dataclass
class Guard:
    """The tokens of one studio session."""

    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    form_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    """The anti-forgery token every change must carry."""

    @property
    def cookie(self) -> str:
        """The session cookie's name. Browsers share cookies across ports, so each studio
        (one port each) has its own, and two studios open at once do not log each other out."""
        return f"audio_leaflet_studio_{self.port}"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_address(self) -> str:
        return f"{self.origin}/?{urlencode({'token': self.token})}"

    def _same(self, given: str | None, wanted: str) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), wanted.encode())

    def refuse(self, request: Request) -> Response | None:
        """The answer to a request that may not go on, or None for one that may."""
        if request.headers.get("host") != f"127.0.0.1:{self.port}":
            return PlainTextResponse("Refused: wrong host.", status_code=403)
        cookie = request.cookies.get(self.cookie)
        offered = request.query_params.get("token")
        if offered is not None and request.method in SAFE_METHODS:
            if not self._same(offered, self.token):
                return PlainTextResponse("Refused: that studio address is not valid.", 403)
            return self._enter(request)
        if cookie is None:
            return PlainTextResponse(
                "Open the studio with the address it printed when it started.", 401
            )
        if not self._same(cookie, self.token):
            return PlainTextResponse("Refused: that studio session is not valid.", 403)
        return None

    def _enter(self, request: Request) -> Response:
        """Swap the token in the address for the session cookie."""
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        target = URL(path=request.url.path, query=urlencode(query))
        response = RedirectResponse(str(target), status_code=303)
        response.set_cookie(
            self.cookie, self.token, httponly=True, samesite="strict", path="/", secure=False
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
