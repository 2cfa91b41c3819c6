"""Listing cases: no path to "in force" without notice, the window, and a second person."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from suite_support import ManualClock
from workflow_helpers import OFFICER, REVIEWER, RULES_ACTOR, SUBJECT_ACTOR, World

from xinyong.workflows import TRANSITIONS, CaseKind, CaseState, ProcedureError
from xinyong.workflows.listing import check_decidable, legal_basis_in, record_ids_in

DECIDED = dt.date(2025, 1, 6)
#: Friday before the 2025 Spring Festival (holidays 28 Jan - 4 Feb; 26 Jan and 8 Feb worked).
DELIVERED = dt.date(2025, 1, 24)
#: 5 working days after DELIVERED: 26 Jan (make-up), 27 Jan, 5, 6, 7 Feb.
WINDOW_ENDS = dt.date(2025, 2, 7)


def _opened(world: World, clock: ManualClock) -> int:
    clock.travel(DELIVERED)
    record = world.penalty(DECIDED, tier="serious")
    proposal = world.proposal([record.id])
    case = world.dp.open_listing(proposal, actor=OFFICER, reason="serious violation, heavy fine")
    assert case.state is CaseState.AWAITING_NOTICE
    assert world.proposal_status(proposal) == "case_opened"
    return case.id


def test_the_response_window_runs_from_delivery_across_the_spring_festival(
    world: World, clock: ManualClock
) -> None:
    case_id = _opened(world, clock)
    assert world.deliver()
    case = world.dp.case(case_id)
    assert case.state is CaseState.NOTIFIED
    assert (case.due_on, case.due_for) == (WINDOW_ENDS, "response")
    # Counting weekdays only would have ended the window on 31 Jan, a public holiday.
    assert not world.dp.context.calendar.is_working_day(dt.date(2025, 1, 31))


@pytest.mark.parametrize(
    ("day", "allowed"),
    [
        (WINDOW_ENDS - dt.timedelta(days=1), False),  # the day before the deadline
        (WINDOW_ENDS, False),  # the deadline day itself is still inside the window
        (WINDOW_ENDS + dt.timedelta(days=1), True),  # the day after (a make-up working Saturday)
    ],
)
def test_a_decision_waits_for_the_window_to_close(
    world: World, clock: ManualClock, day: dt.date, allowed: bool
) -> None:
    case_id = _opened(world, clock)
    world.deliver()
    clock.travel(day)
    if allowed:
        case = world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="criteria met")
        assert case.state is CaseState.IN_FORCE
        assert case.starts_on == day
        # The list's default term (3 years) from the decision, last day included.
        assert case.ends_on == dt.date(2028, 2, 7)
    else:
        with pytest.raises(ProcedureError, match="window is open until 2025-02-07"):
            world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="criteria met")
        assert world.dp.case(case_id).state is CaseState.NOTIFIED


def test_no_decision_before_the_notice_is_delivered(world: World, clock: ManualClock) -> None:
    case_id = _opened(world, clock)
    clock.travel(dt.date(2025, 6, 1))  # long after any window: still no notice, no decision
    with pytest.raises(ProcedureError, match="notice has not been delivered"):
        world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="x")
    with pytest.raises(ProcedureError, match="notice has not been delivered"):
        world.dp.respond(case_id, actor=SUBJECT_ACTOR, statement="we disagree")


@pytest.mark.parametrize("decider", [OFFICER, RULES_ACTOR])
def test_self_approval_is_refused(world: World, clock: ManualClock, decider: str) -> None:
    case_id = _opened(world, clock)
    world.deliver()
    clock.travel(WINDOW_ENDS + dt.timedelta(days=1))
    with pytest.raises(ProcedureError, match="needs a second person"):
        world.dp.decide(case_id, actor=decider, approve=True, reason="I proposed it")
    assert world.dp.case(case_id).state is CaseState.NOTIFIED


def test_an_answer_on_file_allows_the_decision_inside_the_window(
    world: World, clock: ManualClock
) -> None:
    case_id = _opened(world, clock)
    world.deliver()
    case = world.dp.respond(case_id, actor=SUBJECT_ACTOR, statement="the fine was paid")
    assert case.state is CaseState.ANSWERED
    assert case.data["statement"] == "the fine was paid"
    case = world.dp.decide(case_id, actor=REVIEWER, approve=False, reason="statement accepted")
    assert case.state is CaseState.REJECTED
    assert world.proposal_status(case.proposal_id or 0) == "rejected"
    # The subject hears about the decision.
    assert world.notice(f"case:{case_id}:decision").template == "listing_decision"


def test_a_requested_hearing_must_be_recorded_before_deciding(
    world: World, clock: ManualClock
) -> None:
    case_id = _opened(world, clock)
    world.deliver()
    world.dp.respond(case_id, actor=SUBJECT_ACTOR, statement="hear us", hearing_requested=True)
    with pytest.raises(ProcedureError, match="asked for a hearing"):
        world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="x")
    case = world.dp.decide(
        case_id, actor=REVIEWER, approve=True, reason="criteria met", hearing="held 2025-01-25"
    )
    assert case.state is CaseState.IN_FORCE


def test_a_disputed_record_cannot_found_a_listing(world: World, clock: ManualClock) -> None:
    case_id = _opened(world, clock)
    world.deliver()
    record_id = world.dp.case(case_id).data["record_ids"][0]
    world.dp.file_objection(record_id, actor=SUBJECT_ACTOR, grounds="wrong company")
    clock.travel(WINDOW_ENDS + dt.timedelta(days=1))
    with pytest.raises(ProcedureError, match=f"record {record_id} is under objection"):
        world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="criteria met")
    # And a fresh proposal relying on it cannot even be adopted.
    proposal = world.proposal([record_id])
    with pytest.raises(ProcedureError, match="under objection"):
        world.dp.open_listing(proposal, actor=OFFICER, reason="again")


def test_every_step_is_a_chained_event_with_actor_and_reason(
    world: World, clock: ManualClock
) -> None:
    case_id = _opened(world, clock)
    world.deliver()
    clock.travel(WINDOW_ENDS + dt.timedelta(days=1))
    world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="criteria met")
    steps = world.dp.history(case_id)
    assert [s["step"] for s in steps] == ["opened", "notified", "decided"]
    assert [s["actor"] for s in steps] == [OFFICER, "system:outbox", REVIEWER]
    assert all(s["payload"]["reason"] for s in steps)
    assert steps[-1]["on"] == "2025-02-08"
    assert world.store.verify().ok


def test_lifting_needs_a_known_ground(world: World, clock: ManualClock) -> None:
    case_id = _opened(world, clock)
    world.deliver()
    clock.travel(WINDOW_ENDS + dt.timedelta(days=1))
    world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="criteria met")
    with pytest.raises(ProcedureError, match="court_order"):
        world.dp.lift(case_id, actor=REVIEWER, ground="whim", reason="x")
    case = world.dp.lift(case_id, actor=REVIEWER, ground="court_order", reason="judgment 2025-1")
    assert case.state is CaseState.LIFTED
    assert case.ends_on == WINDOW_ENDS + dt.timedelta(days=1)
    assert world.notice(f"case:{case_id}:lifted").party_kind == "subject"


def test_only_list_entries_and_grades_open_listing_cases(world: World, clock: ManualClock) -> None:
    record = world.penalty(DECIDED)
    proposal = world.proposal([record.id], kind="measure", target="some_measure")
    with pytest.raises(ProcedureError, match="only list entries and grades"):
        world.dp.open_listing(proposal, actor=OFFICER, reason="x")
    good = world.proposal([record.id])
    world.dp.open_listing(good, actor=OFFICER, reason="x")
    with pytest.raises(ProcedureError, match="not proposed"):
        world.dp.open_listing(good, actor=OFFICER, reason="twice")


# --- every path to "in force" -------------------------------------------------------------


def _paths(start: CaseState, goal: CaseState) -> list[list[CaseState]]:
    table = TRANSITIONS[CaseKind.LISTING]
    out: list[list[CaseState]] = []

    def walk(path: list[CaseState]) -> None:
        if path[-1] is goal:
            out.append(path)
            return
        for nxt in sorted(table.get(path[-1], ())):
            if nxt not in path:
                walk([*path, nxt])

    walk([start])
    return out


def test_every_path_in_the_state_machine_to_in_force_passes_notified() -> None:
    table = TRANSITIONS[CaseKind.LISTING]
    paths = _paths(CaseState.AWAITING_NOTICE, CaseState.IN_FORCE)
    assert paths  # the goal is reachable at all
    assert all(CaseState.NOTIFIED in p for p in paths)
    # A decision moves into in_force from notified (window closed) or answered; the only
    # other move into it is back from suspended ...
    sources = {s for s, targets in table.items() if CaseState.IN_FORCE in targets}
    assert sources == {CaseState.NOTIFIED, CaseState.ANSWERED, CaseState.SUSPENDED}
    # ... and suspended is entered from in_force alone, so every path through it has
    # already been decided after notice and window (resuming decides nothing anew).
    assert {s for s, targets in table.items() if CaseState.SUSPENDED in targets} == {
        CaseState.IN_FORCE
    }
    through = _paths(CaseState.AWAITING_NOTICE, CaseState.SUSPENDED)
    assert through
    assert all(p[-2] is CaseState.IN_FORCE and CaseState.NOTIFIED in p for p in through)


def test_only_the_objections_outcome_resumes_a_suspended_listing() -> None:
    """No person's step moves a listing out of suspended into force (a source-level check).

    ``step`` is the only writer of a case's state; the one call that passes
    ``state=CaseState.IN_FORCE`` other than the four-eyes decision is in
    ``resume_dependents``, which runs only in the delivery of a confirmed
    objection's outcome notice.
    """
    import inspect

    from xinyong.workflows import demo, expiry, listing, objections, outbox, repair, service

    found = {}
    for module in (listing, objections, repair, expiry, outbox, service, demo):
        text = inspect.getsource(module)
        found[module.__name__] = text.count("state=CaseState.IN_FORCE")
    assert found == {
        "xinyong.workflows.listing": 2,  # decide, resume_dependents
        "xinyong.workflows.objections": 0,
        "xinyong.workflows.repair": 0,
        "xinyong.workflows.expiry": 0,
        "xinyong.workflows.outbox": 0,
        "xinyong.workflows.service": 0,
        "xinyong.workflows.demo": 0,
    }
    callers = [
        m.__name__
        for m in (objections, repair, expiry, outbox, service, demo)
        if "resume_dependents(" in inspect.getsource(m)
    ]
    assert callers == ["xinyong.workflows.objections"]
    assert "resume_dependents(" in inspect.getsource(objections.outcome_delivered)


def _case_like(state: CaseState, due_on: dt.date | None, hearing: bool) -> object:
    from xinyong.workflows.model import Case

    now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    return Case(
        1, CaseKind.LISTING, state, 1, None, 1, "samr_serious_violation", OFFICER, now,
        DECIDED, due_on, "response", None, None,
        {"run_actor": RULES_ACTOR, "hearing_requested": hearing}, 1, 1, now,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("state", "actor", "day_offset", "hearing_requested", "hearing"),
    list(
        itertools.product(
            list(CaseState),
            [OFFICER, RULES_ACTOR, REVIEWER],
            [-1, 0, 1, None],
            [False, True],
            [None, "held"],
        )
    ),
)
def test_check_decidable_allows_exactly_the_due_process_cases(
    state: CaseState,
    actor: str,
    day_offset: int | None,
    hearing_requested: bool,
    hearing: str | None,
) -> None:
    due = dt.date(2025, 2, 7)
    today = due if day_offset is None else due + dt.timedelta(days=day_offset)
    case = _case_like(state, None if day_offset is None else due, hearing_requested)
    expected = (
        (state is CaseState.ANSWERED or (state is CaseState.NOTIFIED and day_offset == 1))
        and actor == REVIEWER
        and (not hearing_requested or hearing is not None)
    )
    try:
        check_decidable(case, actor=actor, today=today, hearing=hearing)  # type: ignore[arg-type]
    except ProcedureError:
        allowed = False
    else:
        allowed = True
    assert allowed is expected


OPERATIONS = (
    "deliver",
    "respond",
    "decide_proposer",
    "decide_reviewer",
    "travel",
    "sweep",
    "object",
    "confirm",
)


def test_random_operation_sequences_never_reach_in_force_without_due_process(
    world: World, clock: ManualClock
) -> None:
    """Random interleavings of every operation, objections included; check every state."""
    reached = resumed = 0
    day = DELIVERED
    clock.travel(day)
    for seed in range(8):
        rng = random.Random(seed)
        record = world.penalty(DECIDED, tier="serious")
        case_id = world.dp.open_listing(
            world.proposal([record.id]), actor=OFFICER, reason=f"seed {seed}"
        ).id
        opened_on = day
        for _ in range(20):
            op = rng.choice(OPERATIONS)
            try:
                if op == "deliver":
                    world.deliver()
                elif op == "respond":
                    world.dp.respond(case_id, actor=SUBJECT_ACTOR, statement="statement")
                elif op == "decide_proposer":
                    world.dp.decide(case_id, actor=OFFICER, approve=True, reason="self")
                elif op == "decide_reviewer":
                    world.dp.decide(case_id, actor=REVIEWER, approve=True, reason="review")
                elif op == "travel":
                    day += dt.timedelta(days=rng.choice((1, 3, 7)))
                    clock.travel(day)
                elif op == "object":
                    world.dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="random")
                elif op == "confirm":
                    for pending in world.dp.cases(
                        kind=CaseKind.OBJECTION,
                        record_id=record.id,
                        states=(CaseState.VERIFYING, CaseState.ESCALATED),
                    ):
                        world.dp.answer_objection(
                            pending.id, actor="dept:samr", outcome="confirm", reason="checked"
                        )
                else:
                    world.dp.sweep()
            except ProcedureError:
                pass
            case = world.dp.case(case_id)
            disputed = world.store.get_record(record.id).disputed
            if case.state is CaseState.IN_FORCE:
                _assert_due_process(world, case_id, opened_on)
                assert not disputed  # never in force on a disputed record
                assert case.in_effect(day)
                reached += 1
                resumed += "resumed" in [s["step"] for s in world.dp.history(case_id)]
            elif case.state is CaseState.SUSPENDED:
                assert disputed
                assert not case.in_effect(day)
    # The walks reach "in force" (also by resuming), so the checks above ran.
    assert reached >= 2
    assert resumed >= 1


def _assert_due_process(world: World, case_id: int, opened_on: dt.date) -> None:
    steps = world.dp.history(case_id)
    names = [s["step"] for s in steps]
    decided = steps[names.index("decided")]
    notified = steps[names.index("notified")]  # a delivered notice is required
    assert names.index("notified") < names.index("decided")
    assert decided["actor"] == REVIEWER
    window_end = dt.date.fromisoformat(notified["payload"]["due_on"])
    answered = "answered" in names[: names.index("decided")]
    assert answered or dt.date.fromisoformat(decided["on"]) > window_end
    assert opened_on <= window_end
    # Every later move into in_force is a resumption: by the outbox, when the subject was
    # told that its objection was confirmed, never by a person.
    for found in steps[names.index("decided") + 1 :]:
        payload = found["payload"]
        if payload.get("to") == "in_force" and payload.get("from") != "in_force":
            assert (found["step"], found["actor"]) == ("resumed", "system:outbox")
            assert payload["from"] == "suspended"
            objection = world.dp.case(payload["objection"])
            assert (objection.kind, objection.state) == (CaseKind.OBJECTION, CaseState.CONFIRMED)
            assert world.notice(f"case:{objection.id}:outcome").status == "delivered"


def test_record_ids_are_read_from_the_explanation() -> None:
    grade = {
        "rules": [
            {"decisive": True, "evidence": [{"record_id": 9}], "legal_basis": ["A Art. 1"]},
            {"decisive": False, "evidence": [{"record_id": 10}], "legal_basis": ["B Art. 2"]},
        ]
    }
    assert record_ids_in(grade) == [9]  # only the rules that decided the grade
    assert legal_basis_in(grade) == "A Art. 1"
    entry = {
        "evidence": [{"record_id": 2}],
        "rule": {"legal_basis": [{"instrument": "X", "article": "Art. 3"}]},
    }
    assert record_ids_in(entry) == [2]
    assert legal_basis_in(entry) == "X Art. 3"
    assert record_ids_in({"records": [{"record_id": 3}, {"id": 4}, 5, True, "x"]}) == [3, 4, 5]
    assert record_ids_in({"inputs": {"record_ids": [7, 7]}}) == [7]
    assert record_ids_in(["not", "a", "dict"]) == []


def _tamper(world: World, sql: str, **params: object) -> None:
    import sqlalchemy as sa

    with world.store.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def test_an_adopted_explanation_edited_afterwards_fails_verify(
    world: World, clock: ManualClock
) -> None:
    case_id = _opened(world, clock)
    proposal = world.dp.case(case_id).proposal_id
    report = world.store.verify()
    assert report.ok
    assert report.explanations == 1
    _tamper(
        world,
        "UPDATE proposals SET explanation = replace(explanation, 'Art. 2', 'Art. 9') WHERE id = :p",
        p=proposal,
    )
    report = world.store.verify()
    assert not report.ok
    assert report.reason is not None
    assert f"explanation of proposal {proposal} was changed after case {case_id}" in report.reason
    with world.store.engine.connect() as conn:
        opened = conn.exec_driver_sql(
            "SELECT seq FROM events WHERE entity = 'case' AND type = 'opened' AND entity_id = "
            f"{case_id:d}"
        ).scalar_one()
    assert report.bad_seq == opened  # the event that chained the hash


def test_an_adopted_proposal_deleted_afterwards_fails_verify(
    world: World, clock: ManualClock
) -> None:
    case_id = _opened(world, clock)
    proposal = world.dp.case(case_id).proposal_id
    _tamper(world, "UPDATE wf_cases SET proposal_id = NULL WHERE id = :c", c=case_id)
    _tamper(world, "DELETE FROM proposals WHERE id = :p", p=proposal)
    report = world.store.verify()
    assert not report.ok
    assert report.reason == f"proposal {proposal}, adopted by case {case_id}, was deleted"


def test_proposals_no_case_adopted_are_not_checked(world: World, clock: ManualClock) -> None:
    clock.travel(DELIVERED)
    proposal = world.proposal([world.penalty(DECIDED, tier="serious").id])
    _tamper(world, "UPDATE proposals SET explanation = '{}' WHERE id = :p", p=proposal)
    report = world.store.verify()
    assert report.ok
    assert report.explanations == 0
