"""``xinyong id check`` and ``xinyong id issue``: exit codes, stdin, JSON fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ids_strategies import TODAY
from typer.testing import CliRunner

from xinyong.cli import ids as cli
from xinyong.ids import detect, uscc
from xinyong.ledger import Store
from xinyong.ledger.issuing import issue_codes

runner = CliRunner()


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINYONG_TODAY", TODAY.isoformat())


def _lines(output: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in output.splitlines()]


def test_all_valid_arguments_exit_0() -> None:
    result = runner.invoke(cli.app, ["check", "91110000600037341L", "N2110108MA01ABCD5A"])
    assert result.exit_code == 0, result.output
    records = _lines(result.output)
    assert [r["kind"] for r in records] == ["uscc", "uscc"]
    assert all(r["valid"] and r["error"] is None and r["reason"] is None for r in records)
    assert records[1]["parts"]["authority"] == {"code": "N", "zh": "农业", "en": "agriculture"}
    assert records[0]["parts"]["region"]["code"] == "110000"


def test_any_invalid_exits_1_with_a_reason_in_both_languages() -> None:
    result = runner.invoke(cli.app, ["check", "91110000600037341L", "91110000600037342P"])
    assert result.exit_code == 1
    good, bad = _lines(result.output)
    assert good["valid"]
    assert not bad["valid"]
    assert bad["error"] == "InvalidChecksum"
    assert "组织机构代码" in bad["reason"]["zh"]
    assert "organization code" in bad["reason"]["en"]
    assert (bad["field"], bad["position"], bad["parts"]) == ("organization_code", 17, None)


def test_stdin_mode_skips_blank_lines_and_keeps_chinese_readable() -> None:
    text = "91110000600037341L\n\n  \n01110000600037341X\n"
    result = runner.invoke(cli.app, ["check", "--kind", "uscc"], input=text)
    assert result.exit_code == 1
    assert "登记管理部门代码" in result.output  # ensure_ascii=False
    records = _lines(result.output)
    assert [r["input"] for r in records] == ["91110000600037341L", "01110000600037341X"]
    assert records[1]["error"] == "InvalidComponent"


def test_many_codes_on_stdin_take_the_bulk_path_and_keep_order() -> None:
    codes = uscc.issue("9", "1", "110108", range(3000))
    codes[1234] = codes[1234][:-1] + ("0" if codes[1234][-1] != "0" else "1")
    result = runner.invoke(cli.app, ["check", "--no-parts"], input="\n".join(codes))
    assert result.exit_code == 1
    records = _lines(result.output)
    assert [r["input"] for r in records] == codes
    assert [i for i, r in enumerate(records) if not r["valid"]] == [1234]
    assert "parts" not in records[0]


def test_citizen_numbers_print_only_region_birth_date_and_sex() -> None:
    result = runner.invoke(cli.app, ["check", "--kind", "ric", "360426910101007"])
    assert result.exit_code == 0
    (record,) = _lines(result.output)
    assert record["value"] == "360426199101010071"
    assert set(record["parts"]) == {"region", "birth_date", "sex", "legacy"}
    assert record["parts"]["birth_date"] == "1991-01-01"
    assert record["parts"]["legacy"] is True


def test_the_platform_clock_decides_future_birth_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINYONG_TODAY", "2014-10-04")
    result = runner.invoke(cli.app, ["check", "44011320141005001X"])
    assert result.exit_code == 1
    assert "after today" in _lines(result.output)[0]["reason"]["en"]


@pytest.mark.parametrize(
    ("code", "kind"),
    [("600037341", "orgcode"), ("510000000391563", "regno15"), ("11010519491231002X", "ric")],
)
def test_auto_detects_each_kind(code: str, kind: str) -> None:
    result = runner.invoke(cli.app, ["check", code])
    assert result.exit_code == 0
    assert _lines(result.output)[0]["kind"] == kind


def test_undetectable_input_is_invalid_not_a_crash() -> None:
    result = runner.invoke(cli.app, ["check", "12345"])
    assert result.exit_code == 1
    (record,) = _lines(result.output)
    assert (record["kind"], record["error"]) == (None, "InvalidLength")


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (["check", "--kind", "iban", "x"], None),
        (["check"], ""),
        (["check"], "\n \n"),
        (["issue", "--authority", "0", "--type", "1", "--region", "110108"], None),
        (["issue", "--authority", "9", "--type", "9", "--region", "110108"], None),
        (["issue", "--authority", "9", "--type", "1", "--region", "990000"], None),
        (["issue", "--authority", "9", "--type", "1", "--region", "110108", "--count", "0"], None),
    ],
)
def test_usage_errors_exit_2(args: list[str], stdin: str | None) -> None:
    result = runner.invoke(cli.app, args, input=stdin)
    assert result.exit_code == 2, result.output


def test_a_bad_region_for_issue_is_explained() -> None:
    args = ["issue", "--authority", "9", "--type", "1", "--region", "110103"]
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 2
    assert "110103" in result.output
    assert "no longer in force" in result.output


def test_issue_with_the_real_ledger_never_repeats_a_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinyong.ledger.store import open_store
    from xinyong.settings import load_settings

    monkeypatch.setenv("XINYONG_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XINYONG_SECRET_KEY", "5eed" * 16)
    open_store(load_settings(), create=True).close()
    args = ["issue", "--authority", "5", "--type", "1", "--region", "320594", "-n", "4"]
    runs = [runner.invoke(cli.app, args) for _ in range(2)]
    assert [run.exit_code for run in runs] == [0, 0], runs[0].output
    codes = [code for run in runs for code in run.output.split()]
    assert len(codes) == len(set(codes)) == 8
    assert all(uscc.is_valid(code) for code in codes)


def test_issue_without_a_store_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINYONG_HOME", str(tmp_path / "nothing-here"))
    result = runner.invoke(
        cli.app, ["issue", "--authority", "9", "--type", "1", "--region", "110108"]
    )
    assert result.exit_code == 1
    assert "xinyong init" in result.output


def test_auto_on_a_mixed_batch_keeps_order_and_agrees_with_detect() -> None:
    codes = [
        "91110000600037341L",
        "11010519491231002X",
        "600037341",
        "510000000391563",
        "360426910101007",
        "91110000600037342P",
        "36042619910102009X",
        "12345",
        "N2110108MA01ABCD5A",
    ]
    result = runner.invoke(cli.app, ["check"], input="\n".join(codes))
    assert result.exit_code == 1
    records = _lines(result.output)
    assert [r["input"] for r in records] == codes
    assert [r["kind"] for r in records] == [detect(code) for code in codes]
    assert [r["valid"] for r in records] == [True] * 5 + [False] * 3 + [True]


def test_issue_skips_organization_codes_the_store_already_holds(store: Store) -> None:
    # A subject loaded from elsewhere carries the organization code that serial 0
    # and serial 1 would give (under another authority and region).
    for serial in (0, 1):
        (taken,) = uscc.issue("5", "1", "110105", [serial])
        store.register_subject(taken, "social_organisation", f"某某协会{serial}")
    codes = issue_codes(store, "9", "1", "110108", 3)
    assert len(set(codes)) == 3
    assert all(uscc.is_valid(code) for code in codes)
    assert {code[8:17] for code in codes}.isdisjoint(
        {uscc.issue("5", "1", "110105", [n])[0][8:17] for n in (0, 1)}
    )
