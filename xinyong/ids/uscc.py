"""Unified Social Credit Code (统一社会信用代码, USCC), GB 32100-2015 with XG1-2016.

Every legal entity and other organization in China has one 18-character code;
the credit platform keys organizations on it. Characters come from the 31-symbol
alphabet ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (no I, O, S, V, Z):

* position 1: registration authority (登记管理部门), e.g. 9 market regulation,
  5 civil affairs, and the letters A (military), N (agriculture), Y (other);
* position 2: entity type (机构类别) under that authority, e.g. 91 enterprise;
* positions 3-8: GB/T 2260 division code of the registering authority;
* positions 9-17: the entity's GB 11714 organization code, with its own check;
* position 18: check character, weights 3^(i-1) mod 31, (31 - sum mod 31) mod 31.

python-stdnum's ``stdnum.cn.uscc`` checks only the last rule and requires
positions 1-8 to be digits, which wrongly rejects the letter authorities. This
module checks every rule, in position order, and says which one failed.

>>> validate("91110000600037341L")
'91110000600037341L'
>>> validate("N2110108MA01ABCD5A")  # agricultural collective: stdnum rejects it
'N2110108MA01ABCD5A'
>>> calc_check("91350100M000100Y4")
'3'
>>> p = parse("92340602MA2PBMEM24")
>>> p.entity_type.zh, p.region.name, p.organization_code
('个体工商户', '杜集区', 'MA2PBMEM2')
>>> validate("91350100M000100Y4Z")  # the standard's own worked example is misprinted
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidFormat: character 'Z' at position 18 is not used in USCCs (I, O, S, V and Z are excluded); the check character should be '3'
>>> validate("91350100M000100Y44")
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidChecksum: check character (position 18) should be '3', not '4'
>>> validate("91110000600037342P")  # stdnum accepts this
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidChecksum: check character of the embedded organization code (position 17) should be '1', not '2'
>>> validate("01110000600037341X")  # stdnum accepts this too
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidComponent: registration authority code '0' does not exist
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xinyong.ids import authorities, divisions, orgcode
from xinyong.ids._common import (
    USCC_ALPHABET,
    Label,
    Region,
    check_digits,
    check_length,
    checksum_error,
)
from xinyong.ids._common import compact as _compact
from xinyong.ids._common import region as resolve_region
from xinyong.ids._issue import SERIAL_SPACE, body_for_serial, serial_for_body
from xinyong.ids.errors import InvalidComponent, InvalidFormat, ValidationError

__all__ = [
    "ALPHABET",
    "SERIAL_SPACE",
    "UsccParts",
    "body_for_serial",
    "calc_check",
    "check_entity_type",
    "check_value",
    "compact",
    "format",
    "is_valid",
    "issuable_head",
    "issue",
    "parse",
    "serial_for_body",
    "validate",
]

ALPHABET = USCC_ALPHABET
VALUES = {char: value for value, char in enumerate(ALPHABET)}
WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
FORBIDDEN = "IOSVZ"
_NAME = ("统一社会信用代码", "a USCC")
_ISSUE_PARTS = (
    ("登记管理部门代码", "the registration authority code"),
    ("机构类别代码", "the entity type code"),
    ("行政区划码", "the region code"),
)


@dataclass(frozen=True)
class UsccParts:
    """The named parts of a valid USCC."""

    code: str
    authority: Label
    entity_type: Label
    region: Region
    organization_code: str
    check: str


def compact(number: str) -> str:
    """Strip whitespace and hyphens, fold full-width forms, upper-case."""
    return _compact(number)


def _check_alphabet(number: str) -> None:
    for index, char in enumerate(number):
        if char in VALUES:
            continue
        if char in FORBIDDEN:
            zh = f"第{index + 1}位字符 '{char}' 不用于统一社会信用代码（不使用 I、O、S、V、Z）"
            en = f"character '{char}' at position {index + 1} is not used in USCCs"
            en += " (I, O, S, V and Z are excluded)"
        else:
            zh = f"第{index + 1}位字符 '{char}' 不是数字或大写拉丁字母"
            en = f"character '{char}' at position {index + 1} is not a digit or"
            en += " upper-case Latin letter"
        raise InvalidFormat(zh, en, field="alphabet", position=index + 1)


def check_value(body: str) -> str:
    """The mod-31 check character for a 17-character body already known to be well formed."""
    total = sum(VALUES[char] * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def calc_check(number: str) -> str:
    """The check character (position 18) for the first 17 characters.

    An 18th character is ignored, so a whole code can be rechecked in place.
    Only the alphabet is checked here: completing a body is also how new codes
    are built, before the other rules are applied.
    """
    number = compact(number)
    check_length(number, (17, 18), _NAME)
    _check_alphabet(number[:17])
    return check_value(number[:17])


def check_entity_type(authority_code: str, type_code: str) -> authorities.EntityType:
    """The entity type for positions 1-2, or ``InvalidComponent`` saying which part is unknown."""
    auth = authorities.authority(authority_code)
    if auth is None:
        raise InvalidComponent(
            f"登记管理部门代码 '{authority_code}' 不存在",
            f"registration authority code '{authority_code}' does not exist",
            field="authority",
            position=1,
        )
    found = authorities.entity_type(authority_code, type_code)
    if found is None:
        raise InvalidComponent(
            f"登记管理部门 '{authority_code}'（{auth.zh}）下不存在机构类别代码 '{type_code}'",
            f"entity type '{type_code}' does not exist under registration authority "
            f"'{authority_code}' ({auth.en})",
            field="entity_type",
            position=2,
        )
    return found


def _region(number: str) -> Region:
    check_digits(number, 2, 8, "region")
    return resolve_region(number[2:8], position=3, what=("登记管理机关行政区划码", "region code"))


def validate(number: str) -> str:
    """Return the compact code or raise the ``ValidationError`` for the first broken rule.

    Rules run in position order (alphabet, authority, type, region, embedded
    organization code), then the overall check, so the reason points at the
    part a clerk should look at.
    """
    number = compact(number)
    check_length(number, (18,), _NAME)
    _check_alphabet(number[:17])
    if number[17] not in VALUES:
        try:
            _check_alphabet(number)
        except InvalidFormat as exc:  # say what the check character should have been
            expected = check_value(number[:17])
            raise InvalidFormat(
                f"{exc.reason_zh}；校验码应为 {expected}",
                f"{exc.reason_en}; the check character should be '{expected}'",
                field="check",
                position=18,
            ) from None
    check_entity_type(number[0], number[1])
    _region(number)
    expected = orgcode.check_value(number[8:16])
    if number[16] != expected:
        raise checksum_error(
            17,
            expected,
            number[16],
            ("（组织机构代码校验码）", "check character of the embedded organization code"),
            field="organization_code",
        )
    expected = check_value(number[:17])
    if number[17] != expected:
        raise checksum_error(18, expected, number[17], ("校验码", "check character"))
    return number


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid USCC under every rule of the standard."""
    try:
        validate(number)
    except ValidationError:
        return False
    return True


