"""Public subject pages in a SQLite file beside the store, shared by every worker.

The per-worker cache (:mod:`xinyong.web.pages`) keeps the pages people ask
for most; a portal's long tail (hundreds of thousands of organisations, each
asked for now and then) misses it, and a miss costs a build, some five times a
kept page. This file holds a page for every organisation once built (or once
``xinyong pages build`` has built them all), compressed, for every worker and
across restarts, so a miss in memory is one primary-key read and a
decompression instead.

It stays exact the way the memory cache does, by the ledger's event log, with
one difference: it is shared, so one worker's catch-up serves all of them.

* ``state.seq`` is the ledger version the store is current at: every page of
  the current ``epoch`` is what a build at that version would give, on every
  day from ``built_on`` up to (not including) ``until``. ``until`` is the first
  day the date alone changes the page (a publicity window opening or ending, a
  listing starting or ending: :meth:`~xinyong.access.Access.public_view_until`).
* A catch-up reads which organisations the events after ``state.seq`` are
  about (:meth:`~xinyong.access.Access.changed_subjects`, at most
  :data:`~xinyong.web.pages.MAX_DELTA` events per transaction) and deletes
  their pages in the transaction that moves ``state.seq``. An event that may
  touch any page (a source renamed) moves to a new epoch instead: every page
  is stale at once, and is built again when asked for (or by ``xinyong pages
  build``).
* A page read at ledger version ``v`` is stored only if ``v >= state.seq`` in
  the statement that stores it: the next catch-up then covers every change it
  has not seen. A page read earlier is served but not stored.
* The state also keeps the chain hash at ``state.seq`` and a fingerprint of
  the catalog and the page layout: a ledger restored from a backup, another
  ledger, a new catalog or a new release each start a new epoch when a worker
  opens the file.

The file is a cache: deleting it loses nothing, and one that cannot be read is
moved aside and started again. Commits do not wait for the disk
(``synchronous=NORMAL``); a crash may lose the last pages stored, never the
agreement between ``state`` and ``pages``, which change in one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from xinyong import __version__
from xinyong.access import Access
from xinyong.catalog.export import catalog_data
from xinyong.ledger.chain import canonical

log = logging.getLogger(__name__)

#: Version of the layout of this file and of the pages in it; a change starts a new epoch.
FORMAT = 1

#: zlib level: 1 compresses a page's JSON some sevenfold at a fraction of a build's cost.
LEVEL = 1

#: How long a writer waits for another's transaction (catch-ups are short): a bulk
#: build waits; a server process that finds the file busy builds or serves its page
#: without it rather than hold a request up (:data:`SERVING_WAIT_MS`).
BUSY_MS = 5000
SERVING_WAIT_MS = 20

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    fingerprint TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    epoch INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS pages (
    code TEXT PRIMARY KEY,
    epoch INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    built_on INTEGER NOT NULL,
    until INTEGER,
    etag TEXT NOT NULL,
    body BLOB NOT NULL
);
"""

_LOOKUP = (
    "SELECT s.seq, p.seq, p.etag, p.body FROM state s LEFT JOIN pages p "
    "ON p.code = ? AND p.epoch = s.epoch AND p.built_on <= ? AND (p.until IS NULL OR p.until > ?) "
    "WHERE s.id = 1"
)
_PUT = (
    "INSERT OR REPLACE INTO pages (code, epoch, seq, built_on, until, etag, body) "
    "SELECT ?, epoch, ?, ?, ?, ?, ? FROM state WHERE id = 1 AND seq <= ?"
)
_IS_CURRENT = (
    "SELECT count(*) FROM pages WHERE code = ? AND epoch = (SELECT epoch FROM state) "
    "AND built_on <= ? AND (until IS NULL OR until > ?)"
)
_COUNT_CURRENT = (
    "SELECT count(*) FROM pages WHERE epoch = (SELECT epoch FROM state) "
    "AND built_on <= ? AND (until IS NULL OR until > ?)"
)


@dataclass(frozen=True)
class Stored:
    """A stored page: its body and ETag, and the ledger version it was read at."""

    body: bytes
    etag: str
    read_at: int


@dataclass(frozen=True)
class Lookup:
    """What the store says about one code: how current it is, and the page if it has one.

    The page is correct at every ledger version from its ``read_at`` to ``seq``.
    """

    seq: int
    page: Stored | None


@dataclass(frozen=True)
class Built:
    """A page to store: read at ledger version ``seq`` on ``day``, good until ``until``."""

    code: str
    body: bytes
    etag: str
    seq: int
    day: dt.date
    until: dt.date | None


