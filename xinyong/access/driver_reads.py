"""A subject page's rows read straight through the SQLite driver, in one read transaction.

Building a public subject page runs five small statements; through SQLAlchemy
Core each costs several times what SQLite spends answering it (execution
context, result metadata, per-row processing), and on a cache miss that
overhead was most of the page. So is SQLAlchemy's own transaction (its
events, its connection wrapper): :func:`snapshot` begins and ends one on the
pooled driver connection itself. Here the statements are fixed strings, so the
driver's own statement cache keeps them prepared per pooled connection, and
rows are converted exactly as the ledger's column types would convert them
(dates as ISO text, instants as UTC wall time). A test holds the results
equal to :mod:`xinyong.ledger.reads` on the same store. The page cache's
catch-up (which subjects a stretch of the chain is about) is read here too,
on each worker's first request after every write.

PostgreSQL keeps the SQLAlchemy path: its driver already prepares, and its
types come back converted.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

from sqlalchemy.engine import Engine

from xinyong.access.disclosure import StatementView
from xinyong.ledger import Record, RecordStatus, Subject
from xinyong.ledger.head import HEAD_SQL
from xinyong.ledger.projection import ASSERTED_JOIN, fields_of

_SUBJECT = (
    "SELECT id, kind, name, code, region, person_id_masked, created_at FROM subjects WHERE code = ?"
)
_RECORDS = " ".join((
    "SELECT r.id, r.source_id, r.subject_id, r.record_type, r.document_no, r.status,",
    "r.disputed, r.decision_date, r.fields, a.payload, r.valid_from, r.version, r.last_seq,",
    "r.updated_at FROM records r",
    ASSERTED_JOIN,  # our own constant text, not input
    "WHERE r.subject_id = ? ORDER BY r.id",
))  # fmt: skip
_STATEMENTS = (
    "SELECT record_id, text, language, created_at FROM wf_statements "
    "WHERE record_id IN (SELECT id FROM records WHERE subject_id = ?) ORDER BY id"
)
#: The subject's listing cases in force on a day (``?`` twice, as ISO text, which sorts
#: as dates do), with their proposals: :func:`xinyong.access.standing.standing_of`'s
#: statement, written out.
_STANDING = (
    "SELECT c.id, c.target, c.starts_on, c.ends_on, c.data, c.subject_id, p.explanation, "
    "p.rule_id, p.policy_id, p.policy_version "
    "FROM wf_cases c JOIN proposals p ON p.id = c.proposal_id "
    "WHERE c.subject_id = ? AND c.kind = 'listing' AND c.state = 'in_force' "
    "AND (c.starts_on IS NULL OR c.starts_on <= ?) AND (c.ends_on IS NULL OR c.ends_on >= ?) "
    "ORDER BY c.id"
)
#: The first day after a given one (``?``, ISO text) on which one of the subject's listing
#: cases in force starts to take effect: :func:`xinyong.access.standing.next_start`.
_NEXT_START = (
    "SELECT min(starts_on) FROM wf_cases "
    "WHERE subject_id = ? AND kind = 'listing' AND state = 'in_force' AND starts_on > ?"
)
#: (entity, code) of each event in (``since``, ``until``], once per pair: the code of
#: the subject a subject, record, case or statement event is about (a statement is
#: about a record; NULL for a person), NULL for any other entity. Each lookup is a
#: correlated subquery by primary key, so the cost follows the number of events and
#: no planner chooses to scan ``records`` (PostgreSQL hash-joined it for 20,000 events).
#: Named parameters, so PostgreSQL runs the same text through SQLAlchemy.
CHANGED_SUBJECTS = """
SELECT DISTINCT e.entity, (
    SELECT s.code FROM subjects s WHERE s.id = CASE e.entity
        WHEN 'subject' THEN e.entity_id
        WHEN 'record' THEN (SELECT r.subject_id FROM records r WHERE r.id = e.entity_id)
        WHEN 'case' THEN (SELECT c.subject_id FROM wf_cases c WHERE c.id = e.entity_id)
        WHEN 'statement' THEN (
            SELECT r.subject_id FROM wf_statements w JOIN records r ON r.id = w.record_id
            WHERE w.id = e.entity_id)
    END)
