"""Credit repair (信用修复): ending a record's publicity early, on conditions, within deadlines.

An application is checked at once; if a condition fails, the case is recorded
as refused with every reason (refusals are never silent). Otherwise the
platform gives feedback within 10 working days and, on forwarding, the
deciding authority decides within 3 (2025 State Council implementation plan;
both configurable). Approval marks the record repaired: it leaves public view
at once, while its history stays in the ledger for agency use where the rules
allow, and listings that relied on it are lifted in the same transaction.

Conditions (2025 NDRC measures): the type and tier are repairable (published,
with a minimum shorter than the maximum); the minimum period has passed; no
recurrence (no later active record of the same type about the subject); the
subject is not on a list that bars repair; proof that the obligation was met
and a credit commitment (信用承诺) are given. Repair is free: there is no fee step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger.model import Record, RecordStatus
from xinyong.ledger.tables import records
from xinyong.ledger.transaction import Transaction
from xinyong.workflows.cases import find_cases, get_case, open_case, step
from xinyong.workflows.context import Context, names, record_in
from xinyong.workflows.errors import ProcedureError
from xinyong.workflows.events import CaseEvent, connection
from xinyong.workflows.listing import release_dependents
from xinyong.workflows.model import Case, CaseKind, CaseState
from xinyong.workflows.outbox import queue_notice
from xinyong.workflows.publicity import window_for

OPEN = (CaseState.APPLIED, CaseState.FORWARDED)


@dataclass(frozen=True)
class Refusal:
    """One unmet condition: a stable code and the reason in words."""

    code: str
    reason: str


def check_conditions(
    ctx: Context, conn: Connection, record: Record, today: dt.date, *, proof: str, commitment: str
) -> list[Refusal]:
    """Every repair condition ``record`` fails on ``today`` (empty: all met)."""
    out: list[Refusal] = []
    if record.status is not RecordStatus.ACTIVE:
        out.append(Refusal("not_active", f"the record is {record.status.value}"))
    if record.disputed:
        out.append(Refusal("disputed", "the record is under objection; wait for the answer"))
    window = window_for(ctx.catalog, record)
    if window.problem is not None:
        out.append(Refusal("no_period", f"the publicity period is unknown: {window.problem}"))
    elif not window.published:
        out.append(
            Refusal("not_published", "the record is not published, so there is nothing to end")
        )
    elif window.repairable_from is None:
        out.append(
            Refusal(
                "not_repairable",
                f"tier {window.period.tier if window.period else '?'} is published for its full "
                "period and cannot be repaired early",
            )
        )
    elif today < window.repairable_from:
        out.append(
            Refusal(
                "minimum_not_passed",
                f"the minimum publicity period has not passed: apply from {window.repairable_from}",
            )
        )
    later = _recurrence(conn, record)
    if later:
        out.append(
            Refusal(
                "recurrence",
                f"a later record of the same type exists (record {', '.join(map(str, later))})",
            )
        )
    barred = _barring_lists(ctx, conn, record)
    if barred:
        out.append(
            Refusal("list_bars_repair", f"the subject is on {', '.join(barred)}, which bars repair")
        )
    if not proof.strip():
        out.append(Refusal("no_proof", "proof that the obligations were performed is missing"))
    if not commitment.strip():
        out.append(Refusal("no_commitment", "the credit commitment (信用承诺) is missing"))
    return out


def _recurrence(conn: Connection, record: Record) -> list[int]:
    if record.decision_date is None:
        return []
    c = records.c
    stmt = sa.select(c.id).where(
        c.subject_id == record.subject_id,
        c.record_type == record.record_type,
        c.id != record.id,
        c.status == RecordStatus.ACTIVE.value,
        c.disputed.is_(False),
        c.decision_date > record.decision_date,
    )
    return [int(r) for r in conn.execute(stmt.order_by(c.id)).scalars()]


def _barring_lists(ctx: Context, conn: Connection, record: Record) -> list[str]:
    barred = []
    rtype = ctx.catalog.record_types.get(record.record_type)
    own = rtype.list_type if rtype else None
    listed = [
        c.target
        for c in find_cases(
            conn, kind=CaseKind.LISTING, subject_id=record.subject_id, states=(CaseState.IN_FORCE,)
        )
        if c.target
    ]
    for list_id in dict.fromkeys([*([own] if own else []), *listed]):
        if list_id in ctx.catalog.lists and ctx.catalog.list_type(list_id).repair_barred:
            barred.append(list_id)
    return barred


def apply_for_repair(
    ctx: Context, record_id: int, *, actor: str, proof: str, commitment: str
) -> Case:
    """Apply; the case is either running (``applied``) or refused with every reason."""
    with ctx.store.transaction(actor=actor) as tx:
        conn = connection(tx)
        record = record_in(conn, record_id)
        if find_cases(conn, kind=CaseKind.REPAIR, record_id=record_id, states=OPEN):
            raise ProcedureError(f"record {record_id} already has a repair application running")
        today = tx.today()
        refusals = check_conditions(ctx, conn, record, today, proof=proof, commitment=commitment)
        data = {
            "proof": proof,
            "commitment": commitment,
            "applied_on": today.isoformat(),
            "source_id": record.source_id,
        }
        params = {**names(conn, subject_id=record.subject_id), "document_no": record.document_no}
        if refusals:
            reason = "; ".join(r.reason for r in refusals)
            case = open_case(
                tx,
                CaseKind.REPAIR,
                CaseState.REFUSED,
                subject_id=record.subject_id,
                record_id=record_id,
                reason=reason,
                data={**data, "refusals": [{"code": r.code, "reason": r.reason} for r in refusals]},
            )
            queue_notice(
                tx,
                key=f"case:{case.id}:outcome",
                party_kind="subject",
                party_id=record.subject_id,
                template="repair_outcome",
                case_id=case.id,
                params={**params, "outcome": "refused", "reason": reason},
            )
            return case
        rule = ctx.deadlines.repair_feedback()
        due = rule.due(ctx.calendar, today)
        case = open_case(
            tx,
            CaseKind.REPAIR,
            CaseState.APPLIED,
            subject_id=record.subject_id,
            record_id=record_id,
            reason="application received; conditions met",
            due_on=due,
            due_for="platform_feedback",
            data={**data, "feedback_rule": rule.describe()},
        )
        queue_notice(
            tx,
            key=f"case:{case.id}:received",
            party_kind="subject",
            party_id=record.subject_id,
            template="repair_received",
            case_id=case.id,
            params={**params, "due_on": due.isoformat()},
        )
        return case


def _repair(tx: Transaction, case_id: int) -> Case:
    case = get_case(connection(tx), case_id, lock=True)
    if case.kind is not CaseKind.REPAIR:
        raise ProcedureError(f"case {case_id} is a {case.kind.value} case, not a repair")
    return case


def forward_repair(ctx: Context, case_id: int, *, actor: str, reason: str) -> Case:
    """The platform's positive feedback: the authority now decides within its deadline."""
    with ctx.store.transaction(actor=actor) as tx:
        case = _repair(tx, case_id)
        if case.state is not CaseState.APPLIED:
            raise ProcedureError(f"case {case_id} is {case.state.value}, not awaiting feedback")
        _not_applicant(case, actor)
        rule = ctx.deadlines.repair_decision()
        due = rule.due(ctx.calendar, tx.today())
        new = step(
            tx,
            case,
            CaseEvent.FORWARDED,
            state=CaseState.FORWARDED,
            reason=reason,
            due_on=due,
            due_for="authority_decision",
            data={"forwarded_by": actor, "decision_rule": rule.describe()},
        )
        conn = connection(tx)
        record = record_in(conn, case.record_id or 0)
        queue_notice(
            tx,
            key=f"case:{case_id}:to-authority",
            party_kind="source",
            party_id=record.source_id,
            template="repair_to_authority",
            case_id=case_id,
            params={
                **names(conn, subject_id=case.subject_id, source_id=record.source_id),
                "document_no": record.document_no,
                "due_on": due.isoformat(),
            },
        )
        return new


