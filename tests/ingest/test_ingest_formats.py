"""Department files in every format: exact counts, and the reason, row and field of each reject."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from ingest_helpers import (
    PENALTY_HEADERS,
    codes,
    count_rows,
    penalty_row,
    person_number,
    rejects_of,
    write_csv,
)

from xinyong.catalog import load_catalog
from xinyong.ingest import ingest_file
from xinyong.ledger import Store
from xinyong.ledger.tables import records, subjects

MAPPING = "double-publicity-penalty-cn"
ORG = codes(20)
SHOP = codes(2, kind="2")


def _bad_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


#: (row, expected reason or None, field) for the mixed file below.
EXPECTED: list[tuple[int, str | None, str | None]] = [
    (1, None, None),
    (2, "uscc.checksum", "uscc"),
    (3, "uscc.missing", "uscc"),
    (4, "date.impossible", "decision_date"),
    (5, "date.future", "decision_date"),
    (6, "date.end_before_start", "decision_date"),
    (7, "amount.unit_suspect", "fine_amount"),
    (8, "subject.kind_mismatch", "counterpart_category"),
    (9, None, None),
    (10, "ric.checksum", "counterpart_id_number"),
    (11, "field.invalid", "penalty_types"),
    (12, "field.missing", "violation_type"),
    (13, None, None),
    (14, None, None),
    (15, None, None),
    (16, "subject.kind_mismatch", "counterpart_category"),
]


def mixed_rows() -> list[list[str]]:
    """Sixteen penalty rows: good ones and one of each common fault."""
    person = person_number(7)
    bad_person = person[:-1] + ("0" if person[-1] != "0" else "1")
    rows = [
        penalty_row(1, ORG[0]),
        penalty_row(2, _bad_check(ORG[1])),
        penalty_row(3, ""),
        penalty_row(4, ORG[3], decided="2025-02-30"),
        penalty_row(5, ORG[4], decided="2025-04-01", until="2026-04-01"),
        penalty_row(6, ORG[5], decided="2025-01-06", until="2024-12-01"),
        penalty_row(7, ORG[6], fine_yuan=5000, amount="5000"),
        penalty_row(8, ORG[7], category="个体工商户"),
        penalty_row(9, "", name="张三", category="自然人", person=person),
        penalty_row(10, "", name="李四", category="自然人", person=bad_person),
        penalty_row(11, ORG[10]),
        penalty_row(12, ORG[11]),
        penalty_row(13, "".join(chr(ord(c) + 0xFEE0) for c in ORG[12])),
        penalty_row(14, SHOP[0], name="海淀区王五(便利)店", category="个体工商户", fine_yuan=200),
        penalty_row(15, ORG[14], decided="2025年1月6日", fine_yuan=1_500_000),
        penalty_row(16, ORG[15], category="自然人"),
    ]
    rows[10][PENALTY_HEADERS.index("处罚类别")] = "罚款;乱罚"
    rows[11][PENALTY_HEADERS.index("违法行为类型")] = ""
    return rows


def check(store: Store, path: Path, summary_rows: int = 16) -> None:
    """The mixed file's outcome: counts, and per rejected row its reason, number and field."""
    summary = ingest_file(store, path, MAPPING, "SAMR-110108", source_name="海淀区市场监督管理局")
    rejected = {row: reason for row, reason, _ in EXPECTED if reason}
    assert summary.counts.rows == summary_rows
    assert summary.counts.accepted == summary_rows - len(rejected)
    assert summary.counts.rejected == len(rejected)
    found = rejects_of(path)
    assert {row: line["reason"] for row, line in found.items()} == rejected
    for row, reason, field in EXPECTED:
        if reason is not None:
            line = found[row]
            assert line["field"] == field, line
            assert f"第{row}行" in line["message_zh"]
            assert f"row {row}" in line["message_en"]
    assert count_rows(store, records) == summary.counts.accepted


def test_a_gbk_file_with_the_standards_chinese_headers(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "penalties.csv", PENALTY_HEADERS, mixed_rows(), "gbk")
    check(store, path)
    person = store.find_person(person_number(7))
    assert person is not None
    assert person.masked_id == "1****************" + person_number(7)[-1]


