"""Citizen identity numbers: vectors, dates, historical regions, legacy form, masking."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ids_strategies import TODAY, substitutions, valid_rics
from stdnum.cn import ric as stdnum_ric

from xinyong.ids import ric
from xinyong.ids.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

VALID = [
    "11010519491231002X",
    "360426199101010071",
    "44011320141005001X",
    "120110198012010073",  # 东郊区, a code abolished in 1991
    "412723199010050012",
    "110102199101010078",
]


@pytest.mark.parametrize("number", VALID)
def test_reference_numbers_validate(number: str) -> None:
    assert ric.validate(number, TODAY) == number


def test_a_region_newer_than_the_person_is_accepted() -> None:
    # 房山区 (110111) was created in 1986; people born earlier got it on re-registration.
    assert not stdnum_ric.is_valid("110111198012010078")
    assert ric.is_valid("110111198012010078", TODAY)


@pytest.mark.parametrize(
    ("number", "error", "field", "words"),
    [
        ("36042619910102009X", InvalidChecksum, "check", "does not fit"),
        ("360426199113010079", InvalidComponent, "birth_date", "positions 7-14"),
        ("360426199102300079", InvalidComponent, "birth_date", "not a real date"),
        ("990426199112010074", InvalidComponent, "region", "not a known GB/T 2260"),
        ("T60426199101010078", InvalidFormat, "body", "position 1"),
        ("36042619910101007A", InvalidFormat, "check", "'A'"),
        ("3604261991010100", InvalidLength, "length", "18 or 15"),
    ],
)
def test_rejections_name_the_fault(
    number: str, error: type[ValidationError], field: str, words: str
) -> None:
    with pytest.raises(error) as caught:
        ric.validate(number, TODAY)
    assert caught.value.field == field
    assert words in caught.value.reason_en


@pytest.mark.parametrize(
    "number",
    ["36042619910102009X", "360426199113010079", "990426199112010074", "990426911201007"],
)
def test_reasons_never_quote_the_digits_of_a_person(number: str) -> None:
    with pytest.raises(ValidationError) as caught:
        ric.validate(number, TODAY)
    for part in (number[:6], number[6:14], number[6:12], "1991"):
        assert part not in caught.value.reason_en
        assert part not in caught.value.reason_zh


def test_a_birth_date_after_today_is_rejected() -> None:
    assert ric.is_valid("44011320141005001X", today=dt.date(2014, 10, 5))
    with pytest.raises(InvalidComponent, match="after today"):
        ric.validate("44011320141005001X", today=dt.date(2014, 10, 4))


def test_leap_days() -> None:
    body = "110105" + "20000229" + "001"
    assert ric.is_valid(body + ric.calc_check(body), TODAY)
    body = "110105" + "19000229" + "001"
    assert not ric.is_valid(body + ric.calc_check(body), TODAY)


def test_legacy_numbers_validate_to_the_18_digit_form() -> None:
    assert ric.validate("360426910101007", TODAY) == "360426199101010071"
    assert ric.to_18("360426910101007") == "360426199101010071"
    assert ric.parse("360426910101007", TODAY).legacy
    with pytest.raises(InvalidComponent):
        ric.validate("360426911301007", TODAY)
    with pytest.raises(InvalidLength):
        ric.to_18("360426199101010071")


def test_parse() -> None:
    parts = ric.parse("120110198012010073", TODAY)
    assert parts.region.name == "东郊区"  # the name in the birth year, not today's 东丽区
    assert parts.birth_date == dt.date(1980, 12, 1)
    assert parts.sex == "male"
    assert ric.parse("11010519491231002X", TODAY).sex == "female"


@given(valid_rics())
def test_generated_numbers_validate_and_agree_with_stdnum(number: str) -> None:
    assert ric.validate(number, TODAY) == number
    assert ric.calc_check(number) == stdnum_ric.calc_check_digit(number)


@given(valid_rics())
def test_every_single_digit_substitution_is_rejected(number: str) -> None:
    for mutant in substitutions(number, "0123456789X"):
        assert not ric.is_valid(mutant, TODAY), mutant


@given(st.text(min_size=0, max_size=25))
def test_mask_keeps_only_the_ends(text: str) -> None:
    masked = ric.mask(text)
    compact = ric.compact(text)
    assert len(masked) == len(compact)
    hidden = masked[1:-1] if len(compact) > 2 else masked
    assert set(hidden) <= {"*"}


def test_mask_hides_date_and_region() -> None:
    assert ric.mask("11010519491231002X") == "1****************X"
    assert ric.mask("360426910101007") == "3*************7"
