"""List memberships and grades: shown only once decided and in force, with their reasons."""

from __future__ import annotations

from pathlib import Path

import pytest
from access_helpers import World, list_in_force, populate
from suite_support import ManualClock

from xinyong.ledger import Store


@pytest.fixture
def world(store: Store) -> World:
    return populate(store)


def test_a_decided_list_entry_shows_with_reasons_and_measures(
    world: World, clock: ManualClock, tmp_path: Path
) -> None:
    assert world.access.public_view(world.company).standing == ()
    case_id = list_in_force(world, clock, tmp_path / "outbox")
    (entry,) = world.access.public_view(world.company).standing
    assert (entry.case_id, entry.kind, entry.list_kind) == (case_id, "list_entry", "black")
    assert entry.label.zh == "市场监督管理严重违法失信名单"
    assert entry.rule == "serious-violation@1"
    assert any("严重违法失信名单管理办法" in b for b in entry.legal_basis)
    assert [m.id for m in entry.measures] == ["legal_representative_ban"]
    assert [e.record_id for e in entry.evidence] == [world.penalty.id]
    assert entry.decided_by == "reviewer:li"


def test_list_pages_and_the_decision_explanation(
    world: World, clock: ManualClock, tmp_path: Path
) -> None:
    case_id = list_in_force(world, clock, tmp_path / "outbox")
    members = world.access.list_members("samr_serious_violation")
    assert [s.id for s, _ in members] == [world.company.id]
    assert world.access.list_members("samr_serious_violation", region="110108") == members
    assert world.access.list_members("samr_serious_violation", region="3101") == []
    found = world.access.decision(case_id)
    assert found is not None
    assert found[0].name == world.company.name
    assert world.access.decision(case_id + 1000) is None


def test_evidence_the_public_may_not_see_is_left_out(
    world: World, clock: ManualClock, tmp_path: Path, store: Store
) -> None:
    list_in_force(world, clock, tmp_path / "outbox")
    store.withdraw_record(world.penalty.id, reason="决定撤销")
    (entry,) = world.access.public_view(world.company).standing
    assert entry.evidence == ()


def test_a_decided_grade_shows_with_its_decisive_rules(
    world: World, clock: ManualClock, tmp_path: Path
) -> None:
    list_in_force(world, clock, tmp_path / "outbox", grade=True)
    (grade,) = world.access.public_view(world.company).standing
    assert (grade.kind, grade.target, grade.label.zh) == ("grade", "B", "B级")
    assert grade.rule == "penalty-downgrade@2"
    assert grade.legal_basis == ("某信用评价办法 第十条",)
    assert [e.record_id for e in grade.evidence] == [world.penalty.id]
