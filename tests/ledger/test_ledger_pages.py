"""SQLite pages: new stores get large ones, existing stores keep theirs; a large cache."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ledger_helpers import populate
from suite_support import ManualClock

from xinyong.ledger import NewRecord, open_store
from xinyong.ledger.engine import CACHE_KIB, PAGE_SIZE
from xinyong.settings import Settings


def _page_size(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])


def _database(settings: Settings) -> Path:
    return settings.home / "xinyong.sqlite3"


def test_a_new_store_gets_the_large_pages(settings: Settings, clock: ManualClock) -> None:
    with open_store(settings, clock, create=True) as store:
        populate(store)
    assert PAGE_SIZE == 16_384
    assert _page_size(_database(settings)) == PAGE_SIZE


def test_a_store_with_small_pages_keeps_them_and_works(
    settings: Settings, clock: ManualClock
) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(_database(settings)) as conn:  # as stores were created before
        conn.execute("PRAGMA page_size=4096")
        conn.execute("PRAGMA journal_mode=WAL")
    with open_store(settings, clock, create=True) as store:
        fx = populate(store)
        before = len(store.records_of(fx.company.id))
        with store.transaction(actor="ingest") as tx:
            tx.add_records(
                NewRecord(fx.source.id, fx.company.id, "administrative_penalty", f"d-{i}",
                          {"facts": "经查，当事人" * 40, "i": i})
                for i in range(300)
            )  # fmt: skip
        assert store.verify().ok
    assert _page_size(_database(settings)) == 4096
    with open_store(settings, clock) as store:  # reopened: still the same file
        assert len(store.records_of(fx.company.id)) == before + 300


def test_store_connections_keep_a_large_page_cache(settings: Settings, clock: ManualClock) -> None:
    with open_store(settings, clock, create=True) as store, store.engine.connect() as conn:
        (size,) = conn.exec_driver_sql("PRAGMA cache_size").one()
    assert CACHE_KIB >= 32_768  # the smallest size measured to give the whole gain
    assert size == -CACHE_KIB
