"""The audit trail: a hash chain of who read or tried to read non-public data, and why.

Each entry's hash is ``sha256(prev_hash || text)`` where ``text`` is the
canonical JSON array ``[seq, recorded_at, actor, audience, action, outcome,
purpose, subject_id, detail]`` (``detail`` as its stored canonical text),
written exactly as the ledger's event chain writes its arrays, so the same
few lines of JSON and SHA-256 audit both chains.

The chain is separate from the ledger's event chain (see
:mod:`xinyong.ledger.tables_access`) and has its own head row; ``xinyong
verify`` walks both. Entries never hold a clear identity number: actors and
subjects are named by account, key and subject id.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from xinyong.access.actors import Actor
from xinyong.clock import Clock
from xinyong.ledger.chain import GENESIS_HASH, canonical, event_hash, instant_text, payload_text
from xinyong.ledger.engine import read_transaction, write_transaction
from xinyong.ledger.model import VerifyReport
from xinyong.ledger.tables_access import audit_head, audit_log

STREAM_ROWS = 10_000


@dataclass(frozen=True)
class AuditEntry:
    """One link of the audit chain."""

    seq: int
    recorded_at: dt.datetime
    actor: str
    audience: str
    action: str
    outcome: str
    purpose: str | None
    subject_id: int | None
    detail: Mapping[str, Any]
    hash: str

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (what the subject and an auditor get)."""
        return {
            "seq": self.seq,
            "recorded_at": instant_text(self.recorded_at),
            "actor": self.actor,
            "audience": self.audience,
            "action": self.action,
            "outcome": self.outcome,
            "purpose": self.purpose,
            "subject_id": self.subject_id,
            "detail": dict(self.detail),
            "hash": self.hash,
        }


def entry_text(
    seq: int,
    recorded_at: dt.datetime,
    actor: str,
    audience: str,
    action: str,
    outcome: str,
    purpose: str | None,
    subject_id: int | None,
    detail: str,
) -> str:
    """The canonical JSON array an entry's hash covers (``detail`` as stored text)."""
    head = canonical(
        [seq, instant_text(recorded_at), actor, audience, action, outcome, purpose, subject_id]
    )
    return f"{head[:-1]},{detail}]"


class AuditChainError(RuntimeError):
    """The audit chain cannot be extended: its head row is gone while entries exist."""


def append(
    conn: Connection,
    clock: Callable[[], dt.datetime],
    actor: Actor,
    action: str,
    outcome: str,
    *,
    purpose: str | None = None,
    subject_id: int | None = None,
    detail: Mapping[str, Any] | None = None,
) -> int:
    """Chain one entry inside the caller's write transaction; returns its ``seq``.

    The time is read from ``clock`` only once the head is locked, and never earlier
    than the previous entry's: entries are ordered by time as well as by ``seq``
    even when writers race or two machines' clocks disagree slightly.
    """
    head = conn.execute(
        sa.select(audit_head.c.last_seq, audit_head.c.last_hash)
        .where(audit_head.c.id == 1)
        .with_for_update()
    ).one_or_none()
    if head is None:
        head = _recreate_head(conn)
    seq, prev = int(head.last_seq) + 1, str(head.last_hash)
    now = clock()
    if seq > 1:
        last = conn.execute(
            sa.select(audit_log.c.recorded_at).where(audit_log.c.seq == seq - 1)
        ).scalar_one_or_none()
        if last is not None and last > now:
            now = last
    text = payload_text(detail or {})
    digest = event_hash(
        prev,
        entry_text(
            seq, now, actor.name, actor.audience, action, outcome, purpose, subject_id, text
        ),
    )
    conn.execute(
        audit_log.insert().values(
            seq=seq, recorded_at=now, actor=actor.name, audience=actor.audience.value,
            action=action, outcome=outcome, purpose=purpose, subject_id=subject_id,
            detail=text, prev_hash=prev, hash=digest,
        )
    )  # fmt: skip
    conn.execute(
        audit_head.update().where(audit_head.c.id == 1).values(last_seq=seq, last_hash=digest)
    )
    return seq


def _recreate_head(conn: Connection) -> Any:
    """An empty store whose tables were emptied wholesale gets its head row back.

    With entries present a missing head means tampering: refuse, so nothing
    more is read without a trustworthy trail.
    """
    if conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one():
        raise AuditChainError("the audit_head row is missing while entries exist")
    conn.execute(audit_head.insert().values(id=1, last_seq=0, last_hash=GENESIS_HASH))
    return conn.execute(
        sa.select(audit_head.c.last_seq, audit_head.c.last_hash).where(audit_head.c.id == 1)
    ).one()


