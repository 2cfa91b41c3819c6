"""Per-application state and the request dependencies every router uses.

Dependencies are ``async`` so that cheap reads never hop to the thread pool
(the hop costs more than the read); handlers that hash passwords or walk many
rows stay ``def`` and run in the pool.

The actor comes from an API key (``Authorization: Bearer xy_...``) or a
session cookie, never from a parameter. A bad API key is an error at once; a
stale session cookie only means "public" (the cookie is cleared), and any
route that needs more refuses through the access layer, which logs it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from xinyong.access import PUBLIC, Access, Actor, AuthenticationError
from xinyong.catalog import Catalog
from xinyong.ledger import Store
from xinyong.settings import Settings
from xinyong.web.errors import RateLimited
from xinyong.web.pages import PublicSubjectPages
from xinyong.web.security import RateLimiter

SESSION_COOKIE = "xy_session"


@dataclass
class WebState:
    """What the handlers share: settings, the store, the access layer, the limiters, the pages."""

    settings: Settings
    store: Store
    catalog: Catalog
    access: Access
    search_limit: RateLimiter
    sign_in_limit: RateLimiter
    public_pages: PublicSubjectPages


async def web_state(request: Request) -> WebState:
    """The application's :class:`WebState`."""
    state: WebState = request.app.state.web
    return state


async def current_actor(request: Request) -> Actor:
    """Who is asking (dependency); also kept on ``request.state`` for templates."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    access = request.app.state.web.access
    actor = PUBLIC
    auth = request.headers.get("authorization", "")
    if auth:
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise AuthenticationError("use Authorization: Bearer <API key>")
        actor = access.actor_for_api_key(token)
    elif token := request.cookies.get(SESSION_COOKIE, ""):
        try:
            actor = access.actor_for_session(token)
        except AuthenticationError:
            request.state.stale_session = True
    request.state.actor = actor
    return actor


def client_key(request: Request) -> str:
    """The client address rate limits count against."""
    return request.client.host if request.client else "unknown"


def limit(limiter: RateLimiter, request: Request, extra: str = "") -> None:
    """Count one hit for this client; :class:`RateLimited` past the limit."""
    wait = limiter.hit(client_key(request) + extra)
    if wait is not None:
        raise RateLimited(wait)


def purpose_of(request: Request) -> str | None:
    """The declared purpose: ``?purpose=`` or the ``X-Purpose`` header."""
    return request.query_params.get("purpose") or request.headers.get("x-purpose") or None