def test_normalised_values_are_stored(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "penalties.csv", PENALTY_HEADERS, mixed_rows(), "gbk")
    ingest_file(store, path, MAPPING, "SAMR", source_name="市场监管")
    fullwidth = store.find_subject(ORG[12])
    shop = store.find_subject(SHOP[0])
    assert fullwidth is not None
    assert shop is not None
    (record,) = store.records_of(fullwidth.id)
    assert record.fields["uscc"] == ORG[12]
    (shop_record,) = store.records_of(shop.id)
    assert shop_record.fields["counterpart_name"] == "海淀区王五（便利）店"
    assert shop_record.fields["fine_amount"] == "0.02"
    big = store.find_subject(ORG[14])
    assert big is not None
    (large,) = store.records_of(big.id)
    assert large.decision_date == dt.date(2025, 1, 6)
    assert large.fields["fine_amount"] == "150"  # confirmed by 罚款人民币1500000元


def test_cf_codes_as_headers(store: Store, tmp_path: Path) -> None:
    spec = load_catalog().record_type("administrative_penalty")
    by_name = {f.std_name: f.std_code for f in spec.fields if f.std_name}
    headers = [by_name.get(h, h) for h in PENALTY_HEADERS]
    assert "CF_XDR_SHDM" in headers
    assert "CF_WSH" in headers
    path = write_csv(tmp_path / "cf.csv", headers, mixed_rows(), "utf-8")
    check(store, path)


