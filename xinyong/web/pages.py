"""Public subject JSON kept in each worker's memory, with the shared page store behind it.

The public view of a subject is the same for every anonymous caller and
changes only when the ledger does or when the date does (publicity windows and
listings end on dates). Every change a page shows appends an event to the
ledger chain in the transaction that makes it: a subject registered or renamed
(``subject``), a record asserted, amended, withdrawn or marked under
verification (``record``), a statement (``statement``), a step of a case, which
is how a listing or a grade comes into force (``case``). The one other table a
page reads, ``proposals`` (a decision's reasons), is written by the rules
engine without events, but a page shows a proposal only through a case in
force, and what it shows of it never changes once written.

So every kept page is current for one generation: the chain head's sequence
number and the date. Each request reads the head (one primary-key read, which
keeps "a change shows on the next request" true across worker processes and
with writers in other processes). When it has moved, the worker reads the
events since the generation's head, traces each to its subject (a statement
through its record) and drops only those subjects' pages: while departments
write every second or so, dropping every page would keep the cache cold, and a
page not kept costs some five times a kept one. Events of ingest batches and
of notices change no page. An event about a source, or about anything not
traced to a subject, drops every page: a stale public page about a real
company is the failure that matters, a dropped page only costs time. So do a
new date and more than :data:`MAX_DELTA` events at once. A page is kept only if
it was read at the generation the kept pages are current for, so that the next
catch-up covers every change it has not seen.

A kept page is served on the event loop, and so is a page from the shared page store
when that store is current (one primary-key read and a decompression, about 0.1 ms);
a page to build is built in a thread (two at a time), and so is a store look-up that
must first catch the store up (which may wait for another process's write), because
an organisation with hundreds of records takes tens of milliseconds to shape and
would otherwise hold up every other connection of the worker, cached or not (the p99
of the whole worker). Reading a small page on the event loop instead saves the hop
to the thread (a fifth more pages a second while the store is in the OS cache), but
a read that must wait for the disk then holds up every connection of the worker: on
a million-organisation store larger than the cache that tripled the p99, so reads of
the ledger stay off the loop. The page store is another matter: a page there is one
read of a file a fifth the size of the ledger, and reading it on the loop served the
long tail of that store (a million requests drawn by popularity from all its
organisations) at 2,741-3,212 requests a second with a p99 of 45-74 ms, against
2,508-2,574 and 85-117 ms through the thread.

A page the worker does not keep is looked up in the shared page store
(:mod:`xinyong.web.page_store`, a file every worker reads and that outlives
them) before it is built, and a page built is stored there for the others.
That store follows the ledger the same way, once for all workers; its page is
kept in memory only if it is correct at the memory's generation too.

While departments write, the store is usually a few events behind the ledger (it
is caught up by whichever worker next needs a page it does not have). A worker
still serves a stored page on the event loop if it knows that nothing since the
store's version touched that page: each worker remembers which pages its own
recent catch-ups changed (:data:`HISTORY` catch-ups, :data:`HISTORY_CODES` codes).
Only a page the store lacks, or a store further behind than the worker
remembers, sends the request to a builder thread, which catches the store up.
Before this, every request that missed the memory after a change went through
the thread until one of them had caught the store up, and with five amendments
a second that queue set the p99.

Only the public view is cached, and only its body and ETag: headers that
depend on the caller (``Cache-Control`` for a signed-in reader) are set per
request, and reads by agencies or with a declared purpose never come here, so
they are authorised and audited every time. Public reads of public data were
never audited, so serving them from memory hides nothing from the audit trail.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sqlite3
import threading
from collections import OrderedDict, deque
from dataclasses import dataclass

import anyio
import anyio.to_thread

from xinyong.access import Access
from xinyong.ids import uscc
from xinyong.web import shape
from xinyong.web.page_store import Built, PageStore
from xinyong.web.render import etag_of, json_bytes

log = logging.getLogger(__name__)

#: Pages kept per worker: some 190 MB at the 23 KiB of a typical organisation with ten
#: records (most have fewer).
DEFAULT_SIZE = 8192

#: Pages built at the same time per worker (see :meth:`PublicSubjectPages.page`).
BUILDERS = 2

#: Events past which a worker drops every page rather than read which subjects they
#: are about. The read holds up the worker's requests: 20,000 events took some 30 ms on
#: SQLite and 100-170 ms on PostgreSQL (a store of a million records), about as long as
#: a worker should stall; a stretch that long is a bulk delivery or a long idle spell.
MAX_DELTA = 20_000

#: What the kept pages are current for: the ledger's last sequence number and the date.
Generation = tuple[int, dt.date]

#: Catch-ups a worker remembers the changed pages of, and at most how many codes in all
#: (a few MB), to serve pages from a store that is behind the ledger.
HISTORY = 1024
HISTORY_CODES = 20_000


def fresh(access: Access, code: str) -> Built | None:
    """Read and shape the public page of ``code`` now, with how long the date leaves it be.

    ``None`` if no organisation has the code; a malformed one raises
    :class:`~xinyong.access.InvalidInputError`.
    """
    today = access.clock.today()
    version, snap = access.versioned_snapshot(code)
    if snap is None:
        return None
    body = json_bytes(shape.subject(access.public_view(snap)))
    until = access.public_view_until(snap, today)
    return Built(code, body, etag_of(body), version, today, until)


@dataclass(frozen=True)
class Page:
    """A response body and its ETag."""

    body: bytes
    etag: str


class PublicSubjectPages:
    """Public subject JSON by code, all current for one (ledger version, date) generation."""

    def __init__(
        self, access: Access, size: int = DEFAULT_SIZE, store: PageStore | None = None
    ) -> None:
        self.access = access
        self.size = size
        self.store = store
        self._pages: OrderedDict[str, Page] = OrderedDict()
        self._generation: Generation | None = None
        # Every change after ``_known_from`` up to the generation, as (last seq, codes)
        # per catch-up, oldest first; ``None``: nothing known.
        self._changes: deque[tuple[int, frozenset[str]]] = deque()
        self._changed_codes = 0
        self._known_from: int | None = None
        self._lock = threading.Lock()
        self._limiter: tuple[asyncio.AbstractEventLoop, anyio.CapacityLimiter] | None = None

    async def page(self, code: str) -> Page | None:
        """:meth:`get` for a request handler: a page to build is built off the event loop.

        At most :data:`BUILDERS` pages at a time per worker: many builders side by
        side only take turns on the interpreter lock (and lose time doing so), but
        two let one read from disk while the other shapes; the event loop keeps
        answering kept pages in between.
        """
        code = uscc.compact(code)
        now = (self.access.ledger_version(), self.access.clock.today())
        page = self._cached(code, now)
        if page is not None:
            return page
        look = self.store is not None
        if look:  # the ledger version the memory was caught up to, not read again
            page, settled = self._stored_safe(code, now, catch_up=False)
            if page is not None:
                return page
            look = not settled  # the store was behind: catch it up in the thread
        return await anyio.to_thread.run_sync(self.build, code, look, limiter=self._builder())

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
        page = self.cached(code)
        return page if page is not None else self.build(uscc.compact(code))

    def cached(self, code: str) -> Page | None:
        """The kept page of ``code`` if it is still current.

        Pages are kept under the code's compact form (upper case, no spaces,
        half-width), the form the ledger's changes name: a page kept under
        another spelling would outlive the changes to its organisation.
        """
        now = (self.access.ledger_version(), self.access.clock.today())
        return self._cached(uscc.compact(code), now)

    def _cached(self, code: str, now: Generation) -> Page | None:
        with self._lock:
            self._catch_up(now)
            page = self._pages.get(code)
            if page is not None:
                self._pages.move_to_end(code)
        return page

    def _catch_up(self, now: Generation) -> None:
        """Drop the pages the changes up to ``now`` may touch (called holding the lock)."""
        seq, today = now
        at = self._generation
        if at is not None and at[1] == today and seq <= at[0]:
            return  # nothing new, or another request has caught up further
        touched = self._touched(at, now)
        if touched is None:
            self._pages.clear()
            self._changes.clear()
            self._changed_codes = 0
            self._known_from = seq
        else:
            for code in touched:
                self._pages.pop(code, None)
            self._remember(seq, touched)
        self._generation = now

    def _remember(self, seq: int, touched: frozenset[str]) -> None:
        """Add a catch-up's changed codes to the history (called holding the lock)."""
        if not touched:
            return
        self._changes.append((seq, touched))
        self._changed_codes += len(touched)
        while len(self._changes) > HISTORY or self._changed_codes > HISTORY_CODES:
            last, codes = self._changes.popleft()
            self._changed_codes -= len(codes)
            self._known_from = last

    def _unchanged_through(self, code: str, since: int, today: dt.date) -> int | None:
        """The kept pages' ledger version if no change after ``since`` touched ``code``.

        ``None`` if one did, or if this worker does not know (``since`` is older
        than what it remembers, or the date has moved on).
        """
        with self._lock:
            at = self._generation
            known = self._known_from
            if at is None or at[1] != today or known is None or since < known:
                return None
            for last, codes in reversed(self._changes):
                if last <= since:
                    break
                if code in codes:
                    return None
            return at[0]

    def _touched(self, at: Generation | None, now: Generation) -> frozenset[str] | None:
        """Codes of the pages changed between generations ``at`` and ``now``; ``None``: any."""
        if at is None or at[1] != now[1] or now[0] - at[0] > MAX_DELTA:
            return None
        return self.access.changed_subjects(at[0], now[0])

    def build(self, code: str, look: bool = True) -> Page | None:
        """The page of (compact) ``code``: from the shared store if ``look``, else built and stored.

        Kept in memory if it is correct at the generation the kept pages are
        current for: only then do the changes the next requests catch up on
        start where it was read.
        """
        today = self.access.clock.today()
        if self.store is not None and look:
            now = (self.access.ledger_version(), today)
            page = self._stored_safe(code, now, catch_up=True)[0]
            if page is not None:
                return page
        built = fresh(self.access, code)
        if built is None:
            return None
        page = Page(built.body, built.etag)
        if built.day != today or self.access.clock.today() != today:
            return page  # read across midnight: serve it, keep it nowhere
        self._keep(code, page, built.seq, built.seq, today)
        if self.store is not None:
            try:
                self.store.put(built)
            except sqlite3.Error as exc:
                log.info("page store: %s", exc)
        return page

    def _stored_safe(
        self, code: str, now: Generation, *, catch_up: bool
    ) -> tuple[Page | None, bool]:
        try:
            return self._stored(code, now, catch_up)
        except sqlite3.Error as exc:  # a cache: a failure costs a build, never a page
            log.info("page store: %s", exc)
            return None, True

    def _stored(self, code: str, now: Generation, catch_up: bool) -> tuple[Page | None, bool]:
        """The stored page of ``code`` if it is current at ``now`` (catching the store up if asked).

        Also whether the answer is settled: false when the store was behind the
        ledger and not caught up, so a look after a catch-up may still find it.
        """
        assert self.store is not None
        version, today = now
        found = self.store.lookup(code, today)
        if found.seq < version and catch_up:
            self.store.catch_up(version, MAX_DELTA)
            found = self.store.lookup(code, today)
        stored = found.page
        if stored is None:
            return None, found.seq >= version
        if found.seq >= version:
            through: int | None = found.seq
        else:
            through = self._unchanged_through(code, found.seq, today)
        if through is None:
            return None, False
        page = Page(stored.body, stored.etag)
        self._keep(code, page, stored.read_at, through, today)
        return page, True

    def _keep(self, code: str, page: Page, since: int, through: int, today: dt.date) -> None:
        """Keep ``page`` in memory if it is correct at the kept pages' generation.

        ``page`` is what a read at any ledger version from ``since`` to ``through``
        on ``today`` gives.
        """
        if not self.size:
            return
        with self._lock:
            at = self._generation
            if at is not None and at[1] == today and since <= at[0] <= through:
                self._pages[code] = page
                if len(self._pages) > self.size:
                    self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)
