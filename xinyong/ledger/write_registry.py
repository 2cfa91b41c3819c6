"""Writes that register who records are about and where they come from.

Subjects, sources and batches each get a row (the current state) and an event
(the history), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.clock import Clock
from xinyong.ledger import rows
from xinyong.ledger.chain import canonical, payload_text
from xinyong.ledger.errors import DuplicateError, IdentifierError, NotFoundError, TransitionError
from xinyong.ledger.model import NATURAL_PERSON, Batch, Entity, EventType, Source, Subject
from xinyong.ledger.tables import batches, sources, subjects
from xinyong.ledger.writer import TransactionBase
from xinyong.privacy import PersonIdCipher

BATCH_OUTCOMES = frozenset({"committed", "rejected", "abandoned"})


def validate_uscc(code: str) -> str:
    """The compact, valid USCC, or :class:`IdentifierError` saying what is wrong."""
    from xinyong.ids import uscc  # deferred: the ledger imports without the ids tables loaded
    from xinyong.ids.errors import ValidationError

    try:
        return uscc.validate(code)
    except ValidationError as exc:
        raise IdentifierError(f"invalid USCC {code!r}: {exc}", exc.code) from exc


def validate_ric(number: str, today: dt.date) -> tuple[str, str]:
    """(18-digit number, masked form); errors never repeat the number, not even in a traceback."""
    from xinyong.ids import ric
    from xinyong.ids.errors import ValidationError

    try:
        valid = ric.validate(number, today)
    except ValidationError as exc:
        reason = exc.code
    else:
        return valid, ric.mask(valid)
    raise IdentifierError(f"invalid resident identity number ({reason})", reason)


class RegistryWrites(TransactionBase):
    """Sources, subjects (organisations and persons) and ingest batches."""

    _conn: Connection
    _clock: Clock
    _cipher: Callable[[], PersonIdCipher]

    def register_source(
        self,
        code: str,
        name: str,
        *,
        kind: str = "department",
        region: str | None = None,
        valid_from: dt.date | None = None,
    ) -> Source:
        """Register a furnishing department, so its records can carry provenance."""
        code = code.strip()
        if not code or not name.strip():
            raise ValueError("a source needs a code and a name")
        if self._one(sources, sources.c.code == code) is not None:
            raise DuplicateError(f"source {code!r} is already registered")
        sid = self._reserve("sources", 1)[0]
        values = {"code": code, "name": name, "kind": kind, "region": region}
        self._conn.execute(sources.insert().values(id=sid, created_at=self.recorded_at, **values))
        body = payload_text(values)
        self._append(
            Entity.SOURCE, sid, EventType.REGISTERED, valid_from or self.today(), body, sid
        )
        return Source(sid, code, name, kind, region, self.recorded_at)

    def register_subject(
        self,
        code: str,
        kind: str,
        name: str,
        *,
        region: str | None = None,
        valid_from: dt.date | None = None,
    ) -> Subject:
        """Register an organisation under its (validated) USCC; persons use ``register_person``."""
        if kind == NATURAL_PERSON:
            raise ValueError("natural persons are registered with register_person")
        code = validate_uscc(code)
        existing = self._one(subjects, subjects.c.code == code)
        if existing is not None:
            raise DuplicateError(f"subject {code!r} is already registered as {existing.id}")
        return self._new_subject(
            {"code": code, "kind": kind, "name": name, "region": region}, {}, valid_from
        )

    def register_person(
        self,
        id_number: str,
        name: str,
        *,
        region: str | None = None,
        valid_from: dt.date | None = None,
    ) -> Subject:
        """Register a natural person: number encrypted, keyed hash for look-up, masked for display.

        Neither the row nor the event carries the number in clear; the event
        carries the keyed hash, which proves which person was registered
        without revealing the number.
        """
        number, masked = validate_ric(id_number, self.today())
        cipher = self._cipher()
        key = cipher.lookup_key(number)
        existing = self._one(subjects, subjects.c.person_key == key)
        if existing is not None:
            raise DuplicateError(f"this person is already registered as subject {existing.id}")
        hidden = {
            "person_key": key,
            "person_id_enc": cipher.encrypt(number, key),
            "person_id_masked": masked,
        }
        public = {"code": None, "kind": NATURAL_PERSON, "name": name, "region": region}
        return self._new_subject(public, hidden, valid_from)

    def _new_subject(
        self, public: dict[str, Any], hidden: dict[str, Any], valid_from: dt.date | None
    ) -> Subject:
        if not str(public["name"]).strip():
            raise ValueError("a subject needs a name")
        sid = self._reserve("subjects", 1)[0]
        at = self.recorded_at
        self._conn.execute(
            subjects.insert().values(id=sid, created_at=at, updated_at=at, **public, **hidden)
        )
        body = payload_text({**public, "person_key": hidden.get("person_key")})
        self._append(Entity.SUBJECT, sid, EventType.REGISTERED, valid_from or self.today(), body)
        return Subject(id=sid, masked_id=hidden.get("person_id_masked"), created_at=at, **public)

    def amend_subject(
        self,
        subject_id: int,
        *,
        name: str | None = None,
        region: str | None = None,
        reason: str | None = None,
        valid_from: dt.date | None = None,
    ) -> Subject:
        """Change a subject's name or region (a renamed company keeps its USCC and history)."""
        changes = {k: v for k, v in (("name", name), ("region", region)) if v is not None}
        if not changes:
            raise ValueError("nothing to amend: give a name or a region")
        self._subject_row(subject_id)
        self._conn.execute(
            subjects.update()
            .where(subjects.c.id == subject_id)
            .values(**changes, updated_at=self.recorded_at)
        )
        body = payload_text({**changes, "reason": reason})
        self._append(
            Entity.SUBJECT, subject_id, EventType.AMENDED, valid_from or self.today(), body
        )
        return rows.subject(self._subject_row(subject_id))

    def open_batch(self, source_id: int, name: str, *, sha256: str | None = None) -> Batch:
        """Start an ingest batch; events of the delivery point to it as their provenance."""
        if self._one(sources, sources.c.id == source_id) is None:
            raise NotFoundError(f"no source {source_id}")
        bid = self._reserve("batches", 1)[0]
        self._conn.execute(
            batches.insert().values(
                id=bid, source_id=source_id, name=name, sha256=sha256, status="open",
                started_at=self.recorded_at, finished_at=None, counts="{}",
            )
        )  # fmt: skip
        body = payload_text({"name": name, "sha256": sha256})
        self._append(Entity.BATCH, bid, EventType.OPENED, self.today(), body, source_id, bid)
        return rows.batch(self._batch_row(bid))

    def close_batch(
        self, batch_id: int, *, status: str = "committed", counts: Mapping[str, int] | None = None
    ) -> Batch:
        """Finish a batch with its outcome and counts (rows read, accepted, rejected...)."""
        if status not in BATCH_OUTCOMES:
            raise ValueError(f"status must be one of {sorted(BATCH_OUTCOMES)}, not {status!r}")
        row = self._batch_row(batch_id)
        if row.status != "open":
            raise TransitionError(f"batch {batch_id} is already {row.status}")
        counts_text = canonical(dict(counts or {}))
        self._conn.execute(
            batches.update()
            .where(batches.c.id == batch_id)
            .values(status=status, finished_at=self.recorded_at, counts=counts_text)
        )
        body = f'{{"counts":{counts_text},"status":{canonical(status)}}}'
        self._append(
            Entity.BATCH, batch_id, EventType.CLOSED, self.today(), body, row.source_id, batch_id
        )
        return rows.batch(self._batch_row(batch_id))

    def _one(self, table: sa.Table, where: sa.ColumnElement[bool]) -> sa.Row[Any] | None:
        return self._conn.execute(sa.select(table).where(where)).one_or_none()

    def _subject_row(self, subject_id: int) -> sa.Row[Any]:
        row = self._one(subjects, subjects.c.id == subject_id)
        if row is None:
            raise NotFoundError(f"no subject {subject_id}")
        return row

    def _batch_row(self, batch_id: int) -> sa.Row[Any]:
        row = self._one(batches, batches.c.id == batch_id)
        if row is None:
            raise NotFoundError(f"no batch {batch_id}")
        return row
