"""The demo loads a generated region through the real pipeline, and does so only once."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from typer.testing import CliRunner

from xinyong.cli.main import app
from xinyong.demo import DEMO_AS_OF, DemoOptions, run_demo
from xinyong.settings import Settings

SMALL = DemoOptions(entities=120, records=1_200, seed=7)


def _after_the_region(settings: Settings) -> Settings:
    # The region's decisions run up to DEMO_AS_OF; on an earlier clock they would be "future".
    return dataclasses.replace(settings, today=DEMO_AS_OF + dt.timedelta(days=30))


def test_the_demo_loads_a_region_and_a_second_run_adds_nothing(store_settings: Settings) -> None:
    settings = _after_the_region(store_settings)
    first = run_demo(settings, SMALL)
    assert first.verify.ok
    assert first.stats.subjects >= SMALL.entities
    assert first.totals.rows == SMALL.entities + SMALL.records
    assert first.totals.accepted > 0.9 * SMALL.records
    assert first.totals.rejected == sum(first.totals.rejected_by_reason.values()) > 0
    assert first.stats.records == first.totals.accepted - SMALL.entities
    assert first.examples
    assert {"administrative_penalty", "administrative_licence"} <= set(first.stats.records_by_type)

    second = run_demo(settings, SMALL)
    assert all(summary.already_ingested for summary in second.files)
    assert second.stats == first.stats
    assert second.verify.head == first.verify.head


def test_the_demo_command_prints_what_it_loaded(settings: Settings) -> None:
    env = {
        "XINYONG_HOME": str(settings.home),
        "XINYONG_TODAY": (DEMO_AS_OF + dt.timedelta(days=30)).isoformat(),
        "XINYONG_SECRET_KEY": settings.secret_key or "",
    }
    runner = CliRunner()
    args = ["demo", "--entities", "60", "--records", "600", "--json", "--no-serve"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["chain_ok"] is True
    assert report["ingested"]["rows"] == 660
    assert report["examples"]

    text = runner.invoke(
        app, ["demo", "--entities", "60", "--records", "600", "--no-serve"], env=env
    )
    assert text.exit_code == 0, text.output
    assert "chain intact" in text.stdout
    assert f"subject show {report['examples'][0]}" in text.stdout


def test_subject_show_takes_an_all_digit_uscc_as_a_code(settings: Settings) -> None:
    from xinyong.ledger import open_store

    with open_store(settings, create=True) as store:
        store.register_subject("911101087769324112", "enterprise", "北京某某科技有限公司")
    env = {"XINYONG_HOME": str(settings.home), "XINYONG_SECRET_KEY": settings.secret_key or ""}
    result = CliRunner().invoke(app, ["subject", "show", "911101087769324112"], env=env)
    assert result.exit_code == 0, result.output
    assert "北京某某科技有限公司" in result.stdout
