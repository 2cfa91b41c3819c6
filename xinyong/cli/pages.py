"""``xinyong pages``: the shared file of public subject pages the server processes read.

``build`` fills it for every organisation (skipping pages still good today),
so that a portal's long tail is served by look-up rather than built on first
request; ``status`` says how much of it is current. Both print one JSON object.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated

import typer

from xinyong.access import Access
from xinyong.catalog import load_catalog
from xinyong.clock import clock_from
from xinyong.ledger import LedgerError, open_store
from xinyong.settings import Settings, SettingsError, load_settings

__all__ = ["app"]

app = typer.Typer(
    help="The shared store of public subject pages: build it ahead of requests, see its state.",
    no_args_is_help=True,
)


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=code)


@contextmanager
def _access() -> Iterator[tuple[Settings, Access]]:
    try:
        settings = load_settings()
        store = open_store(settings, clock_from(settings))
    except SettingsError as exc:
        raise _fail(str(exc), 2) from None
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    if settings.page_store_path is None:
        store.close()
        raise _fail("the page store is turned off (XINYONG_PAGE_STORE=off)", 2)
    try:
        yield settings, Access(store, load_catalog())
    finally:
        store.close()


@contextmanager
def _progress() -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on a terminal; nothing when stderr is a pipe or a file."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("building pages", total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


@app.command()
def build(
    jobs: Annotated[
        int | None,
        typer.Option(min=1, help="Processes building pages (default: one per core)."),
    ] = None,
) -> None:
    """Build the public page of every organisation whose stored page is not good today."""
    from xinyong.web.page_build import build_pages, default_jobs

    with _access() as (settings, access), _progress() as progress:
        summary = build_pages(settings, access, jobs=jobs or default_jobs(), progress=progress)
    out = asdict(summary)
    out["seconds"] = round(summary.seconds, 1)
    out["path"] = str(settings.page_store_path)
    typer.echo(json.dumps(out))


@app.command()
def status() -> None:
    """How many pages the store holds, how many are good today, and how current it is."""
    from xinyong.web.page_store import PageStore

    with _access() as (settings, access):
        path = settings.page_store_path
        assert path is not None
        store = PageStore(path, access)
        try:
            out: dict[str, object] = dict(store.counts(access.clock.today()))
        finally:
            store.close()
        out["ledger_seq"] = access.ledger_version()
        out["organisations"] = access.organisation_count()
        out["path"] = str(path)
        out["bytes"] = path.stat().st_size
    typer.echo(json.dumps(out))
