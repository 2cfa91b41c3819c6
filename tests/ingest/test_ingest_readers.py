"""Readers (encodings, row numbers, broken rows), date styles, number bounds, the amount rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from ingest_helpers import PENALTY_HEADERS, codes, penalty_row, rejects_of, write_csv

from xinyong.catalog.model import FieldSpec, Label
from xinyong.ingest import ReaderError, ingest_file, readers, typed_transforms
from xinyong.ingest.checks import AmountRule
from xinyong.ingest.columns import Target
from xinyong.ingest.dates import IMPOSSIBLE, INVALID, OPEN_ENDED, parse_cell
from xinyong.ingest.mapping import AmountCheck
from xinyong.ingest.readers import detect_encoding, open_table
from xinyong.ledger import Store

HEADERS = ["名称", "代码"]
ROWS = [["北京甲乙丙有限公司", "91110108MA00000070"], ["深圳𠀀科技", "x"]]


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, detected: str) -> None:
    path = write_csv(tmp_path / "f.csv", HEADERS, ROWS, encoding)  # 𠀀 exists in GB18030, not GBK
    assert detect_encoding(path) == detected
    with open_table(path) as table:
        assert table.headers == HEADERS
        assert [cells for _, cells, _ in table.rows] == ROWS


def test_a_gbk_file_is_detected_and_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "f.csv", HEADERS, ROWS[:1], "gbk")
    assert detect_encoding(path) == "gb18030"  # GBK read as its superset
    with open_table(path, encoding="gbk") as table:
        assert [cells for _, cells, _ in table.rows] == ROWS[:1]


def test_undecodable_and_malformed_rows_are_rejected_not_fatal(
    store: Store, tmp_path: Path
) -> None:
    code = codes(3)
    good = [penalty_row(i + 1, code[i]) for i in range(3)]
    path = write_csv(tmp_path / "p.csv", PENALTY_HEADERS, good, "utf-8")
    lines = path.read_bytes().split(b"\r\n")
    lines[2] = lines[2].replace("测试".encode(), b"\xff\xfe", 1)  # row 2: bytes that are not UTF-8
    lines.insert(3, b"only,three,fields")  # row 3: too few fields
    lines.insert(4, b"")  # a blank line: numbered, skipped
    path.write_bytes(b"\r\n".join(lines))
    summary = ingest_file(store, path, "double-publicity-penalty-cn", "S", source_name="s")
    found = rejects_of(path)
    assert {n: x["reason"] for n, x in found.items()} == {2: "row.encoding", 3: "row.malformed"}
    assert summary.counts.rows == 4
    assert summary.counts.accepted == 2


def test_json_lines_number_rows_by_line(tmp_path: Path) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text('{"a": 1}\n\nnot json\n[1, 2]\n{"a": 2, "b": 3}\n', encoding="utf-8")
    with open_table(path) as table:
        assert table.headers == ["a"]
        got = [(n, cells, problem is not None) for n, cells, problem in table.rows]
    assert got == [(1, [1], False), (3, None, True), (4, None, True), (5, [2], False)]


def _workbook(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "处罚"
    sheet.append(["名称", "金额", "决定日期", "时刻", "备注", None])
    sheet.append(["北京甲乙丙有限公司", 5, dt.date(2025, 1, 6), dt.datetime(2025, 1, 6, 9, 30), ""])
    sheet.append(["乙", 0.25, 45663, None, " 甲 "])
    sheet.append([None, None, None, None, None])  # blank: numbered, not yielded
    sheet.append(["丙", 1e15, "2025年1月6日", True, "x", "beyond the header"])
    sheet.append(["丁", -3, None, None, None])
    book.create_sheet("其他").append(["x"])
    book.save(path)
    return path


@pytest.fixture(params=["whole", "streamed"])
def xlsx_reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both XLSX readers: calamine for files up to the size limit, openpyxl beyond."""
    if request.param == "streamed":
        monkeypatch.setattr(readers, "WHOLE_XLSX_BYTES", 0)
    return str(request.param)


def test_both_xlsx_readers_give_the_same_values(tmp_path: Path, xlsx_reader: str) -> None:
    path = _workbook(tmp_path / "f.xlsx")
    with open_table(path) as table:
        assert table.headers == ["名称", "金额", "决定日期", "时刻", "备注"]
        rows = list(table.rows)
    assert rows == [
        (1, ["北京甲乙丙有限公司", 5, dt.datetime(2025, 1, 6), dt.datetime(2025, 1, 6, 9, 30),
             None], None),
        (2, ["乙", 0.25, 45663, None, " 甲 "], None),
        (4, None, "values beyond the 5 columns of the header"),
        (5, ["丁", -3, None, None, None], None),
    ]  # fmt: skip
    assert [type(cells[1]) for _, cells, _ in rows if cells] == [int, float, int]
    with open_table(path, sheet="其他") as table:
        assert table.headers == ["x"]
    with pytest.raises(ReaderError, match="no sheet named '缺'"):
        open_table(path, sheet="缺")


