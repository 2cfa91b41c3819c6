"""A short way in for the request a portal gets most: an anonymous subject JSON.

``GET /api/v1/subjects/{code}`` from an anonymous caller is the same page for
everybody, and nearly always one the worker keeps (:mod:`xinyong.web.pages`).
Serving a kept page took about a fifth of a request's time; routing it, resolving
the route's parameters and dependencies and the exception layers took three
times as long. This middleware answers such requests from the page cache before
they reach the router, with the response the route would give (the same
function builds it, and a test holds the two byte for byte equal).

It answers only what needs no decision: a ``GET`` with no query string, no
``Authorization``, no ``X-Purpose`` and no cookie, for a code the cache has a
page for. Everything else goes to the application as before: a declared
purpose, an agency's key or a signed-in subject is authorised (and logged) by
the route; a malformed or unknown code gets the route's error body; any error
while looking the page up is left to the route to meet again and report.
Nothing here reads non-public data or bypasses a rule: the page it serves is
the public view, which is built by the same access layer and is not audited on
the route either.
"""

from __future__ import annotations

from starlette.requests import Request

from xinyong.web.pages import PublicSubjectPages
from xinyong.web.render import json_page_response
from xinyong.web.routers.common import strip_json
from xinyong.web.security import ASGIApp, Receive, Scope, Send

#: Where the route lives (``xinyong.web.routers.api``); a test holds the two together.
SUBJECT_PATH = "/api/v1/subjects/"

#: Request headers that make a request more than an anonymous public read.
_DECIDING = frozenset({b"authorization", b"x-purpose", b"cookie"})


class PublicSubjectFront:
    """Pure ASGI middleware: anonymous public subject JSON straight from the page cache."""

    def __init__(self, app: ASGIApp, *, pages: PublicSubjectPages) -> None:
        self.app = app
        self.pages = pages

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        code = public_subject_code(scope)
        if code is not None:
            try:
                page = await self.pages.page(code)
            except Exception:  # the route meets it again and answers as it always has
                page = None
            if page is not None:
                response = json_page_response(Request(scope), page.body, page.etag)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def public_subject_code(scope: Scope) -> str | None:
    """The code an anonymous public subject JSON request asks for; ``None`` for any other."""
    if scope["type"] != "http" or scope["method"] != "GET" or scope.get("query_string"):
        return None
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    if not path.startswith(SUBJECT_PATH):
        return None
    code = strip_json(path[len(SUBJECT_PATH) :])
    if not code or "/" in code:
        return None
    if any(name.lower() in _DECIDING for name, _ in scope["headers"]):
        return None
    return code
