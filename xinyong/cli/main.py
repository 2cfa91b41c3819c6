"""The ``xinyong`` command: a thin shell over the core.

Each command group lives in its own module and is registered here. Commands
parse arguments, call one core function and print JSON lines (or a table on a
terminal); they hold no business logic.
"""

from __future__ import annotations

import json
import os
import sys

import typer

from xinyong import __version__
from xinyong.cli import catalog, demo, ids, ingest, ledger, pages, rules, serve, synth, workflows
from xinyong.settings import describe

app = typer.Typer(
    name="xinyong",
    help="xinyong: a public credit information platform.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(ids.app, name="id")
app.add_typer(catalog.app, name="catalog")
app.add_typer(pages.app, name="pages")
ledger.register(app)
synth.register(app)
demo.register(app)
ingest.register(app)
serve.register(app)
rules.register(app)
workflows.register(app)


@app.command()
def version() -> None:
    """Print the installed version."""
    typer.echo(__version__)


@app.command("settings")
def show_settings() -> None:
    """List every XINYONG_* setting with its default, current value and help (JSON lines)."""
    for row in describe():
        row["value"] = os.environ.get(row["variable"], "")
        typer.echo(json.dumps(row, ensure_ascii=False))


def run() -> None:
    """Console-script entry point; usage errors exit with status 2."""
    sys.exit(app(standalone_mode=True))
