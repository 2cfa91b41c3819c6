"""Headers, CSRF tokens and rate limits: the parts of web security that are not authorisation.

* Every response carries a strict Content-Security-Policy (the portal loads
  nothing from elsewhere and runs no inline script), ``nosniff``, no framing,
  no referrer; HSTS when cookies are marked Secure.
* Forms carry a CSRF token that must equal the ``xy_csrf`` cookie
  (double submit; the cookie is ``SameSite=Strict``). API calls authenticated by
  cookie must send it as ``X-CSRF-Token``; calls with an API key need none.
* Rate limits count per client address over a sliding one-minute window, in this
  process: with several workers each enforces its own share.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSRF_COOKIE = "xy_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
_HEADERS = [
    (b"content-security-policy", _CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityHeaders:
    """Pure ASGI middleware (cheaper per request than Starlette's BaseHTTPMiddleware)."""

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.extra = [*_HEADERS, _HSTS] if hsts else list(_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(h for h in self.extra if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def csrf_token(request: Request) -> str:
    """The request's CSRF token: the cookie's, or a new one the response must set."""
    token = request.cookies.get(CSRF_COOKIE)
    if not token or len(token) < 32:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def csrf_ok(request: Request, presented: str | None) -> bool:
    """Whether ``presented`` (form field or header) matches the CSRF cookie."""
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not presented:
        return False
    return hmac.compare_digest(cookie.encode(), presented.encode())


def is_secure(request: Request, forced: bool) -> bool:
    """Whether cookies must be Secure: forced by settings, or the request came over HTTPS."""
    return forced or request.url.scheme == "https"


class RateLimiter:
    """At most ``limit`` hits per key in any ``window`` seconds (a sliding window).

    A sliding window, not fixed ones: with fixed windows a client gets twice the
    limit across a boundary, and whether a burst is cut depends on the clock. Each
    key keeps the times of its last ``limit`` hits only, so memory is bounded per key;
    the table itself is dropped when address spraying fills it.
    """

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float | None = None) -> float | None:
        """Count one hit; ``None`` if allowed, else the seconds until one is allowed again."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = self._hits.get(key)
            if recent is None:
                if len(self._hits) > 100_000:
                    self._hits.clear()  # bounded memory under address spraying
                recent = self._hits[key] = deque(maxlen=max(self.limit, 1))
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                return recent[0] + self.window - now
            recent.append(now)
        return None