class AuditLog:
    """Appends and reads the audit chain of one store."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def record(
        self,
        actor: Actor,
        action: str,
        outcome: str,
        *,
        purpose: str | None = None,
        subject_id: int | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        """Append one entry in a transaction of its own; returns its ``seq``."""
        with write_transaction(self.engine) as conn:
            return append(
                conn, self.clock.now, actor, action, outcome,
                purpose=purpose, subject_id=subject_id, detail=detail,
            )  # fmt: skip

    def about(self, subject_id: int, *, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
        """Entries about one subject, newest first (what the subject sees)."""
        stmt = (
            sa.select(audit_log)
            .where(audit_log.c.subject_id == subject_id)
            .order_by(audit_log.c.seq.desc())
            .limit(limit)
            .offset(offset)
        )
        with read_transaction(self.engine) as conn:
            return [_entry(row) for row in conn.execute(stmt)]

    def export(
        self, *, after_seq: int = 0, limit: int = 1000, subject_id: int | None = None
    ) -> list[AuditEntry]:
        """Entries after ``after_seq`` in chain order (an auditor's export, page by page)."""
        stmt = sa.select(audit_log).where(audit_log.c.seq > after_seq)
        if subject_id is not None:
            stmt = stmt.where(audit_log.c.subject_id == subject_id)
        stmt = stmt.order_by(audit_log.c.seq).limit(limit)
        with read_transaction(self.engine) as conn:
            return [_entry(row) for row in conn.execute(stmt)]


def _entry(row: Any) -> AuditEntry:
    return AuditEntry(
        seq=row.seq, recorded_at=row.recorded_at, actor=row.actor, audience=row.audience,
        action=row.action, outcome=row.outcome, purpose=row.purpose,
        subject_id=row.subject_id, detail=json.loads(row.detail), hash=row.hash,
    )  # fmt: skip


def _walk(conn: Connection) -> Iterator[tuple[int, str | None]]:
    """Yield (count so far, problem or None) per entry; stops after the first problem."""
    seq, prev, prev_time = 0, GENESIS_HASH, None
    stmt = sa.select(audit_log).order_by(audit_log.c.seq).execution_options(yield_per=STREAM_ROWS)
    result = conn.execute(stmt)
    try:
        for row in result:
            seq += 1
            problem = _check(row, seq, prev, prev_time)
            yield seq, problem
            if problem:
                return
            prev, prev_time = row.hash, row.recorded_at
    finally:
        result.close()


def _check(row: Any, seq: int, prev: str, prev_time: Any) -> str | None:
    if row.seq != seq:
        return f"audit entry {seq} is missing: the log jumps to entry {row.seq}"
    if row.prev_hash != prev:
        return f"audit entry {seq} does not follow entry {seq - 1}: inserted, deleted or moved"
    text = entry_text(
        row.seq, row.recorded_at, row.actor, row.audience, row.action, row.outcome,
        row.purpose, row.subject_id, row.detail,
    )  # fmt: skip
    if event_hash(prev, text) != row.hash:
        return f"audit entry {seq} was edited: its contents do not match its hash"
    if prev_time is not None and row.recorded_at < prev_time:
        return f"audit entry {seq} was recorded before entry {seq - 1}: entries were reordered"
    return None


def verify_audit(conn: Connection, report: VerifyReport) -> VerifyReport:
    """Extend a ledger verification ``report`` with a walk of the audit chain."""
    if not report.ok:
        return report
    count, last_hash = 0, GENESIS_HASH
    for count, problem in _walk(conn):
        if problem:
            return replace(report, ok=False, reason=problem, audit_entries=count - 1)
    head = conn.execute(sa.select(audit_head).where(audit_head.c.id == 1)).one_or_none()
    if count:
        last_hash = conn.execute(
            sa.select(audit_log.c.hash).where(audit_log.c.seq == count)
        ).scalar_one()
    problem = _tail_problem(count, last_hash, head)
    if problem:
        return replace(report, ok=False, reason=problem, audit_entries=count)
    return replace(report, audit_entries=count)


def _tail_problem(count: int, last_hash: str, head: Any) -> str | None:
    if head is None:
        return None if count == 0 else "the audit_head row is missing"
    if count != head.last_seq:
        return (
            f"the audit log has {count} entries but its head says {head.last_seq}: "
            "entries were appended or deleted at the tail"
        )
    if last_hash != head.last_hash:
        return "the audit head does not match the last audit entry: the tail was rewritten"
    return None
