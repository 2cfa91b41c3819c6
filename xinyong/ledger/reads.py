"""Queries: current state from the projections, past state by replaying events.

As-of reads are bitemporal. ``recorded_at=T`` keeps the events the ledger had
recorded by instant T (transaction time: what we knew then); ``valid_at=D``
keeps the events that had taken effect in the world by date D (valid time:
what was true then, as far as we knew). The remaining events are folded in
valid-time order. ``None`` leaves a dimension unrestricted, so an as-of read
with neither equals the projection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger import rows
from xinyong.ledger.errors import NotFoundError
from xinyong.ledger.model import (
    Batch,
    Entity,
    Event,
    EventType,
    Record,
    RecordState,
    Source,
    Subject,
    SubjectState,
)
from xinyong.ledger.projection import select_records
from xinyong.ledger.replay import fold
from xinyong.ledger.tables import batches, events, records, sources, subjects


def _one(conn: Connection, table: sa.Table, where: sa.ColumnElement[bool]) -> sa.Row[Any] | None:
    return conn.execute(sa.select(table).where(where)).one_or_none()


def _get(conn: Connection, table: sa.Table, id_: int, what: str) -> sa.Row[Any]:
    row = _one(conn, table, table.c.id == id_)
    if row is None:
        raise NotFoundError(f"no {what} {id_}")
    return row


def get_subject(conn: Connection, subject_id: int) -> Subject:
    """The subject with this id, or :class:`NotFoundError`."""
    return rows.subject(_get(conn, subjects, subject_id, "subject"))


def find_subject(conn: Connection, code: str) -> Subject | None:
    """The subject registered under this (already validated) USCC."""
    row = _one(conn, subjects, subjects.c.code == code)
    return None if row is None else rows.subject(row)


def subject_codes(conn: Connection) -> list[str]:
    """Every registered code (organisations have one, persons none), in code order."""
    stmt = sa.select(subjects.c.code).where(subjects.c.code.is_not(None)).order_by(subjects.c.code)
    return list(conn.execute(stmt).scalars())


def count_subject_codes(conn: Connection) -> int:
    """How many subjects have a code (every organisation), without reading them."""
    stmt = sa.select(sa.func.count()).select_from(subjects).where(subjects.c.code.is_not(None))
    return int(conn.execute(stmt).scalar_one())


def find_person(conn: Connection, person_key: str) -> Subject | None:
    """The natural person whose identity number has this keyed hash."""
    row = _one(conn, subjects, subjects.c.person_key == person_key)
    return None if row is None else rows.subject(row)


def person_secret(conn: Connection, subject_id: int) -> tuple[bytes, str]:
    """(ciphertext, keyed hash) of a person's identity number, for authorised reveal."""
    row = _get(conn, subjects, subject_id, "subject")
    if row.person_id_enc is None:
        raise NotFoundError(f"subject {subject_id} is not a natural person")
    return bytes(row.person_id_enc), row.person_key


def get_source(conn: Connection, source_id: int) -> Source:
    """The source with this id, or :class:`NotFoundError`."""
    return rows.source(_get(conn, sources, source_id, "source"))


def find_source(conn: Connection, code: str) -> Source | None:
    """The source registered under this code."""
    row = _one(conn, sources, sources.c.code == code)
    return None if row is None else rows.source(row)


def list_sources(conn: Connection) -> list[Source]:
    """Every source, by code."""
    return [rows.source(r) for r in conn.execute(sa.select(sources).order_by(sources.c.code))]


def get_batch(conn: Connection, batch_id: int) -> Batch:
    """The batch with this id, or :class:`NotFoundError`."""
    return rows.batch(_get(conn, batches, batch_id, "batch"))


def get_record(conn: Connection, record_id: int) -> Record:
    """The current state of a record (from the projection)."""
    return rows.record(record_row(conn, record_id))


