"""``xinyong id``: check identifiers and issue new USCCs.

``check`` prints one JSON object per input line, so it composes with ``jq``
and with the ingest tools; the exit status says whether everything was valid
(0), something was not (1), or the command was used wrongly (2). ``issue``
reserves serial numbers from the store's persistent counter and prints one new
code per line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import sys
from collections.abc import Iterator, Sequence
from typing import Annotated, Any

import typer

from xinyong.clock import clock_from
from xinyong.ids import bulk, detect, get_module, ric, undetectable, uscc
from xinyong.ids.errors import ValidationError
from xinyong.settings import Settings, SettingsError, load_settings

__all__ = ["app"]

app = typer.Typer(
    help="Check Chinese identifiers (USCC, citizen number, organization code, GS15) "
    "and issue new USCCs.",
    no_args_is_help=True,
    add_completion=False,
)

#: Fields of a citizen number's parts that ``check`` prints; the sequence and
#: check digit add nothing for the reader and stay out of the output.
RIC_PARTS = ("region", "birth_date", "sex", "legacy")
_CHUNK = 10_000
#: The store counter that numbers issued organization-code bodies.


class Kind(enum.StrEnum):
    """The ``--kind`` choices."""

    AUTO = "auto"
    USCC = "uscc"
    RIC = "ric"
    ORGCODE = "orgcode"
    REGNO15 = "regno15"


def _usage(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)


def _json_value(value: object) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot render {type(value).__name__} as JSON")


def _parts(kind: str, code: str, today: dt.date) -> dict[str, Any]:
    parsed = ric.parse(code, today) if kind == "ric" else get_module(kind).parse(code)
    if not dataclasses.is_dataclass(parsed) or isinstance(parsed, type):
        raise TypeError(f"{kind}.parse returned {type(parsed).__name__}, not a dataclass")
    parts = dataclasses.asdict(parsed)
    if kind == "ric":  # personal data: only what the reader needs
        parts = {name: parts[name] for name in RIC_PARTS}
    return parts


def _record(
    code: str, kind: str | None, error: ValidationError | None, value: str | None
) -> dict[str, Any]:
    return {
        "input": code,
        "kind": kind,
        "valid": error is None,
        "value": value,
        "error": None if error is None else error.code,
        "reason": None if error is None else {"zh": error.reason_zh, "en": error.reason_en},
        "field": None if error is None else error.field,
        "position": None if error is None else error.position,
    }


def _check_kind(kind: str, codes: Sequence[str], today: dt.date) -> Iterator[dict[str, Any]]:
    result = bulk.check(kind, codes, today)
    for index, code in enumerate(codes):
        yield _record(code, kind, result.error(index), result.value(index))


def _auto_kinds(codes: Sequence[str], today: dt.date) -> list[str | None]:
    """What :func:`detect` says for each code, with the valid citizen numbers and then
    the valid USCCs settled in two vectorised passes (feeds are mostly one or the other)."""
    kinds: list[str | None] = ["ric" if ok else None for ok in bulk.check_ric(codes, today).valid]
    rest = [index for index, kind in enumerate(kinds) if kind is None]
    usccs = bulk.check_uscc([codes[index] for index in rest])
    for index, ok in zip(rest, usccs.valid.tolist(), strict=True):
        kinds[index] = "uscc" if ok else detect(codes[index])
    return kinds


def _check_auto(codes: Sequence[str], today: dt.date) -> Iterator[dict[str, Any]]:
    kinds = _auto_kinds(codes, today)
    records: list[dict[str, Any] | None] = [None] * len(codes)
    for kind in {kind for kind in kinds if kind is not None}:
        rows = [index for index, found in enumerate(kinds) if found == kind]
        checked = _check_kind(kind, [codes[index] for index in rows], today)
        for index, record in zip(rows, checked, strict=True):
            records[index] = record
    for index, code in enumerate(codes):
        yield records[index] or _record(code, None, undetectable(code), None)


def _read_codes(codes: list[str] | None) -> list[str]:
    if codes:
        return codes
    if sys.stdin.isatty():
        raise _usage("give codes as arguments or one per line on standard input")
    found = [line.strip() for line in sys.stdin]
    found = [line for line in found if line]
    if not found:
        raise _usage("no codes on standard input")
    return found


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        raise _usage(str(exc)) from None


@app.command()
def check(
    codes: Annotated[
        list[str] | None, typer.Argument(help="Codes to check; none means read stdin.")
    ] = None,
    kind: Annotated[Kind, typer.Option("--kind", "-k", help="Identifier kind.")] = Kind.AUTO,
    parts: Annotated[
        bool, typer.Option("--parts/--no-parts", help="Print the parsed parts of valid codes.")
    ] = True,
) -> None:
    """Validate codes; one JSON object per code; exit 1 if any is invalid."""
    inputs = _read_codes(codes)
    today = clock_from(_settings()).today()
    records = (
        _check_auto(inputs, today) if kind is Kind.AUTO else _check_kind(kind.value, inputs, today)
    )
    all_valid = True
    lines: list[str] = []
    for record in records:
        all_valid &= record["valid"]
        if parts:
            valid = record["valid"] and record["kind"] is not None
            record["parts"] = _parts(record["kind"], record["input"], today) if valid else None
        lines.append(json.dumps(record, ensure_ascii=False, default=_json_value))
        if len(lines) >= _CHUNK:
            typer.echo("\n".join(lines))
            lines.clear()
    if lines:
        typer.echo("\n".join(lines))
    raise typer.Exit(code=0 if all_valid else 1)


@app.command()
def issue(
    authority: Annotated[str, typer.Option("--authority", help="Position 1, e.g. 9.")],
    entity_type: Annotated[str, typer.Option("--type", help="Position 2, e.g. 1.")],
    region: Annotated[str, typer.Option("--region", help="GB/T 2260 code, e.g. 110108.")],
    count: Annotated[int, typer.Option("--count", "-n", min=1, help="How many codes.")] = 1,
) -> None:
    """Issue COUNT new USCCs from the store's persistent counter, one per line."""
    try:
        uscc.issuable_head(authority, entity_type, region)
    except ValidationError as exc:
        raise _usage(f"{exc.reason_en} / {exc.reason_zh}") from None
    if count > uscc.SERIAL_SPACE:
        raise _usage(f"--count must be at most {uscc.SERIAL_SPACE}")
    from xinyong.ledger.errors import LedgerError  # here: `check` needs no store
    from xinyong.ledger.issuing import issue_codes
    from xinyong.ledger.store import open_store

    try:
        with open_store(_settings()) as store:
            codes = issue_codes(store, authority, entity_type, region, count)
    except LedgerError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    except ValueError as exc:  # the counter ran past the serial space
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo("\n".join(codes))
