"""Objections: disputed at once, inert until answered, silence escalates, corrections lift."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
import sqlalchemy as sa
from suite_support import ManualClock
from workflow_helpers import DEPARTMENT, OFFICER, REVIEWER, SUBJECT_ACTOR, World

from xinyong.ledger import RecordStatus
from xinyong.ledger.tables import events
from xinyong.workflows import CaseState, Context, DueProcess, ProcedureError

DECIDED = dt.date(2025, 1, 6)
FILED = dt.date(2025, 1, 24)  # the Friday before the 2025 Spring Festival
#: administrative_penalty: 20 calendar days -> 13 Feb, a working day.
DUE = dt.date(2025, 2, 13)


def _filed(world: World, clock: ManualClock) -> tuple[int, int]:
    clock.travel(FILED)
    record = world.penalty(DECIDED)
    case = world.dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="not our company")
    return record.id, case.id


def test_filing_marks_the_record_disputed_at_once(world: World, clock: ManualClock) -> None:
    record_id, case_id = _filed(world, clock)
    record = world.store.get_record(record_id)
    assert record.disputed
    assert record.status is RecordStatus.ACTIVE
    case = world.dp.case(case_id)
    assert case.state is CaseState.VERIFYING
    assert (case.due_on, case.due_for) == (DUE, "department_reply")
    department = world.notice(f"case:{case_id}:to-department")
    assert (department.party_kind, department.party_id) == ("source", world.source.id)
    assert "2025-02-13" in department.body
    assert world.notice(f"case:{case_id}:received").party_id == world.company.id
    with pytest.raises(ProcedureError, match="already under objection"):
        world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="again")


@pytest.mark.parametrize(
    ("day", "escalated"),
    [(DUE - dt.timedelta(days=1), False), (DUE, False), (DUE + dt.timedelta(days=1), True)],
)
def test_silence_escalates_the_day_after_the_deadline_and_the_record_stays_inert(
    world: World, clock: ManualClock, day: dt.date, escalated: bool
) -> None:
    record_id, case_id = _filed(world, clock)
    clock.travel(day)
    report = world.dp.sweep()
    assert (case_id in report.escalated_objections) is escalated
    case = world.dp.case(case_id)
    assert case.state is (CaseState.ESCALATED if escalated else CaseState.VERIFYING)
    assert world.store.get_record(record_id).disputed  # never "keep using it"
    if escalated:
        assert world.notice(f"case:{case_id}:escalated:source").template == "objection_escalated"
        assert world.dp.sweep().escalated_objections == []  # once only


def test_a_working_day_override_runs_across_the_spring_festival(
    world: World, clock: ManualClock
) -> None:
    settings = dataclasses.replace(
        world.store.settings, objection_reply_days="administrative_penalty=5"
    )
    world.store.settings = settings
    dp = DueProcess(Context.for_store(world.store, world.reevaluations))
    clock.travel(FILED)
    record = world.penalty(DECIDED)
    case = dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="wrong amount")
    # 26 Jan (make-up Sunday), 27 Jan, then 5, 6, 7 Feb after the holiday.
    assert case.due_on == dt.date(2025, 2, 7)


def test_a_confirmation_lifts_the_mark_only_once_the_subject_is_told(
    world: World, clock: ManualClock
) -> None:
    record_id, case_id = _filed(world, clock)
    case = world.dp.answer_objection(
        case_id, actor=DEPARTMENT, outcome="confirm", reason="checked against the file"
    )
    assert case.state is CaseState.CONFIRMED
    assert world.store.get_record(record_id).disputed  # not yet: no notice delivered
    assert world.reevaluations.calls == []
    world.deliver()
    assert not world.store.get_record(record_id).disputed
    assert world.notice(f"case:{case_id}:outcome").status == "delivered"


def test_a_correction_changes_the_record_and_lifts_the_listing_in_the_same_transaction(
    world: World, clock: ManualClock
) -> None:
    clock.travel(FILED)
    record = world.penalty(DECIDED, tier="serious")
    listing = world.dp.open_listing(world.proposal([record.id]), actor=OFFICER, reason="listing")
    world.deliver()
    world.dp.respond(listing.id, actor=SUBJECT_ACTOR, statement="we object to the record")
    world.dp.decide(listing.id, actor=REVIEWER, approve=True, reason="criteria met")
    objection = world.dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="fine was 1 yuan")
    answered = world.dp.answer_objection(
        objection.id, actor=DEPARTMENT, outcome="correct", reason="typo in the tier",
        fields={"publicity_tier": "general"},
    )  # fmt: skip
    assert answered.state is CaseState.CORRECTED
    corrected = world.store.get_record(record.id)
    assert not corrected.disputed
    assert corrected.fields["publicity_tier"] == "general"
    lifted = world.dp.case(listing.id)
    assert lifted.state is CaseState.LIFTED
    assert lifted.data["lift_ground"] == "correction"
    # Same transaction: the correction and the lifting carry the same transaction time.
    with world.store.engine.connect() as conn:
        resolved_at = conn.execute(
            sa.select(events.c.recorded_at).where(
                events.c.entity == "record", events.c.entity_id == record.id,
                events.c.type == "resolved",
            )
        ).scalar_one()  # fmt: skip
        lifted_at = conn.execute(
            sa.select(events.c.recorded_at).where(
                events.c.entity == "case", events.c.entity_id == listing.id,
                events.c.type == "lifted",
            )
        ).scalar_one()  # fmt: skip
    assert resolved_at == lifted_at
    assert world.reevaluations.calls == [world.company.id]


def test_a_withdrawal_sets_aside_an_undecided_listing(world: World, clock: ManualClock) -> None:
    clock.travel(FILED)
    record = world.penalty(DECIDED, tier="serious")
    proposal = world.proposal([record.id])
    listing = world.dp.open_listing(proposal, actor=OFFICER, reason="listing")
    objection = world.dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="quashed")
    world.dp.answer_objection(objection.id, actor=DEPARTMENT, outcome="withdraw", reason="quashed")
    assert world.store.get_record(record.id).status is RecordStatus.WITHDRAWN
    assert world.dp.case(listing.id).state is CaseState.SET_ASIDE
    assert world.proposal_status(proposal) == "set_aside"
    assert world.reevaluations.calls == [world.company.id]


@pytest.mark.parametrize(
    ("outcome", "fields", "message"),
    [
        ("ignore", None, "an answer is one of"),
        ("correct", None, "gives the corrected fields"),
        ("confirm", {"a": 1}, "only a correction"),
    ],
)
def test_bad_answers_are_refused(
    world: World, clock: ManualClock, outcome: str, fields: dict[str, int] | None, message: str
) -> None:
    _, case_id = _filed(world, clock)
    with pytest.raises(ProcedureError, match=message):
        world.dp.answer_objection(
            case_id, actor=DEPARTMENT, outcome=outcome, reason="x", fields=fields
        )
    assert world.dp.case(case_id).state is CaseState.VERIFYING


def test_a_late_answer_is_accepted_and_marked_late(world: World, clock: ManualClock) -> None:
    _, case_id = _filed(world, clock)
    clock.travel(DUE + dt.timedelta(days=2))
    world.dp.sweep()
    case = world.dp.answer_objection(case_id, actor=DEPARTMENT, outcome="confirm", reason="late")
    assert case.data["answered_late"] is True
    with pytest.raises(ProcedureError, match="already answered"):
        world.dp.answer_objection(case_id, actor=DEPARTMENT, outcome="confirm", reason="twice")


def test_statements_are_kept_with_the_record(world: World, clock: ManualClock) -> None:
    clock.travel(FILED)
    record = world.penalty(DECIDED)
    world.dp.file_objection(
        record.id, actor=SUBJECT_ACTOR, grounds="wrong", statement="罚款已于2025年1月缴清"
    )
    world.dp.add_statement(record.id, actor=SUBJECT_ACTOR, text="paid in full", language="en")
    texts = [(s.text, s.language) for s in world.dp.statements(record.id)]
    assert texts == [("罚款已于2025年1月缴清", "zh"), ("paid in full", "en")]
    with pytest.raises(ProcedureError, match="language"):
        world.dp.add_statement(record.id, actor=SUBJECT_ACTOR, text="x", language="fr")
    assert world.store.verify().ok


def test_an_objection_and_its_mark_commit_together_or_not_at_all(
    world: World, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.travel(FILED)
    record = world.penalty(DECIDED)
    head = world.store.chain_head()

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("xinyong.workflows.objections.queue_notice", broken)
    with pytest.raises(RuntimeError, match="outbox unavailable"):
        world.dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="wrong")
    assert not world.store.get_record(record.id).disputed
    assert world.dp.cases() == []
    assert world.store.chain_head() == head
