"""``xinyong evaluate`` and ``xinyong policies``: thin commands over :mod:`xinyong.rules`.

``evaluate`` runs the policies in force (or the named ones) as of a date on DuckDB or
Spark and stores their proposals; ``--subject`` re-evaluates one subject at once;
``--output`` writes the proposals as sorted JSON lines; ``--compare`` reports what a
second policy would change, storing nothing. One JSON summary per policy goes to
stdout.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from xinyong.catalog.errors import CatalogError
from xinyong.clock import clock_from
from xinyong.ledger import LedgerError, open_store
from xinyong.rules import (
    EngineUnavailableError,
    PolicyError,
    compare,
    evaluate,
    find_policy,
    load_policies,
    write_jsonl,
)
from xinyong.settings import SettingsError, load_settings

__all__ = ["register"]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=code)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--as-of must be a date as YYYY-MM-DD, got {text!r}", 2) from None


def evaluate_command(
    policy: Annotated[
        list[str] | None, typer.Option("--policy", "-p", help="Policy id or file (repeatable).")
    ] = None,
    as_of: Annotated[str | None, typer.Option(help="Evaluation date (default: today).")] = None,
    engine: Annotated[str, typer.Option(help="duckdb (default) or spark.")] = "duckdb",
    subject: Annotated[
        str | None, typer.Option(help="Re-evaluate one subject by its USCC.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option(help="Write the proposals here as sorted JSON lines.")
    ] = None,
    compare_with: Annotated[
        str | None, typer.Option("--compare", help="Report what this second policy would change.")
    ] = None,
    policies_dir: Annotated[
        Path | None, typer.Option(help="Read policies from this folder instead of the standard.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Evaluate without storing proposals.")] = False,
) -> None:
    """Evaluate policies as of a date and store their proposals (rules propose; people decide)."""
    day = _date(as_of)
    try:
        settings = load_settings()
        chosen = (
            [find_policy(p, policies_dir) for p in policy]
            if policy
            else load_policies(policies_dir)
        )
        store = open_store(settings, clock_from(settings), actor="rules")
    except SettingsError as exc:
        raise _fail(str(exc), 2) from None
    except (PolicyError, CatalogError) as exc:
        raise _fail(str(exc), 2) from None
    try:
        if compare_with is not None:
            if len(chosen) != 1:
                raise _fail("--compare needs exactly one --policy", 2)
            other = find_policy(compare_with, policies_dir)
            report = compare(store, chosen[0], other, as_of=day, engine=engine)
            typer.echo(json.dumps(report, ensure_ascii=False))
            return
        subject_ids = None
        if subject is not None:
            found = store.find_subject(subject)
            if found is None:
                raise _fail(f"no subject with code {subject!r}")
            subject_ids = [found.id]
        runs = evaluate(
            store, as_of=day, policies=chosen, engine=engine, subject_ids=subject_ids,
            persist=not dry_run,
        )  # fmt: skip
        if not runs:
            raise _fail("no policy is in force on that date")
        if output is not None:
            write_jsonl(runs, output)
        for run in runs:
            summary = run.summary()
            if output is not None:
                summary["output"] = str(output)
            typer.echo(json.dumps(summary, ensure_ascii=False))
    except (PolicyError, EngineUnavailableError, LedgerError, ValueError, OSError) as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()


def policies_command(
    policies_dir: Annotated[
        Path | None, typer.Option(help="Read policies from this folder instead of the standard.")
    ] = None,
) -> None:
    """List the policies: id, version, kind, effective dates, rules and legal basis (JSON lines)."""
    try:
        found = load_policies(policies_dir)
    except (PolicyError, CatalogError) as exc:
        raise _fail(str(exc), 2) from None
    for p in found:
        row = {
            "id": p.id,
            "version": p.version,
            "kind": p.kind,
            "label": p.label.zh,
            "effective_from": p.effective_from.isoformat(),
            "effective_to": p.effective_to.isoformat() if p.effective_to else None,
            "subject_kinds": list(p.subject_kinds),
            "rules": [r.id for r in p.rules],
            "legal_basis": [b.cite() for b in p.legal_basis],
            "file": p.path,
        }
        typer.echo(json.dumps(row, ensure_ascii=False))


def register(app: typer.Typer) -> None:
    """Add ``evaluate`` and ``policies`` to the main command."""
    app.command("evaluate")(evaluate_command)
    app.command("policies")(policies_command)
