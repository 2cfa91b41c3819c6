"""One file, one batch: chunked commits, checkpoints and resumption after a crash.

The file is read in chunks. Each chunk's records, events, held rows, arrival
counts and the batch's checkpoint (last row done, counts so far, length of the
rejects file) commit in ONE transaction, so a crash at any moment leaves either
the whole chunk or none of it. Rejected rows are appended to the rejects file
and flushed to disk *before* that commit; on restart the file is cut back to
the length the last checkpoint recorded, dropping lines of a chunk that never
committed. Running the same command again finds the open batch by the file's
SHA-256 and continues after the checkpoint: every row is counted exactly once.

A file whose batch already committed is not ingested again: the earlier
summary is returned and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from xinyong.clock import CST
from xinyong.ingest import pipeline
from xinyong.ingest.pipeline import Rejected
from xinyong.ingest.readers import Table
from xinyong.ingest.reasons import reject_line
from xinyong.ingest.summary import IngestSummary, Tally
from xinyong.ledger import Batch, Source, Store, Transaction
from xinyong.ledger.ingest_state import Progress, find_delivery, save_progress, start_progress


class Processor(Protocol):
    """What a kind of file (department feed, subject register) does with a chunk."""

    def check(self, rows: list[tuple[int, list[Any]]]) -> Any:
        """Validate rows outside any transaction (pure computation)."""

    def write(self, tx: Transaction, checked: Any, tally: Tally) -> list[Rejected]:
        """Write a checked chunk in ``tx``; count its rows; return every rejected row."""

    def committed(self) -> None:
        """The chunk's transaction committed."""

    def rolled_back(self) -> None:
        """The chunk's transaction failed."""


def file_sha256(path: Path) -> str:
    """The file's SHA-256, which identifies a delivery across runs."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class Job:
    """Everything about one file's ingestion besides its rows."""

    store: Store
    path: Path
    source: Source
    mapping: str
    record_type: str | None
    rejects: Path
    delivered_on: dt.date | None
    chunk_rows: int
    actor: str
    progress: Callable[[int], None] | None = None
    parallel: bool = False  #: read and check in a forked worker (see pipeline)


class RejectsFile:
    """The rejects file, cut back to its last committed length and appended durably."""

    def __init__(self, path: Path, committed: int) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.file = open(path, "ab")  # noqa: SIM115
        if self.file.tell() > committed:
            self.file.truncate(committed)
        self.size = self.file.tell()

    def write(self, lines: list[dict[str, Any]]) -> int:
        """Append lines and make them durable; returns the new length."""
        if lines:
            text = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines)
            self.file.write(text.encode("utf-8"))
            self.file.flush()
            os.fsync(self.file.fileno())
            self.size = self.file.tell()
        return self.size

    def close(self) -> None:
        """Close the file."""
        self.file.close()


def begin(job: Job, digest: str) -> tuple[Batch, Progress, bool]:
    """Find the delivery's batch or open one; returns (batch, checkpoint, resumed)."""
    store = job.store
    with store.transaction(actor=job.actor) as tx:
        found = find_delivery(tx._conn, job.source.id, digest)
        if found is not None and found[1] is not None:
            return found[0], found[1], found[0].status == "open"
        batch = tx.open_batch(job.source.id, job.path.name, sha256=digest)
        progress = start_progress(tx, batch.id, job.mapping, str(job.rejects), job.delivered_on)
        return batch, progress, False


def arrival_day(batch: Batch, progress: Progress) -> dt.date:
    """When the delivery arrived: the declared delivery date, else the batch's start (CST)."""
    return progress.delivered_on or batch.started_at.astimezone(CST).date()


def run(
    job: Job,
    table: Table,
    processor: Processor,
    batch: Batch,
    progress: Progress,
    resumed: bool,
    started: float,
) -> IngestSummary:
    """Ingest the rest of the file into ``batch`` and close it (``started``: perf_counter)."""
    tally = Tally.from_dict(progress.counts)
    done_before = tally.rows
    rejects = RejectsFile(job.rejects, progress.rejects_bytes)
    try:
        with fewer_collections(), job.store.bulk_writes():
            tally = _write_chunks(job, table, processor, batch, progress, rejects, tally)
        with job.store.transaction(actor=job.actor, batch_id=batch.id) as tx:
            tx.close_batch(batch.id, status="committed", counts=tally.as_dict())
    finally:
        rejects.close()
        table.close()
    return IngestSummary(
        file=str(job.path), source=job.source.code, mapping=job.mapping,
        record_type=job.record_type, batch_id=batch.id, status="committed", counts=tally,
        rejects=str(job.rejects), seconds=time.perf_counter() - started, resumed=resumed,
        encoding=table.encoding, rows_this_run=tally.rows - done_before,
    )  # fmt: skip


def _write_chunks(
    job: Job,
    table: Table,
    processor: Processor,
    batch: Batch,
    progress: Progress,
    rejects: RejectsFile,
    tally: Tally,
) -> Tally:
    """Commit chunk after chunk, each with its checkpoint; returns the final tally."""
    produce = pipeline.in_worker if job.parallel else pipeline.in_process
    for chunk in produce(table.rows, processor, progress.rows_done, job.chunk_rows):
        next_tally = tally.copy()
        try:
            with job.store.transaction(actor=job.actor, batch_id=batch.id) as tx:
                rejected = chunk.malformed + processor.write(tx, chunk.checked, next_tally)
                for _, faults, _ in chunk.malformed:
                    next_tally.add("rejected", faults[0].code)
                lines = [reject_line(n, f, key) for n, f, key in sorted(rejected, key=_first)]
                size = rejects.write(lines)
                save_progress(tx, batch.id, chunk.last, next_tally.as_dict(), size)
        except BaseException:
            processor.rolled_back()
            raise
        processor.committed()
        tally = next_tally
        if job.progress is not None:
            job.progress(chunk.rows)
    return tally


def already(job: Job, batch: Batch, progress: Progress, table: Table) -> IngestSummary:
    """The summary of a delivery that was ingested before (nothing is written)."""
    table.close()
    return IngestSummary(
        file=str(job.path), source=job.source.code, mapping=progress.mapping,
        record_type=job.record_type, batch_id=batch.id, status=batch.status,
        counts=Tally.from_dict(batch.counts), rejects=progress.rejects_path, seconds=0.0,
        already_ingested=True, encoding=table.encoding,
    )  # fmt: skip


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while a file is ingested.

    Ingestion allocates millions of short-lived containers (rows, dicts, records)
    that reference counting frees; with the default thresholds the collector
    keeps re-scanning them, which cost about a fifth of the run. The previous
    thresholds come back afterwards. (``bench/ingest.py`` checks its feed alone
    under the same thresholds, so that ceiling compares like with like.)
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 100_000), max(old[1], 50), max(old[2], 100))
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _first(item: Rejected) -> int:
    return item[0]
