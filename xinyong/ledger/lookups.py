"""Bulk look-ups for ingestion: many subjects or records in one query.

Ingestion resolves thousands of rows at a time. Asking the store once per row
costs a round trip each; these functions answer a whole chunk with one query
per kind of key, inside the caller's transaction (so that what they see cannot
change before the chunk's writes commit).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from xinyong.ledger.engine import is_sqlite
from xinyong.ledger.model import Entity, EventType, RecordStatus
from xinyong.ledger.projection import fields_text, select_records
from xinyong.ledger.tables import events, records, subjects

#: Keys per IN list: well under SQLite's and PostgreSQL's parameter limits.
IN_LIMIT = 5_000
T = TypeVar("T")


@dataclass(frozen=True)
class KnownRecord:
    """What ingestion needs to know about a record that already exists."""

    id: int
    subject_id: int
    document_no: str
    status: RecordStatus
    disputed: bool
    decision_date: dt.date | None
    fields_text: str  #: canonical JSON of the current fields

    @property
    def withdrawn(self) -> bool:
        """Whether the record was withdrawn (and can therefore change no more)."""
        return self.status is RecordStatus.WITHDRAWN


def _slices(values: Sequence[T]) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), IN_LIMIT):
        yield values[start : start + IN_LIMIT]


def _among(conn: Connection, column: sa.ColumnElement[str], values: Sequence[str]) -> Any:
    """``column IN values`` with the values in ONE parameter (a JSON array on SQLite, an
    array on PostgreSQL): thousands of keys without compiling thousands of parameters."""
    if is_sqlite(conn):
        listed = sa.select(sa.column("value", sa.String)).select_from(
            sa.func.json_each(sa.bindparam("keys", json.dumps(list(values)), sa.String))
        )
        return column.in_(listed.scalar_subquery())
    return column == sa.any_(sa.bindparam("keys", list(values), postgresql.ARRAY(sa.String)))


@dataclass(frozen=True)
class KnownSubject:
    """An organisation already registered: enough to resolve a row or update the register."""

    id: int
    kind: str
    name: str
    region: str | None


def subjects_by_code(conn: Connection, codes: Collection[str]) -> dict[str, KnownSubject]:
    """``{code: subject}`` for the organisations registered under these USCCs."""
    found: dict[str, KnownSubject] = {}
    c = subjects.c
    for part in _slices(sorted(codes)):
        stmt = sa.select(c.code, c.id, c.kind, c.name, c.region).where(_among(conn, c.code, part))
        for code, id_, kind, name, region in conn.execute(stmt):
            found[code] = KnownSubject(id_, kind, name, region)
    return found


def subjects_by_person_key(conn: Connection, keys: Collection[str]) -> dict[str, int]:
    """``{keyed hash: subject id}`` for the natural persons with these look-up keys."""
    found: dict[str, int] = {}
    c = subjects.c
    for part in _slices(sorted(keys)):
        stmt = sa.select(c.person_key, c.id).where(_among(conn, c.person_key, part))
        for key, id_ in conn.execute(stmt):
            found[key] = id_
    return found


def records_by_document(
    conn: Connection, source_id: int, record_type: str, document_nos: Collection[str]
) -> dict[tuple[str, int], KnownRecord]:
    """``{(document number, subject id): record}`` for one source and record type.

    The natural key is (source, record type, document number, subject); the
    unique index on it serves this query as a prefix look-up.
    """
    found: dict[tuple[str, int], KnownRecord] = {}
    for part in _slices(sorted(document_nos)):
        stmt = (
            _by_document_sqlite(source_id, record_type, part)
            if is_sqlite(conn)
            else _by_document_postgres(source_id, record_type, part)
        )
        for row in conn.execute(stmt):
            found[(row.document_no, row.subject_id)] = KnownRecord(
                id=row.id,
                subject_id=row.subject_id,
                document_no=row.document_no,
                status=RecordStatus(row.status),
                disputed=bool(row.disputed),
                decision_date=row.decision_date,
                fields_text=fields_text(row.fields, row.asserted_payload),
            )
    return found


_RECORD_COLUMNS = (
    records.c.id,
    records.c.subject_id,
    records.c.document_no,
    records.c.status,
    records.c.disputed,
    records.c.decision_date,
    records.c.fields,
)


def _by_document_sqlite(source_id: int, record_type: str, part: Sequence[str]) -> sa.Select[Any]:
    c = records.c
    return select_records(*_RECORD_COLUMNS).where(
        c.source_id == source_id,
        c.record_type == record_type,
        c.document_no.in_(
            sa.select(sa.column("value", sa.String))
            .select_from(sa.func.json_each(sa.bindparam("keys", json.dumps(list(part)))))
            .scalar_subquery()
        ),
    )


def _by_document_postgres(source_id: int, record_type: str, part: Sequence[str]) -> sa.Select[Any]:
    """One index probe per document number, whatever the planner's statistics say.

    ``document_no = ANY(array)`` lets PostgreSQL choose between one index
    descent per key and a scan of the whole (source, type) range filtered by
    the array; on a table loaded in the same batch (no statistics yet) it picks
    the scan, and each chunk then costs time proportional to the table. A
    LATERAL join over the unnested keys (fenced with ``OFFSET 0`` so that it is
    not flattened into a hash join over that same range) leaves it only
    equality look-ups on the natural-key index.
    """
    c = records.c
    keys = (
        sa.func.unnest(sa.bindparam("keys", list(part), postgresql.ARRAY(sa.String)))
        .table_valued("doc")
        .render_derived(name="k")
    )
    match = (
        select_records(*_RECORD_COLUMNS)
        .where(
            c.source_id == source_id,
            c.record_type == record_type,
            c.document_no == keys.c.doc,
        )
        .offset(0)  # keeps the planner from flattening the join into a range scan
        .lateral("r")
    )
    return sa.select(*match.c).select_from(keys).join(match, sa.true())


def resolved_outcomes(conn: Connection, record_ids: Collection[int]) -> dict[int, list[str]]:
    """``{record id: [outcome of each resolved objection, in chain order]}``.

    Ingestion uses it to recognise a record withdrawn after an objection was
    upheld, which a later feed must not bring back silently.
    """
    found: dict[int, list[str]] = {}
    e = events.c
    for part in _slices(sorted(record_ids)):
        stmt = (
            sa.select(e.entity_id, e.payload)
            .where(
                e.entity == Entity.RECORD.value,
                e.type == EventType.RESOLVED.value,
                e.entity_id.in_(part),
            )
            .order_by(e.seq)
        )
        for entity_id, payload in conn.execute(stmt):
            body: dict[str, Any] = json.loads(payload)
            found.setdefault(entity_id, []).append(str(body.get("outcome", "")))
    return found
