"""The core of a write transaction: chain appends, buffered rows, ids, the head.

A :class:`TransactionBase` is created after the transaction took the chain's
write lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: ``SELECT ... FOR UPDATE``
on the one ``chain_head`` row), so appends from concurrent transactions
serialise and every transaction sees the head it extends. Events and new
record rows are buffered and inserted with one driver call per table when the
transaction ends, or earlier when a read needs them or the buffer is large;
the chain head is updated last, in the same transaction, so events, projection
and head commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.clock import Clock
from xinyong.ledger import counters
from xinyong.ledger.chain import Linker
from xinyong.ledger.engine import driver_encoders, insert_rows, is_sqlite
from xinyong.ledger.errors import DuplicateError, LedgerError, NotFoundError
from xinyong.ledger.model import ChainHead, Entity, EventType
from xinyong.ledger.tables import chain_head, events, records

#: Buffered rows per table before an early flush; bounds memory on huge batches.
FLUSH_EVERY = 20_000


def lock_head(conn: Connection) -> ChainHead:
    """Read the chain head, locking it until the transaction ends (PostgreSQL)."""
    stmt = sa.select(chain_head).where(chain_head.c.id == 1)
    if not is_sqlite(conn):  # SQLite's BEGIN IMMEDIATE already holds the write lock
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).one_or_none()
    if row is None:
        raise LedgerError(
            "the chain head row is missing: the store is damaged (run `xinyong verify`)"
        )
    return ChainHead(seq=row.last_seq, hash=row.last_hash, recorded_at=row.recorded_at)


class TransactionBase:
    """State shared by every write in one transaction."""

    def __init__(
        self, conn: Connection, clock: Clock, actor: str, batch_id: int | None = None
    ) -> None:
        if not actor:
            raise ValueError("every write names its actor")
        head = lock_head(conn)
        now = clock.now()
        # Transaction time never runs backwards along the chain, even if the
        # wall clock does, so "as recorded at T" is always a prefix of the chain.
        if head.recorded_at is not None and now < head.recorded_at:
            now = head.recorded_at
        self.recorded_at = now
        self.actor = actor
        self.batch_id = batch_id
        self._conn = conn
        self._clock = clock
        self._head = head
        self._linker = Linker(head.seq, head.hash, now, actor)
        self._date, instant, self._utf8 = driver_encoders(conn)
        self._now_db = instant(now)
        self._events: list[tuple[Any, ...]] = []
        self._records: list[tuple[Any, ...]] = []

    def today(self) -> dt.date:
        """The platform's date, the default valid time of a change."""
        return self._clock.today()

    def head(self) -> ChainHead:
        """The chain head as it will be if the transaction commits now."""
        if self._linker.seq == self._head.seq:
            return self._head
        return ChainHead(self._linker.seq, self._linker.hash, self.recorded_at)

    def _reserve(self, name: str, count: int) -> range:
        return counters.reserve(self._conn, f"ledger.{name}", count)

    def _append(
        self,
        entity: Entity,
        entity_id: int,
        type_: EventType,
        valid_from: dt.date,
        payload: str,
        source_id: int | None = None,
        batch_id: int | None = None,
    ) -> int:
        """Chain one event (``payload`` already canonical JSON text); returns its seq."""
        if batch_id is None:
            batch_id = self.batch_id
        seq, event_id, prev, digest = self._linker.link(
            entity.value,
            entity_id,
            type_.value,
            valid_from.isoformat(),
            source_id,
            batch_id,
            payload,
        )
        self._events.append(
            (seq, event_id, entity.value, entity_id, type_.value, self._date(valid_from),
             self._now_db, self.actor, source_id, batch_id, payload, prev, digest)
        )  # fmt: skip
        if len(self._events) >= FLUSH_EVERY:
            self._flush()
        return seq

    def _buffer_records(self, rows: Sequence[tuple[Any, ...]]) -> None:
        self._records.extend(rows)
        if len(self._records) >= FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        """Write buffered rows; a constraint violation fails the whole transaction."""
        try:
            insert_rows(self._conn, records, self._records)
            insert_rows(self._conn, events, self._events)
        except sa.exc.IntegrityError as exc:
            raise _integrity_error(exc) from exc
        self._records.clear()
        self._events.clear()

    def _finish(self) -> ChainHead:
        """Flush and move the chain head; called once, just before commit."""
        self._flush()
        head = self.head()
        if head is not self._head:
            self._conn.execute(
                chain_head.update()
                .where(chain_head.c.id == 1)
                .values(last_seq=head.seq, last_hash=head.hash, recorded_at=head.recorded_at)
            )
        return head


def _integrity_error(exc: sa.exc.IntegrityError) -> LedgerError:
    """Say which rule a bulk insert broke, without echoing any values."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) == "23503" or "FOREIGN KEY" in str(orig):
        return NotFoundError(
            "a record or event refers to a source, subject or batch that does not exist"
        )
    return DuplicateError(
        "a record with the same natural key (source, record type, document number, subject) "
        "already exists"
    )
