"""Connections: SQLite tuned for a server and a CLI sharing one file, and PostgreSQL.

SQLite runs in WAL mode, so readers never block the writer nor the writer the
readers. Writes start with ``BEGIN IMMEDIATE``: the write lock is taken up
front, so two writers queue on ``busy_timeout`` instead of one failing with
"database is locked" halfway through. ``synchronous=FULL`` makes every
acknowledged commit survive a power cut (the ledger must not lose an
acknowledged record; WAL's cheaper ``NORMAL`` could).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from xinyong.ledger.checkpoints import writer_checkpoints

#: Seconds a writer waits for the SQLite write lock before giving up.
BUSY_TIMEOUT_S = 60.0
_WRITE = "xinyong_write"


def create_store_engine(url: str) -> Engine:
    """An engine for the store at ``url``, with the SQLite settings above applied."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # hide_parameters: error messages must not echo names or keyed hashes.
        return sa.create_engine(parsed, hide_parameters=True, pool_pre_ping=True)
    engine = sa.create_engine(
        parsed, hide_parameters=True, connect_args={"timeout": BUSY_TIMEOUT_S}
    )
    sa.event.listen(engine, "connect", _sqlite_connect)
    sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


#: Page size of a new SQLite store. An assertion event is about 1.4 KB (a penalty's
#: fields and its chain columns): 4 KiB pages hold two of them and leave over a
#: quarter of the events table empty; 16 KiB pages hold about ten. A store of
#: 300,000 penalties is a fifth smaller, and appending makes a quarter as many writes.
PAGE_SIZE = 16_384

#: Most memory (KiB) each SQLite connection may keep as its page cache; SQLite's
#: default is 2,000 KiB. A write touches a leaf of every index at a place its key
#: decides (a subject's records, a record's natural key), so appending a million
#: records through the default cache re-read those pages from the file again and
#: again: the cache below cut the writing process's system time per record by more
#: than half and a million-row ingestion by a seventh.
#: SQLite allocates the pages as they are read, so a connection that reads little
#: holds little.
CACHE_KIB = 65_536


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN instead of the driver's own
    # implicit, deferred one, so writes can say IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")  # a new file only; a store keeps its own
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # negative: KiB, not pages
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(_WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(conn: Connection | Engine) -> bool:
    """Whether the connection talks to SQLite (the only dialect switch outside this module)."""
    return conn.dialect.name == "sqlite"


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction holding the write lock (SQLite) or ready to lock rows (PostgreSQL)."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with writer_checkpoints(engine, conn.connection.dbapi_connection), conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction whose statements all see one snapshot of the store."""
    with engine.connect() as conn:
        if not is_sqlite(conn):
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


# Bulk inserts bypass SQLAlchemy's per-row parameter processing, which costs
# more than the insert itself; values must then be given as the driver stores
# them. These encoders produce exactly what SQLAlchemy's own types would.


def sqlite_date(value: dt.date) -> str:
    """A date as SQLAlchemy stores it in SQLite."""
    return value.isoformat()


def sqlite_instant(value: dt.datetime) -> str:
    """A UTC instant as :class:`~xinyong.ledger.tables.UTCDateTime` stores it in SQLite."""
    u = value.astimezone(dt.UTC)
    return f"{u:%Y-%m-%d %H:%M:%S}.{u.microsecond:06d}"


def driver_encoders(
    conn: Connection,
) -> tuple[Callable[[dt.date], Any], Callable[[dt.datetime], Any], Callable[[bytes], Any]]:
    """(date, instant, UTF-8 text) encoders for bulk rows on this connection's backend.

    The text encoder takes a text column's value as UTF-8 bytes: SQLite is given
    the bytes themselves (:func:`insert_rows` casts them to text in the statement,
    so a long text is never decoded only to be encoded again); PostgreSQL's COPY
    is given the decoded text.
    """
    if is_sqlite(conn):
        return sqlite_date, sqlite_instant, _same
    return _same, _same, _utf8_text


def _same(value: Any) -> Any:
    return value


def _utf8_text(value: bytes) -> str:
    return value.decode("utf-8")


def insert_rows(conn: Connection, table: sa.Table, rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the table's column order) with one driver call.

    SQLite gets ``executemany``; PostgreSQL gets ``COPY``, several times faster
    than multi-row INSERTs. Constraint violations surface as
    :class:`sqlalchemy.exc.IntegrityError` on both. On SQLite a ``Text``
    column's value may also be its UTF-8 bytes (see :func:`driver_encoders`):
    the statement casts it, and text stays text.
    """
    if not rows:
        return
    if is_sqlite(conn):
        names = [c.name for c in table.columns]
        marks = ",".join(
            "CAST(? AS TEXT)" if isinstance(c.type, sa.Text) else "?" for c in table.columns
        )
        # Names come from our own table metadata, never from input.
        sql = f"INSERT INTO {table.name} ({','.join(names)}) VALUES ({marks})"  # noqa: S608
        conn.exec_driver_sql(sql, list(rows))
        return
    _copy_rows(conn, table, rows)


#: PostgreSQL binary COPY needs each column's type; these are all the ledger uses.
_PG_TYPES: tuple[tuple[type[sa.types.TypeEngine[Any]], str], ...] = (
    (sa.Boolean, "bool"),
    (sa.BigInteger, "int8"),
    (sa.Integer, "int4"),
    (sa.Text, "text"),
    (sa.String, "varchar"),
    (sa.DateTime, "timestamptz"),
    (sa.Date, "date"),
    (sa.LargeBinary, "bytea"),
)


def _pg_type(column: sa.Column[Any]) -> str:
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):
        kind = kind.impl_instance
    for python_type, name in _PG_TYPES:
        if isinstance(kind, python_type):
            return name
    raise TypeError(f"no COPY type for column {column}")  # pragma: no cover - schema bug


def _copy_rows(conn: Connection, table: sa.Table, rows: Sequence[Sequence[Any]]) -> None:
    dbapi: Any = conn.connection.dbapi_connection
    columns = ",".join(c.name for c in table.columns)
    integrity_error = conn.dialect.loaded_dbapi.IntegrityError
    try:
        with (
            dbapi.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN (FORMAT BINARY)") as copy,
        ):
            copy.set_types([_pg_type(c) for c in table.columns])
            for row in rows:
                copy.write_row(row)
    except integrity_error as exc:
        raise sa.exc.IntegrityError(f"COPY {table.name}", None, exc) from exc
