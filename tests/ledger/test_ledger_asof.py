"""As-of reads in both time dimensions: valid time (the world) and transaction time (the ledger)."""

from __future__ import annotations

import datetime as dt

import pytest
from ledger_helpers import DECIDED, populate
from suite_support import ManualClock

from xinyong.ledger import EventType, RecordStatus, Store

JAN = dt.date(2025, 1, 1)


def _known_at(clock: ManualClock) -> dt.datetime:
    """An instant after everything recorded so far and before anything recorded later."""
    return clock.last() + dt.timedelta(microseconds=500)


def test_valid_time_gives_the_state_in_the_world_on_a_date(store: Store) -> None:
    fx = populate(store)  # asserted, valid from DECIDED (2025-01-06)
    rid = fx.record.id
    store.amend_record(rid, {"amount": "8000.00"}, valid_from=dt.date(2025, 2, 1))
    store.mark_repaired(rid, reason="信用修复", valid_from=dt.date(2025, 3, 1))

    assert store.record_as_of(rid, valid_at=dt.date(2025, 1, 5)) is None
    on_decision = store.record_as_of(rid, valid_at=DECIDED)
    assert on_decision is not None
    assert on_decision.record.fields["amount"] == "5000.00"
    in_feb = store.record_as_of(rid, valid_at=dt.date(2025, 2, 15))
    assert in_feb is not None
    assert in_feb.record.fields["amount"] == "8000.00"
    assert in_feb.record.status is RecordStatus.ACTIVE
    in_march = store.record_as_of(rid, valid_at=dt.date(2025, 3, 1))
    assert in_march is not None
    assert in_march.record.status is RecordStatus.REPAIRED


def test_transaction_time_gives_what_the_ledger_knew(store: Store, clock: ManualClock) -> None:
    fx = populate(store)
    rid = fx.record.id
    before_any = fx.source.created_at - dt.timedelta(microseconds=1)
    first_known = _known_at(clock)
    clock.travel(dt.date(2025, 3, 20))
    store.amend_record(rid, {"amount": "50.00"}, valid_from=DECIDED, reason="录入错误更正")
    corrected = _known_at(clock)

    assert store.record_as_of(rid, recorded_at=before_any) is None
    then = store.record_as_of(rid, recorded_at=first_known)
    assert then is not None
    assert then.record.fields["amount"] == "5000.00"
    now = store.record_as_of(rid, recorded_at=corrected)
    assert now is not None
    assert now.record.fields["amount"] == "50.00"
    # The correction was retroactive: on the decision date the amount is now 50,
    # but as known before the correction it was 5000.
    bitemporal = store.record_as_of(rid, valid_at=DECIDED, recorded_at=first_known)
    assert bitemporal is not None
    assert bitemporal.record.fields["amount"] == "5000.00"
    corrected_view = store.record_as_of(rid, valid_at=DECIDED)
    assert corrected_view is not None
    assert corrected_view.record.fields["amount"] == "50.00"


def test_a_late_correction_does_not_override_a_later_effective_change(
    store: Store, clock: ManualClock
) -> None:
    fx = populate(store)
    rid = fx.record.id
    clock.travel(dt.date(2025, 3, 20))
    store.amend_record(rid, {"amount": "9000.00"}, valid_from=dt.date(2025, 2, 1))
    clock.travel(dt.date(2025, 3, 21))
    store.amend_record(rid, {"amount": "5500.00"}, valid_from=DECIDED, reason="原始金额更正")
    assert store.get_record(rid).fields["amount"] == "9000.00"
    january = store.record_as_of(rid, valid_at=dt.date(2025, 1, 31))
    assert january is not None
    assert january.record.fields["amount"] == "5500.00"
    latest = store.record_as_of(rid)
    assert latest is not None
    assert latest.record == store.get_record(rid)


def test_history_filters_by_both_times(store: Store, clock: ManualClock) -> None:
    fx = populate(store)
    rid = fx.record.id
    known = _known_at(clock)
    store.mark_disputed(rid, reason="异议", valid_from=dt.date(2025, 3, 10))
    assert [e.type for e in store.history(rid)] == [EventType.ASSERTED, EventType.DISPUTED]
    assert [e.type for e in store.history(rid, recorded_at=known)] == [EventType.ASSERTED]
    assert [e.type for e in store.history(rid, valid_at=dt.date(2025, 3, 9))] == [
        EventType.ASSERTED
    ]


def test_subject_as_of_folds_its_name_and_its_records(store: Store, clock: ManualClock) -> None:
    fx = populate(store)
    sid = fx.company.id
    before_rename = _known_at(clock)
    clock.travel(dt.date(2025, 4, 1))
    store.amend_subject(sid, name="新名称有限公司", valid_from=dt.date(2025, 4, 1))
    second = store.assert_record(
        source_id=fx.source.id,
        subject_id=sid,
        record_type="administrative_penalty",
        document_no="京市监罚〔2025〕99号",
        fields={"amount": "100.00"},
        decision_date=dt.date(2025, 3, 30),
    )
    now = store.subject_as_of(sid)
    assert now is not None
    assert now.subject.name == "新名称有限公司"
    assert [s.record.id for s in now.records] == [fx.record.id, second.id]

    march = store.subject_as_of(sid, valid_at=dt.date(2025, 3, 1))
    assert march is not None
    assert march.subject.name == fx.company.name
    assert [s.record.id for s in march.records] == [fx.record.id]

    known_then = store.subject_as_of(sid, recorded_at=before_rename)
    assert known_then is not None
    assert known_then.subject.name == fx.company.name
    assert [s.record.id for s in known_then.records] == [fx.record.id]

    assert store.subject_as_of(sid, recorded_at=fx.source.created_at) is None
    assert store.subject_as_of(fx.other.id) is not None


def test_transaction_time_never_runs_backwards(store: Store, clock: ManualClock) -> None:
    fx = populate(store)
    clock.travel(dt.date(2024, 1, 1))  # the wall clock jumps back a year
    later = store.amend_record(fx.record.id, {"amount": "1.00"}, valid_from=DECIDED)
    assert later.updated_at >= fx.record.updated_at
    times = [e.recorded_at for e in store.history(fx.record.id)]
    assert times == sorted(times)
    assert store.verify().ok


def test_naive_recorded_at_is_refused(store: Store) -> None:
    fx = populate(store)
    with pytest.raises(ValueError, match="aware"):
        store.record_as_of(fx.record.id, recorded_at=dt.datetime(2025, 3, 14, 12))
