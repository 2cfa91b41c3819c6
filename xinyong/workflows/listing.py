"""Listing cases: a rule's proposal becomes a list entry or downgrade only through due process.

The path is fixed (see ``model.TRANSITIONS``)::

    awaiting_notice --delivered--> notified --statement--> answered
            \\                         \\                      |
             set_aside           (window closed)         decide (second person)
                                        \\___________________/
                                                  v
                                   in_force (start, end) | rejected
                                     |     ^         |
            a record relied on comes |     | each such objection ended with
            under objection          v     | the record confirmed, subject told
                                   suspended         |
                                         \\___________|
                                                     v
                              lifted (expiry, repair, court order, correction)

A decision is refused unless the notice was delivered, the response window
has closed or the subject's answer is on file, any requested hearing is
recorded, every record relied on is still active and undisputed, and the
decider is neither the person who opened the case nor the run that proposed it.

A decided listing relies on records, and a disputed record is inert: when a
record it relies on comes under objection the listing is suspended (no effect,
no measure) in the objection's own transaction. It is in force again only
through the objection's outcome, never by a person's say-so: once no record it
relies on is disputed any more (each confirmed, and the subject told). A
correction, withdrawal or repair lifts it instead. Its end date never moves:
the time suspended is not added.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger.model import RecordStatus
from xinyong.ledger.tables import evaluation_runs, proposals, records
from xinyong.ledger.transaction import Transaction
from xinyong.workflows import integrity
from xinyong.workflows.cases import find_cases, get_case, open_case, step
from xinyong.workflows.context import Context, names
from xinyong.workflows.errors import CaseNotFoundError, ProcedureError
from xinyong.workflows.events import CaseEvent, connection
from xinyong.workflows.model import Case, CaseKind, CaseState, Notice
from xinyong.workflows.outbox import queue_notice

LISTING_KINDS = ("list_entry", "grade")
UNDECIDED = (CaseState.AWAITING_NOTICE, CaseState.NOTIFIED, CaseState.ANSWERED)
#: Decided and not ended: in force, or suspended while a record it relies on is disputed.
DECIDED = (CaseState.IN_FORCE, CaseState.SUSPENDED)
LIFT_GROUNDS = ("expiry", "repair", "court_order", "correction")


def record_ids_in(explanation: Any) -> list[int]:
    """The ids of the records an explanation says the decisive rules used.

    Reads the rules engine's ``evidence`` (top level, and of each decisive rule of
    a grade), and also plain ``records``/``record_ids`` lists (of ids or of objects
    with ``record_id`` or ``id``, at the top level or under ``inputs``). Unknown
    shapes give no ids.
    """
    found: list[int] = []

    def add(items: Any) -> None:
        for item in items if isinstance(items, list) else ():
            value = item.get("record_id", item.get("id")) if isinstance(item, dict) else item
            if isinstance(value, int) and not isinstance(value, bool) and value not in found:
                found.append(value)

    if not isinstance(explanation, dict):
        return found
    add(explanation.get("evidence"))
    for rule in explanation.get("rules") or ():
        if isinstance(rule, dict) and rule.get("decisive", True):
            add(rule.get("evidence"))
    for holder in (explanation, explanation.get("inputs")):
        if isinstance(holder, dict):
            add(holder.get("records"))
            add(holder.get("record_ids"))
    return found


def legal_basis_in(explanation: Any) -> str:
    """The legal basis an explanation cites (rule and list), as one line of text."""
    if not isinstance(explanation, dict):
        return ""
    holders = [explanation, explanation.get("rule"), explanation.get("list")]
    holders += [
        r for r in explanation.get("rules") or () if isinstance(r, dict) and r.get("decisive")
    ]
    cited: list[str] = []
    for holder in holders:
        basis = holder.get("legal_basis") if isinstance(holder, dict) else None
        for item in basis if isinstance(basis, list) else [basis] if basis else []:
            text = (
                " ".join(str(item[k]) for k in ("instrument", "article") if item.get(k))
                if isinstance(item, dict)
                else str(item)
            )
            if text and text not in cited:
                cited.append(text)
    return "; ".join(cited)


def _proposal(conn: Connection, proposal_id: int) -> Any:
    row = conn.execute(
        sa.select(proposals, evaluation_runs.c.actor.label("run_actor"))
        .join(evaluation_runs, evaluation_runs.c.id == proposals.c.run_id)
        .where(proposals.c.id == proposal_id)
    ).first()
    if row is None:
        raise CaseNotFoundError(f"no proposal {proposal_id}")
    return row


def _check_records(conn: Connection, record_ids: Sequence[int], why: str) -> None:
    if not record_ids:
        return
    rows = conn.execute(
        sa.select(records.c.id, records.c.status, records.c.disputed).where(
            records.c.id.in_(record_ids)
        )
    ).all()
    by_id = {r.id: r for r in rows}
    for rid in record_ids:
        row = by_id.get(rid)
        if row is None:
            raise ProcedureError(f"{why}: record {rid} does not exist")
        if row.disputed:
            raise ProcedureError(
                f"{why}: record {rid} is under objection, and a disputed record cannot be used"
            )
        if row.status != RecordStatus.ACTIVE.value:
            raise ProcedureError(f"{why}: record {rid} is {row.status}")


def open_listing(ctx: Context, proposal_id: int, *, actor: str, reason: str) -> Case:
    """Adopt a proposal: open its case and queue the prior notice to the subject."""
    with ctx.store.transaction(actor=actor) as tx:
        conn = connection(tx)
        prop = _proposal(conn, proposal_id)
        if prop.kind not in LISTING_KINDS:
            raise ProcedureError(
                f"proposal {proposal_id} is a {prop.kind}: only list entries and grades "
                "go through a listing case"
            )
        if prop.status != "proposed":
            raise ProcedureError(f"proposal {proposal_id} is {prop.status}, not proposed")
        explanation = json.loads(prop.explanation)
        record_ids = record_ids_in(explanation)
        _check_records(conn, record_ids, "the proposal cannot be adopted")
        window = ctx.deadlines.listing_response(prop.target if prop.kind == "list_entry" else None)
        data = {
            integrity.KEY: integrity.explanation_sha256(prop.explanation),
            "proposal_kind": prop.kind,
            "policy_id": prop.policy_id,
            "policy_version": prop.policy_version,
            "rule_id": prop.rule_id,
            "run_actor": prop.run_actor,
            "record_ids": record_ids,
            "proposed_starts_on": prop.starts_on.isoformat(),
            "proposed_ends_on": None if prop.ends_on is None else prop.ends_on.isoformat(),
            "window": {"count": window.count, "basis": window.basis},
        }
        case = open_case(
            tx,
            CaseKind.LISTING,
            CaseState.AWAITING_NOTICE,
            subject_id=prop.subject_id,
            proposal_id=proposal_id,
            target=prop.target,
            reason=reason,
            data=data,
        )
        _set_proposal(conn, proposal_id, "case_opened")
        queue_notice(
            tx,
            key=f"case:{case.id}:notice",
            party_kind="subject",
            party_id=prop.subject_id,
            template="listing_notice",
            case_id=case.id,
            params={
                **names(conn, subject_id=prop.subject_id),
                "rule_id": prop.rule_id,
                "policy_id": prop.policy_id,
                "policy_version": prop.policy_version,
                "target": prop.target,
                "records": ", ".join(map(str, record_ids)) or "-",
                "legal_basis": legal_basis_in(explanation),
                "reasons": reason,
                "window": window.describe(),
            },
        )
        return case


def _set_proposal(conn: Connection, proposal_id: int, status: str) -> None:
    conn.execute(proposals.update().where(proposals.c.id == proposal_id).values(status=status))


def notice_delivered(ctx: Context, tx: Transaction, notice: Notice) -> None:
    """The prior notice reached the subject: the response window starts the next day."""
    if notice.template != "listing_notice" or notice.case_id is None:
        return
    case = get_case(connection(tx), notice.case_id, lock=True)
    if case.state is not CaseState.AWAITING_NOTICE or notice.delivered_on is None:
        return
    window = ctx.deadlines.listing_response(
        case.target if case.data.get("proposal_kind") == "list_entry" else None
    )
    step(
        tx,
        case,
        CaseEvent.NOTIFIED,
        state=CaseState.NOTIFIED,
        reason=f"notice {notice.id} delivered on {notice.delivered_on}",
        due_on=window.due(ctx.calendar, notice.delivered_on),
        due_for="response",
        data={"notice_delivered_on": notice.delivered_on.isoformat()},
    )


def respond(
    ctx: Context, case_id: int, *, actor: str, statement: str, hearing_requested: bool = False
) -> Case:
    """The subject's statement or defence (陈述申辩), optionally asking for a hearing."""
    if not statement.strip():
        raise ProcedureError("a response needs a statement")
    with ctx.store.transaction(actor=actor) as tx:
        case = _listing(tx, case_id)
        if case.state is CaseState.AWAITING_NOTICE:
            raise ProcedureError(f"case {case_id}: the notice has not been delivered yet")
        if case.state is not CaseState.NOTIFIED:
            raise ProcedureError(f"case {case_id} is {case.state.value}: no response is expected")
        late = case.due_on is not None and tx.today() > case.due_on
        return step(
            tx,
            case,
            CaseEvent.ANSWERED,
            state=CaseState.ANSWERED,
            reason="the subject answered" + (" after the window closed" if late else ""),
            data={
                "statement": statement,
                "hearing_requested": hearing_requested,
                "answered_on": tx.today().isoformat(),
                "answered_late": late,
            },
        )


