"""``xinyong access`` (staff, activation codes, keys, audit export) and ``verify`` on the trail."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import sqlalchemy as sa
from access_helpers import World, populate
from typer.testing import CliRunner

from xinyong.access import AuthenticationError
from xinyong.cli.main import app
from xinyong.ledger import Store
from xinyong.settings import Settings


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env.update(
        XINYONG_HOME=str(settings.home),
        XINYONG_SECRET_KEY=settings.secret_key or "",
        XINYONG_DATABASE_URL=settings.database_url or "",
        XINYONG_TODAY=settings.today.isoformat() if settings.today else "",
        **extra,
    )
    return env


def _run(store: Store, *args: str, **extra: str) -> Any:
    return CliRunner().invoke(app, list(args), env=_env(store.settings, **extra))


def _lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip().startswith("{")]


@pytest.fixture
def world(store: Store) -> World:
    return populate(store)


def test_operators_issue_codes_and_keys_from_the_command_line(world: World, store: Store) -> None:
    code = world.company.code
    assert code is not None
    issued = _run(store, "access", "activation", code)
    assert issued.exit_code == 0, issued.output
    (out,) = _lines(issued.stdout)
    account = world.access.activate(out["activation_code"], "tuokang", "a long enough password")
    assert account.subject_id == world.company.id
    key = _run(store, "access", "key-issue", "SAMR-110108", "--purpose", "licensing_review")
    (made,) = _lines(key.stdout)
    assert world.access.actor_for_api_key(made["token"]).agency == "SAMR-110108"
    listed = _lines(_run(store, "access", "keys").stdout)
    assert [k["key_id"] for k in listed] == [made["key_id"]]
    assert "token" not in listed[0]
    assert _lines(_run(store, "access", "key-revoke", made["key_id"]).stdout)[0]["revoked"]
    bad = _run(store, "access", "key-issue", "SAMR-110108", "--purpose", "spying")
    assert bad.exit_code == 1
    assert "unknown purpose" in bad.output


def test_staff_accounts_and_the_audit_export(world: World, store: Store) -> None:
    made = _run(store, "access", "staff-add", "alice", "--role", "auditor",
                XINYONG_NEW_PASSWORD="a long enough password")  # fmt: skip
    assert made.exit_code == 0, made.output
    world.access.sign_in("alice", "a long enough password")
    entries = _lines(_run(store, "access", "audit-export").stdout)
    assert [e["action"] for e in entries][-2:] == ["sign_in", "export_audit"]  # itself logged
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))


def test_verify_fails_when_the_audit_trail_was_edited(world: World, store: Store) -> None:
    with pytest.raises(AuthenticationError):
        world.access.sign_in("nobody", "wrong password!")
    ok = _run(store, "verify")
    assert ok.exit_code == 0, ok.output
    assert _lines(ok.stdout)[0]["audit_entries"] == 1
    with store.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET outcome = 'granted'"))
    broken = _run(store, "verify")
    assert broken.exit_code == 1
    assert "audit entry 1 was edited" in broken.output
