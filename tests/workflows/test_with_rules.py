"""Due process with the real rules engine: proposals in, disputed records out, re-evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from suite_support import ManualClock
from workflow_helpers import DEPARTMENT, OFFICER, REVIEWER, SUBJECT_ACTOR, World

from xinyong.ledger.tables import evaluation_runs, proposals
from xinyong.workflows import CaseState, Context, DueProcess

rules = pytest.importorskip("xinyong.rules")

DAY = dt.date(2025, 3, 3)


def _list_entries(world: World) -> list[tuple[int, str]]:
    found = rules.evaluate_subject(world.store, world.company.id, as_of=world.store.clock.today())
    return [(p.subject_id, p.target) for p in found if p.kind == "list_entry"]


def _proposal_id(world: World, target: str) -> int:
    with world.store.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(sa.func.max(proposals.c.id)).where(
                    proposals.c.subject_id == world.company.id,
                    proposals.c.kind == "list_entry",
                    proposals.c.target == target,
                )
            ).scalar_one()
        )


def test_a_disputed_record_never_feeds_a_rule(world: World, clock: ManualClock) -> None:
    clock.travel(DAY)
    record = world.penalty(dt.date(2025, 2, 10), tier="serious")
    assert (world.company.id, "samr_serious_violation") in _list_entries(world)
    world.dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="not ours")
    assert _list_entries(world) == []


def test_a_correction_lifts_the_listing_and_re_evaluates_with_the_rules_engine(
    world: World, clock: ManualClock
) -> None:
    clock.travel(DAY)
    record = world.penalty(dt.date(2025, 2, 10), tier="serious")
    _list_entries(world)
    proposal = _proposal_id(world, "samr_serious_violation")
    dp = DueProcess(Context.for_store(world.store))  # the default re-evaluation: the rules engine
    case = dp.open_listing(proposal, actor=OFFICER, reason="heavier penalty")
    assert case.data["record_ids"] == [record.id]
    world.deliver()
    dp.respond(case.id, actor=SUBJECT_ACTOR, statement="the tier is wrong")
    dp.decide(case.id, actor=REVIEWER, approve=True, reason="criteria met")
    objection = dp.file_objection(record.id, actor=SUBJECT_ACTOR, grounds="a fine, not a ban")
    with world.store.engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(proposals)).scalar_one()
        runs = conn.execute(sa.select(sa.func.count()).select_from(evaluation_runs)).scalar_one()
    dp.answer_objection(objection.id, actor=DEPARTMENT, outcome="correct", reason="typo",
                        fields={"publicity_tier": "general"})  # fmt: skip
    assert dp.case(case.id).state is CaseState.LIFTED
    with world.store.engine.connect() as conn:
        fresh = conn.execute(
            sa.select(proposals.c.kind, proposals.c.target)
            .where(proposals.c.subject_id == world.company.id)
            .order_by(proposals.c.id)
            .offset(before)
        ).all()
        runs_after = conn.execute(
            sa.select(sa.func.count()).select_from(evaluation_runs)
        ).scalar_one()
    assert runs_after > runs  # the subject was re-evaluated right after the correction
    assert ("list_entry", "samr_serious_violation") not in [tuple(r) for r in fresh]
