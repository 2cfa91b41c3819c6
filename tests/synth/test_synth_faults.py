"""Ground truth: every line points at a real row, and that row is faulty as described."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, PARAMS
from synth_read import feed_tables, manifest, parse_date, truths

from xinyong.ids import uscc
from xinyong.synth import generate
from xinyong.synth.faults import FAULT_KINDS
from xinyong.synth.layout import OPS_CN, OPS_IUD

Tables = dict[str, tuple[dict[str, Any], list[str], dict[str, list[Any]]]]


@pytest.fixture(scope="module")
def tables(dataset: Path) -> Tables:
    return feed_tables(dataset)


@pytest.fixture(scope="module")
def lines(dataset: Path) -> list[dict[str, Any]]:
    return truths(dataset)


def _row(tables: Tables, ref: dict[str, Any], feed: str) -> tuple[list[str], list[Any]]:
    _, header, files = tables[feed]
    rows = files[ref["file"]]
    assert 1 <= ref["row"] <= len(rows)
    return header, rows[ref["row"] - 1]


def _plain(cell: Any, style: str) -> str:
    day = parse_date(cell, style) if not isinstance(cell, str) else None
    return day.isoformat() if day else str(cell)


def _fullwidth(text: str) -> bool:
    """Full-width digits or Latin letters, or an ideographic space (not brackets, which
    registered names legitimately use)."""
    return any((c.isalnum() and 0xFF10 <= ord(c) <= 0xFF5A) or c == "\u3000" for c in text)


def test_every_fault_kind_occurs(lines: list[dict[str, Any]]) -> None:
    assert {t["fault"] for t in lines} == {f.name for f in FAULT_KINDS}


def test_fault_rate_is_close_to_the_requested_rate(lines: list[dict[str, Any]]) -> None:
    assert len(lines) / PARAMS["records"] == pytest.approx(PARAMS["error_rate"], rel=0.15)


def test_lines_are_ordered_by_feed_then_file_and_row(
    lines: list[dict[str, Any]], dataset: Path
) -> None:
    order = {f["feed"]: i for i, f in enumerate(manifest(dataset)["feeds"])}
    keys = [(order[t["feed"]], t["file"], t["row"]) for t in lines]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_each_faulty_row_is_faulty_as_described(
    tables: Tables, lines: list[dict[str, Any]]
) -> None:
    for t in lines:
        feed, header, _ = tables[t["feed"]]
        style = feed["date_format"]
        head, row = _row(tables, t, t["feed"])
        cell = dict(zip(head, row, strict=True))
        kind, column = t["fault"], t.get("column")
        value = cell[column] if column else None
        if kind == "uscc.checksum":
            assert t["id_error"] == "InvalidChecksum"
            assert not uscc.is_valid(value)
            assert t["intended"][column] == t["subject"]
        elif kind == "uscc.length":
            assert len(value) == 17
            assert t["id_error"] == "InvalidLength"
        elif kind == "uscc.missing":
            assert value == ""
            assert uscc.is_valid(t["intended"][column])
        elif kind == "name.fullwidth_space":
            assert "\u3000" in value
            assert value.strip() == t["normalised"][column]
        elif kind == "code.fullwidth":
            assert _fullwidth(value)
            assert uscc.validate(value) == t["normalised"][column]
        elif kind == "date.fullwidth":
            normal = unicodedata.normalize("NFKC", value)
            assert _fullwidth(value)
            assert str(parse_date(normal, style)) == t["normalised"][column]
        elif kind == "name.halfwidth_brackets":
            assert "(" in value
            assert value.replace("(", "（").replace(")", "）") == t["normalised"][column]
        elif kind == "date.impossible":
            assert parse_date(value, style) is None
            assert parse_date(t["intended"][column], "iso") is not None
        elif kind == "date.future":
            assert parse_date(value, style) > AS_OF  # type: ignore[operator]
        elif kind == "date.end_before_start":
            start, end = (c for c in t["intended"])
            assert parse_date(cell[start], style) > parse_date(cell[end], style)  # type: ignore[operator]
        elif kind == "amount.unit_suspect":
            assert Decimal(value) >= 1000
            assert Decimal(value) == Decimal(t["intended"][column]) * 10_000
        elif kind == "subject.kind_mismatch":
            assert value != t["intended"][column]
        else:
            _check_targeted(tables, t, feed, header, row)


def _check_targeted(
    tables: Tables, t: dict[str, Any], feed: dict[str, Any], header: list[str], row: list[Any]
) -> None:
    _target_header, target = _row(tables, t["target"], t["feed"])
    assert (t["target"]["file"], t["target"]["row"]) < (t["file"], t["row"])
    operation = feed["operation"]
    ops = (operation["new"], operation["amend"], operation["revoke"])
    assert ops in (OPS_CN, OPS_IUD)
    op = header.index(operation["column"])
    assert target[op] == ops[0]
    differs = {h for h, a, b in zip(header, row, target, strict=True) if a != b}
    if t["fault"] == "duplicate":
        assert row == target
        assert t["expected"] == "unchanged"
    elif t["fault"] == "revocation":
        assert row[op] == ops[2]
        assert differs == {header[op]}
        assert t["expected"] == "withdrawn"
    else:
        assert row[op] == ops[1]
        assert t["expected"] == "amended"
        changed = set(t["changes"])
        assert changed <= differs <= changed | {header[op], "处罚内容"}
        for column, new in t["changes"].items():
            cell = row[header.index(column)]
            day = parse_date(cell, feed["date_format"])
            assert str(cell) == new or (day is not None and day.isoformat() == new)


def test_targets_are_referred_to_once(lines: list[dict[str, Any]]) -> None:
    targets = [(t["target"]["file"], t["target"]["row"]) for t in lines if "target" in t]
    faulty = {(t["file"], t["row"]) for t in lines}
    assert len(set(targets)) == len(targets)
    assert not set(targets) & faulty  # references point at clean rows


def test_rows_without_ground_truth_are_clean(tables: Tables, lines: list[dict[str, Any]]) -> None:
    faulty = {(t["file"], t["row"]) for t in lines}
    for feed, header, files in tables.values():
        style = feed["date_format"]
        checks = _clean_checks(header)
        for path, rows in files.items():
            for number, row in enumerate(rows, 1):
                if (path, number) not in faulty:
                    checks(row, style, feed["feed"])


def _clean_checks(header: list[str]):  # type: ignore[no-untyped-def]
    code = next(
        (
            header.index(h)
            for h in (
                "行政相对人代码_1（统一社会信用代码）",
                "统一社会信用代码",
                "纳税人识别号",
                "uscc",
            )
            if h in header
        ),
        None,
    )
    dates = [i for i, h in enumerate(header) if "日期" in h or h.endswith("Date")]
    amount = header.index("罚款金额（万元）") if "罚款金额（万元）" in header else None

    def check(row: list[Any], style: str, feed: str) -> None:
        if code is not None and row[code]:
            assert uscc.is_valid(row[code]), (feed, row[code])
        for i in dates:
            if row[i] != "":
                day = parse_date(row[i], style)
                assert day is not None, (feed, header[i], row[i])
                assert day <= AS_OF, (feed, header[i], row[i])
        if amount is not None and row[amount]:
            assert Decimal(row[amount]) < 1000
        assert not any(isinstance(c, str) and _fullwidth(c) for c in row), (feed, row)

    return check


def test_faults_never_change_the_clean_rows(dataset: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    generate(clean, **{**PARAMS, "error_rate": 0.0})  # type: ignore[arg-type]
    faulty = {(t["file"], t["row"]) for t in truths(dataset)}
    assert truths(clean) == []
    noisy, answer = feed_tables(dataset), feed_tables(clean)
    for key, (_, _, files) in noisy.items():
        for path, rows in files.items():
            reference = answer[key][2][path]
            for number, (row, expected) in enumerate(zip(rows, reference, strict=True), 1):
                if (path, number) not in faulty:
                    assert row == expected


def test_ground_truth_lines_name_the_true_subject(
    dataset: Path, lines: list[dict[str, Any]]
) -> None:
    codes = {
        line.split(",", 1)[0]
        for line in (dataset / "subjects.csv").read_text(encoding="utf-8").splitlines()[1:]
    }
    for t in lines:
        assert t["subject"] is None or t["subject"] in codes
        assert t["expected"] in ("reject", "accept", "unchanged", "amended", "withdrawn")
        assert ("reason" in t) == (t["expected"] == "reject")


def test_dates_of_every_record_lie_in_the_five_years_before_the_anchor(tables: Tables) -> None:
    feed, header, files = tables["mr-penalty"]
    days = [
        parse_date(r[header.index("处罚决定日期")], "iso") for r in files[feed["files"][0]["path"]]
    ]
    known = [d for d in days if d is not None and d <= AS_OF]
    assert min(known) >= AS_OF - dt.timedelta(days=5 * 366)


def test_ground_truth_points_into_xlsx_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    stream = importlib.import_module("xinyong.synth.stream")
    monkeypatch.setattr(stream, "XLSX_PART_ROWS", 300)
    root = tmp_path / "parts"
    generate(root, 300, 8_000, seed=5, error_rate=0.2)
    feeds = {f["feed"]: f for f in manifest(root)["feeds"]}
    assert len(feeds["tax-rating"]["files"]) > 2
    assert all(f["rows"] <= 300 for f in feeds["tax-rating"]["files"])
    lines = truths(root)
    in_parts = [t for t in lines if t["file"].endswith("-002.xlsx")]
    assert in_parts
    test_each_faulty_row_is_faulty_as_described(feed_tables(root), lines)
    test_targets_are_referred_to_once(lines)
