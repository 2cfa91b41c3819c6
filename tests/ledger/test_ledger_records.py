"""Records: assertion, every kind of change, provenance, natural keys, the batch path."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from types import MappingProxyType

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_helpers import DECIDED, Fixture, populate, table_counts, usccs
from suite_support import ManualClock

from xinyong.ledger import (
    DuplicateError,
    EventType,
    NewRecord,
    NotFoundError,
    Record,
    RecordStatus,
    Store,
    TransitionError,
)
from xinyong.ledger.chain import Encoded, canonical
from xinyong.ledger.projection import fields_of, fields_text
from xinyong.ledger.replay import fold
from xinyong.ledger.tables import events, records

PENALTY = "administrative_penalty"


def test_an_asserted_record_keeps_its_values_and_provenance(store: Store) -> None:
    fx = populate(store)
    r = fx.record
    assert (r.status, r.disputed, r.version) == (RecordStatus.ACTIVE, False, 1)
    assert r.fields == {"amount": "5000.00", "penalty_type": "罚款"}
    assert r.valid_from == r.decision_date == DECIDED
    assert store.get_record(r.id) == r
    state = store.record_as_of(r.id)
    assert state is not None
    assert state.record == r
    amount = state.provenance["amount"]
    assert amount.event_type is EventType.ASSERTED
    assert amount.source_id == fx.source.id
    assert amount.original == "伍仟元整"
    assert amount.recorded_at == r.updated_at
    assert state.provenance["penalty_type"].original is None


def test_every_change_is_an_event_and_moves_the_projection(store: Store) -> None:
    fx = populate(store)
    rid = fx.record.id
    steps: list[tuple[Callable[[], Record], EventType]] = [
        (lambda: store.amend_record(rid, {"amount": "6000.00"}, reason="更正"), EventType.AMENDED),
        (lambda: store.mark_disputed(rid, reason="异议", reference="YY-1"), EventType.DISPUTED),
        (lambda: store.resolve_dispute(rid, outcome="rejected"), EventType.RESOLVED),
        (lambda: store.mark_repaired(rid, reason="信用修复", reference="XF-1"), EventType.REPAIRED),
        (lambda: store.restore_record(rid, reason="修复撤销"), EventType.RESTORED),
        (lambda: store.mark_expired(rid), EventType.EXPIRED),
        (lambda: store.withdraw_record(rid, reason="决定撤销"), EventType.WITHDRAWN),
    ]
    expected_status = [
        RecordStatus.ACTIVE,
        RecordStatus.ACTIVE,
        RecordStatus.ACTIVE,
        RecordStatus.REPAIRED,
        RecordStatus.ACTIVE,
        RecordStatus.EXPIRED,
        RecordStatus.WITHDRAWN,
    ]
    expected_disputed = [False, True, False, False, False, False, False]
    for (step, _), status, disputed in zip(steps, expected_status, expected_disputed, strict=True):
        record = step()
        assert (record.status, record.disputed) == (status, disputed)
        assert store.get_record(rid) == record
    history = store.history(rid)
    assert [e.type for e in history] == [EventType.ASSERTED] + [t for _, t in steps]
    assert [e.seq for e in history] == sorted(e.seq for e in history)
    assert store.get_record(rid).version == len(history)
    assert store.get_record(rid).fields["amount"] == "6000.00"
    assert history[2].payload == {"reason": "异议", "reference": "YY-1"}


@pytest.mark.parametrize(
    ("prepare", "refused"),
    [
        ([], "resolve"),
        ([], "restore"),
        (["dispute"], "dispute"),
        (["withdraw"], "amend"),
        (["withdraw"], "withdraw"),
        (["withdraw"], "dispute"),
        (["expire"], "repair"),
        (["repair"], "repair"),
    ],
)
def test_changes_that_do_not_apply_are_refused(
    store: Store, prepare: list[str], refused: str
) -> None:
    fx = populate(store)
    rid = fx.record.id
    actions = {
        "amend": lambda: store.amend_record(rid, {"amount": "1"}),
        "withdraw": lambda: store.withdraw_record(rid, reason="r"),
        "dispute": lambda: store.mark_disputed(rid, reason="r"),
        "resolve": lambda: store.resolve_dispute(rid, outcome="upheld"),
        "repair": lambda: store.mark_repaired(rid, reason="r"),
        "expire": lambda: store.mark_expired(rid),
        "restore": lambda: store.restore_record(rid, reason="r"),
    }
    for name in prepare:
        actions[name]()
    before = (store.get_record(rid), store.chain_head())
    with pytest.raises(TransitionError, match=f"record {rid}"):
        actions[refused]()
    assert (store.get_record(rid), store.chain_head()) == before


def test_a_change_cannot_take_effect_before_the_record(store: Store) -> None:
    fx = populate(store)
    with pytest.raises(TransitionError, match="before the record itself"):
        store.amend_record(fx.record.id, {"amount": "1"}, valid_from=DECIDED - dt.timedelta(1))


def test_amendments_merge_remove_and_keep_provenance(store: Store) -> None:
    fx = populate(store)
    rid = fx.record.id
    store.amend_record(
        rid, {"basis": "第十二条"}, removed=["penalty_type"], original={"basis": "12"}
    )
    state = store.record_as_of(rid)
    assert state is not None
    assert state.record.fields == {"amount": "5000.00", "basis": "第十二条"}
    assert state.provenance["amount"].event_type is EventType.ASSERTED
    assert state.provenance["basis"].event_type is EventType.AMENDED
    assert state.provenance["basis"].original == "12"
    assert "penalty_type" not in state.provenance
    amended = store.amend_record(rid, decision_date=dt.date(2025, 1, 7))
    assert amended.decision_date == dt.date(2025, 1, 7)
    with pytest.raises(ValueError, match="nothing to amend"):
        store.amend_record(rid)


def test_a_corrected_resolution_applies_its_fields(store: Store) -> None:
    fx = populate(store)
    store.mark_disputed(fx.record.id, reason="金额有误")
    resolved = store.resolve_dispute(
        fx.record.id, outcome="corrected", reason="核实", fields={"amount": "500.00"}
    )
    assert resolved.fields["amount"] == "500.00"
    assert not resolved.disputed


def test_the_natural_key_is_unique(store: Store) -> None:
    fx = populate(store)
    again = {
        "source_id": fx.source.id,
        "subject_id": fx.company.id,
        "record_type": PENALTY,
        "document_no": "京市监罚〔2025〕1号",
        "fields": {},
    }
    with pytest.raises(DuplicateError, match="already exists"):
        store.assert_record(**again)  # type: ignore[arg-type]
    other = store.assert_record(**{**again, "subject_id": fx.other.id})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="document number"):
        store.assert_record(**{**again, "document_no": " "})  # type: ignore[arg-type]
    assert other.natural_key == (fx.source.id, PENALTY, "京市监罚〔2025〕1号", fx.other.id)
    assert store.find_record(*fx.record.natural_key) == fx.record


def test_a_batch_with_a_duplicate_key_stores_nothing(store: Store) -> None:
    fx = populate(store)
    before = (table_counts(store), store.chain_head())
    items = [NewRecord(fx.source.id, fx.other.id, PENALTY, f"doc-{i}", {"n": i}) for i in range(5)]
    items.append(NewRecord(fx.source.id, fx.company.id, PENALTY, "京市监罚〔2025〕1号", {}))
    with pytest.raises(DuplicateError):
        store.add_records(items)
    assert (table_counts(store), store.chain_head()) == before
    assert store.verify().ok


def test_a_batch_naming_an_unknown_subject_stores_nothing(store: Store) -> None:
    fx = populate(store)
    before = table_counts(store)
    with pytest.raises(NotFoundError):
        store.add_records([NewRecord(fx.source.id, 999_999, PENALTY, "x", {})])
    assert table_counts(store) == before
    with pytest.raises(NotFoundError):
        store.assert_record(
            source_id=fx.source.id, subject_id=999_999, record_type=PENALTY,
            document_no="y", fields={},
        )  # fmt: skip


def test_the_batch_path_equals_the_single_path(store: Store) -> None:
    fx = populate(store)
    batch = store.open_batch(fx.source.id, "penalties-2025-03.csv", sha256="ab" * 32)
    items = [
        NewRecord(
            fx.source.id,
            fx.other.id,
            PENALTY,
            f"京市监罚〔2025〕{n}号",
            {"amount": f"{n}.00", "note": 'quote " and \\ 中文'},
            decision_date=DECIDED if n % 2 else None,
            valid_from=None if n % 3 else dt.date(2025, 2, 1),
            original={"amount": f"{n}元"} if n % 4 == 0 else None,
        )
        for n in range(2, 30)
    ]
    items[::5] = [  # as ingestion gives them: canonical JSON, UTF-8 encoded
        dataclasses.replace(
            item,
            fields=Encoded.from_utf8(canonical(item.fields).encode()),
            original=item.original and Encoded.from_utf8(canonical(item.original).encode()),
        )
        for item in items[::5]
    ]
    with store.transaction(batch_id=batch.id) as tx:
        ids = tx.add_records(items)
    assert list(ids) == list(range(fx.record.id + 1, fx.record.id + 1 + len(items)))
    for rid, item in zip(ids, items, strict=True):
        record = store.get_record(rid)
        assert record.fields == item.fields
        assert record.valid_from == (item.valid_from or item.decision_date or store.clock.today())
        (event,) = store.history(rid)
        assert event.batch_id == batch.id
        assert canonical(event.payload) == _stored_payload(store, event.seq)
        assert event.payload.get("original") == item.original
    if store.engine.dialect.name == "sqlite":  # stored as text, never as a blob of its bytes
        with store.engine.connect() as conn:
            kinds = conn.exec_driver_sql("SELECT DISTINCT typeof(payload) FROM events").all()
        assert kinds == [("text",)]
    closed = store.close_batch(batch.id, counts={"read": 28, "accepted": 28})
    assert (closed.status, closed.counts) == ("committed", {"accepted": 28, "read": 28})
    assert closed.finished_at is not None
    assert store.verify().ok


def _stored_payload(store: Store, seq: int) -> str:
    with store.engine.connect() as conn:
        text: str = conn.execute(
            sa.select(events.c.payload).where(events.c.seq == seq)
        ).scalar_one()
    return text


def test_batches_are_closed_once_with_a_known_outcome(store: Store) -> None:
    fx = populate(store)
    batch = store.open_batch(fx.source.id, "feed.jsonl")
    assert batch.status == "open"
    with pytest.raises(ValueError, match="status"):
        store.close_batch(batch.id, status="finished")
    store.close_batch(batch.id, status="rejected", counts={"read": 3, "rejected": 3})
    with pytest.raises(TransitionError):
        store.close_batch(batch.id)
    with pytest.raises(NotFoundError):
        store.open_batch(999, "x")


def test_projection_always_equals_the_fold_of_its_events(store: Store, clock: ManualClock) -> None:
    """Random changes, many retroactive, then every projection row is rebuilt from events."""
    fx = populate(store)
    rng = random.Random(20250314)
    codes = usccs(3, region="110108")
    subjects = [store.register_subject(c, "legal_person", f"公司{c[-4:]}") for c in codes]
    ids = list(
        store.add_records(
            NewRecord(fx.source.id, s.id, PENALTY, f"doc-{i}", {"a": i}, DECIDED)
            for i, s in enumerate(subjects * 3)
        )
    )
    actions = ["amend", "dispute", "resolve", "repair", "expire", "restore", "withdraw"]
    for day in range(40):
        clock.travel(DECIDED + dt.timedelta(days=day + 1))
        rid = rng.choice(ids)
        when = DECIDED + dt.timedelta(days=rng.randrange(0, day + 1))
        try:
            _act(store, rng.choice(actions), rid, when, rng)
        except TransitionError:
            continue
    with store.engine.connect() as conn:
        for rid in ids:
            history = conn.execute(
                sa.select(events).where(events.c.entity == "record", events.c.entity_id == rid)
            ).all()
            row = conn.execute(sa.select(records).where(records.c.id == rid)).one()
            folded = store.record_as_of(rid)
            assert folded is not None
            assert folded.record == store.get_record(rid)
            assert row.version == len(history)
            assert row.last_valid_from == max(e.valid_from for e in history)
    assert store.verify().ok


def _act(store: Store, action: str, rid: int, when: dt.date, rng: random.Random) -> None:
    if action == "amend":
        store.amend_record(
            rid, {"a": rng.randrange(100), f"f{rng.randrange(3)}": 1}, valid_from=when
        )
    elif action == "dispute":
        store.mark_disputed(rid, reason="r", valid_from=when)
    elif action == "resolve":
        store.resolve_dispute(rid, outcome="upheld", valid_from=when)
    elif action == "repair":
        store.mark_repaired(rid, reason="r", valid_from=when)
    elif action == "expire":
        store.mark_expired(rid, valid_from=when)
    elif action == "restore":
        store.restore_record(rid, reason="r", valid_from=when)
    else:
        store.withdraw_record(rid, reason="r", valid_from=when)


def test_fold_ignores_input_order(store: Store) -> None:
    fx: Fixture = populate(store)
    store.amend_record(fx.record.id, {"amount": "1"}, valid_from=dt.date(2025, 2, 1))
    store.amend_record(fx.record.id, {"amount": "2"}, valid_from=dt.date(2025, 1, 20))
    history = store.history(fx.record.id)
    assert fold(history) == fold(reversed(history))
    state = fold(history)
    assert state is not None
    assert state.record.fields["amount"] == "1"  # the later-effective value wins


def test_unknown_ids_are_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError):
        store.get_record(1)
    with pytest.raises(NotFoundError):
        store.amend_record(1, {"a": 1})
    with pytest.raises(NotFoundError):
        store.get_subject(1)
    with pytest.raises(NotFoundError):
        store.get_batch(1)
    assert store.record_as_of(1) is None
    assert store.find_record(1, PENALTY, "x", 1) is None


def test_fields_may_be_any_mapping(store: Store) -> None:
    fx = populate(store)
    frozen = MappingProxyType({"b": 2, "a": [1, "一"]})
    (rid,) = store.add_records([NewRecord(fx.source.id, fx.other.id, PENALTY, "m", frozen)])
    assert store.get_record(rid).fields == {"a": [1, "一"], "b": 2}
    assert store.verify().ok


def _stored_fields(store: Store, rid: int) -> str | None:
    with store.engine.connect() as conn:
        text: str | None = conn.scalar(sa.select(records.c.fields).where(records.c.id == rid))
    return text


def test_fields_are_stored_once_until_a_change_touches_them(store: Store) -> None:
    """The projection defers to the assertion's payload while the fields are as asserted:
    a status change keeps deferring, a change of the fields (even 1 to 1.0, equal in
    Python) is stored, and every read sees the fold's fields throughout."""
    fx = populate(store)
    (rid,) = store.add_records(
        [NewRecord(fx.source.id, fx.other.id, PENALTY, "罚-once", {"n": 1, "t": "中"}, DECIDED)]
    )
    assert _stored_fields(store, rid) is None
    assert store.get_record(rid).fields == {"n": 1, "t": "中"}
    store.mark_disputed(rid, reason="异议")
    store.resolve_dispute(rid, outcome="rejected")
    assert _stored_fields(store, rid) is None
    assert store.find_record(fx.source.id, PENALTY, "罚-once", fx.other.id) == store.get_record(rid)
    amended = store.amend_record(rid, {"n": 1.0})
    assert _stored_fields(store, rid) == canonical({"n": 1.0, "t": "中"})
    for record in (amended, store.get_record(rid), *store.records_of(fx.other.id)[-1:]):
        assert type(record.fields["n"]) is float
    state = store.record_as_of(rid)
    assert state is not None
    assert state.record == store.get_record(rid)
    assert store.verify().ok


