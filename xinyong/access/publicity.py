"""Double publicity (双公示): the latest administrative licences and penalties, as published.

A feed of what departments decided recently, newest first, with the same
disclosure rules as subject pages: live records of organisations, inside their
window, public fields only. Natural persons' decisions are not listed here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.access.disclosure import RecordView, _publicity, _shown, _window, record_view
from xinyong.catalog import Catalog
from xinyong.ledger import NATURAL_PERSON, Source, Subject
from xinyong.ledger.projection import select_records
from xinyong.ledger.rows import record as record_from_row
from xinyong.ledger.tables import records, subjects

#: The feeds, by the name in their URL.
FEEDS: dict[str, str] = {
    "penalties": "administrative_penalty",
    "licences": "administrative_licence",
}


def latest(
    conn: Connection,
    catalog: Catalog,
    sources: Callable[[], Mapping[int, Source]],
    record_type: str,
    today: dt.date,
    *,
    region: str | None = None,
    limit: int = 50,
    before: tuple[dt.date, int] | None = None,
) -> tuple[list[tuple[Subject, RecordView]], tuple[dt.date, int] | None]:
    """Up to ``limit`` published decisions older than ``before``; and the next cursor.

    Paging is by (decision date, record id), so new decisions arriving meanwhile
    neither shift nor repeat entries.
    """
    sub = subjects.alias("s")
    stmt: sa.Select[Any] = (
        select_records()
        .add_columns(*[c.label(f"s_{c.name}") for c in sub.c])
        .join(sub, sub.c.id == records.c.subject_id)
        .where(records.c.record_type == record_type, records.c.status == "active",
               records.c.decision_date.is_not(None), records.c.decision_date <= today,
               sub.c.kind != NATURAL_PERSON)
        .order_by(records.c.decision_date.desc(), records.c.id.desc())
    )  # fmt: skip
    if region:
        stmt = stmt.where(sub.c.region.like(f"{region.rstrip('0') or region}%"))
    if before is not None:
        day, rid = before
        stmt = stmt.where(
            sa.or_(
                records.c.decision_date < day,
                sa.and_(records.c.decision_date == day, records.c.id < rid),
            )
        )
    out: list[tuple[Subject, RecordView]] = []
    last: tuple[dt.date, int] | None = None
    result = conn.execute(stmt.limit(limit * 4 + 10))
    for row in result:
        record = record_from_row(row)
        last = (record.decision_date or today, record.id)
        subject = _subject(row)
        window = _window(catalog, record)
        if not _shown(catalog, subject.kind, record, window, today):
            continue
        view = record_view(catalog, record, sources().get(record.source_id), "public",
                           subject.kind, None, (), _publicity(window))  # fmt: skip
        if view is not None:
            out.append((subject, view))
        if len(out) == limit:
            return out, last
    return out, None


def _subject(row: Any) -> Subject:
    m = row._mapping  # organisations only: no masked number to carry
    return Subject(
        id=m["s_id"], kind=m["s_kind"], name=m["s_name"], code=m["s_code"],
        region=m["s_region"], masked_id=None, created_at=m["s_created_at"],
    )  # fmt: skip
