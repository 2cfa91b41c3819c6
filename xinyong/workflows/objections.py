"""Objections (异议): the subject contests a record; until the department answers, it is inert.

Filing marks the record disputed in the same transaction (every page, report
and export shows the mark; rules must skip it) and starts the department's
deadline on the working-day calendar. Silence past the deadline escalates the
case and the record stays inert: the default on silence is never "keep using
it". Every listing in force that relies on the record is suspended in the
filing's transaction (no effect, no measure while the record is inert). A
correction or withdrawal lifts or sets aside every listing that relied on the
record in that same transaction, then re-evaluates the subject. A confirmation
restores the record only once the subject has been told: the dispute mark is
lifted when the outcome notice is delivered, and in that same transaction the
listings it held are in force again (unless another record they rely on is
still disputed). Silence escalates and the listings stay suspended.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger import counters
from xinyong.ledger.tables_workflows import wf_statements
from xinyong.ledger.transaction import Transaction
from xinyong.workflows.cases import find_cases, get_case, open_case, step
from xinyong.workflows.context import Context, names, record_in
from xinyong.workflows.errors import ProcedureError
from xinyong.workflows.events import CaseEvent, WorkflowEntity, append_event, connection
from xinyong.workflows.listing import (
    DECIDED,
    dependents,
    release_dependents,
    resume_dependents,
    suspend_dependents,
)
from xinyong.workflows.model import Case, CaseKind, CaseState, Notice, Statement
from xinyong.workflows.outbox import queue_notice
from xinyong.workflows.templates import LANGUAGES

OUTCOMES = {
    "confirm": CaseState.CONFIRMED,
    "correct": CaseState.CORRECTED,
    "withdraw": CaseState.WITHDRAWN,
}
PENDING_STATES = (CaseState.VERIFYING, CaseState.ESCALATED)


def file_objection(
    ctx: Context,
    record_id: int,
    *,
    actor: str,
    grounds: str,
    agent: str | None = None,
    statement: str | None = None,
    language: str = "zh",
) -> Case:
    """The subject (or ``agent`` on its behalf) objects to a record; it is disputed at once."""
    if not grounds.strip():
        raise ProcedureError("an objection states its grounds")
    with ctx.store.transaction(actor=actor) as tx:
        conn = connection(tx)
        record = record_in(conn, record_id)
        if record.disputed:
            raise ProcedureError(f"record {record_id} is already under objection")
        if record.status.value == "withdrawn":
            raise ProcedureError(f"record {record_id} was withdrawn: there is nothing to object to")
        rule = ctx.deadlines.objection_reply(record.record_type)
        received = tx.today()
        due = rule.due(ctx.calendar, received)
        holds = [c.id for c in dependents(conn, record.subject_id, record_id) if c.state in DECIDED]
        case = open_case(
            tx,
            CaseKind.OBJECTION,
            CaseState.VERIFYING,
            subject_id=record.subject_id,
            record_id=record_id,
            reason=grounds,
            due_on=due,
            due_for="department_reply",
            data={
                "grounds": grounds,
                "agent": agent,
                "received_on": received.isoformat(),
                "deadline_rule": rule.describe(),
                "source_id": record.source_id,
                "suspends": holds,
            },
        )
        tx.mark_disputed(record_id, reason=grounds, reference=f"case:{case.id}")
        # Disputed means inert: no listing built on the record keeps its effect meanwhile.
        suspend_dependents(tx, record.subject_id, record_id, objection_id=case.id)
        if statement:
            add_statement_in(tx, record_id, statement, language, case_id=case.id)
        params = {
            **names(conn, subject_id=record.subject_id, source_id=record.source_id),
            "document_no": record.document_no,
            "grounds": grounds,
            "due_on": due.isoformat(),
            "day": received.isoformat(),
        }
        queue_notice(
            tx,
            key=f"case:{case.id}:to-department",
            party_kind="source",
            party_id=record.source_id,
            template="objection_to_department",
            case_id=case.id,
            params=params,
        )
        queue_notice(
            tx,
            key=f"case:{case.id}:received",
            party_kind="subject",
            party_id=record.subject_id,
            template="objection_received",
            case_id=case.id,
            params=params,
        )
        return case


def answer_objection(
    ctx: Context,
    case_id: int,
    *,
    actor: str,
    outcome: str,
    reason: str,
    fields: Mapping[str, Any] | None = None,
) -> Case:
    """The department's answer: ``confirm``, ``correct`` (with ``fields``) or ``withdraw``."""
    if outcome not in OUTCOMES:
        raise ProcedureError(f"an answer is one of {', '.join(OUTCOMES)}, not {outcome!r}")
    if outcome == "correct" and not fields:
        raise ProcedureError("a correction gives the corrected fields")
    if outcome != "correct" and fields:
        raise ProcedureError("only a correction changes fields")
    with ctx.store.transaction(actor=actor) as tx:
        conn = connection(tx)
        case = _objection(tx, case_id)
        if case.state not in PENDING_STATES:
            raise ProcedureError(f"case {case_id} is {case.state.value}: already answered")
        assert case.record_id is not None
        record = record_in(conn, case.record_id)
        late = case.due_on is not None and tx.today() > case.due_on
        reference = f"case:{case_id}"
        if outcome == "correct":
            tx.resolve_dispute(
                case.record_id,
                outcome="corrected",
                reason=reason,
                fields=fields,
                reference=reference,
            )
        elif outcome == "withdraw":
            tx.withdraw_record(case.record_id, reason=reason)
            tx.resolve_dispute(
                case.record_id, outcome="withdrawn", reason=reason, reference=reference
            )
        new = step(
            tx,
            case,
            CaseEvent.REPLIED,
            state=OUTCOMES[outcome],
            reason=reason,
            due_on=None,
            due_for=None,
            data={
                "outcome": outcome,
                "reason": reason,
                "answered_by": actor,
                "answered_late": late,
                "answered_on": tx.today().isoformat(),
                "corrected_fields": dict(fields) if fields else None,
            },
        )
        if outcome != "confirm":
            release_dependents(
                tx,
                record.subject_id,
                case.record_id,
                ground="correction",
                reason=f"record {case.record_id} {OUTCOMES[outcome].value} on objection "
                f"(case {case_id})",
            )
        queue_notice(
            tx,
            key=f"case:{case_id}:outcome",
            party_kind="subject",
            party_id=record.subject_id,
            template="objection_outcome",
            case_id=case_id,
            params={
                **names(conn, subject_id=record.subject_id),
                "document_no": record.document_no,
                "outcome": outcome,
                "reason": reason,
            },
        )
    if outcome != "confirm":
        ctx.reevaluator()(record.subject_id)
    return new


