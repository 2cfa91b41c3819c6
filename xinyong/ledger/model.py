"""The ledger's domain objects: plain frozen dataclasses, independent of storage.

Rules, workflows and the web layer receive these objects, never rows, so the
schema can change (or move to another engine) without touching them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

#: Subject kind of a natural person; registered only through ``register_person``.
NATURAL_PERSON = "natural_person"


class Entity(StrEnum):
    """What an event is about."""

    RECORD = "record"
    SUBJECT = "subject"
    SOURCE = "source"
    BATCH = "batch"


class EventType(StrEnum):
    """Every kind of change the ledger records; events are never updated or deleted."""

    REGISTERED = "registered"  # a subject or source came into being
    ASSERTED = "asserted"  # a department furnished a record
    AMENDED = "amended"  # values changed (correction, update, subject renamed)
    WITHDRAWN = "withdrawn"  # the furnishing department retracted the record
    DISPUTED = "disputed"  # an objection was filed: the record becomes inert
    RESOLVED = "resolved"  # the objection was decided
    REPAIRED = "repaired"  # credit repair: publicity ends before the period runs out
    EXPIRED = "expired"  # the publicity period ran out
    RESTORED = "restored"  # a repair or expiry was revoked
    OPENED = "opened"  # an ingest batch started
    CLOSED = "closed"  # an ingest batch finished (committed, rejected, abandoned)


class RecordStatus(StrEnum):
    """Life-cycle state of a record; ``disputed`` is a separate flag that can overlay any."""

    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    REPAIRED = "repaired"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Source:
    """A furnishing department (or another platform) that sends records."""

    id: int
    code: str
    name: str
    kind: str
    region: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Subject:
    """An organisation (keyed by USCC) or a natural person (keyed by a keyed hash).

    For a person ``code`` is ``None`` and ``masked_id`` is the display form of the
    identity number; the number itself is only available through
    ``Store.reveal_person_id``.
    """

    id: int
    kind: str
    name: str
    code: str | None
    region: str | None
    masked_id: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class Batch:
    """One delivery from a source: a file or an API push, ingested as a unit."""

    id: int
    source_id: int
    name: str
    sha256: str | None
    status: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    counts: Mapping[str, int]


@dataclass(frozen=True)
class Record:
    """The state of one credit record, as the projection or an as-of read gives it."""

    id: int
    source_id: int
    subject_id: int
    record_type: str
    document_no: str
    status: RecordStatus
    disputed: bool
    decision_date: dt.date | None
    fields: Mapping[str, Any]
    valid_from: dt.date
    version: int
    last_seq: int
    updated_at: dt.datetime

    @property
    def natural_key(self) -> tuple[int, str, str, int]:
        """(source, record type, document number, subject): unique in the ledger."""
        return (self.source_id, self.record_type, self.document_no, self.subject_id)


@dataclass(frozen=True)
class Provenance:
    """Where the current value of one field came from."""

    seq: int
    event_type: EventType
    source_id: int | None
    batch_id: int | None
    recorded_at: dt.datetime
    valid_from: dt.date
    original: Any = None


@dataclass(frozen=True)
class RecordState:
    """A record as of some valid and transaction time, with per-field provenance."""

    record: Record
    provenance: Mapping[str, Provenance]


@dataclass(frozen=True)
class SubjectState:
    """A subject and every record about it, as of some valid and transaction time."""

    subject: Subject
    records: tuple[RecordState, ...]


@dataclass(frozen=True)
class Event:
    """One link of the hash chain."""

    seq: int
    event_id: str
    entity: Entity
    entity_id: int
    type: EventType
    valid_from: dt.date
    recorded_at: dt.datetime
    actor: str
    source_id: int | None
    batch_id: int | None
    payload: Mapping[str, Any]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class NewRecord:
    """Input to the batch append: one record a source furnishes.

    ``fields`` are the mapped values; ``original`` optionally keeps the values
    exactly as the department sent them, so a dispute can show both.
    """

    source_id: int
    subject_id: int
    record_type: str
    document_no: str
    fields: Mapping[str, Any]
    decision_date: dt.date | None = None
    valid_from: dt.date | None = None
    original: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class ChainHead:
    """The last link of the chain; publish it so later rewrites become detectable."""

    seq: int
    hash: str
    recorded_at: dt.datetime | None

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of walking the chain; ``bad_seq`` names the first event that fails."""

    ok: bool
    events: int
    head: ChainHead
    bad_seq: int | None = None
    reason: str | None = None
    #: Entries of the access audit log walked after the events (None: not walked).
    audit_entries: int | None = None
    #: Adopted proposal explanations checked against the hashes their cases chained.
    explanations: int | None = None
