"""Ledger commands: ``init``, ``verify``, ``head`` and the ``source``/``subject``/``record`` groups.

Every command prints JSON (one object per line) so it composes with ``jq``.
``verify`` exits 0 when the chain is intact and 1 when it is not, naming the
first bad event on stderr, so a cron job or a monitoring check can run it.
Identity numbers are never accepted on the command line: they would end up in
shell history and process listings.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import getpass
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from xinyong.clock import CST, clock_from
from xinyong.ledger import LedgerError, Store, open_store
from xinyong.ledger.migrate import head_revision
from xinyong.settings import SettingsError, env_name, load_settings

__all__ = ["register"]

AsOf = Annotated[
    dt.datetime | None,
    typer.Option(
        "--as-of", help="Valid time: the state on this date (YYYY-MM-DD).", formats=["%Y-%m-%d"]
    ),
]
RecordedAt = Annotated[
    str | None,
    typer.Option(
        "--recorded-at",
        help="Transaction time: as the ledger knew it at this ISO 8601 instant "
        "(without an offset, China Standard Time).",
    ),
]


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _emit(value: Any) -> None:
    typer.echo(json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True))


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=code)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in some containers
        return "cli"


@contextmanager
def _store(*, create: bool = False) -> Iterator[Store]:
    try:
        settings = load_settings()
        store = open_store(settings, clock_from(settings), create=create, actor=_actor())
    except (SettingsError, LedgerError) as exc:
        raise _fail(str(exc), 2 if isinstance(exc, SettingsError) else 1) from None
    try:
        yield store
    except LedgerError as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()


def _instant(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"--recorded-at: not an ISO 8601 instant: {text!r}", 2) from None
    return value.replace(tzinfo=CST) if value.tzinfo is None else value


def _date(value: dt.datetime | None) -> dt.date | None:
    return None if value is None else value.date()


def init() -> None:
    """Create the store (and the key file, unless XINYONG_SECRET_KEY is set); idempotent."""
    with _store(create=True) as store:
        settings = store.settings
        key = env_name("secret_key") if settings.secret_key else str(settings.secret_key_path)
        _emit(
            {
                "store": store.engine.url.render_as_string(hide_password=True),
                "schema": head_revision(),
                "secret_key": key,
                "head": str(store.chain_head()),
            }
        )


def verify(
    expect_head: Annotated[
        str | None,
        typer.Option(
            help="A previously published head (HASH or SEQ:HASH) that must still be there."
        ),
    ] = None,
) -> None:
    """Check the hash chain; exit 1 naming the first bad event if anything was tampered with."""
    with _store() as store:
        try:
            report = store.verify(expect_head)
        except ValueError as exc:
            raise _fail(str(exc), 2) from None
    _emit({**_jsonable(report), "head": str(report.head)})
    if not report.ok:
        where = "" if report.bad_seq is None else f" at event {report.bad_seq}"
        raise _fail(f"chain broken{where}: {report.reason}")


def head() -> None:
    """Print the chain head; publish its `head` value to make later rewrites detectable."""
    with _store() as store:
        found = store.chain_head()
    _emit({**_jsonable(found), "head": str(found)})


source_app = typer.Typer(help="Furnishing departments.", no_args_is_help=True)
subject_app = typer.Typer(help="Organisations and persons records are about.", no_args_is_help=True)
record_app = typer.Typer(help="Credit records and their history.", no_args_is_help=True)


@source_app.command("add")
def source_add(
    code: str,
    name: str,
    kind: Annotated[str, typer.Option(help="Kind of source.")] = "department",
    region: Annotated[str | None, typer.Option(help="GB/T 2260 division code.")] = None,
) -> None:
    """Register a source (furnishing department)."""
    with _store() as store:
        _emit(store.register_source(code, name, kind=kind, region=region))


@source_app.command("list")
def source_list() -> None:
    """Print every source, one per line."""
    with _store() as store:
        for found in store.list_sources():
            _emit(found)


@subject_app.command("add")
def subject_add(
    code: Annotated[str, typer.Argument(help="The organisation's USCC.")],
    name: str,
    kind: Annotated[str, typer.Option(help="Subject kind from the catalog.")] = "legal_person",
    region: Annotated[str | None, typer.Option(help="GB/T 2260 division code.")] = None,
) -> None:
    """Register an organisation under its USCC."""
    with _store() as store:
        _emit(store.register_subject(code, kind, name, region=region))


@subject_app.command("show")
def subject_show(
    key: Annotated[str, typer.Argument(help="USCC or subject id.")],
    as_of: AsOf = None,
    recorded_at: RecordedAt = None,
) -> None:
    """Print a subject and its records, now or as of a valid and a transaction time."""
    with _store() as store:
        # A USCC can be all digits (e.g. 911101087769324112); ids are far shorter.
        is_id = key.isdigit() and len(key) < 15
        subject = store.get_subject(int(key)) if is_id else store.find_subject(key)
        if subject is None:
            raise _fail(f"no subject {key}")
        state = store.subject_as_of(subject.id, _date(as_of), _instant(recorded_at))
    if state is None:
        raise _fail(f"subject {key} was not registered by then")
    _emit(state)


@record_app.command("show")
def record_show(record_id: int, as_of: AsOf = None, recorded_at: RecordedAt = None) -> None:
    """Print a record with the provenance of each field, now or as of then."""
    with _store() as store:
        state = store.record_as_of(record_id, _date(as_of), _instant(recorded_at))
    if state is None:
        raise _fail(f"record {record_id} did not exist then")
    _emit(state)


@record_app.command("history")
def record_history(record_id: int, as_of: AsOf = None, recorded_at: RecordedAt = None) -> None:
    """Print a record's events, one per line (only those effective and recorded by then)."""
    with _store() as store:
        events = store.history(record_id, valid_at=_date(as_of), recorded_at=_instant(recorded_at))
    if not events:
        raise _fail(f"no events for record {record_id}")
    for event in events:
        _emit(event)


_TOP: dict[str, Callable[..., None]] = {"init": init, "verify": verify, "head": head}


def register(app: typer.Typer) -> None:
    """Add the ledger commands to the ``xinyong`` application."""
    for name, command in _TOP.items():
        app.command(name)(command)
    app.add_typer(source_app, name="source")
    app.add_typer(subject_app, name="subject")
    app.add_typer(record_app, name="record")
