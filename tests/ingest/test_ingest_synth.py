"""The generated region end to end: every ground-truth line agrees with what ingestion did."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ingest_helpers import count_rows, score
from suite_support import ManualClock

from xinyong.ingest import IngestSummary, ingest_directory
from xinyong.ledger import Store
from xinyong.ledger.tables import batches, events, records
from xinyong.synth import generate

#: Small, with a high fault rate so that every fault kind occurs in most feeds.
PARAMS = {"entities": 300, "records": 4_000, "seed": 7, "error_rate": 0.12}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One generated data set, copied per test (ingestion writes rejects files beside it)."""
    root = tmp_path_factory.mktemp("synth") / "set"
    generate(root, **PARAMS, as_of=ManualClock().today())  # type: ignore[arg-type]
    return root


def test_every_ground_truth_line_agrees(store: Store, generated: Path, tmp_path: Path) -> None:
    data = Path(shutil.copytree(generated, tmp_path / "data"))
    told: list[tuple[str, int]] = []  # each file's summary, and the batches committed by then

    def done(summary: IngestSummary) -> None:
        told.append((summary.file, count_rows(store, batches)))

    summaries = ingest_directory(store, data, chunk_rows=700, done=done)
    assert told == [(s.file, n) for n, s in enumerate(summaries, 1)]
    assert score(store, data) == []
    truth_lines = (data / "ground_truth.jsonl").read_text(encoding="utf-8").count("\n")
    assert truth_lines > 300
    feeds = summaries[1:]
    assert sum(s.counts.rows for s in feeds) == PARAMS["records"]
    assert count_rows(store, records) == sum(s.counts.accepted for s in feeds)
    assert store.verify().ok


def test_ingesting_the_data_set_again_adds_nothing(
    store: Store, generated: Path, tmp_path: Path
) -> None:
    data = Path(shutil.copytree(generated, tmp_path / "data"))
    first = ingest_directory(store, data)
    before = count_rows(store, events)
    again = ingest_directory(store, data)
    assert count_rows(store, events) == before
    assert all(s.already_ingested for s in again)
    assert [s.counts.as_dict() for s in again] == [s.counts.as_dict() for s in first]
