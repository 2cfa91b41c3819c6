"""Citizen identity number (公民身份号码), GB 11643-1999.

Natural persons appear on the platform only through discrete records with a
legal basis, identified by this number. It has 18 characters:

* positions 1-6: GB/T 2260 division where the person was first registered;
* positions 7-14: date of birth, YYYYMMDD;
* positions 15-17: sequence; odd for men, even for women;
* position 18: ISO 7064 MOD 11-2 check, weights 2^(18-i) mod 11, written 0-9 or X.

Numbers issued before 1999 had 15 digits: region, YYMMDD (19YY), sequence, no
check. :func:`validate` accepts them and returns the 18-digit form, because a
person must match the same record whichever form a department sent;
:func:`to_18` does only the conversion.

Unlike python-stdnum, a region is not rejected when it did not exist yet in the
birth year: people are registered where they live when they first get a number,
often years after birth, so that rule rejects real numbers.

The date must be real and not after ``today``. It defaults to the computer's
date; the platform passes its own clock so that tests run on a simulated day.

>>> validate("11010519491231002X")
'11010519491231002X'
>>> validate("110111198012010078")  # 房山区 was created in 1986; stdnum rejects this
'110111198012010078'
>>> validate("360426910101007")  # legacy 15-digit form
'360426199101010071'
>>> p = parse("44011320141005001X")
>>> p.region.name, p.birth_date.isoformat(), p.sex
('番禺区', '2014-10-05', 'male')
>>> mask("11010519491231002X")
'1****************X'
>>> validate("36042619910102009X")
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidChecksum: check character (position 18) does not fit the first 17 digits
>>> validate("360426199113010079")
Traceback (most recent call last):
    ...
xinyong.ids.errors.InvalidComponent: the birth date (positions 7-14) is not a real date

Reasons never quote the digits of a citizen number (region, date, check):
they are personal data, and reasons travel into logs and reject files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.ids._common import Region, check_digits, check_length, region
from xinyong.ids._common import compact as _compact
from xinyong.ids.errors import InvalidChecksum, InvalidComponent, InvalidFormat, ValidationError

__all__ = [
    "RicParts",
    "calc_check",
    "compact",
    "format",
    "is_valid",
    "mask",
    "parse",
    "to_18",
    "validate",
]

WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, ...
CHECK_CHARS = "10X98765432"
_NAME = ("公民身份号码", "a citizen identity number")
_REGION = ("地址码", "region code")


@dataclass(frozen=True)
class RicParts:
    """The named parts of a valid number (always the 18-digit form)."""

    number: str
    region: Region
    birth_date: dt.date
    sequence: str
    sex: str
    check: str
    legacy: bool


def compact(number: str) -> str:
    """Strip whitespace and hyphens, fold full-width forms, upper-case the X."""
    return _compact(number)


def check_value(body: str) -> str:
    """The MOD 11-2 check character for 17 digits already known to be digits."""
    total = sum(int(char) * weight for char, weight in zip(body, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def calc_check(number: str) -> str:
    """The check character for the first 17 digits (an 18th character is ignored)."""
    number = compact(number)
    check_length(number, (17, 18), _NAME)
    check_digits(number, 0, 17, "body")
    return check_value(number[:17])


def _birth_date(number: str, today: dt.date | None) -> dt.date:
    """The birth date of an 18- or 15-digit number; ``InvalidComponent`` if unreal or future."""
    digits = number[6:14] if len(number) == 18 else number[6:12]
    full = digits if len(number) == 18 else "19" + digits
    end = 6 + len(digits)
    try:
        born = dt.date(int(full[:4]), int(full[4:6]), int(full[6:8]))
    except ValueError:
        raise InvalidComponent(
            f"第7-{end}位出生日期不是有效日期",
            f"the birth date (positions 7-{end}) is not a real date",
            field="birth_date",
            position=7,
        ) from None
    today = today or dt.date.today()
    if born > today:
        raise InvalidComponent(
            f"第7-{end}位出生日期晚于今天（{today.isoformat()}）",
            f"the birth date (positions 7-{end}) is after today ({today.isoformat()})",
            field="birth_date",
            position=7,
        )
    return born


def _legacy_to_18(number: str, today: dt.date | None) -> str:
    check_digits(number, 0, 15, "body")
    region(number[:6], what=_REGION, quote=False)
    _birth_date(number, today)
    body = number[:6] + "19" + number[6:]
    return body + check_value(body)


def to_18(number: str, today: dt.date | None = None) -> str:
    """Convert a valid legacy 15-digit number to the 18-digit form (century 19, new check)."""
    number = compact(number)
    check_length(number, (15,), ("旧式公民身份号码", "a legacy identity number"))
    return _legacy_to_18(number, today)


def validate(number: str, today: dt.date | None = None) -> str:
    """Return the 18-digit number or raise the ``ValidationError`` for the first broken rule.

    A valid 15-digit legacy number is returned converted, so that both forms of
    one person's number compare equal after validation.
    """
    number = compact(number)
    check_length(number, (18, 15), _NAME)
    if len(number) == 15:
        return _legacy_to_18(number, today)
    check_digits(number, 0, 17, "body")
    if number[17] not in "0123456789X":
        raise InvalidFormat(
            f"第18位校验码只能是数字或 X，实为 '{number[17]}'",
            f"the check character (position 18) must be a digit or 'X', not '{number[17]}'",
            field="check",
            position=18,
        )
    region(number[:6], what=_REGION, quote=False)
    _birth_date(number, today)
    if number[17] != check_value(number[:17]):
        raise InvalidChecksum(
            "第18位校验码与前17位不符",
            "check character (position 18) does not fit the first 17 digits",
            field="check",
            position=18,
        )
    return number


def is_valid(number: str, today: dt.date | None = None) -> bool:
    """Whether ``number`` (18 or legacy 15 digits) is a valid identity number."""
    try:
        validate(number, today)
    except ValidationError:
        return False
    return True


def parse(number: str, today: dt.date | None = None) -> RicParts:
    """Region (named as in the birth year when known), birth date, sex and sequence."""
    legacy = len(compact(number)) == 15
    number = validate(number, today)
    born = _birth_date(number, today)
    return RicParts(
        number=number,
        region=region(number[:6], year=born.year, what=_REGION, quote=False),
        birth_date=born,
        sequence=number[14:17],
        sex="male" if int(number[16]) % 2 else "female",
        check=number[17],
        legacy=legacy,
    )


def format(number: str) -> str:
    """The printed form, which is the compact form."""
    return compact(number)


def mask(number: str) -> str:
    """Public-display form: keep only the first and the last character.

    Region, birth date and sex are personal data and, with a name, identify a
    person; public pages must not show them. Keeping one character at each end
    still lets a reader tell two listed persons apart at a glance, and keeps the
    length so the form is recognisable. The input is not validated: an invalid
    number is still personal data.
    """
    number = compact(number)
    if len(number) <= 2:
        return "*" * len(number)
    return number[0] + "*" * (len(number) - 2) + number[-1]
