"""The demo platform: a store on the embedded default, loaded with a generated region.

``xinyong demo`` is the first thing a new operator runs, so it exercises the real
path end to end rather than a shortcut: it generates a region's department feeds
(faults included) with :mod:`xinyong.synth`, ingests them through
:mod:`xinyong.ingest` into the ledger, evaluates the standard policies
(:mod:`xinyong.rules`), walks a sample of proposals through the due-process
procedures on a simulated calendar (:mod:`xinyong.workflows`), verifies the hash
chain, and reports what it loaded. Running it again is cheap and changes nothing:
the generator is deterministic, ingestion recognises files it has already taken
in, pending proposals are not stored twice and the demo cases are made once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinyong.ingest import IngestSummary, Tally, ingest_directory
from xinyong.ledger import VerifyReport, open_store
from xinyong.ledger.stats import StoreStats, busiest_subjects, store_stats
from xinyong.rules import evaluate
from xinyong.settings import Settings
from xinyong.synth import generate
from xinyong.workflows.demo import seed_cases
from xinyong.workflows.transports import FileTransport

#: The demo region's reference date: its records are decided up to this day.
DEMO_AS_OF = dt.date(2026, 6, 30)


@dataclass(frozen=True)
class DemoOptions:
    """How big a region to generate; the defaults load in well under a minute."""

    entities: int = 2_000
    records: int = 20_000
    seed: int = 1
    error_rate: float = 0.02
    region: str = "110108"


@dataclass(frozen=True)
class DemoReport:
    """What the demo loaded, for the CLI to print."""

    store_url: str
    data_dir: Path
    files: list[IngestSummary]
    stats: StoreStats
    examples: list[tuple[str, str, int]]
    verify: VerifyReport
    totals: Tally
    evaluations: list[dict[str, Any]]
    cases: dict[str, Any]


def _totals(files: list[IngestSummary]) -> Tally:
    totals = Tally()
    for summary in files:
        totals.merge(summary.counts)
    return totals


def run_demo(
    settings: Settings,
    options: DemoOptions = DemoOptions(),
    progress: Callable[[int], None] | None = None,
) -> DemoReport:
    """Create (or reopen) the store, load the generated region and check the chain."""
    data_dir = settings.home / "demo-region"
    generate(
        data_dir,
        options.entities,
        options.records,
        seed=options.seed,
        error_rate=options.error_rate,
        region_code=options.region,
        as_of=DEMO_AS_OF,
    )
    with open_store(settings, create=True, actor="demo") as store:
        files = ingest_directory(store, data_dir, progress=progress, actor="demo")
        # Cases first: they walk procedures on a calendar that starts months before the
        # demo date, so they pick their own subjects; then every policy over everyone.
        cases = seed_cases(store, DEMO_AS_OF, FileTransport(settings.outbox_dir))
        runs = evaluate(store, as_of=DEMO_AS_OF, actor="demo-rules")
        return DemoReport(
            store_url=settings.resolved_database_url,
            data_dir=data_dir,
            files=files,
            stats=store_stats(store),
            examples=busiest_subjects(store),
            verify=store.verify(),
            totals=_totals(files),
            evaluations=[run.summary() for run in runs],
            cases=cases.as_dict(),
        )
