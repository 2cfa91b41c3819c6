"""Organization code (组织机构代码), GB 11714-1997.

Before 2015 every organization in China had a 9-character organization code:
8 body characters (digits or upper-case letters) and a check character. Since
GB 32100-2015 the same 9 characters sit in positions 9-17 of the Unified Social
Credit Code, so the old code can be read off the new one, and older records
keyed by organization code can be linked to it.

The check character: characters take values 0-9 and A-Z = 10-35, weighted
3, 7, 9, 10, 5, 8, 4, 2; C9 = 11 - (sum mod 11), written 'X' for 10 and '0'
for 11. It is printed as ``XXXXXXXX-X``.

>>> validate("60003734-1")
'600037341'
>>> format("56010553X")
'56010553-X'
>>> calc_check("MA2PBPM6")  # raw value 11 is written '0'
'0'
>>> parse("M000100Y4")
OrgCodeParts(body='M000100Y', check='4')
>>> validate("600037342")
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidChecksum: check character (position 9) should be '1', not '2'
>>> validate("60003734")
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidLength: an organization code must have 9 characters, not 8
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.ids._common import check_length, checksum_error
from xinyong.ids._common import compact as _compact
from xinyong.ids.errors import InvalidFormat, ValidationError

__all__ = ["OrgCodeParts", "calc_check", "compact", "format", "is_valid", "parse", "validate"]

WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
BODY_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
CHECK_CHARS = frozenset("0123456789X")
_NAME = ("组织机构代码", "an organization code")
_CHECK = ("校验码", "check character")


@dataclass(frozen=True)
class OrgCodeParts:
    """The 8-character body and the check character."""

    body: str
    check: str


def compact(number: str) -> str:
    """Strip spaces and the hyphen before the check character; upper-case."""
    return _compact(number)


def _check_body(body: str) -> None:
    for index, char in enumerate(body):
        if char not in BODY_CHARS:
            raise InvalidFormat(
                f"组织机构代码第{index + 1}位应为数字或大写字母，实为 '{char}'",
                f"organization code position {index + 1} must be a digit or letter, not '{char}'",
                field="body",
                position=index + 1,
            )


def check_value(body: str) -> str:
    """The GB 11714 check character for an 8-character body already known to be well formed."""
    total = sum(int(char, 36) * weight for char, weight in zip(body, WEIGHTS, strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def calc_check(number: str) -> str:
    """The check character for an 8-character body (a 9th character is ignored).

    Taking the full code too lets callers recompute a code's check in place.
    """
    number = compact(number)
    check_length(number, (8, 9), _NAME)
    _check_body(number[:8])
    return check_value(number[:8])


def validate(number: str) -> str:
    """Return the compact 9-character code, or raise a ``ValidationError`` saying why."""
    number = compact(number)
    check_length(number, (9,), _NAME)
    _check_body(number[:8])
    if number[8] not in CHECK_CHARS:
        raise InvalidFormat(
            f"第9位校验码只能是数字或 X，实为 '{number[8]}'",
            f"the check character (position 9) must be a digit or 'X', not '{number[8]}'",
            field="check",
            position=9,
        )
    expected = check_value(number[:8])
    if number[8] != expected:
        raise checksum_error(9, expected, number[8], _CHECK)
    return number


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid organization code."""
    try:
        validate(number)
    except ValidationError:
        return False
    return True


def parse(number: str) -> OrgCodeParts:
    """Split a valid code into body and check character (raises if invalid)."""
    number = validate(number)
    return OrgCodeParts(number[:8], number[8])


def format(number: str) -> str:
    """The printed form ``XXXXXXXX-X`` used on certificates and old records."""
    number = compact(number)
    return f"{number[:8]}-{number[8:]}"
