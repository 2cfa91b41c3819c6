"""Ingest bookkeeping in the store: checkpoints, held rows and arrival dates.

A delivery is ingested in chunks, each committed in one transaction together
with the batch's checkpoint (rows done, counts so far, how much of the rejects
file belongs to committed rows). After a crash the checkpoint says exactly
where to resume, and because it commits with the records it describes, the two
can never disagree. Rows that need a person's decision are kept in
``held_rows``; the decision and arrival dates of new records are aggregated in
``ingest_arrivals`` for the timeliness figures. None of this is chained: it is
operational state about deliveries, not a change to any record.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from xinyong.ledger import rows
from xinyong.ledger.chain import canonical, object_text
from xinyong.ledger.engine import insert_rows, is_sqlite
from xinyong.ledger.model import Batch
from xinyong.ledger.tables import batches, held_rows, ingest_arrivals, ingest_progress, sources

if TYPE_CHECKING:
    from xinyong.ledger.transaction import Transaction


@dataclass(frozen=True)
class Progress:
    """A batch's checkpoint: what the committed chunks have done so far."""

    batch_id: int
    mapping: str
    rows_done: int
    counts: Mapping[str, Any]
    rejects_path: str | None
    rejects_bytes: int
    delivered_on: dt.date | None


@dataclass(frozen=True)
class HeldRow:
    """A row kept back for a person to decide on (never silently applied or dropped)."""

    row_number: int
    record_id: int | None
    record_type: str
    document_no: str
    subject_id: int | None
    reason: str
    fields: Mapping[str, Any]


@dataclass(frozen=True)
class BatchFigures:
    """One ingested batch of a source: its status and its (final or checkpoint) counts."""

    source_id: int
    source_code: str
    source_name: str
    batch_id: int
    status: str
    counts: Mapping[str, Any]


def _progress(row: sa.Row[Any]) -> Progress:
    m = row._mapping
    return Progress(
        batch_id=m["batch_id"],
        mapping=m["mapping"],
        rows_done=m["rows_done"],
        counts=json.loads(m["counts"]),
        rejects_path=m["rejects_path"],
        rejects_bytes=m["rejects_bytes"],
        delivered_on=m["delivered_on"],
    )


def find_delivery(
    conn: Connection, source_id: int, sha256: str
) -> tuple[Batch, Progress | None] | None:
    """The latest open or committed batch of this source for a file with this digest."""
    stmt = (
        sa.select(batches)
        .where(
            batches.c.source_id == source_id,
            batches.c.sha256 == sha256,
            batches.c.status.in_(("open", "committed")),
        )
        .order_by(batches.c.id.desc())
        .limit(1)
    )
    row = conn.execute(stmt).one_or_none()
    if row is None:
        return None
    batch = rows.batch(row)
    return batch, read_progress(conn, batch.id)


def read_progress(conn: Connection, batch_id: int) -> Progress | None:
    """The checkpoint of a batch, if it was started by ingestion."""
    row = conn.execute(
        sa.select(ingest_progress).where(ingest_progress.c.batch_id == batch_id)
    ).one_or_none()
    return None if row is None else _progress(row)


def start_progress(
    tx: Transaction,
    batch_id: int,
    mapping: str,
    rejects_path: str | None,
    delivered_on: dt.date | None,
) -> Progress:
    """Create the checkpoint of a batch just opened in the same transaction."""
    values = {
        "batch_id": batch_id,
        "mapping": mapping,
        "rows_done": 0,
        "counts": "{}",
        "rejects_path": rejects_path,
        "rejects_bytes": 0,
        "delivered_on": delivered_on,
        "updated_at": tx.recorded_at,
    }
    tx._conn.execute(ingest_progress.insert().values(**values))
    return Progress(batch_id, mapping, 0, {}, rejects_path, 0, delivered_on)