def record_row(conn: Connection, record_id: int) -> sa.Row[Any]:
    """The record's projection row with its assertion's payload (see
    :func:`~xinyong.ledger.projection.select_records`), or :class:`NotFoundError`."""
    row = conn.execute(select_records().where(records.c.id == record_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"no record {record_id}")
    return row


def find_record(
    conn: Connection, source_id: int, record_type: str, document_no: str, subject_id: int
) -> Record | None:
    """The record with this natural key, if any."""
    c = records.c
    stmt = select_records().where(
        c.source_id == source_id,
        c.record_type == record_type,
        c.document_no == document_no,
        c.subject_id == subject_id,
    )
    row = conn.execute(stmt).one_or_none()
    return None if row is None else rows.record(row)


def records_of(conn: Connection, subject_id: int) -> list[Record]:
    """Current state of every record about a subject, oldest first."""
    stmt = select_records().where(records.c.subject_id == subject_id).order_by(records.c.id)
    return [rows.record(r) for r in conn.execute(stmt)]


def _as_of(
    stmt: sa.Select[Any], valid_at: dt.date | None, recorded_at: dt.datetime | None
) -> sa.Select[Any]:
    if valid_at is not None:
        stmt = stmt.where(events.c.valid_from <= valid_at)
    if recorded_at is not None:
        stmt = stmt.where(events.c.recorded_at <= recorded_at)
    return stmt


def history(
    conn: Connection,
    entity: Entity,
    entity_id: int,
    *,
    valid_at: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
) -> list[Event]:
    """The events of one entity in chain order, optionally cut at a valid and a recorded time."""
    stmt = sa.select(events).where(events.c.entity == entity.value, events.c.entity_id == entity_id)
    stmt = _as_of(stmt, valid_at, recorded_at).order_by(events.c.seq)
    return [rows.event(r) for r in conn.execute(stmt)]


def record_as_of(
    conn: Connection,
    record_id: int,
    valid_at: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
) -> RecordState | None:
    """A record's state at ``valid_at`` as recorded by ``recorded_at``; ``None`` if unknown then."""
    return fold(history(conn, Entity.RECORD, record_id, valid_at=valid_at, recorded_at=recorded_at))


def _fold_subject(
    base: Subject, history_: Iterable[Event], valid_at: dt.date | None
) -> Subject | None:
    state: Subject | None = None
    for event in sorted(
        history_, key=lambda e: (e.type is not EventType.REGISTERED, e.valid_from, e.seq)
    ):
        p = event.payload
        if event.type is EventType.REGISTERED:
            state = replace(base, name=p["name"], region=p.get("region"))
        elif state is None or (valid_at is not None and event.valid_from > valid_at):
            continue
        elif event.type is EventType.AMENDED:
            state = replace(
                state, name=p.get("name", state.name), region=p.get("region", state.region)
            )
    return state


def subject_as_of(
    conn: Connection,
    subject_id: int,
    valid_at: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
) -> SubjectState | None:
    """A subject and its records at ``valid_at`` as recorded by ``recorded_at``.

    The subject exists from the moment it was recorded, whatever valid date its
    registration carries (organisations are often registered here long after
    they were founded, when their first record arrives); changes to its name
    and region take effect on their valid dates. ``None`` if the ledger did not
    know the subject yet at ``recorded_at``.
    """
    base = get_subject(conn, subject_id)
    own = history(conn, Entity.SUBJECT, subject_id, recorded_at=recorded_at)
    subject = _fold_subject(base, own, valid_at)
    if subject is None:
        return None
    joined = sa.select(events).join(
        records, (events.c.entity == Entity.RECORD.value) & (events.c.entity_id == records.c.id)
    )
    stmt = _as_of(joined.where(records.c.subject_id == subject_id), valid_at, recorded_at)
    stmt = stmt.order_by(events.c.entity_id, events.c.seq)
    found = [rows.event(r) for r in conn.execute(stmt)]
    states = []
    for _, group in groupby(found, key=lambda e: e.entity_id):
        state = fold(group)
        if state is not None:
            states.append(state)
    return SubjectState(subject=subject, records=tuple(states))
