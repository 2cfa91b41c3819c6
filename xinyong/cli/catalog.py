"""``xinyong catalog``: show the credit information catalog and check local copies.

Thin commands: they load the catalog, call :mod:`xinyong.catalog.export` for data
and shape it as rich tables or JSON. Operators who add local record types run
``xinyong catalog check PATH`` before deploying them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from xinyong.catalog import Catalog, CatalogError, RecordType, UnknownItemError, load_catalog
from xinyong.catalog.export import catalog_data, record_type_data
from xinyong.catalog.loader import read_catalog

app = typer.Typer(
    help="The national public credit information catalog: record types, lists, measures.",
    no_args_is_help=True,
)

CatalogOption = Annotated[
    Path | None,
    typer.Option("--catalog", help="Catalog directory to read instead of the shipped one."),
]


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _load(path: Path | None) -> Catalog:
    try:
        return load_catalog(path)
    except CatalogError as exc:
        raise _fail(str(exc), 1) from exc


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _overview(console: Console, catalog: Catalog) -> None:
    types = Table(title="Record types 记录类型")
    types.add_column("id", no_wrap=True)
    for column in ("中文", "English", "category", "legal basis"):
        types.add_column(column, overflow="fold")
    for rt in catalog.record_types.values():
        basis = rt.legal_basis[0]
        short = f"{basis.instrument.split('（')[0]} {basis.article.split(' (')[0]}"
        types.add_row(rt.id, rt.label.zh, rt.label.en, rt.category, short)
    kinds_table = Table(title="Subject kinds 主体类别")
    kinds_table.add_column("id", no_wrap=True)
    for column in ("中文", "English", "organisation", "USCC"):
        kinds_table.add_column(column, overflow="fold")
    for kind in catalog.subject_kinds.values():
        pairs = ", ".join(kind.uscc) if len(kind.uscc) < 5 else f"{len(kind.uscc)} pairs"
        kinds_table.add_row(kind.id, kind.label.zh, kind.label.en, str(kind.organisation), pairs)
    lists = Table(title="Lists 名单")
    lists.add_column("id", no_wrap=True)
    for column in ("kind", "中文", "term", "early removal", "notice window (working days)"):
        lists.add_column(column, overflow="fold")
    for lst in catalog.lists.values():
        window = lst.response_window_working_days
        lists.add_row(
            lst.id,
            lst.kind,
            lst.label.zh,
            str(lst.default_duration or "until removed"),
            str(lst.early_removal_after or "-"),
            "-" if window is None else str(window),
        )
    measures = Table(title="Measures 措施")
    measures.add_column("id", no_wrap=True)
    for column in ("group", "中文", "applied by", "lists"):
        measures.add_column(column, overflow="fold")
    for m in catalog.measures.values():
        measures.add_row(m.id, m.group, m.label.zh, m.authority.zh, ", ".join(m.applies_to_lists))
    for table in (types, kinds_table, lists, measures):
        console.print(table)


def _detail(console: Console, catalog: Catalog, rt: RecordType) -> None:
    category = catalog.categories[rt.category]
    console.print(f"[bold]{rt.id}[/bold]  {rt.label.zh} / {rt.label.en}")
    console.print(rt.description)
    console.print(
        f"category: {category.id} ({category.label.zh}); editions {', '.join(rt.editions)}"
    )
    console.print(f"subject kinds: {', '.join(rt.subject_kinds)}")
    for basis in rt.legal_basis:
        console.print(f"legal basis: {basis.cite()}  {basis.url}")
    fields = Table(title="Fields 字段")
    fields.add_column("name", no_wrap=True)
    for column in ("type", "中文 / English", "code", "who"):
        fields.add_column(column, overflow="fold")
    for f in rt.fields:
        kind = f"{f.type} ({f.unit})" if f.unit else f.type
        who = f.audience + (" required" if f.required else "") + (" personal" if f.personal else "")
        fields.add_row(f.name, kind, f"{f.label.zh} / {f.label.en}", f.std_code or "", who)
    console.print(fields)
    console.print(f"natural key: {', '.join(rt.natural_key)}")
    console.print(f"tiers: {', '.join(rt.severity.tiers)}")
    grants = ", ".join(g.purpose + ("*" if g.subject_kinds else "") for g in rt.disclosure.grants)
    console.print(
        f"public: {rt.disclosure.public}; subject: {rt.disclosure.subject}; agencies: {grants}"
    )
    source = rt.publicity.series or (f"list field {rt.publicity.list_field}",)
    objection = rt.publicity.objection
    reply = f"{objection.reply_within} {objection.unit}"
    console.print(f"publicity: {', '.join(source)}; objection reply within {reply}")


@app.command()
def show(
    type_id: Annotated[
        str | None, typer.Argument(metavar="[TYPE]", help="A record type id.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    catalog_path: CatalogOption = None,
) -> None:
    """Show the catalog, or one record type in full."""
    catalog = _load(catalog_path)
    if type_id is None:
        if as_json:
            _print_json(catalog_data(catalog))
        else:
            _overview(Console(), catalog)
        return
    try:
        rt = catalog.record_type(type_id)
    except UnknownItemError as exc:
        raise _fail(str(exc), 2) from exc
    if as_json:
        _print_json(record_type_data(catalog, rt))
    else:
        _detail(Console(), catalog, rt)


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="Catalog directory (a copy of the schema folder).")],
) -> None:
    """Load a catalog directory and report the first error (exit 1) or a summary."""
    try:
        catalog = read_catalog(path)
    except CatalogError as exc:
        raise _fail(str(exc), 1) from exc
    typer.echo(
        f"ok: {path}: {len(catalog.record_types)} record types, "
        f"{len(catalog.subject_kinds)} subject kinds, {len(catalog.lists)} lists, "
        f"{len(catalog.measures)} measures, {len(catalog.regimes)} publicity regimes"
    )