def _not_applicant(case: Case, actor: str) -> None:
    if actor == case.opened_by:
        raise ProcedureError(f"case {case.id}: the applicant cannot decide its own application")


def decide_repair(ctx: Context, case_id: int, *, actor: str, approve: bool, reason: str) -> Case:
    """Approve (publicity ends now) or refuse with the reason (the platform may refuse early)."""
    with ctx.store.transaction(actor=actor) as tx:
        conn = connection(tx)
        case = _repair(tx, case_id)
        if case.state not in OPEN:
            raise ProcedureError(f"case {case_id} is {case.state.value}: already decided")
        _not_applicant(case, actor)
        record = record_in(conn, case.record_id or 0)
        if approve:
            if case.state is not CaseState.FORWARDED:
                raise ProcedureError(
                    f"case {case_id}: the deciding authority decides after feedback"
                )
            refusals = check_conditions(
                ctx,
                conn,
                record,
                tx.today(),
                proof=str(case.data.get("proof", "")),
                commitment=str(case.data.get("commitment", "")),
            )
            if refusals:
                raise ProcedureError(
                    f"case {case_id}: conditions no longer met: "
                    + "; ".join(r.reason for r in refusals)
                )
            tx.mark_repaired(record.id, reason=reason, reference=f"case:{case_id}")
            release_dependents(
                tx,
                record.subject_id,
                record.id,
                ground="repair",
                reason=f"record {record.id} repaired (case {case_id})",
            )
            state, outcome = CaseState.APPROVED, "approved"
        else:
            state, outcome = CaseState.REFUSED, "refused"
        new = step(
            tx,
            case,
            CaseEvent.REPAIR_DECIDED,
            state=state,
            reason=reason,
            due_on=None,
            due_for=None,
            data={"decided_by": actor},
        )
        queue_notice(
            tx,
            key=f"case:{case_id}:outcome",
            party_kind="subject",
            party_id=case.subject_id,
            template="repair_outcome",
            case_id=case_id,
            params={
                **names(conn, subject_id=case.subject_id),
                "document_no": record.document_no,
                "outcome": outcome,
                "reason": reason,
            },
        )
    if approve:
        ctx.reevaluator()(case.subject_id)
    return new