def _listing(tx: Transaction, case_id: int) -> Case:
    case = get_case(connection(tx), case_id, lock=True)
    if case.kind is not CaseKind.LISTING:
        raise ProcedureError(f"case {case_id} is an {case.kind.value} case, not a listing")
    return case


def check_decidable(case: Case, *, actor: str, today: dt.date, hearing: str | None) -> None:
    """Refuse, with the reason, any decision due process does not allow yet."""
    if case.state is CaseState.AWAITING_NOTICE:
        raise ProcedureError(f"case {case.id}: the notice has not been delivered")
    if case.state not in (CaseState.NOTIFIED, CaseState.ANSWERED):
        raise ProcedureError(f"case {case.id} is {case.state.value}: nothing to decide")
    if case.state is CaseState.NOTIFIED and (case.due_on is None or today <= case.due_on):
        raise ProcedureError(
            f"case {case.id}: the response window is open until {case.due_on}; "
            "decide after it closes or once the subject has answered"
        )
    if actor in (case.opened_by, case.data.get("run_actor")):
        raise ProcedureError(
            f"case {case.id}: the decision needs a second person; {actor!r} proposed it"
        )
    if case.data.get("hearing_requested") and not (hearing or "").strip():
        raise ProcedureError(f"case {case.id}: the subject asked for a hearing; record it first")


