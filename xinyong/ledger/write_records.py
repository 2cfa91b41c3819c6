"""Writes to credit records: assert (single and batch) and every later change.

Each change appends an event and updates the ``records`` projection in the
same transaction. A change that takes effect no earlier than the record's last
change is applied to the projection directly; a retroactive one (valid_from
before an already applied change) rebuilds the projection from the events, so
the projection always equals :func:`~xinyong.ledger.replay.fold` of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from xinyong.ledger import rows
from xinyong.ledger.chain import canonical, json_string, object_utf8
from xinyong.ledger.errors import DuplicateError, NotFoundError
from xinyong.ledger.model import Entity, Event, EventType, NewRecord, Record, RecordStatus
from xinyong.ledger.reads import record_row
from xinyong.ledger.replay import Draft, apply, check_transition, fold
from xinyong.ledger.tables import events, records, sources, subjects
from xinyong.ledger.writer import FLUSH_EVERY, TransactionBase

_RECORD = Entity.RECORD.value
_ASSERTED = EventType.ASSERTED.value
_ACTIVE = RecordStatus.ACTIVE.value


class RecordWrites(TransactionBase):
    """Record assertions and changes."""

    def add_records(self, items: Iterable[NewRecord], *, batch_id: int | None = None) -> range:
        """Assert many records at once; returns their ids, in input order.

        This is the ingest path: one id reservation, event text built from
        string pieces, the fields encoded once and stored once (in the event;
        the projection defers to it, see :mod:`xinyong.ledger.projection`),
        and rows inserted with one driver call per table. A
        duplicate natural key or an unknown source or subject fails the whole
        transaction (nothing is stored). Values are not otherwise checked here:
        ingest has validated every row before it gets this far.
        """
        batch = list(items)
        if not batch:
            return range(0)
        ids = self._reserve("records", len(batch))
        if batch_id is None:
            batch_id = self.batch_id
        for start in range(0, len(batch), FLUSH_EVERY):
            chunk = batch[start : start + FLUSH_EVERY]
            self._add_chunk(ids[start : start + len(chunk)], chunk, batch_id)
        return ids

    def _add_chunk(self, ids: range, chunk: list[NewRecord], batch_id: int | None) -> None:
        # The event's text is assembled as UTF-8 bytes: the fields usually arrive as
        # bytes (Encoded.from_utf8), and are hashed and stored without being decoded.
        self._linker.reserve_ids(len(chunk))
        link, encode_date, now, actor = self._linker.link, self._date, self._now_db, self.actor
        stored = self._utf8
        today = self.today()
        dates: dict[dt.date, tuple[str, Any, bytes]] = {}  # date -> (ISO, driver value, bytes)
        names: dict[str, bytes] = {}  # record type -> JSON text
        new_rows = []
        event_rows = []
        for rid, item in zip(ids, chunk, strict=True):
            fields = object_utf8(item.fields)
            decided = item.decision_date
            valid_from = item.valid_from or decided or today
            vf = dates.get(valid_from) or dates.setdefault(
                valid_from, _date_forms(valid_from, encode_date)
            )
            rtype = item.record_type
            rtype_json = names.get(rtype) or names.setdefault(rtype, json_string(rtype).encode())
            if decided is None:
                head = b"{"
                db_decided = None
            else:
                dd = dates.get(decided) or dates.setdefault(
                    decided, _date_forms(decided, encode_date)
                )
                head = b'{"decision_date":"%s",' % dd[2]
                db_decided = dd[1]
            original = (
                b"" if item.original is None else b'"original":%s,' % object_utf8(item.original)
            )
            body = b'%s"document_no":%s,"fields":%s,%s"record_type":%s,"subject_id":%d}' % (
                head, json_string(item.document_no).encode(), fields, original, rtype_json,
                item.subject_id,
            )  # fmt: skip
            src = item.source_id
            seq, event_id, prev, digest = link(_RECORD, rid, _ASSERTED, vf[0], src, batch_id, body)
            new_rows.append(
                (rid, src, item.subject_id, rtype, item.document_no, _ACTIVE, False, db_decided,
                 None, vf[1], vf[1], 1, seq, now)
            )  # fmt: skip
            event_rows.append(
                (seq, event_id, _RECORD, rid, _ASSERTED, vf[1], now, actor, src, batch_id,
                 stored(body), prev, digest)
            )  # fmt: skip
        self._events.extend(event_rows)
        self._buffer_records(new_rows)

    def assert_record(
        self,
        *,
        source_id: int,
        subject_id: int,
        record_type: str,
        document_no: str,
        fields: Mapping[str, Any],
        decision_date: dt.date | None = None,
        valid_from: dt.date | None = None,
        original: Mapping[str, Any] | None = None,
        batch_id: int | None = None,
    ) -> Record:
        """Assert one record (valid from its decision date unless told otherwise)."""
        if not record_type.strip() or not document_no.strip():
            raise ValueError("a record needs a record type and a document number")
        self._flush()
        self._require(sources, source_id, "source")
        self._require(subjects, subject_id, "subject")
        key = (source_id, record_type, document_no, subject_id)
        if self._find_natural_key(*key) is not None:
            raise DuplicateError(
                f"record {document_no!r} of type {record_type!r} from source {source_id} "
                f"about subject {subject_id} already exists"
            )
        item = NewRecord(
            source_id, subject_id, record_type, document_no, dict(fields), decision_date,
            valid_from, None if original is None else dict(original)
        )  # fmt: skip
        rid = self.add_records([item], batch_id=batch_id)[0]
        self._flush()
        return self._record(rid)

    def amend_record(
        self,
        record_id: int,
        fields: Mapping[str, Any] | None = None,
        *,
        removed: Collection[str] = (),
        decision_date: dt.date | None = None,
        original: Mapping[str, Any] | None = None,
        reason: str | None = None,
        valid_from: dt.date | None = None,
        source_id: int | None = None,
        batch_id: int | None = None,
    ) -> Record:
        """Change values (an update or a correction); untouched fields keep their provenance."""
        if not fields and not removed and decision_date is None:
            raise ValueError("nothing to amend: give fields, removed fields or a decision date")
        payload = {
            "fields": dict(fields) if fields else None,
            "removed": sorted(removed) or None,
            "decision_date": None if decision_date is None else decision_date.isoformat(),
            "original": None if original is None else dict(original),
            "reason": reason,
        }
        return self._change(record_id, EventType.AMENDED, payload, valid_from, source_id, batch_id)

    def withdraw_record(
        self, record_id: int, *, reason: str, valid_from: dt.date | None = None
    ) -> Record:
        """The furnishing department retracts the record (issued in error, decision quashed)."""
        return self._change(record_id, EventType.WITHDRAWN, {"reason": reason}, valid_from)

    def mark_disputed(
        self,
        record_id: int,
        *,
        reason: str,
        reference: str | None = None,
        valid_from: dt.date | None = None,
    ) -> Record:
        """An objection was filed: the record stays visible, marked, and rules must ignore it."""
        payload = {"reason": reason, "reference": reference}
        return self._change(record_id, EventType.DISPUTED, payload, valid_from)

    def resolve_dispute(
        self,
        record_id: int,
        *,
        outcome: str,
        reason: str | None = None,
        fields: Mapping[str, Any] | None = None,
        reference: str | None = None,
        valid_from: dt.date | None = None,
    ) -> Record:
        """Close an objection (``outcome`` e.g. upheld, rejected), applying corrected fields."""
        payload = {
            "outcome": outcome,
            "reason": reason,
            "reference": reference,
            "fields": dict(fields) if fields else None,
        }
        return self._change(record_id, EventType.RESOLVED, payload, valid_from)

    def mark_repaired(
        self,
        record_id: int,
        *,
        reason: str,
        reference: str | None = None,
        valid_from: dt.date | None = None,
    ) -> Record:
        """Credit repair granted: publicity ends early; the history remains."""
        payload = {"reason": reason, "reference": reference}
        return self._change(record_id, EventType.REPAIRED, payload, valid_from)

    def mark_expired(
        self, record_id: int, *, reason: str | None = None, valid_from: dt.date | None = None
    ) -> Record:
        """The publicity period ran out."""
        return self._change(record_id, EventType.EXPIRED, {"reason": reason}, valid_from)

    def restore_record(
        self, record_id: int, *, reason: str, valid_from: dt.date | None = None
    ) -> Record:
        """Revoke a repair or an expiry (e.g. the repair was obtained by fraud)."""
        return self._change(record_id, EventType.RESTORED, {"reason": reason}, valid_from)

    def _change(
        self,
        record_id: int,
        type_: EventType,
        payload: Mapping[str, Any],
        valid_from: dt.date | None,
        source_id: int | None = None,
        batch_id: int | None = None,
    ) -> Record:
        self._flush()
        row = self._records_row(record_id)
        current = rows.record(row)
        valid_from = valid_from or self.today()
        check_transition(current, type_, valid_from)
        if source_id is None:
            source_id = current.source_id
        clean = {k: v for k, v in payload.items() if v is not None}
        body = canonical(clean)
        seq = self._append(Entity.RECORD, record_id, type_, valid_from, body, source_id, batch_id)
        if valid_from >= row.last_valid_from:
            event = Event(
                seq, "", Entity.RECORD, record_id, type_, valid_from, self.recorded_at, self.actor,
                source_id, batch_id or self.batch_id, clean, "", ""
            )  # fmt: skip
            new = apply(Draft(current), event).record
            horizon = valid_from
        else:
            self._flush()
            new, horizon = self._refold(record_id)
        # The projection keeps deferring to the assertion while the fields are untouched
        # (compared as text: 1, 1.0 and true are equal in Python, not in the record).
        fields: str | None = canonical(dict(new.fields))
        if row.fields is None and fields == canonical(dict(current.fields)):
            fields = None
        self._conn.execute(
            records.update()
            .where(records.c.id == record_id)
            .values(
                status=new.status.value, disputed=new.disputed, decision_date=new.decision_date,
                fields=fields, last_valid_from=horizon, version=new.version,
                last_seq=new.last_seq, updated_at=new.updated_at,
            )
        )  # fmt: skip
        return new

    def _refold(self, record_id: int) -> tuple[Record, dt.date]:
        stmt = sa.select(events).where(events.c.entity == _RECORD, events.c.entity_id == record_id)
        history = [rows.event(r) for r in self._conn.execute(stmt)]
        state = fold(history)
        if state is None:  # pragma: no cover - a projection row implies an assertion
            raise NotFoundError(f"record {record_id} has no assertion")
        return state.record, max(e.valid_from for e in history)

    def _record(self, record_id: int) -> Record:
        return rows.record(self._records_row(record_id))

    def _records_row(self, record_id: int) -> sa.Row[Any]:
        return record_row(self._conn, record_id)

    def _find_natural_key(
        self, source_id: int, record_type: str, document_no: str, subject_id: int
    ) -> int | None:
        c = records.c
        stmt = sa.select(c.id).where(
            c.source_id == source_id,
            c.record_type == record_type,
            c.document_no == document_no,
            c.subject_id == subject_id,
        )
        return self._conn.execute(stmt).scalar_one_or_none()

    def _require(self, table: sa.Table, id_: int, what: str) -> None:
        found = self._conn.execute(sa.select(table.c.id).where(table.c.id == id_)).first()
        if found is None:
            raise NotFoundError(f"no {what} {id_}")


def _date_forms(day: dt.date, encode: Any) -> tuple[str, Any, bytes]:
    """A date as ISO text, as the driver stores it, and as the ISO text's bytes."""
    iso = day.isoformat()
    return iso, encode(day), iso.encode()