def outcome_delivered(tx: Transaction, notice: Notice) -> None:
    """The subject was told its objection was rejected: only now is the mark lifted.

    In the same transaction the listings the objection suspended are in force
    again, unless another record they rely on is still disputed.
    """
    if notice.template != "objection_outcome" or notice.case_id is None:
        return
    case = get_case(connection(tx), notice.case_id, lock=True)
    if case.state is not CaseState.CONFIRMED or case.record_id is None:
        return
    record = record_in(connection(tx), case.record_id)
    if record.disputed:
        reason = str(case.data.get("reason"))
        tx.resolve_dispute(
            case.record_id, outcome="confirmed", reason=reason, reference=f"case:{case.id}"
        )
        resume_dependents(
            tx,
            record.subject_id,
            case.record_id,
            objection_id=case.id,
            reason=f"{reason}; subject told on {notice.delivered_on}",
        )


def escalate_in(tx: Transaction, case: Case) -> Case:
    """The department missed the deadline: escalate; the record stays disputed and inert."""
    new = step(
        tx,
        case,
        CaseEvent.ESCALATED,
        state=CaseState.ESCALATED,
        reason=f"no answer by {case.due_on}: escalated; the record stays out of use",
        due_for="escalated",
    )
    conn = connection(tx)
    record = record_in(conn, case.record_id or 0)
    params = {"document_no": record.document_no, "due_on": str(case.due_on)}
    for party_kind, party_id in (("source", record.source_id), ("subject", record.subject_id)):
        queue_notice(
            tx,
            key=f"case:{case.id}:escalated:{party_kind}",
            party_kind=party_kind,
            party_id=party_id,
            template="objection_escalated",
            case_id=case.id,
            params=params,
        )
    return new


def _objection(tx: Transaction, case_id: int) -> Case:
    case = get_case(connection(tx), case_id, lock=True)
    if case.kind is not CaseKind.OBJECTION:
        raise ProcedureError(f"case {case_id} is a {case.kind.value} case, not an objection")
    return case


def add_statement_in(
    tx: Transaction, record_id: int, text: str, language: str, *, case_id: int | None = None
) -> Statement:
    """Attach the subject's statement to a record, in ``tx``."""
    if not text.strip():
        raise ProcedureError("a statement needs text")
    if language not in LANGUAGES:
        raise ProcedureError(f"language must be one of {', '.join(LANGUAGES)}")
    conn = connection(tx)
    record_in(conn, record_id)  # must exist
    sid = counters.reserve(conn, "workflows.statements", 1)[0]
    row: dict[str, Any] = {
        "id": sid,
        "record_id": record_id,
        "case_id": case_id,
        "text": text,
        "language": language,
        "actor": tx.actor,
        "created_at": tx.recorded_at,
    }
    tx._flush()
    conn.execute(wf_statements.insert().values(**row))
    append_event(
        tx,
        WorkflowEntity.STATEMENT,
        sid,
        CaseEvent.STATEMENT,
        {"record_id": record_id, "case_id": case_id, "text": text, "language": language},
    )
    return Statement(**row)


def add_statement(
    ctx: Context, record_id: int, *, actor: str, text: str, language: str = "zh"
) -> Statement:
    """The subject's statement about a record, shown wherever the record is shown."""
    with ctx.store.transaction(actor=actor) as tx:
        return add_statement_in(tx, record_id, text, language)


def statements_for(conn: Connection, record_id: int) -> list[Statement]:
    """Every statement about a record, oldest first."""
    stmt = sa.select(wf_statements).where(wf_statements.c.record_id == record_id)
    return [Statement(**dict(r._mapping)) for r in conn.execute(stmt.order_by(wf_statements.c.id))]


def overdue(conn: Connection, today: Any) -> list[Case]:
    """Objections still verifying after their deadline."""
    return find_cases(
        conn, kind=CaseKind.OBJECTION, states=(CaseState.VERIFYING,), due_before=today
    )
