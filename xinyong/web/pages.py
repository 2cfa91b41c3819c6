"""A per-worker cache of public subject JSON, versioned by the ledger and the date.

The public view of a subject is the same for every anonymous caller and
changes only when the ledger does (a record, its dispute mark, a statement, a
case in force: each appends an event and moves the chain head in the same
transaction) or when the date does (publicity windows and listings end on
dates). So a page built once is served again as long as the chain head's
sequence number and today's date are what they were when it was built; the
first request that sees either move drops every page, and each is rebuilt on
its next request. The freshness check is one primary-key read per request,
which is what keeps "a change shows up on the next request" true across
worker processes and with a writer in another process.

A kept page is served on the event loop; a page to build is built in a
thread (two at a time), because an organisation with hundreds of records takes tens of
milliseconds to shape and would otherwise hold up every other connection of
the worker, cached or not (the p99 of the whole worker).

Only the public view is cached, and only its body and ETag: headers that
depend on the caller (``Cache-Control`` for a signed-in reader) are set per
request, and reads by agencies or with a declared purpose never come here, so
they are authorised and audited every time. Public reads of public data were
never audited, so serving them from memory hides nothing from the audit trail.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass

import anyio
import anyio.to_thread

from xinyong.access import Access
from xinyong.web import shape
from xinyong.web.render import etag_of, json_bytes

#: Pages kept per worker: some 190 MB at the 23 KiB of a typical organisation with ten
#: records (most have fewer).
DEFAULT_SIZE = 8192

#: Pages built at the same time per worker (see :meth:`PublicSubjectPages.page`).
BUILDERS = 2

#: What a page is valid for: the ledger's last sequence number and the date.
Generation = tuple[int, dt.date]


@dataclass(frozen=True)
class Page:
    """A response body and its ETag."""

    body: bytes
    etag: str


class PublicSubjectPages:
    """Public subject JSON by code, valid for one (ledger version, date) generation."""

    def __init__(self, access: Access, size: int = DEFAULT_SIZE) -> None:
        self.access = access
        self.size = size
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._generation: Generation | None = None
        self._lock = threading.Lock()
        self._limiter: tuple[asyncio.AbstractEventLoop, anyio.CapacityLimiter] | None = None

    async def page(self, code: str) -> Page | None:
        """:meth:`get` for a request handler: a page to build is built off the event loop.

        At most :data:`BUILDERS` pages at a time per worker: many builders side by
        side only take turns on the interpreter lock (and lose time doing so), but
        two let one read from disk while the other shapes; the event loop keeps
        answering kept pages in between.
        """
        page, generation = self.cached(code)
        if page is not None:
            return page
        return await anyio.to_thread.run_sync(self.build, code, generation,
                                              limiter=self._builder())  # fmt: skip

    def _builder(self) -> anyio.CapacityLimiter:
        # A limiter belongs to one event loop; tests run several loops in turn.
        loop = asyncio.get_running_loop()
        if self._limiter is None or self._limiter[0] is not loop:
            self._limiter = (loop, anyio.CapacityLimiter(BUILDERS))
        return self._limiter[1]

    def get(self, code: str) -> Page | None:
        """The public page of the organisation ``code`` now; ``None`` if there is none.

        A malformed code raises :class:`~xinyong.access.InvalidInputError` as the
        uncached read does. Unknown codes are not remembered (they would let
        anyone fill the cache with misses).
        """
        page, generation = self.cached(code)
        return page if page is not None else self.build(code, generation)

    def cached(self, code: str) -> tuple[Page | None, Generation]:
        """The kept page of ``code`` if it is still current, and the current generation."""
        generation = (self.access.ledger_version(), self.access.clock.today())
        with self._lock:
            if generation != self._generation:
                self._pages.clear()
                self._generation = generation
            page = self._pages.get(code)
            if page is not None:
                self._pages.move_to_end(code)
        return page, generation

    def build(self, code: str, generation: Generation) -> Page | None:
        """Read and shape the page of ``code``; kept if ``generation`` is still current."""
        version, snap = self.access.versioned_snapshot(code)
        if snap is None:
            return None
        body = json_bytes(shape.subject(self.access.public_view(snap)))
        page = Page(body, etag_of(body))
        # Kept only if nothing moved while it was built: a page read at a newer
        # version belongs to a generation the next request will start anyway.
        if (version, self.access.clock.today()) == generation:
            with self._lock:
                if self._generation == generation:
                    self._pages[code] = page
                    if len(self._pages) > self.size:
                        self._pages.popitem(last=False)
        return page

    def __len__(self) -> int:
        return len(self._pages)
