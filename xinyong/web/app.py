"""The application factory: one FastAPI app serving the portal, the API and static files."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from xinyong import __version__
from xinyong.access import Access
from xinyong.catalog import Catalog, load_catalog
from xinyong.clock import Clock
from xinyong.ledger import Store, open_store
from xinyong.settings import Settings
from xinyong.web import errors
from xinyong.web.front import PublicSubjectFront
from xinyong.web.head import HeadAsGet
from xinyong.web.page_store import SERVING_WAIT_MS, PageStore
from xinyong.web.pages import PublicSubjectPages
from xinyong.web.routers import account, api, deliveries, portal, standing
from xinyong.web.security import RateLimiter, SecurityHeaders
from xinyong.web.state import WebState

STATIC = Path(__file__).with_name("static")
DESCRIPTION = """Public credit information: subjects, records, sources and their quality.

Anonymous callers see what the catalog publishes. Agencies send
`Authorization: Bearer <API key>` and declare a purpose from the closed list
(`?purpose=` or `X-Purpose`) on every non-public read; each such read is
written to a hash-chained audit log the subject can read. Errors share one
body: `{"error": {"status", "code", "message", "field", "errors"}}`.
"""


#: Allocations between collections of the youngest generation in a serving worker.
GC_THRESHOLD = 20_000


def create_app(
    settings: Settings,
    *,
    store: Store | None = None,
    catalog: Catalog | None = None,
    clock: Clock | None = None,
    front: bool = True,
) -> FastAPI:
    """The portal and API over ``store`` (default: the store the settings name).

    A store passed in stays the caller's to close; one opened here is closed
    when the application shuts down. ``front=False`` leaves out the short way in
    for anonymous subject JSON (:mod:`xinyong.web.front`), to compare with it.
    """
    owned = store is None
    the_store = store if store is not None else open_store(settings, clock)
    the_catalog = catalog or load_catalog()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # What startup built (the catalog, routes, SQLAlchemy's caches) lives as long
        # as the worker: moved out of the collector's sight, full collections stop
        # walking it, which is where a serving worker's longest pauses (p99) came from.
        gc.collect()
        gc.freeze()
        # A page built from the store allocates some thousands of short-lived objects;
        # at the default threshold (700) the youngest generation is collected several
        # times per page, which cost about an eighth of a page not in the cache.
        gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
        yield
        if page_store is not None:
            page_store.close()
        if owned:
            the_store.close()

    app = FastAPI(
        title="xinyong",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    access = Access(the_store, the_catalog)
    store_path = settings.page_store_path
    page_store = (
        None if store_path is None else PageStore(store_path, access, wait_ms=SERVING_WAIT_MS)
    )
    public_pages = PublicSubjectPages(access, settings.page_cache, page_store)
    app.state.web = WebState(
        settings=settings,
        store=the_store,
        catalog=the_catalog,
        access=access,
        search_limit=RateLimiter(settings.search_per_minute),
        sign_in_limit=RateLimiter(settings.sign_in_per_minute),
        public_pages=public_pages,
    )
    errors.install(app)
    app.include_router(api.router)
    app.include_router(deliveries.router)
    app.include_router(account.router)
    app.include_router(portal.router)
    app.include_router(standing.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    if front:  # inside the security headers, which every response carries
        app.add_middleware(PublicSubjectFront, pages=public_pages)
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    app.add_middleware(HeadAsGet)
    return app
