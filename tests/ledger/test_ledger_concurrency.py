"""A server and a CLI (or several workers) use one store at the same time."""

from __future__ import annotations

import json
import threading
import time

import pytest
import sqlalchemy as sa
from ledger_helpers import populate, run_cli, start_worker, table_counts
from suite_support import ManualClock

from xinyong.clock import Clock
from xinyong.ledger import Store, counters, open_store
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.tables import events
from xinyong.settings import Settings


def _event_count(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one()


def test_a_cli_writes_while_a_reader_holds_a_snapshot(
    store: Store, store_settings: Settings
) -> None:
    populate(store)
    with read_transaction(store.engine) as reader:
        seen = _event_count(reader)
        done = run_cli(store_settings, "source", "add", "SAMR-320000", "江苏省市场监督管理局")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["code"] == "SAMR-320000"
        assert _event_count(reader) == seen  # the reader's snapshot does not move
    with read_transaction(store.engine) as later:
        assert _event_count(later) == seen + 1
    assert store.verify().ok


def test_a_second_writer_waits_for_the_first(store: Store, store_settings: Settings) -> None:
    fx = populate(store)
    with store.transaction() as tx:
        tx.register_source("SAMR-330000", "浙江省市场监督管理局")
        worker = start_worker(store_settings, "append", fx.source.id, fx.other.id, "w", 3)
        time.sleep(1.0)
        assert worker.poll() is None  # blocked on the write lock, not failed
    out, err = worker.communicate(timeout=120)
    assert (worker.returncode, out.strip()) == (0, "done"), err
    report = store.verify()
    assert report.ok
    assert report.events == 4 + 1 + 3


def test_concurrent_writers_keep_one_unbroken_chain(
    store: Store, store_settings: Settings, clock: ManualClock
) -> None:
    fx = populate(store)
    threads, per_thread = 4, 15
    failures: list[BaseException] = []

    def write(n: int) -> None:
        own = open_store(store_settings, Clock(pinned=clock.pinned), actor=f"thread-{n}")
        try:
            for i in range(per_thread):
                own.assert_record(
                    source_id=fx.source.id,
                    subject_id=fx.other.id,
                    record_type="administrative_penalty",
                    document_no=f"t{n}-{i}",
                    fields={"n": n, "i": i},
                )
        except BaseException as exc:  # surfaced below: a thread cannot fail the test itself
            failures.append(exc)
        finally:
            own.close()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert not failures
    report = store.verify()
    assert report.ok
    assert report.events == 4 + threads * per_thread
    assert table_counts(store)["records"] == 1 + threads * per_thread


def test_reserved_serials_never_overlap(store: Store) -> None:
    first = store.reserve_serials("uscc.body", 5)
    second = store.reserve_serials("uscc.body", 3)
    other = store.reserve_serials("another", 2)
    assert (first, second, other) == (range(1, 6), range(6, 9), range(1, 3))
    with pytest.raises(ValueError, match="at least 1"):
        store.reserve_serials("uscc.body", 0)
    assert store.reserve_serials("uscc.body", 1) == range(9, 10)


def test_serials_reserved_by_concurrent_processes_are_disjoint(
    store: Store, store_settings: Settings
) -> None:
    workers = [start_worker(store_settings, "reserve", "uscc.body", 40, 7) for _ in range(2)]
    taken: list[int] = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        for line in out.splitlines():
            start, stop = map(int, line.split())
            assert stop - start == 7
            taken.extend(range(start, stop))
    assert sorted(taken) == list(range(1, 2 * 40 * 7 + 1))


def test_serials_reserved_by_concurrent_threads_are_disjoint(store: Store) -> None:
    taken: list[range] = []
    lock = threading.Lock()

    def reserve() -> None:
        for _ in range(25):
            got = store.reserve_serials("threads", 3)
            with lock:
                taken.append(got)

    workers = [threading.Thread(target=reserve) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    values = sorted(v for r in taken for v in r)
    assert values == list(range(1, 4 * 25 * 3 + 1))


def test_a_reservation_rolled_back_with_its_transaction_is_handed_out_again(store: Store) -> None:
    with store.engine.connect() as conn:
        transaction = conn.begin()
        assert counters.reserve(conn, "r", 4) == range(1, 5)
        transaction.rollback()  # nobody saw these values: giving them out again is safe
    assert store.reserve_serials("r", 2) == range(1, 3)
