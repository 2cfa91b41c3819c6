"""The baseline of ``bench/ingest.py``: one ORM insert per row, one commit per row.

This is what a first ingester usually looks like: read rows with
``csv.DictReader``, validate the code with the scalar validator, look the
subject and the natural key up with ORM queries, add the record and its chained
event as ORM objects, move the chain head and commit, row after row. It writes
the same ledger rows as the real path (a chain that ``verify`` accepts), so the
comparison is of the approach, not of what is stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import time
import uuid
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, registry

from xinyong.catalog import load_catalog
from xinyong.clock import Clock
from xinyong.ids import uscc
from xinyong.ingest import ingest_file
from xinyong.ledger import open_store
from xinyong.ledger.chain import canonical, event_hash, event_text
from xinyong.ledger.tables import chain_head, counters, events, records, subjects
from xinyong.settings import Settings


class SubjectRow:
    """ORM object over ``subjects``."""


class RecordRow:
    """ORM object over ``records``."""


class EventRow:
    """ORM object over ``events``."""


class HeadRow:
    """ORM object over ``chain_head``."""


class CounterRow:
    """ORM object over ``counters``."""


_MAPPED = registry()
for cls, table in ((SubjectRow, subjects), (RecordRow, records), (EventRow, events),
                   (HeadRow, chain_head), (CounterRow, counters)):  # fmt: skip
    _MAPPED.map_imperatively(cls, table)
_DATE = re.compile(r"(\d{4})\D(\d{1,2})\D(\d{1,2})")


def _date(text: str) -> dt.date | None:
    found = _DATE.search(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if found is None:
        return None
    try:
        return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        return None


def _next_id(session: Session, name: str) -> int:
    counter = session.get(CounterRow, name)
    if counter is None:
        counter = CounterRow()
        counter.name, counter.next_value = name, 1  # type: ignore[attr-defined]
        session.add(counter)
    value: int = counter.next_value  # type: ignore[attr-defined]
    counter.next_value = value + 1  # type: ignore[attr-defined]
    return value


def _one_row(session: Session, row: dict[str, str], names: dict[str, str], source_id: int) -> bool:
    try:
        code = uscc.validate(row["行政相对人代码_1（统一社会信用代码）"])
        decided = _date(row["处罚决定日期"])
        Decimal(row["罚款金额（万元）"] or "0")
    except (ValueError, InvalidOperation):
        return False
    if decided is None:
        return False
    subject = session.scalars(sa.select(SubjectRow).where(subjects.c.code == code)).first()
    if subject is None:
        return False
    number = row["行政处罚决定书文号"]
    exists = session.scalars(
        sa.select(RecordRow).where(
            records.c.source_id == source_id,
            records.c.record_type == "administrative_penalty",
            records.c.document_no == number,
            records.c.subject_id == subject.id,  # type: ignore[attr-defined]
        )
    ).first()
    if exists is not None:
        return True
    fields = {names[k]: v.strip() for k, v in row.items() if k in names and v and v.strip()}
    head = session.get(HeadRow, 1)
    now = dt.datetime.now(dt.UTC)
    rid, seq, event_id = _next_id(session, "ledger.records"), head.last_seq + 1, str(uuid.uuid4())  # type: ignore[union-attr]
    payload = canonical({
        "decision_date": decided.isoformat(), "document_no": number, "fields": fields,
        "record_type": "administrative_penalty", "subject_id": subject.id,  # type: ignore[attr-defined]
    })  # fmt: skip
    text = event_text(
        seq, event_id, "record", rid, "asserted", decided, now, "naive", source_id, None, payload
    )
    digest = event_hash(head.last_hash, text)  # type: ignore[union-attr]
    record, event = RecordRow(), EventRow()
    values: dict[str, Any] = {
        "id": rid, "source_id": source_id, "subject_id": subject.id,  # type: ignore[attr-defined]
        "record_type": "administrative_penalty", "document_no": number, "status": "active",
        "disputed": False, "decision_date": decided, "fields": canonical(fields),
        "valid_from": decided, "last_valid_from": decided, "version": 1, "last_seq": seq,
        "updated_at": now,
    }  # fmt: skip
    for key, value in values.items():
        setattr(record, key, value)
    values = {
        "seq": seq, "event_id": event_id, "entity": "record", "entity_id": rid,
        "type": "asserted", "valid_from": decided, "recorded_at": now, "actor": "naive",
        "source_id": source_id, "batch_id": None, "payload": payload,
        "prev_hash": head.last_hash, "hash": digest,  # type: ignore[union-attr]
    }  # fmt: skip
    for key, value in values.items():
        setattr(event, key, value)
    session.add_all([record, event])
    head.last_seq, head.last_hash, head.recorded_at = seq, digest, now  # type: ignore[union-attr]
    session.commit()
    return True


def naive_rate(settings: Settings, register: Path, feed: Path, rows: int) -> float:
    """Rows per second of the naive loop over the first ``rows`` rows of ``feed``."""
    spec = load_catalog().record_type("administrative_penalty")
    names = {f.std_name: f.name for f in spec.fields if f.std_name}
    with open_store(settings, Clock(pinned=settings.today), create=True) as store:
        ingest_file(store, register, "subject-registry-cn", "REG", source_name="register")
        source_id = store.register_source("SAMR", "市场监管").id
        engine = store.engine
        with open(feed, encoding="gb18030", newline="") as f, Session(engine) as session:
            reader: Any = islice(csv.DictReader(f), rows)
            start = time.perf_counter()
            done = sum(1 for row in reader if _one_row(session, row, names, source_id) or True)
            seconds = time.perf_counter() - start
        if not store.verify().ok:
            raise RuntimeError("the naive baseline broke the hash chain")
    return done / seconds