def parse(number: str) -> UsccParts:
    """The labelled parts of a valid code (raises like :func:`validate` otherwise)."""
    number = validate(number)
    kind = check_entity_type(number[0], number[1])
    auth = kind.authority
    return UsccParts(
        code=number,
        authority=Label(auth.code, auth.zh, auth.en),
        entity_type=Label(kind.code, kind.zh, kind.en),
        region=_region(number),
        organization_code=number[8:17],
        check=number[17],
    )


def format(number: str) -> str:
    """The printed form, which for the USCC is the compact form (no separators)."""
    return compact(number)


def issuable_head(authority: str, entity_type: str, region: str) -> str:
    """Positions 1-8 for new codes, or the ``ValidationError`` :func:`validate` would raise.

    Callers check this before reserving serial numbers, so a typo in the
    authority or region does not burn part of the counter. The region must
    still be in force: no authority registers under an abolished division.
    """
    parts = [compact(authority), compact(entity_type), compact(region)]
    for part, size, what in zip(parts, (1, 1, 6), _ISSUE_PARTS, strict=True):
        check_length(part, (size,), what)
    head = "".join(parts)
    _check_alphabet(head)
    check_entity_type(head[0], head[1])
    found = _region(head)
    division = divisions.lookup(found.code)
    if division is not None and division.valid_to is not None:
        raise InvalidComponent(
            f"行政区划码 '{found.code}'（{found.name}）{division.valid_to} 年后已停用",
            f"region code '{found.code}' ({found.name}) is no longer in force "
            f"(last year {division.valid_to}); new codes need a current division",
            field="region",
            position=3,
        )
    return head


def issue(authority: str, entity_type: str, region: str, serials: Iterable[int]) -> list[str]:
    """Build new codes, one per serial, valid by construction and collision-free.

    The authority/type pair and the region are checked first (see
    :func:`issuable_head`). Serials map to organization-code bodies by the
    bijection of :func:`body_for_serial`, so distinct serials (for example from
    a persistent counter) never give the same code; a serial repeated within
    one call is refused rather than issuing a code twice.

    >>> codes = issue("9", "1", "110108", [0, 1])
    >>> codes
    ['91110108MA00000070', '91110108MA0000015T']
    >>> [validate(code) == code for code in codes]
    [True, True]
    """
    head = issuable_head(authority, entity_type, region)
    codes: list[str] = []
    seen: set[int] = set()
    for serial in serials:
        if serial in seen:
            raise ValueError(f"serial {serial} given twice; each code may be issued once")
        seen.add(serial)
        body = body_for_serial(serial)
        partial = head + body + orgcode.check_value(body)
        codes.append(partial + check_value(partial))
    return codes
