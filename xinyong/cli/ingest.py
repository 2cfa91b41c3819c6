"""``xinyong ingest`` and ``xinyong sources report``: thin commands over :mod:`xinyong.ingest`.

``ingest FILE --mapping NAME_OR_PATH --source CODE`` ingests one department file;
``ingest DIR`` ingests a generated data set (register, then every feed, as its
manifest lists them). One JSON summary per file goes to stdout; a progress bar
goes to stderr only when it is a terminal. ``sources report`` prints each
furnishing department's quality figures: a table on a terminal, JSON lines
otherwise (or with ``--json``).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from xinyong.calendar import CalendarDataError
from xinyong.clock import clock_from
from xinyong.ingest import (
    IngestError,
    IngestSummary,
    MappingError,
    ReaderError,
    ingest_directory,
    ingest_file,
)
from xinyong.ingest.core import read_manifest
from xinyong.ingest.report import SourceQuality, source_quality
from xinyong.ledger import LedgerError, Store, open_store
from xinyong.settings import SettingsError, load_settings

__all__ = ["register"]

sources_app = typer.Typer(help="Furnishing departments' data quality.", no_args_is_help=True)
_FAILURES = (IngestError, MappingError, ReaderError, LedgerError, CalendarDataError, OSError)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=code)


def _actor() -> str:
    try:
        return f"ingest:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        return "ingest"


@contextmanager
def _store() -> Iterator[Store]:
    try:
        settings = load_settings()
        store = open_store(settings, clock_from(settings), actor=_actor())
    except SettingsError as exc:
        raise _fail(str(exc), 2) from None
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    try:
        yield store
    except _FAILURES as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()


@contextmanager
def _progress(total: int | None, label: str) -> Iterator[Callable[[int], None] | None]:
    """A rich progress bar on a terminal; nothing when stderr is a pipe or a file."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _emit(summary: IngestSummary) -> None:
    typer.echo(json.dumps(summary.as_dict(), ensure_ascii=False))


def ingest(
    path: Annotated[
        Path, typer.Argument(help="A CSV, XLSX or JSON-lines file, or a data set directory.")
    ],
    mapping: Annotated[
        str | None, typer.Option("--mapping", help="Built-in mapping name or a mapping file.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Code of the furnishing department.")
    ] = None,
    source_name: Annotated[
        str | None,
        typer.Option("--source-name", help="Register the source under this name if new."),
    ] = None,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Rejects file (default: FILE.rejects.jsonl).")
    ] = None,
    delivered_on: Annotated[
        dt.datetime | None,
        typer.Option(
            "--delivered-on", help="Delivery date (default: today).", formats=["%Y-%m-%d"]
        ),
    ] = None,
    chunk: Annotated[
        int, typer.Option("--chunk", help="Rows per committed chunk.", min=1)
    ] = 10_000,
    register_subjects: Annotated[
        bool, typer.Option("--register/--no-register", help="Register valid unknown codes.")
    ] = True,
    parallel: Annotated[
        bool,
        typer.Option(
            "--parallel/--no-parallel",
            help="Read and check rows in a second process (where there are two cores).",
        ),
    ] = True,
) -> None:
    """Ingest a department file (or a data set directory) into the ledger."""
    options: dict[str, Any] = {
        "chunk_rows": chunk,
        "register_subjects": register_subjects,
        "actor": _actor(),
        "parallel": parallel,
    }
    if path.is_dir():
        if mapping or source or rejects:
            raise _fail(
                "a directory is ingested with its manifest: drop --mapping/--source/--rejects", 2
            )
        with _store() as store:
            manifest = read_manifest(path)
            total = manifest["subjects"]["rows"] + sum(f["rows"] for f in manifest["feeds"])
            with _progress(total, "ingest") as tick:
                ingest_directory(store, path, progress=tick, done=_emit, **options)
        return
    if not mapping or not source:
        raise _fail("ingesting a file needs --mapping and --source", 2)
    with _store() as store, _progress(None, path.name) as tick:
        summary = ingest_file(
            store, path, mapping, source, source_name=source_name, rejects=rejects,
            delivered_on=delivered_on.date() if delivered_on else None, progress=tick, **options,
        )  # fmt: skip
    _emit(summary)


def _table(rows: list[SourceQuality]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Data quality by furnishing department")
    for header in ("source", "received", "accepted", "rejected", "amended", "withdrawn",
                   "held", "on time", "median wd", "p90 wd", "unknown"):  # fmt: skip
        table.add_column(header, justify="left" if header == "source" else "right")
    for q in rows:
        t, c = q.timeliness, q.counts
        share = "-" if t.on_time_share is None else f"{t.on_time_share:.1%}"
        table.add_row(
            f"{q.name}\n{q.code}", f"{c.rows:,}", f"{c.accepted:,}", f"{c.rejected:,}",
            f"{c.amended:,}", f"{c.withdrawn:,}", f"{c.held:,}", share,
            "-" if t.median_days is None else str(t.median_days),
            "-" if t.p90_days is None else str(t.p90_days), f"{t.unknown:,}",
        )  # fmt: skip
    Console().print(table)


@sources_app.command("report")
def report(
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines even on a terminal.")] = False,
) -> None:
    """Rows received, rejected by reason, corrections and timeliness per source."""
    with _store() as store:
        rows = source_quality(store)
    if sys.stdout.isatty() and not as_json:
        _table(rows)
        return
    for q in rows:
        typer.echo(json.dumps(q.as_dict(), ensure_ascii=False))


def register(app: typer.Typer) -> None:
    """Add ``ingest`` and the ``sources`` group to the ``xinyong`` application."""
    app.command("ingest")(ingest)
    app.add_typer(sources_app, name="sources")
