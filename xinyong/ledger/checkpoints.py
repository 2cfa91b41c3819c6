"""SQLite's WAL checkpoints moved off the writing thread while a bulk load runs.

In WAL mode each committed page is written twice: appended to the WAL at
commit, then copied into the database file by a checkpoint. By default the
connection that commits runs the checkpoint as soon as the WAL passes 1,000
pages, so a bulk load pays for both copies, one after the other, on its own
thread: about a quarter of ingestion's time on a large feed. While
:func:`background_checkpoints` is active, write transactions on the engine do
not checkpoint; a thread with its own connection does, while the writer goes on
with the next chunk (SQLite releases the interpreter lock while it copies, so
the copy runs on another core).

The WAL is reused from its start only when a writer begins while every frame
has been copied back. With a writer that never pauses that moment may not
come, so once the WAL has grown past ``limit_bytes`` the writer, between two
transactions, waits for a pass to finish: what is left is the last chunk
alone, because the thread has copied the rest meanwhile. The file therefore
stays near the limit instead of growing with the load.

Checkpoints are SQLite's own crash-safe operation (with ``synchronous=FULL`` it
syncs the database file before the WAL may be reused); doing them in another
thread changes when they run, not what a crash can leave behind. PostgreSQL
needs none of this, and the context manager does nothing there.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

#: The WAL size past which the writer waits for a checkpoint between transactions.
DEFAULT_LIMIT_BYTES = 256 << 20

#: SQLite's own default for ``wal_autocheckpoint`` (pages), restored after each transaction.
AUTOCHECKPOINT_PAGES = 1000

_deferred: weakref.WeakKeyDictionary[Engine, WalCheckpointer] = weakref.WeakKeyDictionary()


class WalCheckpointer:
    """A thread that runs a passive checkpoint whenever it is told a transaction committed."""

    def __init__(self, path: Path, limit_bytes: int) -> None:
        self.path = path
        self.wal = path.with_name(path.name + "-wal")
        self.limit_bytes = limit_bytes
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = False
        # Writers in several threads may report commits at once, and one may report
        # after the load ended: one at a time, and none once stopped (nothing would
        # answer a request then, and a writer waiting for it would wait for ever).
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(self.path, isolation_level=None)
            conn.execute("PRAGMA synchronous=FULL")  # the copied pages reach the disk
            while True:
                self._wanted.wait()
                self._wanted.clear()
                if self._stop:
                    return
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                if not self._wanted.is_set():
                    self._idle.set()
        except BaseException as exc:  # surfaced to the writer by committed() or stop()
            self._error = exc
            self._idle.set()
        finally:
            if conn is not None:
                conn.close()

    def committed(self) -> None:
        """A write transaction committed: copy its pages back, waiting if the WAL is large."""
        with self._lock:
            if self._stop:  # the load is over; commits checkpoint for themselves again
                return
            self._raise()
            if self.wal.exists() and self.wal.stat().st_size > self.limit_bytes:
                self._idle.wait()
                self._raise()
                self._request()
                self._idle.wait()  # every frame copied: the next writer starts the WAL afresh
                self._raise()
            else:
                self._request()

    def _request(self) -> None:
        self._idle.clear()
        self._wanted.set()

    def stop(self) -> None:
        """Finish the pending pass and end the thread."""
        with self._lock:
            self._idle.wait()
            self._stop = True
            self._wanted.set()
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None:
            raise RuntimeError(f"background WAL checkpoint failed: {self._error}") from self._error


@contextmanager
def background_checkpoints(
    engine: Engine, *, limit_bytes: int = DEFAULT_LIMIT_BYTES
) -> Iterator[None]:
    """Checkpoint SQLite's WAL in a thread, not in the writer, until the block ends."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:" or engine in _deferred:
        yield
        return
    worker = WalCheckpointer(Path(database), limit_bytes)
    _deferred[engine] = worker
    try:
        yield
    finally:
        del _deferred[engine]
        worker.stop()


@contextmanager
def writer_checkpoints(engine: Engine, dbapi_connection: Any) -> Iterator[None]:
    """Around one write transaction: no checkpoint in it if a background thread does them."""
    worker = _deferred.get(engine)
    if worker is None:
        yield
        return
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
    worker.committed()