def test_utf8_with_a_byte_order_mark(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "bom.csv", PENALTY_HEADERS, mixed_rows(), "utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    check(store, path)


def test_xlsx_with_excel_serial_dates(store: Store, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(PENALTY_HEADERS)
    decided = PENALTY_HEADERS.index("处罚决定日期")
    until = PENALTY_HEADERS.index("公示截止期")
    for row in mixed_rows():
        cells: list[object] = list(row)
        for i in (decided, until):
            try:
                day = dt.date.fromisoformat(row[i])
            except ValueError:
                continue  # impossible and Chinese dates stay text, as departments type them
            cells[i] = (day - dt.date(1899, 12, 30)).days if i == decided else day
        sheet.append(cells)
    path = tmp_path / "penalties.xlsx"
    book.save(path)
    check(store, path)
    first = store.find_subject(ORG[0])
    assert first is not None
    assert store.records_of(first.id)[0].decision_date == dt.date(2025, 1, 6)


def test_json_lines(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "penalties.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for row in mixed_rows():
            f.write(json.dumps(dict(zip(PENALTY_HEADERS, row, strict=True)), ensure_ascii=False))
            f.write("\n")
    check(store, path)


#: A court defaulter row (SPC JSON layout) with every column empty but the court's.
COURT_ROW = {
    "caseCode": "",
    "iname": "",
    "partyTypeName": "",
    "cardNum": "",
    "sexName": "",
    "age": "",
    "businessEntity": "",
    "courtName": "北京市海淀区人民法院",
    "gistId": "（2024）京0108民初1号",
    "gistUnit": "北京市海淀区人民法院",
    "regDate": "2024年05月06日",
    "duty": "被执行人应支付货款1000元",
    "performance": "全部未履行",
    "disruptTypeName": "违反财产报告制度",
    "publishDate": "2024年08月01日",
    "opType": "I",
}


def test_a_court_feed_with_persons_and_organisations_in_one_column(
    store: Store, tmp_path: Path
) -> None:
    person = person_number(3)
    base = COURT_ROW
    rows = [
        {
            **base,
            "caseCode": "（2024）京0108执1号",
            "iname": "赵六",
            "partyTypeName": "自然人",
            "cardNum": person,
            "sexName": "男",
            "age": "44",
        },
        {
            **base,
            "caseCode": "（2024）京0108执2号",
            "iname": "北京某公司",
            "partyTypeName": "法人或其他组织",
            "cardNum": ORG[0],
            "businessEntity": "钱七",
        },
        {
            **base,
            "caseCode": "（2024）京0108执3号",
            "iname": "个体店",
            "partyTypeName": "法人或其他组织",
            "cardNum": SHOP[1],
        },
        {
            **base,
            "caseCode": "（2024）京0108执4号",
            "iname": "孙八",
            "partyTypeName": "自然人",
            "cardNum": ORG[1],
        },
        {
            **base,
            "caseCode": "（2024）京0108执5号",
            "iname": "周九",
            "partyTypeName": "外星人",
            "cardNum": person,
        },
    ]
    path = tmp_path / "court.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    summary = ingest_file(store, path, "court-defaulter-spc-json", "COURT", source_name="法院")
    assert (summary.counts.accepted, summary.counts.rejected) == (3, 2)
    found = rejects_of(path)
    assert found[4]["reason"] == "subject.kind_mismatch"  # 自然人 with an organisation's code
    assert found[5]["reason"] == "field.invalid"
    assert found[5]["column"] == "partyTypeName"
    debtor = store.find_person(person)
    assert debtor is not None
    (entry,) = store.records_of(debtor.id)
    assert "id_number" not in entry.fields
    assert "debtor_uscc" not in entry.fields
    assert person not in json.dumps(entry.fields, ensure_ascii=False)
    assert count_rows(store, subjects) == 3


@pytest.mark.parametrize("parallel", [False, True], ids=["in-process", "worker"])
def test_a_reading_worker_gives_the_same_outcome(
    store: Store, tmp_path: Path, parallel: bool
) -> None:
    path = write_csv(tmp_path / "penalties.csv", PENALTY_HEADERS, mixed_rows(), "gbk")
    summary = ingest_file(
        store, path, MAPPING, "S", source_name="s", chunk_rows=3, parallel=parallel
    )
    rejected = sum(1 for _, reason, _ in EXPECTED if reason)
    assert (summary.counts.accepted, summary.counts.rejected) == (16 - rejected, rejected)
    assert {row: line["reason"] for row, line in rejects_of(path).items()} == {
        row: reason for row, reason, _ in EXPECTED if reason
    }


def test_whole_numbers_outside_the_catalog_range_are_rejected(store: Store, tmp_path: Path) -> None:
    ages = {1: "18", 2: "17", 3: "99999999999999999999999"}
    rows = [
        {**COURT_ROW, "caseCode": f"（2024）京0108执{n}号", "iname": f"某人{n}",
         "partyTypeName": "自然人", "cardNum": person_number(10 + n), "age": age}
        for n, age in ages.items()
    ]  # fmt: skip
    path = tmp_path / "court.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    summary = ingest_file(store, path, "court-defaulter-spc-json", "COURT", source_name="法院")
    assert (summary.counts.accepted, summary.counts.rejected) == (1, 2)
    found = rejects_of(path)
    assert {row: line["reason"] for row, line in found.items()} == {
        2: "field.out_of_range",  # a minor is never listed
        3: "field.out_of_range",  # no engine downstream holds it
    }
    assert found[2]["message_en"] == "row 2, column age (age): '17': must be at least 18"
    assert found[3]["message_zh"].endswith("应不大于9223372036854775807")


def test_a_decision_before_the_republic_is_rejected(store: Store, tmp_path: Path) -> None:
    """A bare year in a date column reads as an Excel serial day (2024: 1905-07-16)."""
    rows = [
        penalty_row(1, ORG[0], decided="2024"),
        penalty_row(2, ORG[1], decided="1949-09-30"),
        penalty_row(3, ORG[2], decided="1949-10-01", until="2026-01-01"),
    ]
    path = write_csv(tmp_path / "years.csv", PENALTY_HEADERS, rows, "utf-8")
    summary = ingest_file(store, path, MAPPING, "SAMR-110108", source_name="市场监管局")
    assert (summary.counts.accepted, summary.counts.rejected) == (1, 2)
    found = rejects_of(path)
    assert {row: line["reason"] for row, line in found.items()} == {
        1: "date.too_early",
        2: "date.too_early",
    }
    assert found[1]["message_en"] == (
        "row 1, column 处罚决定日期 (decision_date): '1905-07-16': before 1949-10-01 "
        "(a bare year is read as an Excel serial day)"
    )
