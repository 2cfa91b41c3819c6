"""Natural keys: the same data twice adds nothing; changes are amendments, revocations
withdrawals, and an objection's outcome is never silently undone by a later feed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from ingest_helpers import PENALTY_HEADERS, codes, count_rows, penalty_row, rejects_of, write_csv

from xinyong.ingest import IngestError, ingest_file
from xinyong.ingest.mapping_load import mapping_path
from xinyong.ledger import RecordStatus, Store
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.ingest_state import list_held
from xinyong.ledger.tables import events, records

MAPPING = "double-publicity-penalty-cn"
ORG = codes(5)
FINE = PENALTY_HEADERS.index("罚款金额（万元）")
CONTENT = PENALTY_HEADERS.index("处罚内容")
OP = PENALTY_HEADERS.index("操作类型")


def rows() -> list[list[str]]:
    """Three good penalty rows."""
    return [penalty_row(i + 1, ORG[i]) for i in range(3)]


def ingest(store: Store, path: Path) -> dict[str, int]:
    summary = ingest_file(store, path, MAPPING, "SAMR", source_name="市场监管")
    counts = summary.counts.as_dict()
    return {
        k: counts[k] for k in ("accepted", "amended", "withdrawn", "unchanged", "held", "rejected")
    }


def test_the_same_file_twice_adds_nothing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", PENALTY_HEADERS, rows(), "gbk")
    ingest(store, path)
    before = count_rows(store, events)
    again = ingest_file(store, path, MAPPING, "SAMR")
    assert again.already_ingested
    assert again.counts.accepted == 3
    assert count_rows(store, events) == before


def test_the_same_rows_in_another_file_change_no_record(store: Store, tmp_path: Path) -> None:
    ingest(store, write_csv(tmp_path / "a.csv", PENALTY_HEADERS, rows(), "gbk"))
    record_events = _record_events(store)
    copy = write_csv(tmp_path / "b.csv", PENALTY_HEADERS, rows(), "utf-8")
    assert ingest(store, copy) == {
        "accepted": 0,
        "amended": 0,
        "withdrawn": 0,
        "unchanged": 3,
        "held": 0,
        "rejected": 0,
    }
    assert _record_events(store) == record_events
    assert count_rows(store, records) == 3


def test_a_changed_row_becomes_an_amendment(store: Store, tmp_path: Path) -> None:
    ingest(store, write_csv(tmp_path / "a.csv", PENALTY_HEADERS, rows(), "gbk"))
    changed = rows()
    changed[1][FINE] = "0.8"
    changed[1][CONTENT] = "罚款人民币8000元"
    changed[1][OP] = "更正"
    assert ingest(store, write_csv(tmp_path / "b.csv", PENALTY_HEADERS, changed, "gbk")) == {
        "accepted": 0,
        "amended": 1,
        "withdrawn": 0,
        "unchanged": 2,
        "held": 0,
        "rejected": 0,
    }
    subject = store.find_subject(ORG[1])
    assert subject is not None
    (record,) = store.records_of(subject.id)
    assert record.fields["fine_amount"] == "0.8"
    assert record.version == 2
    amended = store.history(record.id)[-1]
    assert amended.type.value == "amended"
    assert amended.payload["fields"] == {
        "fine_amount": "0.8",
        "penalty_content": "罚款人民币8000元",
    }


def test_a_revocation_withdraws_and_repeating_it_changes_nothing(
    store: Store, tmp_path: Path
) -> None:
    ingest(store, write_csv(tmp_path / "a.csv", PENALTY_HEADERS, rows(), "gbk"))
    revoked = [penalty_row(1, ORG[0], op="撤销"), penalty_row(9, ORG[4], op="撤销")]
    first = write_csv(tmp_path / "b.csv", PENALTY_HEADERS, revoked, "gbk")
    assert ingest(store, first) == {
        "accepted": 0,
        "amended": 0,
        "withdrawn": 1,
        "unchanged": 0,
        "held": 0,
        "rejected": 1,
    }
    assert rejects_of(first)[2]["reason"] == "record.unknown"
    subject = store.find_subject(ORG[0])
    assert subject is not None
    assert store.records_of(subject.id)[0].status is RecordStatus.WITHDRAWN
    again = write_csv(tmp_path / "c.csv", PENALTY_HEADERS, revoked[:1] + rows()[:1], "utf-8")
    assert ingest(store, again) == {
        "accepted": 0,
        "amended": 0,
        "withdrawn": 0,
        "unchanged": 2,
        "held": 0,
        "rejected": 0,
    }


def test_a_record_withdrawn_after_an_upheld_objection_is_held(store: Store, tmp_path: Path) -> None:
    ingest(store, write_csv(tmp_path / "a.csv", PENALTY_HEADERS, rows(), "gbk"))
    subject = store.find_subject(ORG[2])
    assert subject is not None
    (record,) = store.records_of(subject.id)
    store.mark_disputed(record.id, reason="subject objects", reference="YY-2025-7")
    store.resolve_dispute(record.id, outcome="upheld", reason="wrong party", reference="YY-2025-7")
    store.withdraw_record(record.id, reason="objection YY-2025-7 upheld")
    later = write_csv(tmp_path / "later.csv", PENALTY_HEADERS, rows(), "utf-8")  # another delivery
    before = count_rows(store, records)
    assert ingest(store, later) == {
        "accepted": 0,
        "amended": 0,
        "withdrawn": 0,
        "unchanged": 2,
        "held": 1,
        "rejected": 0,
    }
    assert count_rows(store, records) == before
    assert store.get_record(record.id).status is RecordStatus.WITHDRAWN
    with read_transaction(store.engine) as conn:
        (held,) = list_held(conn)
    assert (held["row_number"], held["record_id"], held["reason"]) == (
        3,
        record.id,
        "record.objection_upheld",
    )
    assert held["fields"]["decision_number"] == "京海市监罚〔2025〕3号"


def test_changes_to_withdrawn_or_disputed_records_wait_for_a_person(
    store: Store, tmp_path: Path
) -> None:
    ingest(store, write_csv(tmp_path / "a.csv", PENALTY_HEADERS, rows(), "gbk"))
    first, second = (store.find_subject(c) for c in ORG[:2])
    assert first is not None
    assert second is not None
    store.withdraw_record(store.records_of(first.id)[0].id, reason="issued in error")
    store.mark_disputed(store.records_of(second.id)[0].id, reason="objection", reference="YY-1")
    changed = rows()
    for row in changed[:2]:
        row[FINE], row[CONTENT] = "0.9", "罚款人民币9000元"
    summary = ingest_file(
        store, write_csv(tmp_path / "b.csv", PENALTY_HEADERS, changed, "gbk"), MAPPING, "SAMR"
    )
    assert summary.counts.held_by_reason == {"record.withdrawn": 1, "record.disputed": 1}
    assert summary.counts.unchanged == 1


def _record_events(store: Store) -> list[tuple[int, str]]:
    with store.engine.connect() as conn:
        found = conn.execute(
            events.select().where(events.c.entity == "record").order_by(events.c.seq)
        )
        return [(e.entity_id, json.loads(e.payload).get("reason", e.type)) for e in found]


def test_an_interrupted_batch_resumes_only_with_its_own_mapping(
    store: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "a.csv", PENALTY_HEADERS, rows(), "gbk")
    with pytest.raises(KeyboardInterrupt):
        ingest_file(
            store, path, MAPPING, "SAMR", source_name="市场监管", chunk_rows=1,
            progress=_interrupt_after_first_chunk(),
        )  # fmt: skip
    other = tmp_path / "other.yaml"
    text = mapping_path(MAPPING).read_text(encoding="utf-8")
    other.write_text(text.replace(f"name: {MAPPING}", "name: other"), encoding="utf-8")
    with pytest.raises(IngestError, match="interrupted"):
        ingest_file(store, path, other, "SAMR")
    resumed = ingest_file(store, path, MAPPING, "SAMR")
    assert resumed.resumed
    assert resumed.rows_this_run == 2
    assert resumed.counts.accepted == 3


def _interrupt_after_first_chunk() -> Callable[[int], None]:
    def tick(_: int) -> None:
        raise KeyboardInterrupt

    return tick
