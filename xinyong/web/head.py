"""``HEAD`` answered for every page and API resource, as HTTP requires.

Every general-purpose HTTP server must support ``HEAD`` (RFC 9110, 9.1): link
checkers, monitoring probes and caches use it to learn a page's status, size and
``ETag`` without its body. FastAPI's routes answer ``GET`` only (``HEAD`` got
405), so this middleware runs a ``HEAD`` request as the ``GET`` it stands for and
sends the same status and headers (``Content-Length`` included) with an empty
body. Nothing is skipped: the request is authorised, rate-limited and, where it
reads non-public data, audited like the ``GET``, since its headers tell the
caller something about the resource.
"""

from __future__ import annotations

from xinyong.web.security import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    """Pure ASGI middleware: ``HEAD`` is served as ``GET`` without the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the last part ends the response
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
