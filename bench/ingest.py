"""Ingest throughput: a million-row penalty feed, end to end, against a naive baseline.

The feed is what a market-regulation department sends: a GBK CSV in the
double-publicity layout (31 columns, Chinese text, about 450 bytes a row), made
by renumbering the penalty rows of a generated region so that every row is a
new decision, with the generator's realistic faults (about 2 % are rejected)
and a few natural persons. Each run ingests it into a fresh store whose
subjects were registered from the region's register beforehand (not timed):
parse, map, validate, resolve by code, append to the ledger with its hash chain.

* ``xinyong``: :func:`xinyong.ingest.ingest_file`, chunked, in a child process
  whose peak resident memory (``ru_maxrss``) is reported;
* ``rows alone``: for SQLite, the records and events that run wrote, inserted
  again into an empty copy of the two tables (same indexes, page size and page
  cache, WAL, ``synchronous=FULL``, 10,000 rows per commit, checkpoints in a
  thread as ingestion does them) with nothing else to do: the most any ingestion that
  keeps this ledger (a chained event holding the fields and a projection row
  per record) could do;
* ``records alone``: the same, the projection rows only but each holding its
  fields (one row per record with its natural-key and subject indexes, nothing
  chained): the most a ledger without a chain could write;
* ``reading alone``: decoding the feed and splitting it into fields with the csv
  module, nothing else: the most a reader built on it could do;
* ``checking alone``: reading, mapping and validating the feed in one process,
  nothing sent or written: what ingestion could do if writing cost nothing;
* ``CPU per row``: the CPU time (user and system) the ingestion took, in the
  writing process (all its threads, the WAL checkpointer's included) and in
  the reading worker, per row: how many rows per second the machine's cores
  could ingest at that cost if both were busy all the time, set against the
  CPU a row may take to reach the target;
* ``naive``: the usual first attempt, also in the same run: ``csv.DictReader``,
  the scalar validator, an ORM query for the subject and for the natural key,
  one ORM insert of the record and of its chained event per row, one commit per
  row. It runs on a sample (each commit waits for the disk) and is scaled.

Usage::

    python bench/ingest.py                        # SQLite, 1,000,000 rows, 3 runs
    python bench/ingest.py --backend both --postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/ingest.py --rows 100000 --runs 1 --profile   # where the time goes (cProfile)

The PostgreSQL URL may also come from ``XINYONG_BENCH_POSTGRES_URL``; a fresh
database is created (and dropped) on that server for every run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from xinyong.settings import Settings

SECRET = "be" * 32
TODAY = dt.date(2026, 6, 30)
MAPPING = "double-publicity-penalty-cn"
TARGET = 100_000  #: rows per second end to end, the goal this bench measures against
CORES = os.cpu_count() or 1
HERE = Path(__file__).resolve()


def make_feed(root: Path, rows: int, entities: int) -> tuple[Path, Path]:
    """(register, feed): a generated region's register and ``rows`` renumbered penalties."""
    from xinyong.synth import generate

    region = root / "region"
    if not (region / "manifest.json").exists():
        generate(
            region, entities=entities, records=entities * 2, seed=5, error_rate=0.02, as_of=TODAY
        )
    feed = root / f"penalties-{rows}.csv"
    if feed.exists():
        return region / "subjects.csv", feed
    templates: list[list[str]] = []
    for name in ("mr-penalty.csv", "cm-penalty.csv"):  # the GBK feeds
        with open(region / "feeds" / name, encoding="gb18030", newline="") as f:
            reader = csv.reader(f)
            headers = next(reader)
            templates += [r for r in reader if r[-1] == "新增"]
    number = headers.index("行政处罚决定书文号")
    with open(feed, "w", encoding="gbk", newline="") as f:
        out = csv.writer(f)
        out.writerow(headers)
        for i, row in zip(range(rows), itertools.cycle(templates), strict=False):
            row = list(row)
            row[number] = f"京海市监罚〔{2021 + i % 5}〕{i + 1}号"
            out.writerow(row)
    return region / "subjects.csv", feed


