"""Ledger append throughput: the batch API against one record per transaction.

Appends asserted-record events (each with its projection row and hash-chain
link) to a fresh store and prints the median rows/second of several runs for

* ``batch``: ``Store.add_records`` with all rows in one transaction;
* ``single``: ``Store.assert_record`` once per row, one transaction each (the
  baseline: what a naive ingest loop would do). It runs on fewer rows, since
  each commit waits for the disk.

Usage::

    python bench/ledger.py                       # SQLite, 100,000 rows, 3 runs
    python bench/ledger.py --backend postgresql  # needs --postgres-url or
                                                 # XINYONG_TEST_POSTGRES_URL (a server
                                                 # where a scratch database may be created)
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from xinyong.clock import Clock
from xinyong.ids import uscc
from xinyong.ledger import NewRecord, Store, open_store
from xinyong.settings import Settings

SUBJECTS = 1_000
SECRET = "be" * 32
DAY = dt.date(2025, 3, 14)


def records(count: int, source_id: int, subject_ids: range, offset: int = 0) -> list[NewRecord]:
    """Administrative-penalty records shaped like a real department feed."""
    decided = dt.date(2024, 11, 5)
    return [
        NewRecord(
            source_id=source_id,
            subject_id=subject_ids[i % len(subject_ids)],
            record_type="administrative_penalty",
            document_no=f"京市监罚〔2024〕{offset + i}号",
            fields={
                "penalty_type": "罚款",
                "amount": f"{1000 + i % 50_000}.00",
                "authority": "北京市市场监督管理局",
                "basis": "《中华人民共和国食品安全法》第一百二十四条",
                "facts": "销售不符合食品安全标准的食品",
                "publicity_until": "2027-11-05",
            },
            decision_date=decided,
        )
        for i in range(count)
    ]


@contextmanager
def fresh_settings(backend: str, postgres_url: str | None) -> Iterator[Settings]:
    """Settings for an empty store, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="xinyong-bench-") as home:
        settings = Settings(home=Path(home), secret_key=SECRET, today=DAY)
        if backend == "sqlite":
            yield settings
            return
        if not postgres_url:
            sys.exit("postgresql: pass --postgres-url or set XINYONG_TEST_POSTGRES_URL")
        server = sa.make_url(postgres_url)
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        name = f"xinyong_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            yield dataclasses.replace(settings, database_url=url)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


def prepared_store(settings: Settings) -> tuple[Store, int, range]:
    """A new store with one source and SUBJECTS organisations."""
    store = open_store(settings, Clock(pinned=DAY), create=True, actor="bench")
    codes = uscc.issue("9", "1", "110105", range(SUBJECTS))
    with store.transaction() as tx:
        source = tx.register_source("SAMR-110000", "北京市市场监督管理局", region="110000")
        first = tx.register_subject(codes[0], "legal_person", "企业0")
        for n, code in enumerate(codes[1:], 1):
            tx.register_subject(code, "legal_person", f"企业{n}")
    return store, source.id, range(first.id, first.id + SUBJECTS)


def run_batch(settings: Settings, rows: int) -> float:
    """Rows per second appending ``rows`` records in one transaction."""
    store, source_id, subjects = prepared_store(settings)
    try:
        items = records(rows, source_id, subjects)
        start = time.perf_counter()
        store.add_records(items)
        elapsed = time.perf_counter() - start
        if not store.verify().ok:
            sys.exit("chain broken after the batch run")
        return rows / elapsed
    finally:
        store.close()


def run_single(settings: Settings, rows: int) -> float:
    """Rows per second with one ``assert_record`` transaction per row."""
    store, source_id, subjects = prepared_store(settings)
    try:
        items = records(rows, source_id, subjects)
        start = time.perf_counter()
        for item in items:
            store.assert_record(
                source_id=item.source_id,
                subject_id=item.subject_id,
                record_type=item.record_type,
                document_no=item.document_no,
                fields=item.fields,
                decision_date=item.decision_date,
            )
        return rows / (time.perf_counter() - start)
    finally:
        store.close()


def measure(
    backend: str, postgres_url: str | None, repeat: int, run: Callable[[Settings], float]
) -> float:
    """Median of ``repeat`` runs, each on a fresh store."""
    results = []
    for _ in range(repeat):
        with fresh_settings(backend, postgres_url) as settings:
            results.append(run(settings))
    return statistics.median(results)


def main() -> None:
    """Parse arguments, run both variants per backend, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres-url", default=os.environ.get("XINYONG_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    print(f"rows: batch {args.rows:,}, single {args.baseline_rows:,}; median of {args.repeat}")
    for backend in backends:
        batch = measure(backend, args.postgres_url, args.repeat, lambda s: run_batch(s, args.rows))
        single = measure(
            backend, args.postgres_url, args.repeat, lambda s: run_single(s, args.baseline_rows)
        )
        print(
            f"{backend:<10}  batch {batch:>10,.0f} rows/s   single {single:>8,.0f} rows/s"
            f"   ratio {batch / single:>6.1f}x"
        )


if __name__ == "__main__":
    main()
