"""Publicity windows and automatic expiry at the maximum period."""

from __future__ import annotations

import datetime as dt

import pytest
from suite_support import ManualClock
from workflow_helpers import World

from xinyong.ledger import RecordStatus
from xinyong.workflows import shown_publicly, window_for

#: Serious tier under NDRC 2019 No. 527: 6 months minimum, 3 years maximum.
DECIDED = dt.date(2022, 6, 1)
LAST_DAY = dt.date(2025, 5, 31)


@pytest.mark.parametrize(
    ("day", "expired"),
    [
        (LAST_DAY - dt.timedelta(days=1), False),
        (LAST_DAY, False),
        (LAST_DAY + dt.timedelta(days=1), True),
    ],
)
def test_a_record_expires_by_itself_the_day_after_its_maximum(
    world: World, clock: ManualClock, day: dt.date, expired: bool
) -> None:
    record = world.penalty(DECIDED, tier="serious")
    window = window_for(world.dp.context.catalog, record)
    assert (window.starts_on, window.repairable_from, window.last_day) == (
        DECIDED, dt.date(2022, 12, 1), LAST_DAY
    )  # fmt: skip
    clock.travel(day)
    report = world.dp.sweep()
    assert (record.id in report.expired_records) is expired
    now = world.store.get_record(record.id)
    assert now.status is (RecordStatus.EXPIRED if expired else RecordStatus.ACTIVE)
    assert shown_publicly(world.dp.context.catalog, now, "enterprise", day) is not expired
    if expired:
        (event,) = [e for e in world.store.history(record.id) if e.type.value == "expired"]
        assert event.valid_from == LAST_DAY + dt.timedelta(days=1)
        assert "ndrc-2019-527" in event.payload["reason"]
        assert "2025-05-31" in event.payload["reason"]
        assert event.actor == "system:sweep"
        assert world.dp.sweep().expired_records == []  # once only
    assert world.store.verify().ok


def test_a_record_past_its_maximum_is_not_shown_even_before_the_sweep(world: World) -> None:
    record = world.penalty(DECIDED, tier="serious")
    catalog = world.dp.context.catalog
    assert shown_publicly(catalog, record, "enterprise", LAST_DAY)
    assert not shown_publicly(catalog, record, "enterprise", LAST_DAY + dt.timedelta(days=1))
    assert not shown_publicly(catalog, record, "enterprise", DECIDED - dt.timedelta(days=1))


def test_a_late_sweep_still_dates_the_expiry_on_the_right_day(
    world: World, clock: ManualClock
) -> None:
    record = world.penalty(DECIDED, tier="serious")
    clock.travel(dt.date(2025, 9, 1))
    world.dp.sweep()
    as_of_last_day = world.store.record_as_of(record.id, valid_at=LAST_DAY)
    assert as_of_last_day is not None
    assert as_of_last_day.record.status is RecordStatus.ACTIVE
    after = world.store.record_as_of(record.id, valid_at=LAST_DAY + dt.timedelta(days=1))
    assert after is not None
    assert after.record.status is RecordStatus.EXPIRED


def test_the_longest_period_of_several_penalty_types_applies(
    world: World, clock: ManualClock
) -> None:
    clock.travel(dt.date(2026, 6, 1))
    record = world.store.assert_record(
        source_id=world.source.id, subject_id=world.company.id,
        record_type="administrative_penalty", document_no="京市监罚〔2026〕9号",
        fields={"penalty_types": ["warning", "licence_revocation"]},
        decision_date=dt.date(2026, 5, 6),
    )  # fmt: skip
    window = window_for(world.dp.context.catalog, record)
    assert window.period is not None
    assert window.period.tier == "serious"
    assert window.last_day == dt.date(2029, 5, 5)


def test_warnings_under_the_2026_rules_are_never_shown(world: World, clock: ManualClock) -> None:
    clock.travel(dt.date(2026, 6, 1))
    warning = world.penalty(dt.date(2026, 5, 6), tier="warning")
    window = window_for(world.dp.context.catalog, warning)
    assert not window.published
    assert not shown_publicly(world.dp.context.catalog, warning, "enterprise", dt.date(2026, 6, 1))


def test_a_record_without_a_tier_is_reported_not_guessed(world: World, clock: ManualClock) -> None:
    record = world.store.assert_record(
        source_id=world.source.id, subject_id=world.company.id,
        record_type="administrative_penalty", document_no="无等级",
        fields={"fine_amount": "1"}, decision_date=DECIDED,
    )  # fmt: skip
    clock.travel(dt.date(2030, 1, 1))
    report = world.dp.sweep()
    assert record.id not in report.expired_records
    assert [p["record_id"] for p in report.no_window] == [record.id]
    assert not shown_publicly(world.dp.context.catalog, record, "enterprise", DECIDED)


def test_a_natural_persons_penalty_is_not_public(world: World, clock: ManualClock) -> None:
    record = world.penalty(dt.date(2025, 1, 6))
    assert shown_publicly(world.dp.context.catalog, record, "enterprise", dt.date(2025, 2, 1))
    assert not shown_publicly(
        world.dp.context.catalog, record, "natural_person", dt.date(2025, 2, 1)
    )
