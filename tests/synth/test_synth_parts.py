"""The generator's parts: codes, names, dates, allocation, layouts and writers."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from synth_read import parse_date

from xinyong.ids import orgcode, ric, uscc
from xinyong.synth import codes, dates, names, words
from xinyong.synth.departments import DEPARTMENTS, FEEDS
from xinyong.synth.kinds import KINDS, allocate
from xinyong.synth.layout import Layout
from xinyong.synth.records.common import yuan_to_wan
from xinyong.synth.regions import REGIONS, region
from xinyong.synth.writers import XlsxSink


@given(st.integers(0, codes.SERIAL_SPACE - 1), st.sampled_from(KINDS))
def test_codes_built_from_any_serial_are_valid(serial: int, kind: object) -> None:
    k = KINDS[KINDS.index(kind)]  # type: ignore[arg-type]
    code = codes.make_uscc(
        k.authority, k.entity_type, "110108", codes.serial_body(serial, k.prefix)
    )
    assert uscc.validate(code) == code


@given(st.integers(0, 9_999_999))
def test_old_style_bodies_are_valid_organisation_codes(serial: int) -> None:
    for prefix in ("", "L"):
        body = codes.serial_body(serial, prefix)
        assert len(body) == 8
        assert orgcode.is_valid(body + orgcode.check_value(body))


@given(st.integers(1, 30))
def test_a_corrupted_check_character_is_always_wrong(shift: int) -> None:
    bad = codes.corrupt_check("91110000600037341L", shift)
    assert bad[:17] == "91110000600037341L"[:17]
    assert codes.id_error(bad) == "InvalidChecksum"


def test_identity_numbers_are_valid() -> None:
    number = codes.make_ric("110108", "19800101", 7)
    assert ric.validate(number) == number


@given(st.integers(1, 10**6), st.integers(0, 10**6))
def test_affine_map_is_a_bijection_on_a_sample(space: int, b: int) -> None:
    a = codes.coprime_multiplier(random.Random(space), space)
    sample = range(min(space, 500))
    assert len({codes.affine(i, space, a, b) for i in sample}) == len(sample)


def test_fullwidth_covers_letters_and_digits_only() -> None:
    assert codes.to_fullwidth("91-AB（京）") == "９１-ＡＢ（京）"


def test_word_lists_fit_in_gbk() -> None:
    everything = [words.SURNAMES, words.GIVEN, words.TRADE, *words.COMPOUND_SURNAMES,
                  *[w for w, _ in words.INDUSTRIES], *[f for f, _ in words.FORMS], *words.SHOPS,
                  *words.COOP_PRODUCTS, *words.ASSOCIATIONS, *words.ASSOCIATION_TOPICS,
                  *words.NON_ENTERPRISES, *words.FOUNDATIONS, *words.ORGANS,
                  *words.STREET_OFFICES, *words.INSTITUTIONS]  # fmt: skip
    for text in everything:
        text.encode("gbk")
    for reg in REGIONS.values():
        for d in DEPARTMENTS.values():
            d.name(reg).encode("gbk")
        "".join(reg.towns).encode("gbk")


def test_every_builder_makes_names_of_its_kind() -> None:
    rnd, reg = random.Random(1), region("310115")
    for code, build in names.BUILDERS.items():
        name = build(rnd, reg, "")
        assert name
        assert "上海" in name or "浦东" in name or (code == "A/1" and "上海" in name)
    assert names.branch(rnd, reg, "上海星河科技有限公司").startswith("上海星河科技有限公司")
    assert names.individual(rnd, reg, "张伟").endswith(words.SHOPS)


def test_regions_give_court_and_city_codes() -> None:
    assert region("110108").court_code == "京0108"
    assert region("110108").city_code == "110000"
    assert region("440305").city_code == "440300"
    with pytest.raises(ValueError, match="110108"):
        region("999999")


def test_department_codes_are_valid_government_organs() -> None:
    for reg in REGIONS.values():
        for d in DEPARTMENTS.values():
            assert uscc.parse(d.uscc(reg)).entity_type.zh == "机关"


def test_feed_shares_sum_to_one_and_kinds_too() -> None:
    assert sum(f.share for f in FEEDS) == pytest.approx(1.0)
    assert sum(k.share for k in KINDS) == pytest.approx(1.0)
    assert len({f.key for f in FEEDS}) == len(FEEDS)


@given(st.integers(0, 10**7))
def test_allocation_sums_exactly(total: int) -> None:
    counts = allocate(total)
    assert sum(counts) == total
    assert min(counts) >= 0


@pytest.mark.parametrize(
    ("yuan", "six", "text"),
    [(3500, False, "0.35"), (50_000, False, "5"), (1, False, "0.0001"), (3500, True, "0.350000"),
     (1_234_500, True, "123.450000")],
)  # fmt: skip
def test_amounts_are_written_in_ten_thousand_yuan(yuan: int, six: bool, text: str) -> None:
    assert yuan_to_wan(yuan, six) == text


@pytest.mark.parametrize(
    ("style", "text"),
    [("iso", "2025-03-07"), ("slash", "2025/3/7"), ("compact", "20250307"),
     ("cn", "2025年03月07日"), ("excel-serial", 45723)],
)  # fmt: skip
def test_date_styles(style: str, text: object) -> None:
    day = dates.epoch_day(dt.date(2025, 3, 7))
    table = dates.DateTable(style, day - 10, day + 10)
    assert table(day) == text == table(day + 10_000 - 10_000)
    assert table.many(np.array([day, -1])) == [text, ""]


def test_impossible_dates_are_impossible() -> None:
    for variant in (0, 1):
        for style in ("iso", "slash", "compact", "cn"):
            text = dates.impossible(dt.date(2025, 3, 7), style, variant)
            assert text.startswith("2025")
            assert parse_date(text, style) is None
            assert parse_date(dates.DateTable(style, 0, 1)(20154), style) == dt.date(2025, 3, 7)


def test_months_later_clamps_to_month_end_and_workdays_skip_weekends() -> None:
    start = np.array([dates.epoch_day(dt.date(2024, 1, 31))])
    later = dates.months_later(start, np.array([1]))
    assert dates.day_of(int(later[0])) == dt.date(2024, 2, 29)
    saturday = np.array([dates.epoch_day(dt.date(2025, 3, 8))])
    assert dates.day_of(int(dates.workdays(saturday)[0])) == dt.date(2025, 3, 7)


def test_layout_roles_by_name() -> None:
    lay = Layout.named(("a", "b", "操作类型"), key=("b",), code="a", choices={"b": ("x", "y")})
    assert (lay.key, lay.code, lay.op, lay.choices) == ((1,), 0, 2, ((1, ("x", "y")),))
    assert lay.rows({"a": ["1"], "b": ["2"], "操作类型": ["新增"], "extra": ["z"]}) == [
        ("1", "2", "新增")
    ]
    with pytest.raises(KeyError):
        lay.rows({"a": ["1"]})


def test_xlsx_sink_splits_parts_and_is_deterministic(tmp_path: Path) -> None:
    stamp = dt.datetime(2026, 6, 30)
    digests = []
    for run in ("one", "two"):
        root = tmp_path / run
        root.mkdir()
        sink = XlsxSink(root, ["f-001.xlsx", "f-002.xlsx", "f-003.xlsx"], ("a", "b"), "数据",
                        stamp, part_rows=3)  # fmt: skip
        sink.write([("x", 1), ("y", dt.date(2025, 1, 2))])
        sink.write([("z", 3)] * 5)
        assert sink.close() == [("f-001.xlsx", 3), ("f-002.xlsx", 3), ("f-003.xlsx", 1)]
        digests.append([(root / f"f-00{i}.xlsx").read_bytes() for i in (1, 2, 3)])
    assert digests[0] == digests[1]
    book = load_workbook(tmp_path / "one" / "f-001.xlsx", read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    assert rows[0] == ("a", "b")
    assert rows[2][1] == dt.datetime(2025, 1, 2)