@contextmanager
def fresh_settings(backend: str, postgres_url: str | None) -> Iterator[Settings]:
    """Settings naming an empty store (a new PostgreSQL database, dropped afterwards)."""
    with tempfile.TemporaryDirectory(prefix="xinyong-bench-") as home:
        settings = Settings(home=Path(home), secret_key=SECRET, today=TODAY)
        if backend == "sqlite":
            yield settings
            return
        if not postgres_url:
            sys.exit("postgresql: pass --postgres-url or set XINYONG_BENCH_POSTGRES_URL")
        server = sa.make_url(postgres_url)
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
        name = f"xinyong_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            url = server.set(database=name).render_as_string(hide_password=False)
            yield Settings(home=Path(home), secret_key=SECRET, today=TODAY, database_url=url)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()


def child(args: argparse.Namespace) -> None:
    """One timed ingestion in this (child) process; prints its figures as JSON."""
    import resource

    from xinyong.clock import Clock
    from xinyong.ingest import ingest_file
    from xinyong.ledger import open_store

    settings = Settings(
        home=Path(args.home), secret_key=SECRET, today=TODAY, database_url=args.database_url
    )
    with open_store(settings, Clock(pinned=TODAY), create=True) as store:
        start = time.perf_counter()
        ingest_file(store, args.register, "subject-registry-cn", "REG", source_name="register")
        registered = time.perf_counter() - start
        feed = Path(args.feed)
        cpu_before = _cpu_seconds()
        start = time.perf_counter()
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            summary = profile.runcall(
                ingest_file, store, feed, MAPPING, "SAMR", source_name="市场监管",
                rejects=Path(args.home) / "rejects.jsonl", parallel=args.parallel,
            )  # fmt: skip
            pstats.Stats(profile, stream=sys.stderr).sort_stats("tottime").print_stats(25)
        else:
            summary = ingest_file(
                store, feed, MAPPING, "SAMR", source_name="市场监管",
                rejects=Path(args.home) / "rejects.jsonl", parallel=args.parallel,
            )  # fmt: skip
        seconds = time.perf_counter() - start
        cpu = [after - before for after, before in zip(_cpu_seconds(), cpu_before, strict=True)]
        ok = store.verify().ok
        usage = resource.getrusage(resource.RUSAGE_SELF)  # before the comparison below
        sqlite = store.engine.dialect.name == "sqlite"
        measure = sqlite and not args.no_rows_alone
        alone = rows_alone_rate(store) if measure else None
        records_alone = rows_alone_rate(store, with_events=False) if measure else None
    counts = summary.counts.as_dict()
    print(json.dumps({
        "rows": counts["rows"], "accepted": counts["accepted"], "rejected": counts["rejected"],
        "seconds": seconds, "register_seconds": registered, "verified": ok,
        "rows_alone_per_s": alone, "records_alone_per_s": records_alone,
        "writer_cpu_seconds": cpu[0], "worker_cpu_seconds": cpu[1],
        "peak_rss_mib": usage.ru_maxrss / 1024,
        "worker_peak_rss_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
    }))  # fmt: skip


