"""The hash chain: any edit, deletion, insertion or reordering behind the ledger's back shows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from ledger_helpers import populate

from xinyong.ledger import NewRecord, Store
from xinyong.ledger.chain import (
    GENESIS_HASH,
    Linker,
    canonical,
    event_hash,
    event_text,
    payload_text,
)
from xinyong.ledger.tables import chain_head, events

TARGET = 6  # the event tampered with: the amendment, in the middle of the chain


@dataclass(frozen=True)
class Chain:
    """A store with eight events; ``batch_id`` names an existing batch."""

    store: Store
    batch_id: int
    length: int


@pytest.fixture
def chain(store: Store) -> Chain:
    fx = populate(store)  # events 1-4: source, two subjects, assertion
    batch = store.open_batch(fx.source.id, "feed.csv")  # 5
    store.amend_record(fx.record.id, {"amount": "6000.00"}, reason="更正")  # 6: TARGET
    store.mark_disputed(fx.record.id, reason="异议")  # 7
    store.add_records([NewRecord(fx.source.id, fx.other.id, "t", "d", {"x": 1})])  # 8
    assert store.verify().ok
    return Chain(store, batch.id, 8)


def _rows(store: Store) -> list[Any]:
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(events).order_by(events.c.seq)))


def _update(store: Store, target: int, **values: Any) -> None:
    with store.engine.begin() as conn:
        conn.execute(events.update().where(events.c.seq == target).values(**values))


def _bad(store: Store) -> tuple[int | None, str]:
    report = store.verify()
    assert not report.ok
    assert report.reason
    return report.bad_seq, report.reason


def test_an_intact_chain_verifies_and_reports_its_head(chain: Chain) -> None:
    report = chain.store.verify()
    assert report.ok
    assert report.events == chain.length
    head = chain.store.chain_head()
    assert report.head == head
    assert head.seq == chain.length
    assert head.hash == _rows(chain.store)[-1].hash
    assert str(head) == f"{head.seq}:{head.hash}"


def test_an_empty_chain_verifies(store: Store) -> None:
    report = store.verify()
    assert (report.ok, report.events, report.head.seq, report.head.hash) == (
        True,
        0,
        0,
        GENESIS_HASH,
    )


def _edits(row: Any, batch_id: int) -> dict[str, Any]:
    return {
        "event_id": "00000000-0000-4000-8000-000000000000",
        "entity": "subject",
        "entity_id": row.entity_id + 1,
        "type": "withdrawn",
        "valid_from": row.valid_from - dt.timedelta(days=1),
        "recorded_at": row.recorded_at - dt.timedelta(microseconds=1),
        "actor": "mallory",
        "source_id": None,
        "batch_id": batch_id,
        "payload": row.payload.replace("6000.00", "600.00"),
        "prev_hash": "f" * 64,
        "hash": "e" * 64,
    }


@pytest.mark.parametrize(
    "column",
    [
        "event_id",
        "entity",
        "entity_id",
        "type",
        "valid_from",
        "recorded_at",
        "actor",
        "source_id",
        "batch_id",
        "payload",
        "prev_hash",
        "hash",
    ],
)
def test_editing_any_column_names_the_edited_event(chain: Chain, column: str) -> None:
    row = _rows(chain.store)[TARGET - 1]
    new = _edits(row, chain.batch_id)[column]
    assert getattr(row, column) != new
    _update(chain.store, TARGET, **{column: new})
    seq, reason = _bad(chain.store)
    assert seq == TARGET
    assert f"event {TARGET}" in reason


def test_an_equivalent_but_reformatted_payload_is_still_an_edit(chain: Chain) -> None:
    row = _rows(chain.store)[TARGET - 1]
    spaced = json.dumps(json.loads(row.payload), ensure_ascii=False, sort_keys=True)
    assert spaced != row.payload
    _update(chain.store, TARGET, payload=spaced)
    assert _bad(chain.store) == (
        TARGET,
        f"event {TARGET} was edited: its contents do not match its hash",
    )


def test_renumbering_an_event_is_a_gap(chain: Chain) -> None:
    _update(chain.store, TARGET, seq=1000)
    seq, reason = _bad(chain.store)
    assert seq == TARGET
    assert "missing" in reason


def test_deleting_an_event_in_the_middle(chain: Chain) -> None:
    with chain.store.engine.begin() as conn:
        conn.execute(events.delete().where(events.c.seq == TARGET))
    seq, reason = _bad(chain.store)
    assert seq == TARGET
    assert reason == f"event {TARGET} is missing: the chain jumps from event 5 to event 7"


def test_deleting_the_last_event(chain: Chain) -> None:
    with chain.store.engine.begin() as conn:
        conn.execute(events.delete().where(events.c.seq == chain.length))
    seq, reason = _bad(chain.store)
    assert seq == chain.length
    assert "chain head says the chain ends at event 8" in reason


def _text_of(v: Mapping[str, Any]) -> str:
    """The canonical text of an event given as a column -> value mapping."""
    return event_text(
        v["seq"], v["event_id"], v["entity"], v["entity_id"], v["type"], v["valid_from"],
        v["recorded_at"], v["actor"], v["source_id"], v["batch_id"], v["payload"],
    )  # fmt: skip


def _forge(store: Store, seq: int, prev: str, payload: dict[str, Any]) -> dict[str, Any]:
    """An event computed exactly as the ledger would: the attacker knows the algorithm."""
    values: dict[str, Any] = {
        "seq": seq,
        "event_id": "11111111-1111-4111-8111-111111111111",
        "entity": "record",
        "entity_id": 1,
        "type": "withdrawn",
        "valid_from": dt.date(2025, 3, 1),
        "recorded_at": store.chain_head().recorded_at,
        "actor": "mallory",
        "source_id": None,
        "batch_id": None,
        "payload": payload_text(payload),
        "prev_hash": prev,
    }
    return {**values, "hash": event_hash(prev, _text_of(values))}


def test_appending_a_well_formed_event_behind_the_ledgers_back(chain: Chain) -> None:
    head = chain.store.chain_head()
    forged = _forge(chain.store, head.seq + 1, head.hash, {"reason": "forged"})
    with chain.store.engine.begin() as conn:
        conn.execute(events.insert().values(**forged))
    seq, reason = _bad(chain.store)
    assert seq == chain.length + 1
    assert "beyond the chain head" in reason


def test_inserting_an_event_in_the_middle(chain: Chain) -> None:
    rows = _rows(chain.store)
    with chain.store.engine.begin() as conn:
        for old in range(chain.length, TARGET - 1, -1):  # make room, from the top down
            conn.execute(events.update().where(events.c.seq == old).values(seq=old + 1))
        forged = _forge(chain.store, TARGET, rows[TARGET - 2].hash, {"reason": "forged"})
        conn.execute(events.insert().values(**forged))
    seq, reason = _bad(chain.store)
    # The forged event links correctly to its predecessor; the break shows at the next one.
    assert seq == TARGET + 1
    assert "does not follow" in reason


def test_inserting_a_badly_forged_event_names_it(chain: Chain) -> None:
    head = chain.store.chain_head()
    forged = {**_forge(chain.store, head.seq + 1, head.hash, {}), "hash": "0" * 64}
    with chain.store.engine.begin() as conn:
        conn.execute(events.insert().values(**forged))
    assert _bad(chain.store)[0] == chain.length + 1


def test_swapping_two_events(chain: Chain) -> None:
    with chain.store.engine.begin() as conn:
        for old, new in ((TARGET, -1), (TARGET + 1, TARGET), (-1, TARGET + 1)):
            conn.execute(events.update().where(events.c.seq == old).values(seq=new))
    seq, reason = _bad(chain.store)
    assert seq == TARGET
    assert "does not follow event 5" in reason


def test_editing_the_head_row(chain: Chain) -> None:
    with chain.store.engine.begin() as conn:
        conn.execute(chain_head.update().values(last_hash="a" * 64))
    seq, reason = _bad(chain.store)
    assert seq == chain.length
    assert "chain head does not match" in reason


def test_a_missing_head_row(chain: Chain) -> None:
    with chain.store.engine.begin() as conn:
        conn.execute(chain_head.delete())
    assert _bad(chain.store) == (None, "the chain_head row is missing")


def test_rewriting_the_tail_consistently_is_caught_by_a_published_head(chain: Chain) -> None:
    published = str(chain.store.chain_head())
    rows = _rows(chain.store)
    with chain.store.engine.begin() as conn:
        prev = rows[TARGET - 2].hash
        for row in rows[TARGET - 1 :]:
            values = {**row._mapping, "actor": "mallory", "prev_hash": prev}
            prev = event_hash(prev, _text_of(values))
            conn.execute(
                events.update()
                .where(events.c.seq == row.seq)
                .values(actor="mallory", prev_hash=values["prev_hash"], hash=prev)
            )
        conn.execute(chain_head.update().values(last_hash=prev))
    assert chain.store.verify().ok  # without an outside reference the rewrite is invisible...
    report = chain.store.verify(expect_head=published)
    assert not report.ok  # ...but the head published before it no longer matches
    assert report.bad_seq == chain.length
    assert "not in the chain" in (report.reason or "")
    head_hash = published.split(":")[1]
    assert not chain.store.verify(expect_head=head_hash).ok


def test_a_published_head_stays_valid_as_the_chain_grows(chain: Chain) -> None:
    published = chain.store.chain_head()
    chain.store.register_source("SAMR-120000", "天津市市场监督管理局")
    assert chain.store.verify(expect_head=str(published)).ok
    assert chain.store.verify(expect_head=published.hash.upper()).ok
    with pytest.raises(ValueError, match="not a chain hash"):
        chain.store.verify(expect_head="abc")
    wrong_seq = f"{published.seq - 1}:{published.hash}"
    assert not chain.store.verify(expect_head=wrong_seq).ok


def test_an_auditor_recomputes_every_hash_with_plain_json(chain: Chain) -> None:
    prev = GENESIS_HASH
    for row in _rows(chain.store):
        fields = [
            row.seq,
            row.event_id,
            row.entity,
            row.entity_id,
            row.type,
            row.valid_from.isoformat(),
            row.recorded_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            row.actor,
            row.source_id,
            row.batch_id,
            json.loads(row.payload),
        ]
        text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row.prev_hash == prev
        prev = hashlib.sha256((prev + text).encode()).hexdigest()
        assert prev == row.hash
    assert prev == chain.store.chain_head().hash


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(), children, max_size=3)
    ),
    max_leaves=10,
)


@given(
    seq=st.integers(0, 10**12),
    entity_id=st.integers(1, 2**62),
    actor=st.text(min_size=1),
    source_id=st.none() | st.integers(1, 2**62),
    batch_id=st.none() | st.integers(1, 2**62),
    valid_from=st.dates(),
    recorded_at=st.datetimes(timezones=st.just(dt.UTC)),
    payload=st.dictionaries(st.text(), json_values, max_size=5),
)
def test_the_fast_linker_hashes_exactly_like_the_reference_encoding(
    seq: int,
    entity_id: int,
    actor: str,
    source_id: int | None,
    batch_id: int | None,
    valid_from: dt.date,
    recorded_at: dt.datetime,
    payload: dict[str, Any],
) -> None:
    body = canonical(payload)
    assert body == json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    linker = Linker(seq, "c" * 64, recorded_at, actor)
    got_seq, event_id, prev, digest = linker.link(
        "record", entity_id, "amended", valid_from.isoformat(), source_id, batch_id, body
    )
    text = event_text(
        seq + 1, event_id, "record", entity_id, "amended", valid_from, recorded_at, actor,
        source_id, batch_id, body,
    )  # fmt: skip
    assert (got_seq, prev) == (seq + 1, "c" * 64)
    assert digest == event_hash("c" * 64, text)
    assert (linker.seq, linker.hash) == (seq + 1, digest)
    # The same payload given as its UTF-8 bytes (the ingest path) hashes the same.
    again = Linker(seq, "c" * 64, recorded_at, actor)
    again._ids.append(event_id)
    assert again.link(
        "record", entity_id, "amended", valid_from.isoformat(), source_id, batch_id, body.encode()
    ) == (got_seq, event_id, prev, digest)


def test_event_ids_are_random_uuid4s(chain: Chain) -> None:
    import uuid

    ids = [row.event_id for row in _rows(chain.store)]
    assert len(set(ids)) == len(ids)
    assert all(uuid.UUID(i).version == 4 and str(uuid.UUID(i)) == i for i in ids)


def test_canonical_refuses_nan() -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        canonical({"x": float("nan")})


def test_encoded_fields_are_the_mapping_their_canonical_text_stands_for() -> None:
    import pickle

    from xinyong.ledger.chain import Encoded, canonical, object_text

    value = {"b": [1, 2.5, None], "a": "罚款人民币5000元", "n": {"z": True}}
    encoded = Encoded.of(value)
    assert encoded.text == canonical(value)
    assert object_text(encoded) is encoded.text
    assert object_text(value) == canonical(value)
    assert dict(encoded) == value
    assert encoded == value
    assert encoded == Encoded(canonical(value))
    assert encoded["a"] == "罚款人民币5000元"
    assert len(encoded) == 3
    assert sorted(encoded) == ["a", "b", "n"]
    assert pickle.loads(pickle.dumps(encoded)) == encoded


def test_encoded_fields_may_be_given_as_utf8() -> None:
    import pickle

    from xinyong.ledger.chain import Encoded, canonical, object_text, object_utf8

    value = {"a": "罚款人民币5000元", "b": [1, None]}
    data = canonical(value).encode()
    encoded = Encoded.from_utf8(data)
    assert object_utf8(encoded) is data
    assert object_text(encoded) == canonical(value)
    assert object_utf8(value) == data
    assert encoded == value
    assert encoded == Encoded.of(value)
    assert Encoded.of(value) == encoded
    assert encoded != Encoded.from_utf8(canonical({"a": "x"}).encode())
    assert encoded["a"] == "罚款人民币5000元"
    copy = pickle.loads(pickle.dumps(encoded))
    assert copy == encoded
    assert object_utf8(copy) == data
