"""USCC: real codes, the reference vectors, each rejection class, and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ids_strategies import real_usccs, substitutions, valid_usccs
from stdnum.cn import uscc as stdnum_uscc

from xinyong.ids import orgcode, uscc
from xinyong.ids.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

REAL = real_usccs()

# Section 9.2 of the reference: real codes and the corrected worked example.
VALID = [
    "91110000600037341L",
    "121200004013590816",
    "91310115MA1K3BTP2B",
    "9131012056010553X5",  # organization-code check is 'X'
    "911522010783762860",  # USCC check '0' because the sum is 0 mod 31
    "91340600MA2PBP2120",
    "91340621MA2PBPM608",  # organization-code check is '0' (raw value 11)
    "92340602MA2PBMEM24",  # individual business
    "91620105L015101280",
    "91350100M000100Y43",  # the standard's worked example, corrected
    "914403001922038216",
    "91230100128025258G",
    # Codes that needed the division supplement (national level, functional zones).
    "91100000100003962T",
    "91320594780268314T",
    "913208917539242830",
]

# Letter-led authorities: military (A), agriculture (N), other (Y). stdnum rejects all three.
LETTER_LED = ["N2110108MA01ABCD5A", "Y1110108MA01ABCD55", "A1110108MA01ABCD5R"]


def test_the_fixture_holds_the_real_codes() -> None:
    assert len(REAL) == 200
    assert len(set(REAL)) == 200


@pytest.mark.parametrize("code", REAL)
def test_real_codes_validate(code: str) -> None:
    assert uscc.validate(code) == code


@pytest.mark.parametrize("code", VALID + LETTER_LED)
def test_reference_vectors_validate(code: str) -> None:
    assert uscc.validate(code) == code
    assert uscc.is_valid(code)


@pytest.mark.parametrize("code", LETTER_LED)
def test_letter_led_codes_are_what_stdnum_gets_wrong(code: str) -> None:
    assert not stdnum_uscc.is_valid(code)
    assert uscc.parse(code).authority.code == code[0]


@pytest.mark.parametrize(
    ("code", "error", "field", "position", "words"),
    [
        ("91350100M000100Y44", InvalidChecksum, "check", 18, "should be '3'"),
        ("91110000600037341N", InvalidChecksum, "check", 18, "should be 'L'"),
        ("91110000600037341M", InvalidChecksum, "check", 18, "not 'M'"),
        ("91110000600037342P", InvalidChecksum, "organization_code", 17, "organization code"),
        ("01110000600037341X", InvalidComponent, "authority", 1, "authority code '0'"),
        ("99110000600037341T", InvalidComponent, "entity_type", 2, "entity type '9'"),
        ("91990000600037341H", InvalidComponent, "region", 3, "'990000'"),
        ("9111000060003IOZSV", InvalidFormat, "alphabet", 14, "'I'"),
        ("91350100M000100Y4Z", InvalidFormat, "check", 18, "should be '3'"),
        ("91110000#00037341L", InvalidFormat, "alphabet", 9, "'#'"),
        ("A1110000600037341L", InvalidChecksum, "check", 18, "check character"),
        ("12345", InvalidLength, "length", None, "18 characters, not 5"),
        ("91110000600037341L0", InvalidLength, "length", None, "not 19"),
    ],
)
def test_rejections_name_the_fault(
    code: str, error: type[ValidationError], field: str, position: int | None, words: str
) -> None:
    with pytest.raises(error) as caught:
        uscc.validate(code)
    exc = caught.value
    assert type(exc) is error
    assert (exc.field, exc.position) == (field, position)
    assert words in exc.reason_en
    assert str(exc) == exc.reason_en
    assert exc.reason_zh
    assert exc.reason_zh != exc.reason_en


def test_the_organization_code_reason_is_in_both_languages() -> None:
    with pytest.raises(InvalidChecksum) as caught:
        uscc.validate("91110000600037342P")
    assert "组织机构代码" in caught.value.reason_zh
    assert "第17位" in caught.value.reason_zh


@pytest.mark.parametrize("code", ["91110000600037342P", "01110000600037341X"])
def test_stdnum_accepts_what_the_standard_forbids(code: str) -> None:
    assert stdnum_uscc.is_valid(code)
    assert not uscc.is_valid(code)


def test_compact_removes_separators_and_full_width_forms() -> None:
    assert uscc.validate(" 9111-0000 6000 3734 1l ") == "91110000600037341L"
    assert uscc.validate("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"
    assert uscc.format("91110000 600037341L") == "91110000600037341L"


def test_parse_names_every_part() -> None:
    parts = uscc.parse("91110000600037341L")
    assert (parts.authority.code, parts.authority.zh) == ("9", "工商")
    assert (parts.entity_type.code, parts.entity_type.zh) == ("1", "企业")
    assert (parts.region.code, parts.region.name) == ("110000", "北京市")
    assert parts.organization_code == "600037341"
    assert orgcode.is_valid(parts.organization_code)
    assert parts.check == "L"


def test_calc_check_agrees_with_stdnum_on_real_codes() -> None:
    for code in REAL:
        assert uscc.calc_check(code) == stdnum_uscc.calc_check_digit(code) == code[-1]


def test_calc_check_refuses_bad_input() -> None:
    with pytest.raises(InvalidLength):
        uscc.calc_check("9111")
    with pytest.raises(InvalidFormat):
        uscc.calc_check("9111000060003734I")


@given(valid_usccs())
def test_completed_bodies_validate(code: str) -> None:
    assert uscc.validate(code) == code
    assert uscc.calc_check(code[:17]) == code[17]


def _sample() -> list[str]:
    return [*REAL[::10], *VALID, *LETTER_LED]


@pytest.mark.parametrize("code", _sample())
def test_every_single_substitution_is_rejected(code: str) -> None:
    for mutant in substitutions(code, uscc.ALPHABET + uscc.FORBIDDEN):
        assert not uscc.is_valid(mutant), mutant


@pytest.mark.parametrize("code", _sample())
def test_the_mod_31_check_alone_catches_every_substitution(code: str) -> None:
    # Weights 3^i mod 31 are non-zero and 31 is prime, so a change of value d at
    # position i moves the sum by d * 3^i, never by a multiple of 31.
    for position in range(17):
        for char in uscc.ALPHABET:
            if char == code[position]:
                continue
            mutant = code[:position] + char + code[position + 1 :]
            assert uscc.check_value(mutant[:17]) != code[17], mutant


def test_the_weights_are_distinct_powers_of_three() -> None:
    assert uscc.WEIGHTS[:6] == (1, 3, 9, 27, 19, 26)
    assert len(set(uscc.WEIGHTS)) == 17
    assert all(weight % 31 for weight in uscc.WEIGHTS)


@settings(max_examples=50)
@given(
    st.sampled_from([("9", "1", "110108"), ("N", "2", "110108"), ("5", "1", "320594")]),
    st.sets(st.integers(0, uscc.SERIAL_SPACE - 1), min_size=1, max_size=200),
)
def test_issued_codes_validate_and_never_collide(
    head: tuple[str, str, str], serials: set[int]
) -> None:
    codes = uscc.issue(*head, serials)
    assert len(set(codes)) == len(serials)
    for serial, code in zip(serials, codes, strict=True):
        assert uscc.validate(code) == code
        assert code.startswith("".join(head))
        assert code[8:10] == "MA"
        assert uscc.serial_for_body(code[8:16]) == serial


def test_issue_bijection_at_the_edges() -> None:
    edges = [0, 1, 30, 31, uscc.SERIAL_SPACE - 1]
    bodies = [uscc.body_for_serial(serial) for serial in edges]
    assert len(set(bodies)) == len(edges)
    assert [uscc.serial_for_body(body) for body in bodies] == edges
    for bad in (-1, uscc.SERIAL_SPACE):
        with pytest.raises(ValueError, match="outside"):
            uscc.body_for_serial(bad)


def test_issued_org_check_can_be_x_or_zero() -> None:
    checks = {code[16] for code in uscc.issue("9", "1", "110108", range(200))}
    assert {"X", "0"} <= checks


@pytest.mark.parametrize(
    ("head", "error", "field"),
    [
        (("0", "1", "110108"), InvalidComponent, "authority"),
        (("9", "9", "110108"), InvalidComponent, "entity_type"),
        (("9", "1", "990000"), InvalidComponent, "region"),
        (("9", "1", "110103"), InvalidComponent, "region"),  # 崇文区, abolished 2010
        (("9", "1", "11010A"), InvalidFormat, "region"),
        (("91", "1", "110108"), InvalidLength, "length"),
    ],
)
def test_issue_checks_its_inputs_first(
    head: tuple[str, str, str], error: type[ValidationError], field: str
) -> None:
    with pytest.raises(error) as caught:
        uscc.issue(*head, [0])
    assert caught.value.field == field


def test_issue_refuses_a_repeated_serial() -> None:
    with pytest.raises(ValueError, match="twice"):
        uscc.issue("9", "1", "110108", [5, 5])
