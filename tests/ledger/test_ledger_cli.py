"""``xinyong init``, ``verify``, ``head`` and the read commands, on both backends."""

from __future__ import annotations

import dataclasses
import json
import stat
from typing import Any

import pytest
import sqlalchemy as sa
from ledger_helpers import populate, settings_env, usccs
from typer.testing import CliRunner

from xinyong.cli.main import app
from xinyong.ledger import Store, open_store
from xinyong.ledger.tables import events
from xinyong.settings import Settings


@dataclasses.dataclass
class Cli:
    """Runs ``xinyong`` in-process against one store."""

    settings: Settings

    def __call__(self, *args: str) -> Any:
        return CliRunner().invoke(app, list(args), env=settings_env(self.settings))


def _lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_init_creates_the_store_and_a_private_key_file(settings: Settings) -> None:
    keyless = dataclasses.replace(settings, secret_key=None)
    cli = Cli(keyless)
    first = cli("init")
    assert first.exit_code == 0, first.output
    (out,) = _lines(first.stdout)
    assert out["head"] == "0:" + "0" * 64
    assert out["secret_key"] == str(keyless.secret_key_path)
    key_file = keyless.secret_key_path
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text()
    assert cli("init").exit_code == 0  # idempotent: same key, same store
    assert key_file.read_text() == key
    assert (settings.home / "xinyong.sqlite3").exists()
    assert stat.S_IMODE(settings.home.stat().st_mode) == 0o700


def test_init_on_an_empty_database(empty_database_settings: Settings) -> None:
    result = Cli(empty_database_settings)("init")
    assert result.exit_code == 0, result.output
    (out,) = _lines(result.stdout)
    assert out["secret_key"] == "XINYONG_SECRET_KEY"
    url = sa.make_url(empty_database_settings.resolved_database_url)
    assert out["store"] == url.render_as_string(hide_password=True)


def test_commands_on_a_missing_store_say_to_run_init(settings: Settings) -> None:
    for args in (["verify"], ["head"], ["record", "history", "1"]):
        result = Cli(settings)(*args)
        assert result.exit_code == 1
        assert "xinyong init" in result.stderr


def test_verify_and_head_on_an_intact_chain(store: Store, store_settings: Settings) -> None:
    populate(store)
    cli = Cli(store_settings)
    head = cli("head")
    assert head.exit_code == 0, head.output
    (printed,) = _lines(head.stdout)
    assert printed["head"] == str(store.chain_head())
    assert printed["seq"] == 4
    verified = cli("verify", "--expect-head", printed["head"])
    assert verified.exit_code == 0, verified.output
    (report,) = _lines(verified.stdout)
    assert (report["ok"], report["events"], report["head"]) == (True, 4, printed["head"])


def test_verify_exits_1_naming_the_first_bad_event(store: Store, store_settings: Settings) -> None:
    populate(store)
    with store.engine.begin() as conn:
        conn.execute(events.update().where(events.c.seq == 2).values(actor="mallory"))
    result = Cli(store_settings)("verify")
    assert result.exit_code == 1
    (report,) = _lines(result.stdout)
    assert (report["ok"], report["bad_seq"]) == (False, 2)
    assert "chain broken at event 2: event 2 was edited" in result.stderr


def test_verify_against_a_head_that_is_not_there(store: Store, store_settings: Settings) -> None:
    populate(store)
    cli = Cli(store_settings)
    assert cli("verify", "--expect-head", "9:" + "a" * 64).exit_code == 1
    malformed = cli("verify", "--expect-head", "not-a-hash")
    assert malformed.exit_code == 2
    assert "not a chain hash" in malformed.stderr


def test_subject_and_record_reads(store: Store, store_settings: Settings) -> None:
    fx = populate(store)
    store.amend_record(fx.record.id, {"amount": "1.00"}, reason="更正")
    cli = Cli(store_settings)
    shown = cli("subject", "show", fx.company.code or "")
    assert shown.exit_code == 0, shown.output
    (subject,) = _lines(shown.stdout)
    assert subject["subject"]["name"] == fx.company.name
    assert [r["record"]["fields"]["amount"] for r in subject["records"]] == ["1.00"]
    by_id = _lines(cli("subject", "show", str(fx.company.id)).stdout)
    assert by_id == [subject]

    history = cli("record", "history", str(fx.record.id))
    assert [e["type"] for e in _lines(history.stdout)] == ["asserted", "amended"]
    recorded = _lines(history.stdout)[0]["recorded_at"]
    first = cli("record", "history", str(fx.record.id), "--recorded-at", recorded)
    assert [e["type"] for e in _lines(first.stdout)] == ["asserted"]
    before = cli("record", "show", str(fx.record.id), "--recorded-at", recorded)
    (state,) = _lines(before.stdout)
    assert state["record"]["fields"]["amount"] == "5000.00"
    assert state["provenance"]["amount"]["original"] == "伍仟元整"
    too_early = cli("record", "show", str(fx.record.id), "--as-of", "2024-12-31")
    assert too_early.exit_code == 1
    assert cli("subject", "show", usccs(3)[2]).exit_code == 1
    bad_time = cli("record", "show", "1", "--recorded-at", "yesterday")
    assert bad_time.exit_code == 2


def test_source_commands(store: Store, store_settings: Settings) -> None:
    cli = Cli(store_settings)
    added = cli("source", "add", "SAMR-440000", "广东省市场监督管理局", "--region", "440000")
    assert added.exit_code == 0, added.output
    assert _lines(cli("source", "list").stdout) == _lines(added.stdout)
    again = cli("source", "add", "SAMR-440000", "重复")
    assert again.exit_code == 1
    assert "already registered" in again.stderr
    company = cli("subject", "add", usccs(1)[0], "广州某公司")
    assert company.exit_code == 0, company.output
    with open_store(store_settings) as reopened:
        assert reopened.verify().events == 2


@pytest.mark.parametrize("bad", ["91350100M000100Y4", "not a code"])
def test_subject_add_refuses_an_invalid_code(
    store: Store, store_settings: Settings, bad: str
) -> None:
    result = Cli(store_settings)("subject", "add", bad, "某公司")
    assert result.exit_code == 1
    assert "invalid USCC" in result.stderr
    assert store.chain_head().seq == 0


def test_subject_show_reads_an_all_digit_uscc_as_a_code(
    store: Store, store_settings: Settings
) -> None:
    digits = "911101087769324112"
    company = store.register_subject(digits, "legal_person", "全数字代码公司")
    shown = Cli(store_settings)("subject", "show", digits)
    assert shown.exit_code == 0, shown.output
    assert _lines(shown.stdout)[0]["subject"]["id"] == company.id