@given(
    document_no=st.text(min_size=1, max_size=12).filter(str.strip)
    | st.sampled_from(['{"fields":{', 'x","fields":{"a":1}', '\\",\\"fields\\":{']),
    fields=st.dictionaries(
        st.sampled_from(["fields", "original", "a", "中文", 'k"{']),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=8),
            lambda inner: (
                st.dictionaries(st.sampled_from(["fields", "x"]), inner, max_size=2)
                | st.lists(inner, max_size=2)
            ),
            max_leaves=6,
        ),
        max_size=4,
    ),
    original=st.none() | st.fixed_dictionaries({"fields": st.text(max_size=5)}),
    decided=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_the_fields_text_cut_from_an_assertion_is_their_canonical_text(
    document_no: str, fields: dict[str, object], original: dict[str, str] | None, decided: bool
) -> None:
    """Whatever the document number, fields and values as sent hold (quotes, nested
    ``fields`` keys), the text cut out of the payload is exactly ``canonical(fields)``."""
    payload = {
        "decision_date": "2025-03-14" if decided else None,
        "document_no": document_no,
        "fields": fields,
        "original": original,
        "record_type": "administrative_penalty",
        "subject_id": 7,
    }
    text = canonical({k: v for k, v in payload.items() if v is not None})
    assert fields_text(None, text) == canonical(fields)
    assert fields_of(None, text) == fields
