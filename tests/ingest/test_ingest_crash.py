"""Crash safety: the real CLI killed with SIGKILL at random moments, then run to completion.

A file of some tens of thousands of rows, with faults, repeats, corrections and
revocations, is ingested by the ``xinyong ingest`` command in a child process
that is killed again and again at seeded random delays; the same command is
then run until it completes. The outcome must equal an uninterrupted reference
run exactly: the same counts, the same records, no natural key twice, a rejects
file with one line per rejected row, and an intact hash chain.
"""

from __future__ import annotations

import dataclasses
import json
import random
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from ingest_helpers import (
    CLI,
    PENALTY_HEADERS,
    codes,
    count_rows,
    penalty_row,
    rejects_of,
    run_cli,
    settings_env,
    write_csv,
)
from suite_support import TODAY

from xinyong.clock import Clock
from xinyong.ingest import ingest_file
from xinyong.ledger import Store, open_store
from xinyong.ledger.tables import batches, ingest_progress, records
from xinyong.settings import Settings

ROWS = 24_000
MAPPING = "double-publicity-penalty-cn"
FINE = PENALTY_HEADERS.index("罚款金额（万元）")
CONTENT = PENALTY_HEADERS.index("处罚内容")
OP = PENALTY_HEADERS.index("操作类型")
COUNTS = ("rows", "accepted", "rejected", "amended", "withdrawn", "unchanged", "held")


def feed(path: Path, seed: int = 20) -> Path:
    """New rows mostly; some faulty, repeated, corrected and revoked ones, seeded."""
    rnd = random.Random(seed)
    pool = codes(1500)
    rows: list[list[str]] = []
    good: list[list[str]] = []
    for i in range(ROWS):
        u = rnd.random()
        if good and u < 0.03:
            rows.append(list(rnd.choice(good)))
        elif good and u < 0.05:
            row = list(rnd.choice(good))
            yuan = 100 * rnd.randrange(1, 900)
            row[FINE], row[CONTENT], row[OP] = f"{yuan / 10_000:g}", f"罚款人民币{yuan}元", "更正"
            rows.append(row)
        elif good and u < 0.06:
            row = list(rnd.choice(good))
            row[OP] = "撤销"
            rows.append(row)
        else:
            code = pool[rnd.randrange(len(pool))]
            if u > 0.98:
                code = code[:-2] + code[-1]  # one character short
            row = penalty_row(i + 1, code, fine_yuan=100 * rnd.randrange(1, 900))
            rows.append(row)
            if u <= 0.98:
                good.append(row)
    return write_csv(path, PENALTY_HEADERS, rows, "gbk")


def reference(path: Path, tmp_path: Path) -> dict[str, int]:
    """The counts of one uninterrupted in-process run on a fresh store."""
    settings = Settings(home=tmp_path / "reference", secret_key="ab" * 32)
    copy = tmp_path / "reference.csv"
    copy.write_bytes(path.read_bytes())
    with open_store(settings, Clock(pinned=TODAY), create=True) as store:
        summary = ingest_file(store, copy, MAPPING, "SAMR", source_name="市场监管", chunk_rows=2000)
    counts = summary.counts.as_dict()
    return {k: counts[k] for k in COUNTS}


def progress(store: Store) -> tuple[int, str] | None:
    """(rows done, batch status) of the delivery, if it was started."""
    with store.engine.connect() as conn:  # a reader never blocks the writer (WAL, MVCC)
        found = conn.execute(
            sa.select(ingest_progress.c.rows_done, batches.c.status).join(
                batches, batches.c.id == ingest_progress.c.batch_id
            )
        ).one_or_none()
    return None if found is None else (found[0], found[1])


def command(path: Path) -> list[str]:
    return [
        *CLI,
        "ingest",
        str(path),
        "--mapping",
        MAPPING,
        "--source",
        "SAMR",
        "--source-name",
        "市场监管",
        "--chunk",
        "2000",
    ]


@pytest.mark.slow
def test_killing_the_ingest_at_random_moments_loses_and_duplicates_nothing(
    store: Store, store_settings: Settings, backend: str, tmp_path: Path
) -> None:
    path = feed(tmp_path / "penalties.csv")
    expected = reference(path, tmp_path)
    rnd = random.Random(7)
    kills = 10 if backend == "sqlite" else 5
    env = settings_env(store_settings)
    checkpoints: list[int] = []  # rows done by the open batch, seen after each kill
    for _ in range(kills):
        child = subprocess.Popen(
            command(path), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        if rnd.random() < 0.25:  # anywhere: while starting, hashing the file, opening the batch
            time.sleep(rnd.uniform(0.2, 3.0))
        else:  # while it works through the chunks: once it has committed one more
            before, started = progress(store), time.monotonic()
            while progress(store) == before and child.poll() is None:
                if time.monotonic() - started > 30:
                    break
                time.sleep(0.02)
            time.sleep(rnd.uniform(0.0, 0.5))
        child.kill()
        child.communicate()
        state = progress(store)
        if state is not None and state[1] == "committed":
            break
        if state is not None:
            checkpoints.append(state[0])
    assert len({c for c in checkpoints if 0 < c < ROWS}) >= 2  # killed mid-file, more than once
    done = subprocess.run(command(path), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert {k: summary[k] for k in COUNTS} == expected
    assert count_rows(store, records) == expected["accepted"]
    with store.engine.connect() as conn:
        keys = conn.execute(
            sa.select(sa.func.count()).select_from(
                sa.select(records.c.document_no, records.c.subject_id).distinct().subquery()
            )
        ).scalar_one()
        statuses = dict(
            conn.execute(
                sa.select(batches.c.status, sa.func.count()).group_by(batches.c.status)
            ).all()
        )
    assert keys == expected["accepted"]
    assert statuses == {"committed": 1}  # one delivery, resumed, never a second batch
    lines = path.with_name(path.name + ".rejects.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == expected["rejected"] == len(rejects_of(path))
    verify = run_cli(dataclasses.replace(store_settings), "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
