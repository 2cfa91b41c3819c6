"""Credit repair: conditions checked with reasons, 2025 deadlines, early end of publicity."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from suite_support import ManualClock
from workflow_helpers import DEPARTMENT, OFFICER, REVIEWER, SUBJECT_ACTOR, World

from xinyong.ledger import RecordStatus
from xinyong.workflows import CaseState, DueProcess, FileTransport, ProcedureError, shown_publicly

#: General tier under NDRC Order No. 58 (2023): 3 months minimum, 3 years maximum.
DECIDED = dt.date(2024, 10, 8)
REPAIRABLE_FROM = dt.date(2025, 1, 8)
APPLIED = dt.date(2025, 1, 24)  # Friday before the 2025 Spring Festival
FEEDBACK_DUE = dt.date(2025, 2, 13)  # 10 working days, across the holiday
PROOF, PLEDGE = "receipt of payment No. 123", "我单位承诺所提交材料真实有效"


def _apply(world: World, record_id: int) -> int:
    case = world.dp.apply_for_repair(record_id, actor=SUBJECT_ACTOR, proof=PROOF, commitment=PLEDGE)
    return case.id


@pytest.mark.parametrize(
    ("day", "state"),
    [
        (REPAIRABLE_FROM - dt.timedelta(days=1), CaseState.REFUSED),
        (REPAIRABLE_FROM, CaseState.APPLIED),
        (REPAIRABLE_FROM + dt.timedelta(days=1), CaseState.APPLIED),
    ],
)
def test_repair_opens_once_the_minimum_period_has_passed(
    world: World, clock: ManualClock, day: dt.date, state: CaseState
) -> None:
    clock.travel(dt.date(2024, 10, 8))
    record = world.penalty(DECIDED)
    clock.travel(day)
    case = world.dp.case(_apply(world, record.id))
    assert case.state is state
    if state is CaseState.REFUSED:
        assert [r["code"] for r in case.data["refusals"]] == ["minimum_not_passed"]
        notice = world.notice(f"case:{case.id}:outcome")
        assert "2025-01-08" in notice.body  # the refusal says when to apply


def _refusal_codes(world: World, record_id: int, **kwargs: str) -> list[str]:
    args = {"proof": PROOF, "commitment": PLEDGE, **kwargs}
    case = world.dp.apply_for_repair(record_id, actor=SUBJECT_ACTOR, **args)
    assert case.state is CaseState.REFUSED
    return [r["code"] for r in case.data["refusals"]]


def test_each_condition_is_checked_and_reasoned(world: World, clock: ManualClock) -> None:
    clock.travel(APPLIED)
    record = world.penalty(DECIDED)
    assert _refusal_codes(world, record.id, proof=" ") == ["no_proof"]
    assert _refusal_codes(world, record.id, commitment="") == ["no_commitment"]
    later = world.penalty(dt.date(2024, 12, 1))  # a new violation after the first
    assert _refusal_codes(world, record.id) == ["recurrence"]
    world.store.withdraw_record(later.id, reason="issued in error")
    assert world.dp.case(_apply(world, record.id)).state is CaseState.APPLIED


def test_a_disputed_or_withdrawn_record_cannot_be_repaired(
    world: World, clock: ManualClock
) -> None:
    clock.travel(APPLIED)
    disputed = world.penalty(DECIDED)
    world.dp.file_objection(disputed.id, actor=SUBJECT_ACTOR, grounds="wrong")
    assert _refusal_codes(world, disputed.id) == ["disputed"]
    withdrawn = world.penalty(DECIDED)
    world.store.withdraw_record(withdrawn.id, reason="quashed")
    assert _refusal_codes(world, withdrawn.id) == ["not_active"]


def test_unpublished_minor_information_has_nothing_to_repair(
    world: World, clock: ManualClock
) -> None:
    clock.travel(dt.date(2026, 6, 1))
    warning = world.penalty(dt.date(2026, 5, 6), tier="warning")  # NDRC 2026: not published
    assert _refusal_codes(world, warning.id) == ["not_published"]


def test_a_list_that_bars_repair_refuses_it(world: World, clock: ManualClock) -> None:
    catalog = world.dp.context.catalog
    barred = dataclasses.replace(catalog.lists["samr_serious_violation"], repair_barred=True)
    catalog = dataclasses.replace(catalog, lists={**catalog.lists, barred.id: barred})
    dp = DueProcess(dataclasses.replace(world.dp.context, catalog=catalog))
    clock.travel(APPLIED)
    basis = world.penalty(DECIDED, tier="serious")
    listing = dp.open_listing(world.proposal([basis.id]), actor=OFFICER, reason="listed")
    dp.deliver(FileTransport(world.outbox_dir))
    dp.respond(listing.id, actor=SUBJECT_ACTOR, statement="no")
    dp.decide(listing.id, actor=REVIEWER, approve=True, reason="criteria met")
    other = world.penalty(DECIDED)
    case = dp.apply_for_repair(other.id, actor=SUBJECT_ACTOR, proof=PROOF, commitment=PLEDGE)
    assert [r["code"] for r in case.data["refusals"]] == ["list_bars_repair"]


def test_approval_ends_publicity_and_lifts_dependent_listings(
    world: World, clock: ManualClock
) -> None:
    clock.travel(APPLIED)
    record = world.penalty(DECIDED, tier="serious")
    listing = world.dp.open_listing(world.proposal([record.id]), actor=OFFICER, reason="listed")
    world.deliver()
    world.dp.respond(listing.id, actor=SUBJECT_ACTOR, statement="paid")
    world.dp.decide(listing.id, actor=REVIEWER, approve=True, reason="criteria met")
    catalog = world.dp.context.catalog
    assert shown_publicly(catalog, world.store.get_record(record.id), "enterprise", APPLIED)

    case_id = _apply(world, record.id)
    case = world.dp.case(case_id)
    assert (case.state, case.due_on, case.due_for) == (
        CaseState.APPLIED, FEEDBACK_DUE, "platform_feedback"
    )  # fmt: skip
    with pytest.raises(ProcedureError, match="applicant cannot decide"):
        world.dp.forward_repair(case_id, actor=SUBJECT_ACTOR, reason="self")
    with pytest.raises(ProcedureError, match="decides after feedback"):
        world.dp.decide_repair(case_id, actor=DEPARTMENT, approve=True, reason="too early")
    clock.travel(dt.date(2025, 1, 27))
    case = world.dp.forward_repair(case_id, actor=OFFICER, reason="materials complete")
    assert (case.due_on, case.due_for) == (dt.date(2025, 2, 7), "authority_decision")
    assert world.notice(f"case:{case_id}:to-authority").party_kind == "source"
    case = world.dp.decide_repair(case_id, actor=DEPARTMENT, approve=True, reason="obligations met")
    assert case.state is CaseState.APPROVED
    repaired = world.store.get_record(record.id)
    assert repaired.status is RecordStatus.REPAIRED  # kept in the ledger, not public
    assert not shown_publicly(catalog, repaired, "enterprise", dt.date(2025, 1, 27))
    lifted = world.dp.case(listing.id)
    assert lifted.state is CaseState.LIFTED
    assert lifted.data["lift_ground"] == "repair"
    assert world.reevaluations.calls == [world.company.id]
    assert world.store.verify().ok


def test_a_refusal_states_its_reason(world: World, clock: ManualClock) -> None:
    clock.travel(APPLIED)
    record = world.penalty(DECIDED)
    case_id = _apply(world, record.id)
    with pytest.raises(ProcedureError, match="reason"):
        world.dp.decide_repair(case_id, actor=OFFICER, approve=False, reason=" ")
    case = world.dp.decide_repair(case_id, actor=OFFICER, approve=False, reason="receipt is forged")
    assert case.state is CaseState.REFUSED
    assert "receipt is forged" in world.notice(f"case:{case_id}:outcome").body
    assert world.store.get_record(record.id).status is RecordStatus.ACTIVE


@pytest.mark.parametrize(
    ("day", "overdue"),
    [
        (FEEDBACK_DUE - dt.timedelta(days=1), False),
        (FEEDBACK_DUE, False),
        (FEEDBACK_DUE + dt.timedelta(days=1), True),
    ],
)
def test_missed_repair_deadlines_are_flagged(
    world: World, clock: ManualClock, day: dt.date, overdue: bool
) -> None:
    clock.travel(APPLIED)
    case_id = _apply(world, world.penalty(DECIDED).id)
    clock.travel(day)
    assert (case_id in world.dp.sweep().overdue_repairs) is overdue
    steps = [s["step"] for s in world.dp.history(case_id)]
    assert steps.count("escalated") == int(overdue)
    world.dp.sweep()  # flagged once per deadline, not once per sweep
    assert [s["step"] for s in world.dp.history(case_id)].count("escalated") == int(overdue)


def test_one_running_application_per_record(world: World, clock: ManualClock) -> None:
    clock.travel(APPLIED)
    record = world.penalty(DECIDED)
    _apply(world, record.id)
    with pytest.raises(ProcedureError, match="already has a repair application"):
        _apply(world, record.id)
