"""Every write is one transaction: a failure anywhere inside leaves nothing behind."""

from __future__ import annotations

import pytest
from ledger_helpers import populate, start_worker, table_counts, usccs

from xinyong.ledger import DuplicateError, NewRecord, Store
from xinyong.ledger.writer import TransactionBase
from xinyong.settings import Settings


class InjectedError(Exception):
    """Raised on purpose in the middle of a transaction."""


def _write_then_fail(store: Store, code: str, record_id: int) -> None:
    with store.transaction(actor="clerk") as tx:
        source = tx.register_source("SAMR-310000", "上海市市场监督管理局")
        subject = tx.register_subject(code, "legal_person", "上海某公司")
        tx.add_records(
            NewRecord(source.id, subject.id, "administrative_penalty", f"d{i}", {"i": i})
            for i in range(50)
        )
        tx.amend_record(record_id, {"amount": "1.00"})
        tx.register_person("11010519491231002X", "张三")
        raise InjectedError


def test_an_exception_mid_transaction_leaves_no_rows_and_an_intact_chain(store: Store) -> None:
    fx = populate(store)
    before = (table_counts(store), store.chain_head())
    (code,) = usccs(1, region="110108")
    with pytest.raises(InjectedError):
        _write_then_fail(store, code, fx.record.id)
    assert (table_counts(store), store.chain_head()) == before
    assert store.verify().ok
    assert store.find_subject(code) is None
    assert store.get_record(fx.record.id) == fx.record


def _register_two(store: Store, first: str, second: str) -> None:
    with store.transaction() as tx:
        tx.register_source(first, "新来源")
        tx.register_source(second, "重复的来源")


def test_a_refused_write_inside_a_transaction_undoes_the_earlier_ones(store: Store) -> None:
    populate(store)
    before = (table_counts(store), store.chain_head())
    with pytest.raises(DuplicateError):
        _register_two(store, "SAMR-999999", "SAMR-110000")
    assert (table_counts(store), store.chain_head()) == before


def test_a_failure_while_committing_leaves_nothing(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fx = populate(store)
    before = (table_counts(store), store.chain_head())
    finish = TransactionBase._finish

    def fail_after_flushing(self: TransactionBase) -> object:
        self._flush()  # events and projection rows are written...
        raise InjectedError  # ...then the head update fails

    monkeypatch.setattr(TransactionBase, "_finish", fail_after_flushing)
    with pytest.raises(InjectedError):
        store.add_records(
            [NewRecord(fx.source.id, fx.other.id, "administrative_penalty", "late", {})]
        )
    monkeypatch.setattr(TransactionBase, "_finish", finish)
    assert (table_counts(store), store.chain_head()) == before
    assert store.verify().ok


def test_a_process_killed_mid_transaction_leaves_nothing(
    store: Store, store_settings: Settings
) -> None:
    fx = populate(store)
    before = (table_counts(store), store.chain_head())
    worker = start_worker(store_settings, "crash", fx.source.id, fx.other.id, 2000)
    out, err = worker.communicate(timeout=120)
    assert (worker.returncode, out.strip()) == (3, "flushed"), err
    assert (table_counts(store), store.chain_head()) == before
    assert store.verify().ok
    again = store.add_records(
        [NewRecord(fx.source.id, fx.other.id, "administrative_penalty", "crash-0", {})]
    )
    assert store.get_record(again[0]).document_no == "crash-0"
    assert store.verify().ok
