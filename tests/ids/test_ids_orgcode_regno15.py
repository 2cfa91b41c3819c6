"""GB 11714 organization codes and GS15 legacy registration numbers."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ids_strategies import real_usccs, substitutions
from stdnum.iso7064 import mod_11_10

from xinyong.ids import orgcode, regno15
from xinyong.ids.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)


@pytest.mark.parametrize("code", ["600037341", "56010553X", "MA2PBPM60", "M000100Y4"])
def test_reference_organization_codes(code: str) -> None:
    assert orgcode.validate(code) == code
    assert orgcode.format(code) == f"{code[:8]}-{code[8]}"
    assert orgcode.validate(orgcode.format(code)) == code


def test_every_real_uscc_embeds_a_valid_organization_code() -> None:
    for code in real_usccs():
        assert orgcode.is_valid(code[8:17]), code


@pytest.mark.parametrize(
    ("code", "error", "position"),
    [
        ("600037342", InvalidChecksum, 9),
        ("60003734A", InvalidFormat, 9),
        ("6000#7341", InvalidFormat, 5),
        ("60003734", InvalidLength, None),
    ],
)
def test_organization_code_rejections(
    code: str, error: type[ValidationError], position: int | None
) -> None:
    with pytest.raises(error) as caught:
        orgcode.validate(code)
    assert caught.value.position == position


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_organization_check_completes_any_body(body: str) -> None:
    code = body + orgcode.calc_check(body)
    assert orgcode.parse(code).body == body
    # The weights are all coprime to 11, so changing a digit of the body into
    # another digit (values differ by 1-9) always changes the check. Letters are
    # weaker: values 11 apart (0 and B, 1 and C...) give the same check.
    for mutant in substitutions(code[:8], "0123456789"):
        changed = next(i for i in range(8) if mutant[i] != body[i])
        if body[changed].isdigit():
            assert orgcode.calc_check(mutant) != code[8], mutant
    assert orgcode.calc_check("0000000B") == orgcode.calc_check("00000000")


REGNO = ["510000000391563", "330106000129004"]  # seen printed on real pages


@pytest.mark.parametrize("number", REGNO)
def test_real_registration_numbers(number: str) -> None:
    assert regno15.validate(number) == number
    assert regno15.parse(number).sequence == number[6:14]


def test_registration_parse_names_the_authority_region() -> None:
    parts = regno15.parse("330106000129004")
    assert (parts.region.code, parts.region.name, parts.region.province) == (
        "330106",
        "西湖区",
        "浙江省",
    )


@given(st.text(alphabet="0123456789", min_size=14, max_size=14))
def test_registration_check_matches_iso_7064_mod_11_10(body: str) -> None:
    assert regno15.calc_check(body) == mod_11_10.calc_check_digit(body)


@pytest.mark.parametrize(
    ("number", "error"),
    [
        ("330106000129005", InvalidChecksum),
        ("990106000129004", InvalidComponent),
        ("33010600012900A", InvalidFormat),
        ("33010600012900", InvalidLength),
    ],
)
def test_registration_rejections(number: str, error: type[ValidationError]) -> None:
    with pytest.raises(error):
        regno15.validate(number)


def test_errors_survive_pickling() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        regno15.validate("330106000129005")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is InvalidChecksum
    assert (copy.reason_zh, copy.reason_en, copy.position) == (
        caught.value.reason_zh,
        caught.value.reason_en,
        15,
    )
