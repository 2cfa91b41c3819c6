"""Demo cases: one case in every state of every procedure, for the portal and for training.

The demo region's records are generated, so its procedures are too: this
module walks real procedures (the same service calls an operator makes) on a
simulated calendar that starts some months before ``as_of`` and ends on it.
Case dates (valid time) are those of the simulation; the chain's transaction
times are real, as always. Listing cases need proposals: existing ``proposed``
list entries and grades are used first, then the rules engine is asked about
subjects until there are enough. States that cannot be reached with the data
at hand are reported as missing rather than forged.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlalchemy as sa

from xinyong.clock import Clock
from xinyong.ledger import Store
from xinyong.ledger.model import Record, RecordStatus
from xinyong.ledger.reads import get_record
from xinyong.ledger.tables import proposals, records
from xinyong.workflows.context import Context
from xinyong.workflows.errors import ProcedureError, WorkflowError
from xinyong.workflows.listing import record_ids_in
from xinyong.workflows.model import TRANSITIONS, CaseKind, CaseState
from xinyong.workflows.repair import check_conditions
from xinyong.workflows.service import DueProcess
from xinyong.workflows.transports import Transport

OFFICER, REVIEWER, SUBJECT, DEPARTMENT = (
    "demo:officer",
    "demo:reviewer",
    "demo:subject",
    "demo:department",
)


class SimulatedClock(Clock):
    """A clock whose date the demo moves forward; the time of day stays real."""

    def travel(self, day: dt.date) -> None:
        """Continue on ``day``."""
        object.__setattr__(self, "pinned", day)


@dataclass
class DemoCases:
    """Which case shows which state, and the states the data could not reach."""

    cases: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"cases": self.cases, "missing": self.missing}


def every_state() -> list[str]:
    """``kind:state`` for every state a case can be in."""
    out = []
    for kind, table in TRANSITIONS.items():
        states = set(table) | {s for targets in table.values() for s in targets}
        out += sorted(f"{kind.value}:{s.value}" for s in states)
    return out


def _no_reevaluation(subject_id: int, /) -> object:
    return None


def seed_cases(
    store: Store,
    as_of: dt.date,
    transport: Transport,
    *,
    start_days_before: int = 120,
    rules_subject_limit: int = 200,
) -> DemoCases:
    """Create demo cases in every state reachable with the store's data; idempotent per store.

    ``transport`` delivers the notices (use a file transport for the demo).
    Running it a second time does nothing when demo cases already exist.
    """
    report = DemoCases()
    clock = SimulatedClock(pinned=as_of - dt.timedelta(days=start_days_before))
    sim = Store(store.engine, store.settings, clock, actor="demo")
    dp = DueProcess(Context.for_store(sim, _no_reevaluation))
    if any(c.opened_by.startswith("demo:") for c in dp.cases()):
        report.missing = ["(demo cases exist already)"]
        return report
    props = _apart_last(store, _proposals(store, as_of, 12, rules_subject_limit))
    cited = _cited(store, props)
    repairable, refusable = _repair_candidates(dp, store, as_of - dt.timedelta(days=12), cited)
    objected = _records(
        store, 6, exclude=cited | set(repairable) | {refusable or 0}, before=clock.today()
    )
    _Script(dp, clock, transport, as_of, report).run(props, objected, repairable, refusable)
    reached = {f"{c.kind.value}:{c.state.value}" for c in dp.cases()}
    # Attempts that failed for a state reached another way are not missing.
    report.missing = [m for m in report.missing if m.split(": ", 1)[0] not in reached]
    report.missing += [s for s in every_state() if s not in reached and s not in report.missing]
    return report


def _proposals(store: Store, as_of: dt.date, wanted: int, limit: int) -> list[int]:
    stmt = (
        sa.select(proposals.c.id)
        .where(proposals.c.status == "proposed", proposals.c.kind.in_(("list_entry", "grade")))
        .order_by(proposals.c.id)
    )
    with store.engine.connect() as conn:
        found = [int(i) for i in conn.execute(stmt.limit(wanted)).scalars()]
        subjects = [
            int(s)
            for s in conn.execute(
                sa.select(records.c.subject_id)
                .distinct()
                .order_by(records.c.subject_id)
                .limit(limit)
            ).scalars()
        ]
    if len(found) >= wanted:
        return found
    try:
        evaluate: Callable[..., Any] = importlib.import_module("xinyong.rules").evaluate_subject
    except (ImportError, AttributeError):
        return found
    for subject_id in subjects:
        for p in evaluate(store, subject_id, as_of=as_of):
            if p.kind in ("list_entry", "grade"):
                with store.engine.connect() as conn:
                    found += [int(i) for i in conn.execute(stmt).scalars() if int(i) not in found]
                break
        if len(found) >= wanted:
            break
    return found[:wanted]


def _apart_last(store: Store, proposal_ids: list[int]) -> list[int]:
    """Move last a proposal that shares no record with the others, if there is one.

    The last one becomes the suspended listing; a withdrawal elsewhere in the
    script (the set-aside case) would otherwise lift it before it is shown.
    """
    with store.engine.connect() as conn:
        rows = conn.execute(
            sa.select(proposals.c.id, proposals.c.explanation).where(
                proposals.c.id.in_(proposal_ids)
            )
        ).all()
    cited = {int(r.id): set(record_ids_in(json.loads(r.explanation))) for r in rows}
    for pid in reversed(proposal_ids):
        others = set().union(*(cited.get(o, set()) for o in proposal_ids if o != pid))
        if not cited.get(pid, set()) & others:
            return [o for o in proposal_ids if o != pid] + [pid]
    return proposal_ids


def _cited(store: Store, proposal_ids: list[int]) -> set[int]:
    with store.engine.connect() as conn:
        texts = conn.execute(
            sa.select(proposals.c.explanation).where(proposals.c.id.in_(proposal_ids))
        ).scalars()
        return {rid for text in texts for rid in record_ids_in(json.loads(text))}


def _records(
    store: Store,
    count: int,
    exclude: set[int] | frozenset[int] = frozenset(),
    before: dt.date | None = None,
) -> list[int]:
    """Active, undisputed records (the newest first), leaving out ``exclude``.

    ``before``: only records already valid on that day (the simulation's first day),
    since no procedure can touch a record before it exists.
    """
    with store.engine.connect() as conn:
        found = conn.execute(
            sa.select(records.c.id)
            .where(records.c.status == RecordStatus.ACTIVE.value, records.c.disputed.is_(False))
            .where(records.c.valid_from <= (before or dt.date.max))
            .order_by(records.c.id.desc())
            .limit(count + len(exclude))
        ).scalars()
        return [int(i) for i in found if int(i) not in exclude][:count]


class _Script:
    """The demo's procedures in date order (the simulated clock only moves forward)."""

    def __init__(
        self,
        dp: DueProcess,
        clock: SimulatedClock,
        transport: Transport,
        as_of: dt.date,
        report: DemoCases,
    ) -> None:
        self.dp, self.clock, self.transport = dp, clock, transport
        self.as_of, self.report = as_of, report

    def at(self, days_before: int) -> None:
        self.clock.travel(max(self.as_of - dt.timedelta(days=days_before), self.clock.today()))

    def attempt(self, name: str, steps: Callable[[], int]) -> None:
        try:
            self.report.cases.setdefault(name, steps())
        except (WorkflowError, ValueError) as exc:
            self.report.missing.append(f"{name}: {exc}")

    def deliver(self) -> None:
        self.dp.deliver(self.transport)

    def open(self, proposal: int) -> int:
        return self.dp.open_listing(proposal, actor=OFFICER, reason="criteria met").id

    def listed(self, proposal: int, *, approve: bool = True, lift: bool = False) -> int:
        case_id = self.open(proposal)
        self.deliver()
        self.dp.respond(case_id, actor=SUBJECT, statement="我方对拟列入事项有异议，请求从轻处理。")
        self.dp.decide(case_id, actor=REVIEWER, approve=approve, reason="reviewed the statement")
        if lift:
            self.dp.lift(
                case_id,
                actor=REVIEWER,
                ground="court_order",
                reason="administrative judgment quashed the penalty",
            )
        return case_id

    def answered(self, proposal: int) -> int:
        case_id = self.open(proposal)
        self.deliver()
        self.dp.respond(case_id, actor=SUBJECT, statement="请求听证。", hearing_requested=True)
        return case_id

    def notified(self, proposal: int) -> int:
        case_id = self.open(proposal)
        self.deliver()
        return case_id

    def set_aside(self, proposal: int) -> int:
        case_id = self.open(proposal)
        record_id = self.dp.case(case_id).data["record_ids"][0]
        objection = self.object(record_id, "处罚决定已被撤销")
        self.dp.answer_objection(
            objection, actor=DEPARTMENT, outcome="withdraw", reason="处罚决定已撤销"
        )
        return case_id

    def suspended(self, case_id: int) -> int:
        """Object to a record of an in-force listing that no other in-force listing relies on."""
        others = {
            rid
            for c in self.dp.cases(kind=CaseKind.LISTING, states=(CaseState.IN_FORCE,))
            if c.id != case_id
            for rid in c.data.get("record_ids", [])
        }
        own = [r for r in self.dp.case(case_id).data.get("record_ids", []) if r not in others]
        if not own:
            raise ProcedureError(
                f"case {case_id}: every record it relies on also founds another listing "
                "in force, which the demo keeps in force"
            )
        self.object(own[0], "处罚决定正在行政复议中，认定事实有误")
        return case_id

    def object(self, record_id: int, grounds: str) -> int:
        return self.dp.file_objection(record_id, actor=SUBJECT, grounds=grounds).id

    def answer(self, record_id: int, outcome: str, fields: dict[str, Any] | None) -> int:
        case_id = self.object(record_id, "记录内容有误")
        self.dp.answer_objection(
            case_id, actor=DEPARTMENT, outcome=outcome, reason="核查后答复", fields=fields
        )
        return case_id

    def repair(self, record_id: int, depth: int) -> int:
        case = self.dp.apply_for_repair(
            record_id,
            actor=SUBJECT,
            proof="罚款缴纳凭证",
            commitment="本单位承诺所提交材料真实有效",
        )
        if depth >= 1 and case.state is CaseState.APPLIED:
            self.dp.forward_repair(case.id, actor=OFFICER, reason="材料齐全")
        if depth >= 2 and case.state is CaseState.APPLIED:
            self.dp.decide_repair(case.id, actor=DEPARTMENT, approve=True, reason="已履行法定义务")
        return case.id

    def run(
        self, props: list[int], objected: list[int], repairable: list[int], refusable: int | None
    ) -> None:
        p = dict(enumerate(props))
        o = dict(enumerate(objected))
        r = dict(enumerate(repairable))
        self.at(110)
        for i, name, kwargs in (
            (0, "in_force", {}),
            (1, "rejected", {"approve": False}),
            (2, "lifted", {"lift": True}),
        ):
            if i in p:
                self.attempt(f"listing:{name}", partial(self.listed, p[i], **kwargs))
        # The last proposal shares no record with the others (see _apart_last); those
        # after the eighth are spares for the awaiting-notice case.
        last = max(p) if p else -1
        suspend: int | None = None
        if last >= 7:
            try:
                suspend = self.listed(p[last])
            except (WorkflowError, ValueError) as exc:
                self.report.missing.append(f"listing:suspended: {exc}")
        self.at(100)
        if 0 in o:
            self.attempt("objection:escalated", partial(self.object, o[0], "处罚对象认定错误"))
        self.at(30)
        for i, name, outcome, fields in (
            (1, "confirmed", "confirm", None),
            (2, "corrected", "correct", {"remarks": "金额更正"}),
            (3, "withdrawn", "withdraw", None),
        ):
            if i in o:
                self.attempt(f"objection:{name}", partial(self.answer, o[i], outcome, fields))
        if 6 in p:
            self.attempt("listing:set_aside", partial(self.set_aside, p[6]))
        self.at(20)
        if 3 in p:
            self.attempt("listing:answered", partial(self.answered, p[3]))
        self.at(12)
        for i, name in ((0, "approved"), (1, "forwarded"), (2, "applied")):
            if i in r:
                self.attempt(f"repair:{name}", partial(self.repair, r[i], 2 - i))
        if refusable is not None:
            self.attempt("repair:refused", partial(self.repair, refusable, 0))
        self.at(3)
        if 4 in p:
            self.attempt("listing:notified", partial(self.notified, p[4]))
        self.at(2)
        if 4 in o:
            self.attempt("objection:verifying", partial(self.object, o[4], "非本单位行为"))
        if suspend is not None:
            self.attempt("listing:suspended", partial(self.suspended, suspend))
        self.at(0)
        self.dp.sweep(actor="demo:sweep")
        self.deliver()
        # A spare proposal in case the set-aside above withdrew a record the first relies on.
        for i in (5, *range(8, last)):
            if i in p and "listing:awaiting_notice" not in self.report.cases:
                try:
                    self.report.cases["listing:awaiting_notice"] = self.open(p[i])
                except (WorkflowError, ValueError) as exc:
                    self.report.missing.append(f"listing:awaiting_notice: {exc}")


def _repair_candidates(
    dp: DueProcess, store: Store, day: dt.date, exclude: set[int]
) -> tuple[list[int], int | None]:
    """Up to three records that meet every repair condition on ``day``, and one that does not."""
    ok: list[int] = []
    refused: int | None = None
    with store.engine.connect() as conn:
        # Penalties whose minimum period may have passed first (newest such first), then
        # the newest records of any type: those give the refusals.
        c = records.c
        older = conn.execute(
            sa.select(c.id)
            .where(
                c.status == RecordStatus.ACTIVE.value,
                c.disputed.is_(False),
                c.record_type == "administrative_penalty",
                c.decision_date <= day - dt.timedelta(days=92),
            )
            .order_by(c.decision_date.desc(), c.id.desc())
            .limit(400)
        ).scalars()
        pool = [int(i) for i in older if int(i) not in exclude]
        pool += _records(store, 50, exclude, before=day - dt.timedelta(days=120))
        for rid in pool:
            record: Record = get_record(conn, rid)
            problems = check_conditions(dp.context, conn, record, day, proof="p", commitment="c")
            if not problems and len(ok) < 3:
                ok.append(rid)
            elif refused is None and problems:
                refused = rid
            if len(ok) >= 3 and refused is not None:
                break
    return ok, refused


__all__ = ["DemoCases", "SimulatedClock", "every_state", "seed_cases"]
