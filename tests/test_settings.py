"""Settings come from XINYONG_* variables, once, with clear errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xinyong.clock import CST, Clock, clock_from
from xinyong.settings import SettingsError, describe, env_name, load_settings


def test_defaults_use_the_embedded_store_under_home() -> None:
    settings = load_settings({})
    assert settings.home == Path("xinyong-data")
    assert settings.database_url is None
    assert settings.resolved_database_url.startswith("sqlite:///")
    assert settings.resolved_database_url.endswith("xinyong-data/xinyong.sqlite3")


def test_environment_values_are_parsed() -> None:
    settings = load_settings(
        {
            "XINYONG_HOME": "/srv/credit",
            "XINYONG_TODAY": "2026-02-14",
            "XINYONG_DATABASE_URL": "postgresql+psycopg://u@h/db",
        }
    )
    assert settings.home == Path("/srv/credit")
    assert settings.today == dt.date(2026, 2, 14)
    assert settings.resolved_database_url == "postgresql+psycopg://u@h/db"


def test_empty_variables_count_as_unset() -> None:
    assert load_settings({"XINYONG_TODAY": " ", "XINYONG_DATABASE_URL": ""}).today is None


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="XINYONG_TODAY: expected a date"):
        load_settings({"XINYONG_TODAY": "14/02/2026"})


def test_overrides_win_over_the_environment() -> None:
    settings = load_settings({"XINYONG_HOME": "a"}, home=Path("b"))
    assert settings.home == Path("b")


def test_every_setting_is_documented() -> None:
    table = describe()
    assert {row["variable"] for row in table} >= {env_name("home"), env_name("today")}
    assert all(row["help"] for row in table)


def test_the_pinned_clock_keeps_its_date_and_a_moving_time() -> None:
    clock = clock_from(load_settings({"XINYONG_TODAY": "2027-01-31"}))
    assert clock.today() == dt.date(2027, 1, 31)
    first, second = clock.now(), clock.now()
    assert first.astimezone(CST).date() == dt.date(2027, 1, 31)
    assert first <= second
    assert first.tzinfo is not None


def test_the_real_clock_reads_china_standard_time() -> None:
    now = dt.datetime.now(CST).date()
    assert Clock().today() in {now, now + dt.timedelta(days=1)}


def test_trusted_proxies_are_addresses_or_networks() -> None:
    value = " 127.0.0.1, 10.0.0.0/8 ,::1"
    assert load_settings({"XINYONG_TRUSTED_PROXIES": value}).trusted_proxies == (
        "127.0.0.1,10.0.0.0/8,::1"
    )
    assert load_settings({"XINYONG_TRUSTED_PROXIES": "*"}).trusted_proxies == "*"
    with pytest.raises(SettingsError, match=r"XINYONG_TRUSTED_PROXIES: .*'proxy\.example'"):
        load_settings({"XINYONG_TRUSTED_PROXIES": "127.0.0.1,proxy.example"})
