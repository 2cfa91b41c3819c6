"""``xinyong demo``: load a generated region into the embedded store and show how to explore it."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from xinyong.demo import DemoOptions, DemoReport, run_demo
from xinyong.settings import load_settings


def _explain(report: DemoReport) -> str:
    stats, totals = report.stats, report.totals
    lines = [
        "xinyong demo platform is ready.",
        f"  store:     {report.store_url}",
        f"  feeds:     {report.data_dir} ({len(report.files)} files from the departments)",
        f"  ingested:  {totals.rows:,} rows: {totals.accepted:,} accepted, "
        f"{totals.rejected:,} rejected with a reason, {totals.amended:,} amended, "
        f"{totals.withdrawn:,} withdrawn, {totals.unchanged:,} unchanged duplicates",
        f"  subjects:  {stats.subjects:,} ("
        + ", ".join(f"{kind} {n:,}" for kind, n in stats.subjects_by_kind.items())
        + ")",
        f"  records:   {stats.records:,} ("
        + ", ".join(f"{kind} {n:,}" for kind, n in stats.records_by_type.items())
        + ")",
        f"  ledger:    {stats.events:,} hash-chained events from {stats.sources} sources; "
        + ("chain intact" if report.verify.ok else f"CHAIN BROKEN: {report.verify.reason}"),
        f"  head:      {report.verify.head}",
        "  rules:     "
        + "; ".join(f"{e['policy']} {e['proposals']:,} proposals" for e in report.evaluations),
        f"  cases:     {len(report.cases.get('cases', {}))} demo cases through notice, objection, "
        "repair and expiry",
        "",
        "Explore it (XINYONG_HOME selects the store):",
    ]
    example = report.examples[0][0] if report.examples else "91110000600037341L"
    rejects = next((f.rejects for f in report.files if f.counts.rejected), None)
    lines += [
        f"  .venv/bin/xinyong subject show {example}",
        f"  .venv/bin/xinyong id check {example} 91350100M000100Y4Z",
        "  .venv/bin/xinyong catalog show administrative_penalty",
        "  .venv/bin/xinyong sources report",
        "  .venv/bin/xinyong verify",
        "  .venv/bin/xinyong policies",
        f"  .venv/bin/xinyong evaluate --as-of 2026-06-30 --subject {example}",
        "  .venv/bin/xinyong case list",
    ]
    if rejects:
        lines.append(f"  less {rejects}        # rejected rows with their reasons")
    return "\n".join(lines)


def demo(
    entities: Annotated[int, typer.Option(min=10, help="Organisations to generate.")] = 2_000,
    records: Annotated[int, typer.Option(min=10, help="Records to generate.")] = 20_000,
    seed: Annotated[int, typer.Option(help="Seed of the generated region.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    serve: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Then serve the portal and API.")
    ] = True,
) -> None:
    """Load a generated region into the embedded store (or XINYONG_DATABASE_URL), then serve it.

    Safe to run again: the region is regenerated identically and files already
    ingested are recognised, so nothing is added twice. Ends by serving the portal
    and the JSON API (XINYONG_HOST, XINYONG_PORT; Ctrl-C stops), unless --no-serve.
    """
    settings = load_settings()
    print(f"Loading a generated region into {settings.home} …", file=sys.stderr)
    report = run_demo(settings, DemoOptions(entities=entities, records=records, seed=seed))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "store": report.store_url,
                    "data_dir": str(report.data_dir),
                    "ingested": report.totals.as_dict(),
                    "subjects_by_kind": report.stats.subjects_by_kind,
                    "records_by_type": report.stats.records_by_type,
                    "events": report.stats.events,
                    "chain_ok": report.verify.ok,
                    "head": str(report.verify.head),
                    "examples": [code for code, _, _ in report.examples],
                    "evaluations": report.evaluations,
                    "cases": report.cases,
                },
                ensure_ascii=False,
            )
        )
    else:
        typer.echo(_explain(report))
    if not report.verify.ok:
        raise typer.Exit(1)
    if serve:
        from xinyong.cli.serve import serve as serve_portal

        serve_portal()


def register(app: typer.Typer) -> None:
    """Add ``demo`` to the ``xinyong`` application."""
    app.command("demo")(demo)
