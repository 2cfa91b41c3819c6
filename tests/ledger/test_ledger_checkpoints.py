"""Bulk writes: SQLite's WAL is copied back by a thread, stays bounded, and loses nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from ledger_helpers import populate, table_counts

from xinyong.ledger import NewRecord, Store
from xinyong.ledger import checkpoints as cp
from xinyong.ledger.checkpoints import background_checkpoints


def _write_chunks(store: Store, source_id: int, subject_id: int, chunks: int) -> None:
    for c in range(chunks):
        with store.transaction(actor="ingest") as tx:
            tx.add_records(
                NewRecord(source_id, subject_id, "administrative_penalty", f"d{c}-{i}",
                          {"facts": "经查，当事人" * 40, "i": i})
                for i in range(200)
            )  # fmt: skip


def _wal(store: Store) -> Path:
    database = store.engine.url.database
    assert database is not None
    return Path(database + "-wal")


def _autocheckpoint(store: Store) -> int:
    with store.engine.connect() as conn:
        value = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
    return int(value)


def test_bulk_writes_keep_every_row_and_an_intact_chain(store: Store) -> None:
    fx = populate(store)
    before = table_counts(store)["records"]
    with store.bulk_writes():
        _write_chunks(store, fx.source.id, fx.company.id, 6)
    assert table_counts(store)["records"] == before + 1200
    assert store.verify().ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_wal_stays_near_its_limit_and_is_copied_back(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fx = populate(store)
    database = store.engine.url.database
    assert database is not None
    with sqlite3.connect(database) as conn:  # the WAL file from here on, not the set-up's
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    limit = 256 << 10
    sizes = []
    committed = cp.WalCheckpointer.committed

    def watched(self: cp.WalCheckpointer) -> None:
        committed(self)
        sizes.append(self.wal.stat().st_size)

    monkeypatch.setattr(cp.WalCheckpointer, "committed", watched)
    with background_checkpoints(store.engine, limit_bytes=limit):
        _write_chunks(store, fx.source.id, fx.company.id, 12)
        assert _autocheckpoint(store) == cp.AUTOCHECKPOINT_PAGES  # restored between writes
    # Without the wait the WAL would hold all twelve chunks; with it, the limit and
    # about one chunk more.
    assert len(sizes) == 12
    chunk = sizes[0]
    assert 12 * chunk > 4 * (limit + chunk)
    assert max(sizes) < limit + 2 * chunk
    with sqlite3.connect(database) as conn:  # nothing left to copy back
        busy, log, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert busy == 0
    assert log == done
    assert store.verify().ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_failed_checkpoint_is_reported_to_the_writer(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    fx = populate(store)

    class Broken:
        def __init__(self, *_: object, **__: object) -> None:
            pass

        def execute(self, sql: str) -> object:
            raise sqlite3.OperationalError("disk I/O error")

        def close(self) -> None:
            pass

    monkeypatch.setattr(cp.sqlite3, "connect", Broken)
    failed = "background WAL checkpoint failed: disk I/O error"
    with pytest.raises(RuntimeError, match=failed), store.bulk_writes():
        _write_chunks(store, fx.source.id, fx.company.id, 2)
    assert store.verify().ok


def test_nested_and_unsupported_stores_change_nothing(store: Store) -> None:
    fx = populate(store)
    with store.bulk_writes(), store.bulk_writes():  # the inner one is a no-op
        _write_chunks(store, fx.source.id, fx.company.id, 1)
    if store.engine.dialect.name == "sqlite":
        assert _autocheckpoint(store) == cp.AUTOCHECKPOINT_PAGES
        assert _wal(store).exists()
    assert store.verify().ok


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_commit_reported_after_the_load_ended_does_not_wait(store: Store) -> None:
    # Two loads in one process (two pushes to a web worker) share the first one's
    # checkpointer; the second may report a commit after the first has stopped it.
    import threading

    fx = populate(store)
    late = cp.WalCheckpointer(Path(str(store.engine.url.database)), limit_bytes=0)
    _write_chunks(store, fx.source.id, fx.company.id, 1)  # a WAL larger than the limit
    late.stop()
    reporter = threading.Thread(target=late.committed, daemon=True)
    reporter.start()
    reporter.join(timeout=10)
    assert not reporter.is_alive()