FROM events e
WHERE e.seq > :since AND e.seq <= :until
"""

_date = dt.date.fromisoformat


def _instant(text: str) -> dt.datetime:
    # UTCDateTime keeps the UTC wall time in SQLite; read back as an aware UTC instant.
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


class CaseRow(NamedTuple):
    """A listing case in force with its proposal, as :func:`standing_view` reads one."""

    id: int
    target: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    data: str
    subject_id: int
    explanation: str
    rule_id: str
    policy_id: str
    policy_version: str


@contextmanager
def snapshot(engine: Engine) -> Iterator[sqlite3.Connection]:
    """A pooled connection's driver inside a read transaction: one snapshot of the store."""
    pooled = engine.raw_connection()
    try:
        driver: sqlite3.Connection = pooled.driver_connection  # type: ignore[assignment]
        driver.execute("BEGIN")
        try:
            yield driver
        finally:
            driver.execute("ROLLBACK")  # nothing was written
    finally:
        pooled.close()


def head(driver: sqlite3.Connection) -> int:
    """The ledger's last sequence number, in the transaction's snapshot."""
    row = driver.execute(HEAD_SQL).fetchone()
    return int(row[0]) if row else 0


def changed_subjects(
    driver: sqlite3.Connection, since: int, until: int
) -> list[tuple[str, str | None]]:
    """(entity, code) rows of :data:`CHANGED_SUBJECTS`, in the transaction's snapshot."""
    return list(driver.execute(CHANGED_SUBJECTS, {"since": since, "until": until}))


def subject_by_code(driver: sqlite3.Connection, code: str) -> Subject | None:
    """The subject registered under this (already validated) USCC."""
    row = driver.execute(_SUBJECT, (code,)).fetchone()
    if row is None:
        return None
    sid, kind, name, code_, region, masked, created = row
    return Subject(id=sid, kind=kind, name=name, code=code_, region=region, masked_id=masked,
                   created_at=_instant(created))  # fmt: skip


def records_of(driver: sqlite3.Connection, subject_id: int) -> list[Record]:
    """Current state of every record about a subject, oldest first."""
    return [_record(row) for row in driver.execute(_RECORDS, (subject_id,))]


def _record(row: tuple[Any, ...]) -> Record:
    (rid, source_id, sid, record_type, document_no, status, disputed, decided, fields,
     asserted, valid_from, version, last_seq, updated_at) = row  # fmt: skip
    return Record(
        id=rid, source_id=source_id, subject_id=sid, record_type=record_type,
        document_no=document_no, status=RecordStatus(status), disputed=bool(disputed),
        decision_date=None if decided is None else _date(decided),
        fields=fields_of(fields, asserted),
        valid_from=_date(valid_from), version=version, last_seq=last_seq,
        updated_at=_instant(updated_at),
    )  # fmt: skip


def statements_of(driver: sqlite3.Connection, subject_id: int) -> dict[int, list[StatementView]]:
    """The subject's statements about its records, by record id, oldest first."""
    found: dict[int, list[StatementView]] = {}
    for record_id, text, language, created in driver.execute(_STATEMENTS, (subject_id,)):
        found.setdefault(record_id, []).append(StatementView(text, language, _instant(created)))
    return found


def cases_in_force(driver: sqlite3.Connection, subject_id: int, today: dt.date) -> list[CaseRow]:
    """The subject's listing cases in force ``today``, oldest first."""
    day = today.isoformat()
    return [
        CaseRow(cid, target, None if starts is None else _date(starts),
                None if ends is None else _date(ends), *rest)
        for cid, target, starts, ends, *rest in driver.execute(_STANDING, (subject_id, day, day))
    ]  # fmt: skip


def next_start(driver: sqlite3.Connection, subject_id: int, today: dt.date) -> dt.date | None:
    """The first day after ``today`` a listing case of the subject comes into effect."""
    row = driver.execute(_NEXT_START, (subject_id, today.isoformat())).fetchone()
    return None if row is None or row[0] is None else _date(row[0])