def test_an_unreadable_workbook_is_a_reader_error(tmp_path: Path, xlsx_reader: str) -> None:
    import zipfile

    text = tmp_path / "text.xlsx"
    text.write_text("名称,代码\n", encoding="utf-8")
    good = _workbook(tmp_path / "good.xlsx")
    damaged = tmp_path / "damaged.xlsx"  # the sheet's XML cut in half
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(damaged, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            cut = "worksheets/sheet1" in item.filename
            dst.writestr(item, data[: len(data) // 2] if cut else data)
    for path in (text, damaged):  # streamed, the break shows only while reading
        with (
            pytest.raises(ReaderError, match="not a readable XLSX workbook"),
            open_table(path) as table,
        ):
            list(table.rows)


def test_unknown_file_types_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ReaderError, match="unknown file type"):
        open_table(tmp_path / "f.pdf")
    (tmp_path / "e.csv").write_bytes(b"")
    with pytest.raises(ReaderError, match="empty"):
        open_table(tmp_path / "e.csv")


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("2025-03-07", dt.date(2025, 3, 7)),
        ("2025/3/7", dt.date(2025, 3, 7)),
        ("20250307", dt.date(2025, 3, 7)),
        ("2025年03月07日", dt.date(2025, 3, 7)),
        ("2025.3.7", dt.date(2025, 3, 7)),
        ("2025-03-07 00:00:00", dt.date(2025, 3, 7)),
        ("２０２５－０３－０７", dt.date(2025, 3, 7)),
        (45723, dt.date(2025, 3, 7)),
        ("45723", dt.date(2025, 3, 7)),
        (dt.datetime(2025, 3, 7, 12, 0), dt.date(2025, 3, 7)),
        ("长期", OPEN_ENDED),
        ("2025-02-30", IMPOSSIBLE),
        ("2025年13月01日", IMPOSSIBLE),
        (60, IMPOSSIBLE),  # Excel's 1900-02-29
        ("下周三", INVALID),
        ("2025-3", INVALID),
        ("", None),
        (None, None),
    ],
)
def test_date_styles(cell: object, expected: object) -> None:
    assert parse_cell(cell) == expected


def test_the_amount_unit_rule() -> None:
    rule = AmountRule(AmountCheck(("fine_amount",), "penalty_content", Decimal(1000)))
    assert not rule.suspect("0.13", "罚款人民币1300元")
    assert rule.suspect("1300", "罚款人民币1300元")  # the yuan figure in the 万元 column
    assert rule.suspect("2000", None)  # above the ceiling, nothing confirms it
    assert not rule.suspect("2000", "罚款2000万元")  # confirmed in 万元
    assert not rule.suspect("1200", "罚款人民币12,000,000元")  # confirmed in yuan
    assert not rule.suspect("98.47", "罚款人民币984700元")
    assert not rule.suspect("0", "警告")


@pytest.mark.parametrize(
    ("kind", "cells", "values", "reasons"),
    [
        ("integer", ["2014", "2013", "20150", "-2020", "２０２０", "20-20"],
         [2014, None, None, None, 2020, None],
         {1: "must be at least 2014", 2: "must be at most 2030", 3: "must be at least 2014",
          5: "must be a whole number"}),
        # A minus sign is a minus sign: "-1" was once folded like a code's hyphen, into 1.
        ("decimal", ["0", "12.50", "-1", "2031", "１，２００.５", "－3"],
         ["0", "12.5", None, None, "1200.5", None],
         {2: "the amount is negative", 3: "must be at most 2030", 5: "the amount is negative"}),
    ],
)  # fmt: skip
def test_numbers_are_held_to_the_catalog_bounds(
    kind: Literal["integer", "decimal"],
    cells: list[str],
    values: list[object],
    reasons: dict[int, str],
) -> None:
    spec = FieldSpec(
        "n", kind, Label("数", "n"), "public",
        minimum=2014 if kind == "integer" else 0, maximum=2030 if kind == "integer" else 2030.0,
    )  # fmt: skip
    column = getattr(typed_transforms, kind)(Target("n", "数", spec))(cells)
    assert column.values == values
    assert {i: f.detail_en for i, f in column.faults.items()} == reasons
