"""What each audience sees: the catalog decides records, fields and the publicity window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from access_helpers import World, agency_actor, list_in_force, populate, subject_actor
from suite_support import ManualClock

from xinyong.access import InvalidInputError
from xinyong.ledger import Store
from xinyong.ledger.tables_workflows import wf_cases


@pytest.fixture
def world(store: Store) -> World:
    return populate(store)


def _field_names(view: object) -> set[str]:
    return {f.name for r in view.records for f in r.fields}  # type: ignore[attr-defined]


def test_the_public_sees_live_published_records_and_public_fields_only(world: World) -> None:
    view = world.access.public_view(world.company)
    assert [r.id for r in view.records] == [world.penalty.id]  # not expired, not withdrawn
    record = view.records[0]
    assert record.source_name == "北京市海淀区市场监督管理局"
    assert record.category == "administrative"
    assert any("行政处罚法" in b for b in record.legal_basis)
    assert record.publicity is not None
    assert record.publicity.ends is not None
    assert "legal_representative_id_type" not in _field_names(view)
    assert {"counterpart_name", "decision_number"} <= _field_names(view)


def test_under_verification_marks_follow_the_record(world: World, store: Store) -> None:
    store.mark_disputed(world.penalty.id, reason="异议", reference="YY-1")
    view = world.access.public_view(world.company)
    assert [r.disputed for r in view.records] == [True]


def test_the_subject_sees_everything_held_including_what_is_not_public(world: World) -> None:
    me = subject_actor(world, world.company)
    view = world.access.own_view(me)
    ids = {r.id for r in view.records}
    assert {world.penalty.id, world.expired.id, world.withdrawn.id} <= ids
    assert "legal_representative_id_type" in _field_names(view)


def test_a_persons_records_are_public_only_where_the_catalog_says_so(world: World) -> None:
    public = world.access.public_view(world.person)
    assert public.records == ()
    assert public.masked_id is None  # no number on public pages, not even masked
    me = subject_actor(world, world.person, "zhangsan")
    own = world.access.own_view(me)
    assert [r.id for r in own.records] == [world.private.id]
    assert own.masked_id is not None
    assert "*" in own.masked_id


def test_an_agency_sees_records_its_purpose_is_granted_for(world: World) -> None:
    agency = agency_actor(world, ("licensing_review",))
    view = world.access.disclosed_view(agency, world.company, "licensing_review")
    assert world.penalty.id in {r.id for r in view.records}
    assert "legal_representative_id_type" in _field_names(view)
    assert view.purpose == "licensing_review"


def test_a_malformed_code_is_an_input_error_naming_the_field(world: World) -> None:
    with pytest.raises(InvalidInputError) as exc:
        world.access.find_subject("91110108")
    assert exc.value.field == "code"


def test_the_snapshot_by_code_equals_the_ledgers_own_reads(
    world: World, store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    """On SQLite the page's rows come through the driver: they must equal the ledger's reads."""
    list_in_force(world, clock, tmp_path)
    me = subject_actor(world, world.company)
    world.access.file_objection(me, world.expired.id, "金额有误", "我们已缴清罚款")
    assert world.company.code is not None
    version, fast = world.access.versioned_snapshot(world.company.code)
    assert fast is not None
    assert version == store.chain_head().seq
    assert fast == world.access.snapshot(store.get_subject(world.company.id))
    assert fast.statements
    assert fast.standing
    assert any(r.disputed for r in fast.records)
    assert world.access.versioned_snapshot(world.other.code or "")[1] == world.access.snapshot(
        world.other
    )
    assert fast.upcoming is None


def test_both_snapshots_see_a_listing_that_starts_later(
    world: World, store: Store, clock: ManualClock, tmp_path: Path
) -> None:
    """Not in force yet, so not shown, but the day it starts is known (it ends a kept page)."""
    case_id = list_in_force(world, clock, tmp_path)
    starts = clock.today() + dt.timedelta(days=10)
    with store.engine.begin() as conn:
        conn.execute(wf_cases.update().where(wf_cases.c.id == case_id).values(starts_on=starts))
    assert world.company.code is not None
    fast = world.access.versioned_snapshot(world.company.code)[1]
    assert fast is not None
    assert (fast.upcoming, fast.standing) == (starts, [])
    assert fast == world.access.snapshot(store.get_subject(world.company.id))
