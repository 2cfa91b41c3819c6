"""The daily sweep: automatic expiry, and every deadline the software keeps.

Run once a day (``xinyong cases sweep``); running it again the same day
changes nothing. It

* expires every active record whose maximum publicity period has run out, as a
  ledger ``expired`` event valid from the day after the last day, with the
  regime and tier as its reason (the record leaves public view by itself);
* lifts in-force and suspended listings whose end date has passed (a
  suspension never extends a listing);
* escalates objections the department did not answer in time (the record
  stays disputed and inert);
* flags repair cases whose feedback or decision deadline has passed;
* lists listing cases whose response window has closed, ready for a decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from xinyong.ledger import rows
from xinyong.ledger.model import RecordStatus
from xinyong.ledger.projection import select_records
from xinyong.ledger.tables import records
from xinyong.workflows.cases import find_cases, get_case, step
from xinyong.workflows.context import Context
from xinyong.workflows.events import CaseEvent, connection
from xinyong.workflows.listing import DECIDED, lift_in
from xinyong.workflows.model import CaseKind, CaseState
from xinyong.workflows.objections import escalate_in
from xinyong.workflows.publicity import window_for

#: Records examined per transaction while expiring.
CHUNK = 500


@dataclass
class SweepReport:
    """What one sweep did, by kind of action, as ids."""

    day: str
    expired_records: list[int] = field(default_factory=list)
    no_window: list[dict[str, Any]] = field(default_factory=list)
    lifted_listings: list[int] = field(default_factory=list)
    escalated_objections: list[int] = field(default_factory=list)
    overdue_repairs: list[int] = field(default_factory=list)
    ready_for_decision: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


def sweep(ctx: Context, *, actor: str = "system:sweep") -> SweepReport:
    """Apply every automatic step due today (see the module docstring)."""
    today = ctx.today()
    report = SweepReport(day=today.isoformat())
    _expire_records(ctx, actor, today, report)
    with ctx.store.transaction(actor=actor) as tx:
        conn = connection(tx)
        for case in find_cases(conn, kind=CaseKind.LISTING, states=DECIDED):
            if case.ends_on is not None and today > case.ends_on:
                was = "" if case.state is CaseState.IN_FORCE else " (while suspended)"
                lift_in(
                    tx,
                    get_case(conn, case.id, lock=True),
                    ground="expiry",
                    reason=f"the listing ended on {case.ends_on}{was}",
                )
                report.lifted_listings.append(case.id)
        for case in find_cases(
            conn, kind=CaseKind.OBJECTION, states=(CaseState.VERIFYING,), due_before=today
        ):
            escalate_in(tx, get_case(conn, case.id, lock=True))
            report.escalated_objections.append(case.id)
        for case in find_cases(
            conn,
            kind=CaseKind.REPAIR,
            states=(CaseState.APPLIED, CaseState.FORWARDED),
            due_before=today,
        ):
            report.overdue_repairs.append(case.id)
            if case.data.get("overdue") == f"{case.due_for}:{case.due_on}":
                continue
            step(
                tx,
                case,
                CaseEvent.ESCALATED,
                reason=f"{case.due_for} was due on {case.due_on} and has not happened",
                data={"overdue": f"{case.due_for}:{case.due_on}"},
            )
        for case in find_cases(
            conn, kind=CaseKind.LISTING, states=(CaseState.NOTIFIED,), due_before=today
        ):
            report.ready_for_decision.append(case.id)
    return report


def _expire_records(ctx: Context, actor: str, today: dt.date, report: SweepReport) -> None:
    after = 0
    while True:
        with ctx.store.transaction(actor=actor) as tx:
            conn = connection(tx)
            batch = conn.execute(
                select_records()
                .where(records.c.status == RecordStatus.ACTIVE.value, records.c.id > after)
                .order_by(records.c.id)
                .limit(CHUNK)
            ).all()
            for row in batch:
                record = rows.record(row)
                window = window_for(ctx.catalog, record)
                if window.problem is not None:
                    report.no_window.append({"record_id": record.id, "problem": window.problem})
                    continue
                if window.period is None or window.last_day is None:
                    continue
                if window.expired_on(today):
                    period = window.period
                    tx.mark_expired(
                        record.id,
                        reason=f"maximum publicity period ended on {window.last_day} "
                        f"({period.regime}, tier {period.tier}, max {period.max})",
                        valid_from=max(window.last_day + dt.timedelta(days=1), record.valid_from),
                    )
                    report.expired_records.append(record.id)
        if len(batch) < CHUNK:
            return
        after = batch[-1].id
