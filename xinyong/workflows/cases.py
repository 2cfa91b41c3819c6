"""Storing cases: the ``wf_cases`` rows, each change chained as an event in the same transaction."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger import counters
from xinyong.ledger.chain import canonical
from xinyong.ledger.engine import is_sqlite
from xinyong.ledger.tables_workflows import wf_cases
from xinyong.ledger.transaction import Transaction
from xinyong.workflows.errors import CaseNotFoundError, ConflictError, ProcedureError
from xinyong.workflows.events import CaseEvent, WorkflowEntity, append_event, connection
from xinyong.workflows.model import TRANSITIONS, Case, CaseKind, CaseState

_UNSET: Any = object()


def _case(row: Any) -> Case:
    m = row._mapping
    return Case(
        id=m["id"],
        kind=CaseKind(m["kind"]),
        state=CaseState(m["state"]),
        subject_id=m["subject_id"],
        record_id=m["record_id"],
        proposal_id=m["proposal_id"],
        target=m["target"],
        opened_by=m["opened_by"],
        opened_at=m["opened_at"],
        opened_on=m["opened_on"],
        due_on=m["due_on"],
        due_for=m["due_for"],
        starts_on=m["starts_on"],
        ends_on=m["ends_on"],
        data=json.loads(m["data"]),
        version=m["version"],
        last_seq=m["last_seq"],
        updated_at=m["updated_at"],
    )


def open_case(
    tx: Transaction,
    kind: CaseKind,
    state: CaseState,
    *,
    subject_id: int,
    reason: str,
    record_id: int | None = None,
    proposal_id: int | None = None,
    target: str | None = None,
    due_on: dt.date | None = None,
    due_for: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> Case:
    """Create a case and chain its ``opened`` event."""
    conn = connection(tx)
    case_id = counters.reserve(conn, "workflows.cases", 1)[0]
    facts = dict(data or {})
    payload = {
        "kind": kind.value,
        "state": state.value,
        "subject_id": subject_id,
        "record_id": record_id,
        "proposal_id": proposal_id,
        "target": target,
        "due_on": _iso(due_on),
        "due_for": due_for,
        "reason": reason,
        "data": facts or None,
    }
    seq = append_event(tx, WorkflowEntity.CASE, case_id, CaseEvent.OPENED, payload)
    case = Case(
        id=case_id,
        kind=kind,
        state=state,
        subject_id=subject_id,
        record_id=record_id,
        proposal_id=proposal_id,
        target=target,
        opened_by=tx.actor,
        opened_at=tx.recorded_at,
        opened_on=tx.today(),
        due_on=due_on,
        due_for=due_for,
        starts_on=None,
        ends_on=None,
        data=facts,
        version=1,
        last_seq=seq,
        updated_at=tx.recorded_at,
    )
    tx._flush()  # records asserted earlier in this transaction must exist before a case cites them
    conn.execute(
        wf_cases.insert().values(
            id=case.id,
            kind=kind.value,
            state=state.value,
            subject_id=subject_id,
            record_id=record_id,
            proposal_id=proposal_id,
            target=target,
            opened_by=case.opened_by,
            opened_at=case.opened_at,
            opened_on=case.opened_on,
            due_on=due_on,
            due_for=due_for,
            starts_on=None,
            ends_on=None,
            data=canonical(facts),
            version=1,
            last_seq=seq,
            updated_at=case.updated_at,
        )
    )
    return case


def step(
    tx: Transaction,
    case: Case,
    event: CaseEvent,
    *,
    reason: str,
    state: CaseState | None = None,
    due_on: dt.date | None = _UNSET,
    due_for: str | None = _UNSET,
    starts_on: dt.date | None = _UNSET,
    ends_on: dt.date | None = _UNSET,
    data: Mapping[str, Any] | None = None,
    payload: Mapping[str, Any] | None = None,
) -> Case:
    """Apply one step to ``case``: check the move, chain the event, update the row.

    ``data`` is merged into the case's facts; ``payload`` adds to the event only.
    The update is conditional on the version read, so a concurrent change makes
    this step fail instead of being lost.
    """
    if not reason.strip():
        raise ProcedureError("every step states its reason")
    if state is not None and state is not case.state:
        allowed = TRANSITIONS.get(case.kind, {}).get(case.state, frozenset())
        if state not in allowed:
            raise ProcedureError(
                f"case {case.id} ({case.kind.value}) is {case.state.value}: "
                f"it cannot become {state.value}"
            )
    changes: dict[str, Any] = {}
    for name, value in (
        ("due_on", due_on),
        ("due_for", due_for),
        ("starts_on", starts_on),
        ("ends_on", ends_on),
    ):
        if value is not _UNSET:
            changes[name] = value
    facts = {**case.data, **(data or {})}
    body: dict[str, Any] = {
        "from": case.state.value,
        "to": (state or case.state).value,
        "reason": reason,
        **{k: _iso(v) if isinstance(v, dt.date) else v for k, v in changes.items()},
        "data": dict(data) if data else None,
        **(payload or {}),
    }
    seq = append_event(tx, WorkflowEntity.CASE, case.id, event, body)
    new = replace(
        case,
        state=state or case.state,
        data=facts,
        version=case.version + 1,
        last_seq=seq,
        updated_at=tx.recorded_at,
        **changes,
    )
    result = connection(tx).execute(
        wf_cases.update()
        .where(wf_cases.c.id == case.id, wf_cases.c.version == case.version)
        .values(
            state=new.state.value,
            data=canonical(facts),
            version=new.version,
            last_seq=seq,
            updated_at=new.updated_at,
            **changes,
        )
    )
    if result.rowcount != 1:
        raise ConflictError(f"case {case.id} changed meanwhile: read it again")
    return new


def get_case(conn: Connection, case_id: int, *, lock: bool = False) -> Case:
    """The case with this id; ``lock`` holds its row until the transaction ends (PostgreSQL)."""
    stmt = sa.select(wf_cases).where(wf_cases.c.id == case_id)
    if lock and not is_sqlite(conn):
        stmt = stmt.with_for_update()
    row = conn.execute(stmt).one_or_none()
    if row is None:
        raise CaseNotFoundError(f"no case {case_id}")
    return _case(row)


def find_cases(
    conn: Connection,
    *,
    kind: CaseKind | None = None,
    states: Iterable[CaseState] | None = None,
    subject_id: int | None = None,
    record_id: int | None = None,
    proposal_id: int | None = None,
    due_before: dt.date | None = None,
) -> list[Case]:
    """Cases matching every given filter, oldest first."""
    c = wf_cases.c
    stmt = sa.select(wf_cases).order_by(c.id)
    if kind is not None:
        stmt = stmt.where(c.kind == kind.value)
    if states is not None:
        stmt = stmt.where(c.state.in_([s.value for s in states]))
    if subject_id is not None:
        stmt = stmt.where(c.subject_id == subject_id)
    if record_id is not None:
        stmt = stmt.where(c.record_id == record_id)
    if proposal_id is not None:
        stmt = stmt.where(c.proposal_id == proposal_id)
    if due_before is not None:
        stmt = stmt.where(c.due_on < due_before)
    return [_case(row) for row in conn.execute(stmt)]


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()
