"""Row to domain-object conversions, shared by the readers and the writers."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from xinyong.ledger.model import (
    Batch,
    Entity,
    Event,
    EventType,
    Record,
    RecordStatus,
    Source,
    Subject,
)
from xinyong.ledger.projection import ASSERTED_PAYLOAD, fields_of

_loads = json.loads


def source(row: sa.Row[Any]) -> Source:
    """A :class:`Source` from a ``sources`` row."""
    m = row._mapping
    return Source(
        id=m["id"],
        code=m["code"],
        name=m["name"],
        kind=m["kind"],
        region=m["region"],
        created_at=m["created_at"],
    )


def subject(row: sa.Row[Any]) -> Subject:
    """A :class:`Subject` from a ``subjects`` row (never carrying the clear identity number)."""
    m = row._mapping
    return Subject(
        id=m["id"],
        kind=m["kind"],
        name=m["name"],
        code=m["code"],
        region=m["region"],
        masked_id=m["person_id_masked"],
        created_at=m["created_at"],
    )


def batch(row: sa.Row[Any]) -> Batch:
    """A :class:`Batch` from a ``batches`` row."""
    m = row._mapping
    return Batch(
        id=m["id"],
        source_id=m["source_id"],
        name=m["name"],
        sha256=m["sha256"],
        status=m["status"],
        started_at=m["started_at"],
        finished_at=m["finished_at"],
        counts=_loads(m["counts"]),
    )


def record(row: sa.Row[Any]) -> Record:
    """A :class:`Record` from a row of :func:`~xinyong.ledger.projection.select_records`."""
    m = row._mapping
    return Record(
        id=m["id"],
        source_id=m["source_id"],
        subject_id=m["subject_id"],
        record_type=m["record_type"],
        document_no=m["document_no"],
        status=RecordStatus(m["status"]),
        disputed=bool(m["disputed"]),
        decision_date=m["decision_date"],
        fields=fields_of(m["fields"], m[ASSERTED_PAYLOAD]),
        valid_from=m["valid_from"],
        version=m["version"],
        last_seq=m["last_seq"],
        updated_at=m["updated_at"],
    )


def event(row: sa.Row[Any]) -> Event:
    """An :class:`Event` from an ``events`` row, payload decoded."""
    m = row._mapping
    return Event(
        seq=m["seq"],
        event_id=m["event_id"],
        entity=Entity(m["entity"]),
        entity_id=m["entity_id"],
        type=EventType(m["type"]),
        valid_from=m["valid_from"],
        recorded_at=m["recorded_at"],
        actor=m["actor"],
        source_id=m["source_id"],
        batch_id=m["batch_id"],
        payload=_loads(m["payload"]),
        prev_hash=m["prev_hash"],
        hash=m["hash"],
    )