def decide(
    ctx: Context,
    case_id: int,
    *,
    actor: str,
    approve: bool,
    reason: str,
    hearing: str | None = None,
    ends_on: dt.date | None = None,
) -> Case:
    """The reviewer's decision: in force from today (to ``ends_on`` or the list's term), or not."""
    with ctx.store.transaction(actor=actor) as tx:
        conn = connection(tx)
        case = _listing(tx, case_id)
        today = tx.today()
        check_decidable(case, actor=actor, today=today, hearing=hearing)
        subject = names(conn, subject_id=case.subject_id)
        if not approve:
            new = step(
                tx,
                case,
                CaseEvent.DECIDED,
                state=CaseState.REJECTED,
                reason=reason,
                due_on=None,
                due_for=None,
                data={"decided_by": actor, "hearing": hearing},
            )
            outcome, period = "rejected", ""
            if case.proposal_id is not None:
                _set_proposal(conn, case.proposal_id, "rejected")
        else:
            _check_records(
                conn, case.data.get("record_ids", []), f"case {case_id} cannot be decided"
            )
            end = ends_on or _default_end(ctx, case, today)
            if end is not None and end < today:
                raise ProcedureError(f"case {case_id}: the end date {end} is before today")
            new = step(
                tx,
                case,
                CaseEvent.DECIDED,
                state=CaseState.IN_FORCE,
                reason=reason,
                due_on=None,
                due_for=None,
                starts_on=today,
                ends_on=end,
                data={"decided_by": actor, "hearing": hearing},
            )
            outcome = f"in force: {case.target}"
            period = f"{today} – {end or '…'}"
            if case.proposal_id is not None:
                # The status the rules engine reads as "the grade in force" (rules.service).
                _set_proposal(conn, case.proposal_id, "in_force")
        queue_notice(
            tx,
            key=f"case:{case_id}:decision",
            party_kind="subject",
            party_id=case.subject_id,
            template="listing_decision",
            case_id=case_id,
            params={**subject, "outcome": outcome, "period": period, "reason": reason},
        )
        return new


def _default_end(ctx: Context, case: Case, today: dt.date) -> dt.date | None:
    proposed = case.data.get("proposed_ends_on")
    if proposed:
        return max(dt.date.fromisoformat(proposed), today)
    target = case.target
    if case.data.get("proposal_kind") == "list_entry" and target and target in ctx.catalog.lists:
        term = ctx.catalog.list_type(target).default_duration
        if term is not None:
            return term.add_to(today) - dt.timedelta(days=1)
    return None


