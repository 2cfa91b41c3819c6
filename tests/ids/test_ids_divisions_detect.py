"""The GB/T 2260 table and kind detection."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest
from ids_strategies import real_usccs

from xinyong.ids import KINDS, detect, divisions, get_module, orgcode, regno15, ric, uscc


def test_the_table_keeps_historical_codes_with_their_years() -> None:
    chongwen = divisions.lookup("110103")
    assert chongwen is not None
    assert (chongwen.name, chongwen.province, chongwen.valid_to) == ("崇文区", "北京市", 2010)
    assert divisions.is_known("110103")
    assert divisions.is_known("110103", 2009)
    assert not divisions.is_known("110103", 2011)


def test_a_renamed_code_keeps_both_names() -> None:
    division = divisions.lookup("120110")
    assert division is not None
    assert [p.name for p in division.periods] == ["东郊区", "东丽区"]
    assert division.name_in(1991) == "东郊区"
    assert division.name_in(1992) == "东丽区"
    assert division.name == "东丽区"


def test_every_supplement_row_is_merged_and_names_its_source() -> None:
    text = resources.files("xinyong.ids").joinpath(divisions.SUPPLEMENT).read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines() if line[:1].isdigit()]
    assert {row[0] for row in rows} >= {"100000", "320594", "320891"}
    for code, name, *_, source in rows:
        assert divisions.is_known(code)
        assert divisions.lookup(code) is not None
        assert name, code
        assert len(source) > 20, code


def test_unknown_codes() -> None:
    assert divisions.lookup("990000") is None
    assert not divisions.is_known("000000")


def test_the_mask_matches_the_table() -> None:
    mask = divisions.known_mask()
    assert mask.shape == (1_000_000,)
    assert mask.dtype == np.bool_
    assert int(mask.sum()) == len(divisions.table())
    for code in ("110108", "100000", "110103"):
        assert mask[int(code)]
    assert not mask.flags.writeable


def test_every_real_uscc_region_is_known() -> None:
    assert {code[2:8] for code in real_usccs()} <= set(divisions.table())


def test_kinds_registry() -> None:
    assert {"uscc": uscc, "orgcode": orgcode, "ric": ric, "regno15": regno15} == KINDS
    assert get_module("ric") is ric
    with pytest.raises(ValueError, match="unknown identifier kind"):
        get_module("iban")


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("91110000600037341L", "uscc"),
        ("121200004013590816", "uscc"),  # all digits, but not a citizen number
        ("914403001922038216", "uscc"),
        ("11010519491231002X", "ric"),
        ("360426199101010071", "ric"),
        ("36042619910102009X", "ric"),  # invalid, but shaped like a citizen number
        ("91110000600037341N", "uscc"),  # invalid, with letters
        ("600037341", "orgcode"),
        ("60003734-1", "orgcode"),
        ("510000000391563", "regno15"),
        ("360426910101007", "ric"),
        ("12345", None),
        ("", None),
    ],
)
def test_detect(code: str, kind: str | None) -> None:
    assert detect(code) == kind
