"""Legacy business registration number (工商注册号), GS15-2006, 15 digits.

Before the USCC, market regulators numbered enterprises and individual
businesses with 15 digits; older departmental records still carry them:

* positions 1-6: GB/T 2260 division code of the registering authority
  (100000 for national-level registrations), which normally agrees with USCC
  positions 3-8 of the same entity;
* positions 7-14: sequence number assigned by that authority;
* position 15: check digit, ISO 7064 MOD 11,10 (the hybrid system).

>>> validate("510000000391563")
'510000000391563'
>>> calc_check("33010600012900")
'4'
>>> parse("330106000129004").region.name
'西湖区'
>>> validate("330106000129005")
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidChecksum: check digit (position 15) should be '4', not '5'
"""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.ids._common import Region, check_digits, check_length, checksum_error, region
from xinyong.ids._common import compact as _compact
from xinyong.ids.errors import ValidationError

__all__ = ["Regno15Parts", "calc_check", "compact", "format", "is_valid", "parse", "validate"]

_NAME = ("工商注册号", "a business registration number")
_REGION = ("登记机关行政区划码", "region code")


@dataclass(frozen=True)
class Regno15Parts:
    """The named parts of a valid registration number."""

    number: str
    region: Region
    sequence: str
    check: str


def compact(number: str) -> str:
    """Strip whitespace and hyphens, fold full-width digits."""
    return _compact(number)


def check_value(body: str) -> str:
    """ISO 7064 MOD 11,10 check digit for 14 digits already known to be digits.

    The running value p starts at 10; for each digit, s = (p + digit) mod 10,
    taken as 10 when 0, and p = 2s mod 11. The check digit makes the final
    p + check congruent to 1 mod 10.
    """
    product = 10
    for char in body:
        total = (product + int(char)) % 10 or 10
        product = total * 2 % 11
    return str((11 - product) % 10)


def calc_check(number: str) -> str:
    """The check digit for the first 14 digits (a 15th character is ignored)."""
    number = compact(number)
    check_length(number, (14, 15), _NAME)
    check_digits(number, 0, 14, "body")
    return check_value(number[:14])


def validate(number: str) -> str:
    """Return the compact number or raise the ``ValidationError`` for the first broken rule."""
    number = compact(number)
    check_length(number, (15,), _NAME)
    check_digits(number, 0, 15, "body")
    region(number[:6], what=_REGION)
    expected = check_value(number[:14])
    if number[14] != expected:
        raise checksum_error(15, expected, number[14], ("校验位", "check digit"))
    return number


def is_valid(number: str) -> bool:
    """Whether ``number`` is a valid legacy registration number."""
    try:
        validate(number)
    except ValidationError:
        return False
    return True


def parse(number: str) -> Regno15Parts:
    """Region, sequence and check digit of a valid number."""
    number = validate(number)
    return Regno15Parts(number, region(number[:6], what=_REGION), number[6:14], number[14])


def format(number: str) -> str:
    """The printed form, which is the compact form."""
    return compact(number)