def lift_in(tx: Transaction, case: Case, *, ground: str, reason: str) -> Case:
    """End an in-force or suspended listing in ``tx`` and tell the subject."""
    if ground not in LIFT_GROUNDS:
        raise ProcedureError(f"a listing is lifted on {', '.join(LIFT_GROUNDS)}, not {ground!r}")
    today = tx.today()
    if case.proposal_id is not None:
        _set_proposal(connection(tx), case.proposal_id, "lifted")
    new = step(
        tx,
        case,
        CaseEvent.LIFTED,
        state=CaseState.LIFTED,
        reason=reason,
        ends_on=min(case.ends_on or today, today),
        data={"lifted_on": today.isoformat(), "lift_ground": ground},
    )
    queue_notice(
        tx,
        key=f"case:{case.id}:lifted",
        party_kind="subject",
        party_id=case.subject_id,
        template="listing_lifted",
        case_id=case.id,
        params={
            **names(connection(tx), subject_id=case.subject_id),
            "target": case.target,
            "day": today.isoformat(),
            "reason": reason,
        },
    )
    return new


def lift(ctx: Context, case_id: int, *, actor: str, ground: str, reason: str) -> Case:
    """End an in-force or suspended listing early (court order, correction, repair) or at its end.

    Lifting only ever helps the subject, so a person may lift a suspended listing;
    the reverse (back in force) is never a person's step.
    """
    with ctx.store.transaction(actor=actor) as tx:
        case = _listing(tx, case_id)
        if case.state not in DECIDED:
            raise ProcedureError(
                f"case {case_id} is {case.state.value}: only a listing in force or suspended "
                "can be lifted"
            )
        return lift_in(tx, case, ground=ground, reason=reason)


def dependents(conn: Connection, subject_id: int, record_id: int) -> list[Case]:
    """Undecided, in-force and suspended listing cases of the subject relying on ``record_id``."""
    states: Iterable[CaseState] = (*UNDECIDED, *DECIDED)
    return [
        c
        for c in find_cases(conn, kind=CaseKind.LISTING, subject_id=subject_id, states=states)
        if record_id in c.data.get("record_ids", [])
    ]


def release_dependents(
    tx: Transaction, subject_id: int, record_id: int, *, ground: str, reason: str
) -> list[Case]:
    """In ``tx``: lift decided listings relying on the record and set undecided ones aside.

    Decided means in force or suspended: a correction, withdrawal or repair of a
    record ends a listing that relied on it whether or not it was suspended.
    """
    changed = []
    conn = connection(tx)
    for case in dependents(conn, subject_id, record_id):
        if case.state in DECIDED:
            changed.append(lift_in(tx, case, ground=ground, reason=reason))
        else:
            changed.append(
                step(
                    tx,
                    case,
                    CaseEvent.SET_ASIDE,
                    state=CaseState.SET_ASIDE,
                    reason=reason,
                    due_on=None,
                    due_for=None,
                )
            )
            if case.proposal_id is not None:
                _set_proposal(conn, case.proposal_id, "set_aside")
    return changed


# --- suspension while a record relied on is disputed ------------------------------------------


def suspend_dependents(
    tx: Transaction, subject_id: int, record_id: int, *, objection_id: int
) -> list[Case]:
    """In ``tx``: suspend every in-force listing relying on ``record_id``, now under objection.

    Called in the transaction that marks the record disputed, so there is no moment
    in which the record is disputed and a listing built on it still has effect. A
    listing already suspended (another record it relies on is disputed) stays so;
    the new objection is chained on it too. The subject and the departments that
    furnished the listing's records are told.
    """
    conn = connection(tx)
    today = tx.today()
    changed = []
    for case in dependents(conn, subject_id, record_id):
        if case.state not in DECIDED:
            continue  # undecided cases cannot be decided while the record is disputed
        holds = [*_holds(case), {"record_id": record_id, "objection": objection_id}]
        reason = (
            f"record {record_id} is under objection (case {objection_id}): the listing and its "
            "measures have no effect until the objection ends"
        )
        if case.state is CaseState.SUSPENDED:
            changed.append(
                step(
                    tx,
                    case,
                    CaseEvent.SUSPENDED,
                    reason=f"{reason}; already suspended",
                    data={"suspended_for": holds},
                    payload={"objection": objection_id, "record_id": record_id},
                )
            )
            continue
        new = step(
            tx,
            case,
            CaseEvent.SUSPENDED,
            state=CaseState.SUSPENDED,
            reason=reason,
            data={"suspended_for": holds, "suspended_on": today.isoformat()},
            payload={"objection": objection_id, "record_id": record_id},
        )
        if case.proposal_id is not None:
            _set_proposal(conn, case.proposal_id, "suspended")
        _tell(tx, new, "suspended", objection_id=objection_id, record_id=record_id, reason=reason)
        changed.append(new)
    return changed


