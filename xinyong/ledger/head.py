"""The chain head's sequence number for readers that ask before every request.

The public page cache asks for the head before every page it serves, so that a
change shows on the next request in every worker process. On PostgreSQL that is
one primary-key read on a pooled connection. On SQLite the pool's check-out and
return cost several times the read itself, and most of the time nothing has
changed: SQLite's ``PRAGMA data_version`` answers that question from memory
shared by all connections to the file. It changes whenever another connection,
in this process or another, commits; so a dedicated connection that never writes
reads the head again only when the file has changed, and otherwise answers with
the number it read last.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from sqlalchemy.engine import Engine

from xinyong.ledger.engine import BUSY_TIMEOUT_S

HEAD_SQL = "SELECT last_seq FROM chain_head WHERE id = 1"


class HeadWatch:
    """The ledger's last sequence number now, read again only when the store has changed.

    Safe to call from several threads (the event loop and the page builders).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._file = _sqlite_file(engine)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._data_version: int | None = None
        self._seq = 0

    def seq(self) -> int:
        """The last sequence number of the chain, as committed now."""
        if self._file is None:
            return self._pooled_read()
        with self._lock:
            conn = self._connection()
            # The version first, then the head: a commit between the two leaves an old
            # version with a newer head, which only costs one more read next time; the
            # other order could keep an old head for a new version, forever.
            (version,) = conn.execute("PRAGMA data_version").fetchone()
            if version != self._data_version:
                row = conn.execute(HEAD_SQL).fetchone()
                self._seq = int(row[0]) if row else 0
                self._data_version = version
            return self._seq

    def close(self) -> None:
        """Close the dedicated connection (it is opened again if asked)."""
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None
            self._data_version = None

    def _connection(self) -> sqlite3.Connection:
        # A connection must not cross a fork: a forked worker opens its own.
        if self._conn is None or self._pid != os.getpid():
            assert self._file is not None
            self._conn = sqlite3.connect(
                self._file, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._pid = os.getpid()
            self._data_version = None
        return self._conn

    def _pooled_read(self) -> int:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute(HEAD_SQL)
            row = cursor.fetchone()
            cursor.close()
            raw.rollback()  # nothing was written; ends PostgreSQL's implicit transaction
        finally:
            raw.close()
        return int(row[0]) if row else 0


def _sqlite_file(engine: Engine) -> Path | None:
    """The SQLite file behind ``engine``; ``None`` for PostgreSQL or a database in memory."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)