def _cpu_seconds() -> tuple[float, float]:
    """CPU seconds (user and system) used so far by this process, all its threads
    (the WAL checkpointer included), and by its finished children (the reading worker)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def rows_alone_rate(store: Any, *, with_events: bool = True) -> float:
    """Records per second of inserting this run's records (and events), and nothing else.

    With ``with_events=False`` only the projection rows are inserted, each with
    its fields (which this ledger keeps in the event instead): one row per
    record with its natural-key and subject indexes, the least any ledger that
    keeps those indexes must write. The rows are read 10,000 at a time (not
    timed) and inserted (timed), so memory stays as small as the ingestion's.
    """
    import sqlite3

    from xinyong.ledger.checkpoints import DEFAULT_LIMIT_BYTES, WalCheckpointer
    from xinyong.ledger.engine import CACHE_KIB
    from xinyong.ledger.projection import ASSERTED_JOIN, fields_text

    source = store.engine.url.database
    target = Path(source).with_name("rows-alone.sqlite3")
    penalty = "record_type = 'administrative_penalty'"
    tables = "('records', 'events')" if with_events else "('records')"
    src = sqlite3.connect(source)
    conn = sqlite3.connect(target, isolation_level=None)
    checkpoints = None
    try:
        (page_size,) = src.execute("PRAGMA page_size").fetchone()
        conn.execute(f"PRAGMA page_size={int(page_size)}")  # the store's, before any write
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")  # the store's page cache
        conn.execute("PRAGMA wal_autocheckpoint=0")  # copied back in a thread, as ingest does
        checkpoints = WalCheckpointer(target, DEFAULT_LIMIT_BYTES)
        for (sql,) in src.execute(
            f"SELECT sql FROM sqlite_master WHERE tbl_name IN {tables} "
            "AND sql IS NOT NULL ORDER BY type DESC"  # tables first, then indexes
        ):
            conn.execute(sql)  # foreign keys are not enforced here: the other tables are absent
        records = src.execute(
            f"SELECT r.*, a.payload FROM records r {ASSERTED_JOIN} WHERE {penalty} ORDER BY r.id"
        )
        events = src.cursor().execute(
            "SELECT * FROM events WHERE entity = 'record' AND type = 'asserted' AND entity_id "
            f"IN (SELECT id FROM records WHERE {penalty}) ORDER BY seq"
        )
        seconds, count = 0.0, 0
        while joined := records.fetchmany(10_000):
            if with_events:  # as stored
                rows = [row[:-1] for row in joined]
            else:  # with their fields
                rows = [(*r[:8], fields_text(r[8], r[-1]), *r[9:-1]) for r in joined]
            chained = events.fetchmany(len(rows)) if with_events else []
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(f"INSERT INTO records VALUES ({','.join('?' * 14)})", rows)
            if with_events:
                conn.executemany(f"INSERT INTO events VALUES ({','.join('?' * 13)})", chained)
            conn.execute("COMMIT")
            checkpoints.committed()
            seconds += time.perf_counter() - start
            count += len(rows)
        return count / seconds
    finally:
        if checkpoints is not None:
            checkpoints.stop()
        src.close()
        conn.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)


def checking_rate(feed: Path) -> float:
    """Rows per second of reading, mapping and validating the feed in one process, no store.

    What the reading worker does for each chunk (everything up to the canonical
    JSON of the fields) without sending it anywhere, with the garbage collector
    tuned as ingestion tunes it: the most ingestion could do if writing cost
    nothing, with one core checking.
    """
    from xinyong.catalog import load_catalog
    from xinyong.ingest.batch import fewer_collections
    from xinyong.ingest.mapping_load import load_mapping
    from xinyong.ingest.pipeline import in_process
    from xinyong.ingest.readers import open_table
    from xinyong.ingest.validate import Validator

    catalog = load_catalog()
    mapping = load_mapping(MAPPING, catalog)
    with fewer_collections(), open_table(feed, mapping.encoding, mapping.sheet) as table:
        validator = Validator(mapping.bind(table.headers, "SAMR", "市场监管"), catalog, TODAY)

        class Checker:
            check = staticmethod(validator.run)

        start = time.perf_counter()
        count = sum(chunk.rows for chunk in in_process(table.rows, Checker(), 0, 10_000))
        return count / (time.perf_counter() - start)


def reading_rate(feed: Path, runs: int = 3) -> float:
    """Rows per second of only decoding the feed and splitting it into fields (median).

    The most any reader built on Python's csv module could do, before a single value
    is mapped or checked.
    """
    rates = []
    for _ in range(runs):
        start = time.perf_counter()
        with open(feed, encoding="gb18030", newline="") as f:
            count = sum(1 for _ in csv.reader(f)) - 1  # less the header
        rates.append(count / (time.perf_counter() - start))
    return statistics.median(rates)


def timed_run(args: argparse.Namespace, backend: str, register: Path, feed: Path) -> dict[str, Any]:
    """One ingestion in a child process on a fresh store."""
    with fresh_settings(backend, args.postgres_url) as settings:
        command = [
            sys.executable, str(HERE), "--child", "--home", str(settings.home),
            "--register", str(register), "--feed", str(feed),
        ]  # fmt: skip
        if settings.database_url:
            command += ["--database-url", settings.database_url]
        command += ["--parallel"] if args.parallel else []
        command += ["--profile"] if args.profile else []
        command += ["--no-rows-alone"] if args.no_rows_alone else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            sys.exit(f"ingest run failed:\n{done.stderr}")
        if args.profile:
            print(done.stderr, file=sys.stderr)
        result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--entities", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-rows", type=int, default=2_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    parser.add_argument("--postgres-url", default=os.environ.get("XINYONG_BENCH_POSTGRES_URL"))
    parser.add_argument("--work", type=Path, help="Keep generated files here (reused).")
    parser.add_argument("--parallel", action="store_true", help="Read and check in a worker.")
    parser.add_argument("--profile", action="store_true", help="cProfile the ingestion.")
    parser.add_argument(
        "--no-rows-alone", action="store_true",
        help="Skip inserting the rows alone (it needs as much disk again as the store).",
    )  # fmt: skip
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    for hidden in ("--home", "--register", "--feed", "--database-url"):
        parser.add_argument(hidden, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    from naive_ingest import naive_rate

    work = args.work or Path(tempfile.mkdtemp(prefix="xinyong-bench-feed-"))
    work.mkdir(parents=True, exist_ok=True)
    register, feed = make_feed(work, args.rows, args.entities)
    size = feed.stat().st_size / 2**20
    print(f"feed: {args.rows:,} penalty rows, GBK CSV {size:,.0f} MiB; {args.entities:,} "
          f"registered subjects; median of {args.runs}; parallel={args.parallel}")  # fmt: skip
    print(f"reading alone {reading_rate(feed):,.0f} rows/s  (decoding and splitting the CSV, "
          "nothing else: the most a csv-module reader could do)", flush=True)  # fmt: skip
    print(f"checking alone {checking_rate(feed):,.0f} rows/s  (reading, mapping and validating "
          "in one process, nothing written; one pass)", flush=True)  # fmt: skip
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        runs = []
        for number in range(1, args.runs + 1):
            runs.append(timed_run(args, backend, register, feed))
            print(f"  {backend} run {number}: {json.dumps(runs[-1])}", file=sys.stderr, flush=True)
        rates = [r["rows"] / r["seconds"] for r in runs]
        with fresh_settings(backend, args.postgres_url) as settings:
            naive = naive_rate(settings, register, feed, args.baseline_rows)
        rate = statistics.median(rates)
        rss = max(max(r["peak_rss_mib"], r["worker_peak_rss_mib"]) for r in runs)
        alone = [r["rows_alone_per_s"] for r in runs if r["rows_alone_per_s"]]
        if alone:
            floor = statistics.median(alone)
            once = statistics.median(r["records_alone_per_s"] for r in runs)
            print(f"{backend:<11} rows alone {floor:>9,.0f} rows/s  (the ledger's own ceiling; "
                  f"xinyong reaches {rate / floor:.0%} of it)", flush=True)  # fmt: skip
            print(
                f"{backend:<11} records alone {once:>6,.0f} rows/s  (one row per record with "
                "its fields, nothing chained: the ceiling of a ledger without a chain)",
                flush=True,
            )
        writer = statistics.median(1e6 * r["writer_cpu_seconds"] / r["rows"] for r in runs)
        worker = statistics.median(1e6 * r["worker_cpu_seconds"] / r["rows"] for r in runs)
        server = "" if backend == "sqlite" else "; the database server's own CPU not counted"
        print(
            f"{backend:<11} CPU per row {writer + worker:5.1f} µs  (writing process "
            f"{writer:.1f}, reading worker {worker:.1f}{server}): {CORES} cores at full use "
            f"could ingest at most {CORES * 1e6 / (writer + worker):,.0f} rows/s at this cost; "
            f"{TARGET:,} rows/s needs at most {CORES * 1e6 / TARGET:.0f} µs a row",
            flush=True,
        )
        print(
            f"{backend:<11} xinyong {rate:>9,.0f} rows/s  (runs: "
            f"{', '.join(f'{x:,.0f}' for x in rates)}; peak RSS {rss:,.0f} MiB; "
            f"verified {all(r['verified'] for r in runs)})   naive {naive:>6,.0f} rows/s   "
            f"ratio {rate / naive:5.1f}x",
            flush=True,
        )


if __name__ == "__main__":
    main()
