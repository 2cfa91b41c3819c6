"""``xinyong serve`` runs the portal and API; ``xinyong access`` manages who gets in.

The server runs uvicorn with one worker per ``--workers`` over the store the
settings name (the embedded SQLite file or PostgreSQL). ``access`` commands are
for whoever runs the platform: they act as an operator (or, for the audit
export, an auditor) named after the shell user, and are audited like any other.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from xinyong.settings import SettingsError, env_name, load_settings

__all__ = ["register"]

access_app = typer.Typer(
    help="Operators' tools: staff accounts, activation codes, API keys, the audit export.",
    no_args_is_help=True,
)


def serve(
    host: Annotated[
        str | None, typer.Option(help=f"Address to listen on [{env_name('host')}].")
    ] = None,
    port: Annotated[int | None, typer.Option(help=f"Port [{env_name('port')}].")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, help=f"Worker processes [{env_name('workers')}].")
    ] = None,
) -> None:
    """Serve the portal and the JSON API (127.0.0.1:8000 unless told otherwise)."""
    import uvicorn

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise _fail(str(exc), 2) from None
    bind_host, bind_port = host or settings.host, port or settings.port
    count = workers or settings.workers
    _check_store(settings)
    typer.echo(f"xinyong portal: http://{bind_host}:{bind_port}/  (API: /api/v1, /openapi.json)")
    uvicorn.run(
        "xinyong.web.server:app_from_env", factory=True, host=bind_host, port=bind_port,
        workers=count, log_level=settings.log_level.lower(), proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies, server_header=False,
    )  # fmt: skip


def _check_store(settings: Any) -> None:
    """Fail now, in the terminal, rather than in every worker."""
    from xinyong.ledger import LedgerError, open_store

    try:
        open_store(settings).close()
    except LedgerError as exc:
        raise _fail(str(exc)) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=code)


def _emit(value: dict[str, Any]) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def _user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@contextmanager
def _access() -> Iterator[Any]:
    from xinyong.access import Access, AccessError
    from xinyong.catalog import load_catalog
    from xinyong.ledger import LedgerError, open_store

    try:
        store = open_store(load_settings(), actor=_user())
    except (SettingsError, LedgerError) as exc:
        raise _fail(str(exc), 2 if isinstance(exc, SettingsError) else 1) from None
    try:
        yield Access(store, load_catalog())
    except (AccessError, LedgerError) as exc:
        raise _fail(str(exc)) from None
    finally:
        store.close()


def _as(audience: str) -> Any:
    from xinyong.access import Actor, Audience

    return Actor(Audience(audience), _user())


def _password() -> str:
    from_env = os.environ.get("XINYONG_NEW_PASSWORD")
    if from_env:
        return from_env
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@access_app.command("staff-add")
def staff_add(
    username: str,
    role: Annotated[str, typer.Option(help="operator or auditor.")] = "operator",
) -> None:
    """Create an operator or auditor account (password prompted, or XINYONG_NEW_PASSWORD)."""
    from xinyong.access import Audience
    from xinyong.access.accounts import create_staff

    with _access() as access:
        if role not in ("operator", "auditor"):
            raise _fail("--role must be operator or auditor", 2)
        account = create_staff(access.engine, access.clock, username, _password(), Audience(role))
        _emit({"username": account.username, "role": account.role.value})


@access_app.command("activation")
def activation(code: Annotated[str, typer.Argument(help="USCC of the organisation.")]) -> None:
    """Issue a one-time activation code for an organisation's account (send it by letter)."""
    with _access() as access:
        subject = access.find_subject(code)
        if subject is None:
            raise _fail(f"no organisation is registered under code {code}")
        issued = access.issue_activation(_as("operator"), subject.id)
        _emit({"subject": subject.code, "activation_code": issued})


@access_app.command("key-issue")
def key_issue(
    agency: str,
    purpose: Annotated[list[str], typer.Option(help="A purpose the key may declare (repeat).")],
) -> None:
    """Issue an API key for an agency; the token is printed once and never stored."""
    with _access() as access:
        key, token = access.issue_api_key(_as("operator"), agency, purpose)
        _emit({"key_id": key.key_id, "agency": key.agency, "purposes": list(key.purposes),
               "token": token})  # fmt: skip


@access_app.command("key-revoke")
def key_revoke(key_id: str) -> None:
    """Revoke an API key at once."""
    from xinyong.access.keys import revoke_key

    with _access() as access:
        _emit({"key_id": key_id, "revoked": revoke_key(access.engine, access.clock, key_id)})


@access_app.command("keys")
def keys_list() -> None:
    """List every API key issued (without secrets)."""
    from xinyong.access.keys import list_keys

    with _access() as access:
        for key in list_keys(access.engine):
            _emit({"key_id": key.key_id, "agency": key.agency, "purposes": list(key.purposes),
                   "created_at": key.created_at, "revoked_at": key.revoked_at})  # fmt: skip


@access_app.command("audit-export")
def audit_export(
    after_seq: Annotated[int, typer.Option(min=0, help="Start after this entry.")] = 0,
    limit: Annotated[int, typer.Option(min=1, help="Entries to print.")] = 1000,
) -> None:
    """Print audit entries as JSON lines, in chain order (an auditor's export; itself audited)."""
    with _access() as access:
        for entry in access.export_audit(_as("auditor"), after_seq=after_seq, limit=limit):
            _emit(entry.as_dict())


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``access`` group to the main command."""
    app.command("serve")(serve)
    app.add_typer(access_app, name="access")