def resume_dependents(
    tx: Transaction, subject_id: int, record_id: int, *, objection_id: int, reason: str
) -> list[Case]:
    """In ``tx``: the record was confirmed and its mark lifted; resume what no longer waits.

    A suspended listing relying on the record is in force again only if no record
    it relies on is still disputed; otherwise it stays suspended (the step is
    chained, naming what it still waits for). One whose end date passed while it
    was suspended is lifted on expiry instead: the time suspended is never added.
    This is the only way back to ``in_force`` from ``suspended``.
    """
    conn = connection(tx)
    today = tx.today()
    changed = []
    for case in dependents(conn, subject_id, record_id):
        if case.state is not CaseState.SUSPENDED:
            continue
        disputed = _disputed(conn, case.data.get("record_ids", []))
        holds = [h for h in _holds(case) if h.get("record_id") in disputed]
        ended = f"objection {objection_id} ended: record {record_id} confirmed ({reason})"
        if disputed:
            waiting = ", ".join(map(str, sorted(disputed)))
            changed.append(
                step(
                    tx,
                    case,
                    CaseEvent.SUSPENDED,
                    reason=f"{ended}; still suspended: record {waiting} under objection",
                    data={"suspended_for": holds},
                    payload={"objection": objection_id, "record_id": record_id},
                )
            )
        elif case.ends_on is not None and today > case.ends_on:
            changed.append(
                lift_in(
                    tx,
                    case,
                    ground="expiry",
                    reason=f"{ended}; the listing ended on {case.ends_on} while suspended",
                )
            )
        else:
            why = f"{ended}; in force again until {case.ends_on or 'further notice'}"
            new = step(
                tx,
                case,
                CaseEvent.RESUMED,
                state=CaseState.IN_FORCE,
                reason=why,
                data={"suspended_for": [], "resumed_on": today.isoformat()},
                payload={"objection": objection_id, "record_id": record_id},
            )
            if case.proposal_id is not None:
                _set_proposal(conn, case.proposal_id, "in_force")
            _tell(tx, new, "resumed", objection_id=objection_id, record_id=record_id, reason=why)
            changed.append(new)
    return changed


def _holds(case: Case) -> list[dict[str, Any]]:
    """The objections a suspended listing waits for, as recorded on the case."""
    return [h for h in case.data.get("suspended_for") or [] if isinstance(h, dict)]


def _disputed(conn: Connection, record_ids: Sequence[int]) -> set[int]:
    if not record_ids:
        return set()
    stmt = sa.select(records.c.id).where(
        records.c.id.in_(list(record_ids)), records.c.disputed.is_(True)
    )
    return {int(i) for i in conn.execute(stmt).scalars()}


def departments(conn: Connection, case: Case) -> list[int]:
    """The sources (departments) that furnished the records a listing relies on.

    They are the departments a listing's notices go to: the platform addresses
    departments as sources, and the department whose decisions found a list
    entry is the one that furnished them.
    """
    ids = case.data.get("record_ids") or []
    if not ids:
        return []
    stmt = sa.select(records.c.source_id).where(records.c.id.in_(list(ids))).distinct()
    return sorted(int(i) for i in conn.execute(stmt).scalars())


def _tell(
    tx: Transaction, case: Case, what: str, *, objection_id: int, record_id: int, reason: str
) -> None:
    """Queue the ``listing_<what>`` notices to the subject and the deciding departments."""
    conn = connection(tx)
    document = conn.execute(
        sa.select(records.c.document_no).where(records.c.id == record_id)
    ).scalar_one()
    params = {
        "target": case.target,
        "document_no": document,
        "objection_id": objection_id,
        "day": tx.today().isoformat(),
        "ends_on": case.ends_on.isoformat() if case.ends_on else "—",
        "reason": reason,
    }
    key = f"case:{case.id}:{what}:{objection_id}"
    queue_notice(
        tx,
        key=key,
        party_kind="subject",
        party_id=case.subject_id,
        template=f"listing_{what}",
        case_id=case.id,
        params={**names(conn, subject_id=case.subject_id), **params},
    )
    for source_id in departments(conn, case):
        queue_notice(
            tx,
            key=f"{key}:source:{source_id}",
            party_kind="source",
            party_id=source_id,
            template=f"listing_{what}_to_department",
            case_id=case.id,
            params={**names(conn, subject_id=case.subject_id, source_id=source_id), **params},
        )
