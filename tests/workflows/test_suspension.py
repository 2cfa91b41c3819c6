"""Suspension: a listing in force has no effect while a record it relies on is disputed.

"Disputed means inert": an objection to a record that founds a decided listing
suspends the listing in the objection's own transaction; the department's
confirmation (once the subject is told) puts it back in force with its end date
unchanged; a correction or withdrawal lifts it; silence keeps it suspended.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from suite_support import ManualClock
from workflow_helpers import DEPARTMENT, OFFICER, REVIEWER, SUBJECT_ACTOR, World

from xinyong.ledger import RecordStatus
from xinyong.ledger.tables import events
from xinyong.workflows import Case, CaseKind, CaseState, ProcedureError

DECIDED = dt.date(2025, 1, 6)
#: Friday before the 2025 Spring Festival: notice delivered, answered, decided the same day.
LISTED = dt.date(2025, 1, 24)
#: Objections are filed after the listing took effect.
FILED = dt.date(2025, 3, 3)
#: administrative_penalty: 20 calendar days from FILED -> 23 Mar, a Sunday -> Mon 24 Mar.
REPLY_DUE = dt.date(2025, 3, 24)


def _in_force(
    world: World,
    clock: ManualClock,
    record_ids: list[int],
    *,
    kind: str = "list_entry",
    target: str = "samr_serious_violation",
    ends_on: dt.date | None = None,
) -> Case:
    clock.travel(LISTED)
    proposal = world.proposal(record_ids, kind=kind, target=target)
    case = world.dp.open_listing(proposal, actor=OFFICER, reason="serious violation")
    world.deliver()
    world.dp.respond(case.id, actor=SUBJECT_ACTOR, statement="we disagree")
    decided = world.dp.decide(
        case.id, actor=REVIEWER, approve=True, reason="criteria met", ends_on=ends_on
    )
    assert decided.state is CaseState.IN_FORCE
    assert world.proposal_status(proposal) == "in_force"
    return decided


def _records(world: World, clock: ManualClock, count: int = 1) -> list[int]:
    clock.travel(LISTED)
    return [world.penalty(DECIDED, tier="serious").id for _ in range(count)]


def _recorded_at(world: World, entity: str, entity_id: int, type_: str) -> list[dt.datetime]:
    with world.store.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(events.c.recorded_at)
                .where(
                    events.c.entity == entity,
                    events.c.entity_id == entity_id,
                    events.c.type == type_,
                )
                .order_by(events.c.seq)
            ).scalars()
        )


def _confirm(world: World, objection_id: int) -> None:
    world.dp.answer_objection(
        objection_id, actor=DEPARTMENT, outcome="confirm", reason="checked against the file"
    )


@pytest.mark.parametrize(
    ("kind", "target"), [("list_entry", "samr_serious_violation"), ("grade", "C")]
)
def test_an_objection_suspends_the_listing_in_the_same_transaction(
    world: World, clock: ManualClock, kind: str, target: str
) -> None:
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id], kind=kind, target=target)
    assert [c.id for c in world.dp.in_effect(subject_id=world.company.id)] == [listing.id]
    clock.travel(FILED)
    objection = world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="not our company")
    assert objection.data["suspends"] == [listing.id]
    case = world.dp.case(listing.id)
    assert case.state is CaseState.SUSPENDED
    assert (case.starts_on, case.ends_on) == (listing.starts_on, listing.ends_on)
    assert not case.in_effect(FILED)
    assert world.dp.in_effect(subject_id=world.company.id) == []
    assert world.proposal_status(listing.proposal_id or 0) == "suspended"
    assert case.data["suspended_for"] == [{"record_id": record_id, "objection": objection.id}]
    # One transaction: the objection, the record's mark and the suspension.
    (disputed_at,) = _recorded_at(world, "record", record_id, "disputed")
    assert _recorded_at(world, "case", listing.id, "suspended") == [disputed_at]
    assert _recorded_at(world, "case", objection.id, "opened") == [disputed_at]
    step = world.dp.history(listing.id)[-1]
    assert (step["step"], step["actor"], step["on"]) == ("suspended", SUBJECT_ACTOR, "2025-03-03")
    assert f"case {objection.id}" in step["payload"]["reason"]
    assert (step["payload"]["from"], step["payload"]["to"]) == ("in_force", "suspended")
    to_subject = world.notice(f"case:{listing.id}:suspended:{objection.id}")
    assert (to_subject.party_kind, to_subject.party_id) == ("subject", world.company.id)
    assert to_subject.template == "listing_suspended"
    to_department = world.notice(
        f"case:{listing.id}:suspended:{objection.id}:source:{world.source.id}"
    )
    assert (to_department.party_kind, to_department.party_id) == ("source", world.source.id)
    assert world.store.verify().ok


def test_filing_is_all_or_nothing_with_the_suspension(
    world: World, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id])
    head = world.store.chain_head()

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr("xinyong.workflows.listing.queue_notice", broken)
    with pytest.raises(RuntimeError, match="outbox unavailable"):
        world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    assert not world.store.get_record(record_id).disputed
    assert world.dp.case(listing.id).state is CaseState.IN_FORCE
    assert world.dp.cases(kind=CaseKind.OBJECTION) == []
    assert world.store.chain_head() == head


def test_a_confirmation_resumes_the_listing_once_the_subject_is_told(
    world: World, clock: ManualClock
) -> None:
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id])
    clock.travel(FILED)
    objection = world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    clock.travel(FILED + dt.timedelta(days=10))
    _confirm(world, objection.id)
    # Not yet: the record is disputed until the subject hears the outcome.
    assert world.dp.case(listing.id).state is CaseState.SUSPENDED
    resumed_on = FILED + dt.timedelta(days=11)
    clock.travel(resumed_on)
    world.deliver()
    case = world.dp.case(listing.id)
    assert case.state is CaseState.IN_FORCE
    assert case.ends_on == listing.ends_on  # the eleven days suspended are not added
    assert case.in_effect(resumed_on)
    assert case.data["suspended_for"] == []
    assert world.proposal_status(listing.proposal_id or 0) == "in_force"
    assert not world.store.get_record(record_id).disputed
    step = world.dp.history(listing.id)[-1]
    assert (step["step"], step["actor"]) == ("resumed", "system:outbox")
    assert f"objection {objection.id}" in step["payload"]["reason"]
    assert (step["payload"]["from"], step["payload"]["to"]) == ("suspended", "in_force")
    (resolved_at,) = _recorded_at(world, "record", record_id, "resolved")
    assert _recorded_at(world, "case", listing.id, "resumed") == [resolved_at]
    assert world.notice(f"case:{listing.id}:resumed:{objection.id}").template == "listing_resumed"
    to_department = world.notice(
        f"case:{listing.id}:resumed:{objection.id}:source:{world.source.id}"
    )
    assert (to_department.party_kind, to_department.party_id) == ("source", world.source.id)
    assert world.reevaluations.calls == []
    assert world.store.verify().ok


@pytest.mark.parametrize(
    ("outcome", "fields", "record_status"),
    [
        ("withdraw", None, RecordStatus.WITHDRAWN),
        ("correct", {"publicity_tier": "general"}, RecordStatus.ACTIVE),
    ],
)
def test_a_withdrawal_or_correction_lifts_a_suspended_listing(
    world: World,
    clock: ManualClock,
    outcome: str,
    fields: dict[str, str] | None,
    record_status: RecordStatus,
) -> None:
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id])
    clock.travel(FILED)
    objection = world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="quashed")
    world.dp.answer_objection(
        objection.id, actor=DEPARTMENT, outcome=outcome, reason="quashed", fields=fields
    )
    case = world.dp.case(listing.id)
    assert case.state is CaseState.LIFTED
    assert (case.data["lift_ground"], case.ends_on) == ("correction", FILED)
    assert world.proposal_status(listing.proposal_id or 0) == "lifted"
    assert world.store.get_record(record_id).status is record_status
    (resolved_at,) = _recorded_at(world, "record", record_id, "resolved")
    assert _recorded_at(world, "case", listing.id, "lifted") == [resolved_at]
    assert world.notice(f"case:{listing.id}:lifted").template == "listing_lifted"
    assert world.reevaluations.calls == [world.company.id]
    assert world.store.verify().ok


def test_two_disputed_records_must_both_be_resolved(world: World, clock: ManualClock) -> None:
    first, second = _records(world, clock, 2)
    listing = _in_force(world, clock, [first, second])
    clock.travel(FILED)
    one = world.dp.file_objection(first, actor=SUBJECT_ACTOR, grounds="not ours")
    two = world.dp.file_objection(second, actor=SUBJECT_ACTOR, grounds="not ours either")
    assert two.data["suspends"] == [listing.id]
    case = world.dp.case(listing.id)
    assert case.state is CaseState.SUSPENDED
    assert [h["objection"] for h in case.data["suspended_for"]] == [one.id, two.id]
    # Already suspended: the second objection is chained on the case, but nothing changes
    # for the subject, so the suspension is not announced twice.
    told = [n.idempotency_key for n in world.dp.notices(case_id=listing.id)]
    assert [k for k in told if ":suspended:" in k and ":source:" not in k] == [
        f"case:{listing.id}:suspended:{one.id}"
    ]

    _confirm(world, one.id)
    world.deliver()
    case = world.dp.case(listing.id)
    assert case.state is CaseState.SUSPENDED  # the second record is still disputed
    assert case.data["suspended_for"] == [{"record_id": second, "objection": two.id}]
    step = world.dp.history(listing.id)[-1]
    assert step["step"] == "suspended"
    assert f"still suspended: record {second} under objection" in step["payload"]["reason"]
    assert not [n for n in world.dp.notices() if n.template == "listing_resumed"]

    _confirm(world, two.id)
    world.deliver()
    case = world.dp.case(listing.id)
    assert case.state is CaseState.IN_FORCE
    assert case.ends_on == listing.ends_on
    steps = [s["step"] for s in world.dp.history(listing.id)]
    assert steps[-4:] == ["suspended", "suspended", "suspended", "resumed"]
    assert world.store.verify().ok


def test_one_confirmed_and_one_withdrawn_record_lift_the_listing(
    world: World, clock: ManualClock
) -> None:
    first, second = _records(world, clock, 2)
    listing = _in_force(world, clock, [first, second])
    clock.travel(FILED)
    one = world.dp.file_objection(first, actor=SUBJECT_ACTOR, grounds="not ours")
    two = world.dp.file_objection(second, actor=SUBJECT_ACTOR, grounds="quashed")
    _confirm(world, one.id)
    world.deliver()
    world.dp.answer_objection(two.id, actor=DEPARTMENT, outcome="withdraw", reason="quashed")
    assert world.dp.case(listing.id).state is CaseState.LIFTED
    world.deliver()
    assert world.dp.case(listing.id).state is CaseState.LIFTED


def test_silence_escalates_and_the_listing_stays_suspended(
    world: World, clock: ManualClock
) -> None:
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id])
    clock.travel(FILED)
    objection = world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    assert objection.due_on == REPLY_DUE
    for day in (REPLY_DUE, REPLY_DUE + dt.timedelta(days=1), REPLY_DUE + dt.timedelta(days=30)):
        clock.travel(day)
        world.dp.sweep()
        world.deliver()
        assert world.dp.case(listing.id).state is CaseState.SUSPENDED
    assert world.dp.case(objection.id).state is CaseState.ESCALATED
    assert world.store.get_record(record_id).disputed
    # A late confirmation still ends it, the same way.
    _confirm(world, objection.id)
    world.deliver()
    assert world.dp.case(listing.id).state is CaseState.IN_FORCE


def test_no_person_puts_a_suspended_listing_back_in_force(world: World, clock: ManualClock) -> None:
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id])
    clock.travel(FILED)
    world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    with pytest.raises(ProcedureError, match="suspended: nothing to decide"):
        world.dp.decide(listing.id, actor=REVIEWER, approve=True, reason="still valid")
    with pytest.raises(ProcedureError, match="no response is expected"):
        world.dp.respond(listing.id, actor=SUBJECT_ACTOR, statement="x")
    assert world.dp.case(listing.id).state is CaseState.SUSPENDED
    # Lifting only helps the subject, so a person may lift a suspended listing.
    lifted = world.dp.lift(listing.id, actor=REVIEWER, ground="court_order", reason="judgment")
    assert lifted.state is CaseState.LIFTED
    with pytest.raises(ProcedureError, match="only a listing in force or suspended"):
        world.dp.lift(listing.id, actor=REVIEWER, ground="court_order", reason="twice")


def test_an_undecided_listing_is_not_suspended(world: World, clock: ManualClock) -> None:
    (record_id,) = _records(world, clock)
    case = world.dp.open_listing(world.proposal([record_id]), actor=OFFICER, reason="listing")
    world.deliver()
    objection = world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    assert objection.data["suspends"] == []
    assert world.dp.case(case.id).state is CaseState.NOTIFIED  # and it cannot be decided


@pytest.mark.parametrize(
    ("offset", "lifted"),
    [(-1, False), (0, False), (1, True)],
)
def test_a_suspended_listing_is_lifted_on_expiry_the_day_after_its_end(
    world: World, clock: ManualClock, offset: int, lifted: bool
) -> None:
    ends_on = dt.date(2025, 4, 30)
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id], ends_on=ends_on)
    clock.travel(FILED)
    world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    clock.travel(ends_on + dt.timedelta(days=offset))
    report = world.dp.sweep()
    case = world.dp.case(listing.id)
    assert (listing.id in report.lifted_listings) is lifted
    assert case.state is (CaseState.LIFTED if lifted else CaseState.SUSPENDED)
    if lifted:
        assert (case.data["lift_ground"], case.ends_on) == ("expiry", ends_on)
        assert "while suspended" in world.dp.history(listing.id)[-1]["payload"]["reason"]
        assert world.dp.sweep().lifted_listings == []


def test_a_confirmation_after_the_end_date_lifts_instead_of_resuming(
    world: World, clock: ManualClock
) -> None:
    ends_on = dt.date(2025, 3, 10)
    (record_id,) = _records(world, clock)
    listing = _in_force(world, clock, [record_id], ends_on=ends_on)
    clock.travel(FILED)
    objection = world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    clock.travel(dt.date(2025, 3, 12))  # no sweep ran meanwhile
    _confirm(world, objection.id)
    world.deliver()
    case = world.dp.case(listing.id)
    assert case.state is CaseState.LIFTED
    assert (case.data["lift_ground"], case.ends_on) == ("expiry", ends_on)
    assert not [n for n in world.dp.notices() if n.template == "listing_resumed"]


def test_suspension_notices_have_every_detail_in_both_languages(
    world: World, clock: ManualClock
) -> None:
    (record_id,) = _records(world, clock)
    world.dp.set_contact("source", world.source.id, "credit@samr.example", actor=OFFICER,
                         language="en")  # fmt: skip
    listing = _in_force(world, clock, [record_id])
    clock.travel(FILED)
    objection = world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong")
    _confirm(world, objection.id)
    world.deliver()
    world.deliver()  # the notices the first delivery set off
    notices = [n for n in world.dp.notices(case_id=listing.id) if "suspended" in n.template
               or "resumed" in n.template]  # fmt: skip
    assert sorted((n.template, n.language) for n in notices) == [
        ("listing_resumed", "zh"),
        ("listing_resumed_to_department", "en"),
        ("listing_suspended", "zh"),
        ("listing_suspended_to_department", "en"),
    ]
    for notice in notices:
        assert "{" not in notice.title + notice.body, notice.template
        assert str(objection.id) in notice.body
        assert "2028-01-23" in notice.body  # the end date, unchanged
    assert {n.status for n in notices} == {"delivered"}


def test_repairing_another_record_lifts_a_suspended_listing(
    world: World, clock: ManualClock
) -> None:
    clock.travel(LISTED)
    earlier = world.penalty(dt.date(2024, 10, 8)).id  # general tier: repairable from 8 Jan 2025
    (disputed,) = _records(world, clock)
    listing = _in_force(world, clock, [disputed, earlier])
    clock.travel(FILED)
    world.dp.file_objection(disputed, actor=SUBJECT_ACTOR, grounds="not ours")
    # The disputed (later, same type) record is inert: it is no recurrence.
    repair = world.dp.apply_for_repair(earlier, actor=SUBJECT_ACTOR, proof="paid", commitment="c")
    assert repair.state is CaseState.APPLIED, repair.data.get("refusals")
    world.dp.forward_repair(repair.id, actor=OFFICER, reason="complete")
    world.dp.decide_repair(repair.id, actor=DEPARTMENT, approve=True, reason="obligations met")
    case = world.dp.case(listing.id)
    assert case.state is CaseState.LIFTED
    assert case.data["lift_ground"] == "repair"
    assert world.proposal_status(listing.proposal_id or 0) == "lifted"
    assert world.store.verify().ok
