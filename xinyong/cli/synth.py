"""``xinyong synth``: write the deterministic synthetic data set.

The demo, the tests and the benchmarks all run on this data: subjects of one region,
the feeds its departments send, realistic faults and the ground truth that scores an
ingester. The command parses options, calls :func:`xinyong.synth.generate` and prints
the manifest as one JSON line; a progress bar appears only when stderr is a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from xinyong.synth.generate import DEFAULT_AS_OF, generate

__all__ = ["register", "synth"]

_DEFAULT_AS_OF = dt.datetime.combine(DEFAULT_AS_OF, dt.time())


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on a terminal; nothing when stderr is a pipe or a file."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("records", total=total)
        yield lambda n: bar.advance(task, n)


def synth(
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write (new, empty, or an earlier set).")
    ],
    entities: Annotated[
        int, typer.Option("--entities", help="Subjects in the register (10 to 5,000,000).")
    ] = 1000,
    records: Annotated[
        int, typer.Option("--records", help="Data rows across all department feeds.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed: same seed, same bytes.")] = 1,
    error_rate: Annotated[
        float, typer.Option("--error-rate", help="Share of rows given a fault (0 to 0.5).")
    ] = 0.02,
    region: Annotated[
        str, typer.Option("--region", help="GB/T 2260 district code of the region.")
    ] = "110108",
    as_of: Annotated[
        dt.datetime,
        typer.Option(
            "--as-of",
            help="Anchor date: records fall in the five years before it.",
            formats=["%Y-%m-%d"],
        ),
    ] = _DEFAULT_AS_OF,
    jobs: Annotated[
        int, typer.Option("--jobs", help="Worker processes for the feeds (output is identical).")
    ] = 1,
) -> None:
    """Write a deterministic synthetic data set: register, department feeds, ground truth."""
    started = time.perf_counter()
    try:
        with _progress(records) as tick:
            summary = generate(
                out, entities, records, seed, error_rate, region, as_of.date(), tick, jobs
            )
    except ValueError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    except FileExistsError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    seconds = time.perf_counter() - started
    typer.echo(json.dumps(summary.manifest, ensure_ascii=False))
    rate = records / seconds if seconds else 0.0
    typer.echo(f"synth: {records} records in {seconds:.2f} s ({rate:,.0f} records/s)", err=True)


def register(app: typer.Typer) -> None:
    """Add the top-level ``synth`` command to the ``xinyong`` application."""
    app.command("synth")(synth)