def fingerprint(access: Access) -> str:
    """What every stored page depends on besides the ledger: the catalog and the release."""
    text = canonical([FORMAT, __version__, catalog_data(access.catalog)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class PageStore:
    """The shared page file of one store; safe to use from several threads and processes."""

    def __init__(self, path: Path, access: Access, *, wait_ms: int = BUSY_MS) -> None:
        self.path = path
        self.access = access
        self.wait_ms = wait_ms
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        try:
            self._prepare()
        except sqlite3.DatabaseError as exc:
            if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
                raise
            log.warning("page store %s unreadable (%s): starting a new one", path, exc)
            self.close()
            aside = path.with_name(path.name + ".unreadable")
            path.replace(aside)
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            self._prepare()

    # -- connections ----------------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            db.execute(f"PRAGMA busy_timeout = {int(self.wait_ms)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            self._local.db = db
            with self._guard:
                self._connections.append(db)
        return db

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close every connection this object opened (any thread's)."""
        with self._guard:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- state ----------------------------------------------------------------------

    def _prepare(self) -> None:
        """Create the file if new; a new epoch if the catalog, release or ledger differ."""
        db = self._db()
        db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")  # workers start together: wait
        try:
            self._open_state(db)
        finally:
            db.execute(f"PRAGMA busy_timeout = {int(self.wait_ms)}")

    def _open_state(self, db: sqlite3.Connection) -> None:
        db.executescript(_SCHEMA)
        wanted_print = fingerprint(self.access)
        head = self.access.ledger_version()
        with self._writing() as db:
            row = db.execute("SELECT fingerprint, seq, hash, epoch FROM state").fetchone()
            if row is None:
                db.execute(
                    "INSERT INTO state (id, fingerprint, seq, hash, epoch) VALUES (1, ?, ?, ?, 1)",
                    (wanted_print, head, self.access.event_hash(head) or ""),
                )
                return
            known, seq, chain, epoch = row
            if known == wanted_print and seq <= head and self.access.event_hash(seq) == chain:
                return
            log.info("page store %s: new catalog, release or ledger: all pages stale", self.path)
            db.execute(
                "UPDATE state SET fingerprint = ?, seq = ?, hash = ?, epoch = ? WHERE id = 1",
                (wanted_print, head, self.access.event_hash(head) or "", epoch + 1),
            )

    def seq(self) -> int:
        """The ledger version the store is current at."""
        row = self._db().execute("SELECT seq FROM state WHERE id = 1").fetchone()
        return int(row[0])

    def catch_up(self, target: int, max_delta: int) -> int:
        """Bring the store to ledger version ``target`` (or later); returns where it is.

        Each stretch of at most ``max_delta`` events is read and applied in a
        transaction of its own, so that a long one (a bulk delivery) holds up
        other writers for one stretch at a time; a worker that finds the store
        already caught up by another returns at once.
        """
        while True:
            with self._writing() as db:
                seq, epoch = db.execute("SELECT seq, epoch FROM state WHERE id = 1").fetchone()
                if seq >= target:
                    return int(seq)
                until = min(target, seq + max_delta)
                touched = self.access.changed_subjects(seq, until)
                if touched is None:  # may touch any page: all stale, and nothing more to read
                    until, epoch = target, epoch + 1
                else:
                    db.executemany("DELETE FROM pages WHERE code = ?", [(c,) for c in touched])
                db.execute(
                    "UPDATE state SET seq = ?, hash = ?, epoch = ? WHERE id = 1",
                    (until, self.access.event_hash(until) or "", epoch),
                )

    # -- pages ----------------------------------------------------------------------

    def lookup(self, code: str, today: dt.date) -> Lookup:
        """The store's version and the page of ``code`` good on ``today``, if it holds one."""
        day = today.toordinal()
        seq, read_at, etag, body = self._db().execute(_LOOKUP, (code, day, day)).fetchone()
        if body is None:
            return Lookup(seq, None)
        return Lookup(seq, Stored(zlib.decompress(body), etag, read_at))

    def put(self, page: Built) -> bool:
        """Store one page if it was read at the store's version or later; whether it was."""
        return self.put_many([page]) == 1

    def put_many(self, pages: Sequence[Built]) -> int:
        """Store pages in one transaction (each if read late enough); how many were stored."""
        rows = [
            (
                p.code, p.seq, p.day.toordinal(), None if p.until is None else p.until.toordinal(),
                p.etag, zlib.compress(p.body, LEVEL), p.seq,
            )
            for p in pages
        ]  # fmt: skip
        stored = 0
        with self._writing() as db:
            for row in rows:
                stored += db.execute(_PUT, row).rowcount
        return stored

    def current(self, codes: Iterable[str], today: dt.date) -> set[str]:
        """Those of ``codes`` whose stored page is good on ``today``."""
        day = today.toordinal()
        db = self._db()
        return {c for c in codes if db.execute(_IS_CURRENT, (c, day, day)).fetchone()[0]}

    def counts(self, today: dt.date) -> dict[str, int]:
        """Pages held, pages good today, and the store's ledger version and epoch."""
        db = self._db()
        day = today.toordinal()
        held = db.execute("SELECT count(*) FROM pages").fetchone()[0]
        good = db.execute(_COUNT_CURRENT, (day, day)).fetchone()[0]
        seq, epoch = db.execute("SELECT seq, epoch FROM state WHERE id = 1").fetchone()
        return {"pages": held, "current": good, "seq": seq, "epoch": epoch}