def save_progress(
    tx: Transaction, batch_id: int, rows_done: int, counts: Mapping[str, Any], rejects_bytes: int
) -> None:
    """Move the checkpoint; commits with the chunk whose rows it counts."""
    tx._conn.execute(
        ingest_progress.update()
        .where(ingest_progress.c.batch_id == batch_id)
        .values(
            rows_done=rows_done,
            counts=canonical(dict(counts)),
            rejects_bytes=rejects_bytes,
            updated_at=tx.recorded_at,
        )
    )


def hold_rows(tx: Transaction, batch_id: int, source_id: int, items: Sequence[HeldRow]) -> None:
    """Keep rows for review, in the chunk's transaction."""
    if not items:
        return
    ids = tx._reserve("held_rows", len(items))
    now = tx._now_db
    tx._flush()  # held rows may point at records asserted earlier in this transaction
    insert_rows(
        tx._conn,
        held_rows,
        [
            (hid, batch_id, source_id, item.row_number, item.record_id, item.record_type,
             item.document_no, item.subject_id, item.reason, object_text(item.fields),
             "held", now)
            for hid, item in zip(ids, items, strict=True)
        ],
    )  # fmt: skip


def _arrivals_upsert(conn: Connection) -> Any:
    dialect_insert = sqlite.insert if is_sqlite(conn) else postgresql.insert
    table = ingest_arrivals
    stmt = dialect_insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.batch_id, table.c.decided_on, table.c.arrived_on],
        set_={"rows": table.c.rows + stmt.excluded.rows},
    )


def add_arrivals(
    tx: Transaction, batch_id: int, counts: Mapping[tuple[dt.date, dt.date], int]
) -> None:
    """Add (decision date, arrival date) counts of newly asserted records to the batch's."""
    if not counts:
        return
    params = [
        {"batch_id": batch_id, "decided_on": decided, "arrived_on": arrived, "rows": n}
        for (decided, arrived), n in sorted(counts.items())
    ]
    tx._conn.execute(_arrivals_upsert(tx._conn), params)


def list_held(conn: Connection, batch_id: int | None = None) -> list[dict[str, Any]]:
    """Held rows (of one batch, or all), oldest first, as plain dictionaries."""
    stmt = sa.select(held_rows).order_by(held_rows.c.id)
    if batch_id is not None:
        stmt = stmt.where(held_rows.c.batch_id == batch_id)
    out = []
    for row in conn.execute(stmt):
        item = dict(row._mapping)
        item["fields"] = json.loads(item["fields"])
        out.append(item)
    return out


def batch_figures(conn: Connection) -> list[BatchFigures]:
    """Every batch started by ingestion, with its final counts or its checkpoint's."""
    stmt = (
        sa.select(
            sources.c.id, sources.c.code, sources.c.name, batches.c.id.label("batch_id"),
            batches.c.status, batches.c.counts, ingest_progress.c.counts.label("progress"),
        )
        .join(batches, batches.c.source_id == sources.c.id)
        .join(ingest_progress, ingest_progress.c.batch_id == batches.c.id)
        .order_by(sources.c.code, batches.c.id)
    )  # fmt: skip
    out = []
    for row in conn.execute(stmt):
        text = row.counts if row.status == "committed" else row.progress
        out.append(
            BatchFigures(row.id, row.code, row.name, row.batch_id, row.status, json.loads(text))
        )
    return out


def arrival_counts(conn: Connection) -> list[tuple[int, dt.date, dt.date, int]]:
    """(source id, decision date, arrival date, rows) over every ingested batch."""
    a = ingest_arrivals.c
    stmt = (
        sa.select(batches.c.source_id, a.decided_on, a.arrived_on, sa.func.sum(a.rows))
        .join(batches, batches.c.id == a.batch_id)
        .group_by(batches.c.source_id, a.decided_on, a.arrived_on)
    )
    return [(s, d, r, int(n)) for s, d, r, n in conn.execute(stmt)]
