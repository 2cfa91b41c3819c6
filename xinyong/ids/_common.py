"""Helpers shared by the identifier modules: compaction and the parts they parse into."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from xinyong.ids import divisions
from xinyong.ids.errors import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

#: The 31 symbols of GB 32100 with values 0-30 in this order (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def compact(number: str) -> str:
    """Drop whitespace and hyphens and upper-case, after folding full-width forms.

    Chinese documents often carry full-width digits and letters (``９１Ｌ``) or
    ideographic spaces; NFKC folds them to ASCII. The fold only runs on non-ASCII
    input, so the common case stays cheap for bulk ingestion.
    """
    if not number.isascii():
        number = unicodedata.normalize("NFKC", number)
    return "".join(number.split()).replace("-", "").upper()


@dataclass(frozen=True)
class Label:
    """A coded value with its Chinese and English labels."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Region:
    """A GB/T 2260 division as embedded in an identifier."""

    code: str
    name: str
    province: str


def region(
    code: str,
    *,
    year: int | None = None,
    position: int = 1,
    what: tuple[str, str],
    quote: bool = True,
) -> Region:
    """Resolve an embedded 6-digit division code or raise ``InvalidComponent``.

    Any code that ever existed is accepted, because identifiers outlive renamed
    and abolished divisions. ``year`` only picks the name to show. ``quote=False``
    keeps the digits out of the reason, for personal numbers whose reasons may
    end up in logs.
    """
    division = divisions.lookup(code)
    if division is None:
        end = position + 5
        shown = f" '{code}'" if quote else ""
        raise InvalidComponent(
            f"第{position}-{end}位{what[0]}{shown} 不在 GB/T 2260 行政区划代码表中",
            f"{what[1]}{shown} (positions {position}-{end}) is not a known GB/T 2260 division code",
            field="region",
            position=position,
        )
    name = (division.name_in(year) if year is not None else None) or division.name
    return Region(code, name, division.province)


def check_length(number: str, lengths: tuple[int, ...], what: tuple[str, str]) -> None:
    """Raise ``InvalidLength`` naming the expected length(s) and the actual one."""
    if len(number) in lengths:
        return
    zh = "或".join(str(n) for n in lengths)
    en = " or ".join(str(n) for n in lengths) + (" character" if lengths == (1,) else " characters")
    raise InvalidLength(
        f"{what[0]}应为{zh}位，实为{len(number)}位",
        f"{what[1]} must have {en}, not {len(number)}",
        field="length",
    )


def check_digits(number: str, start: int, end: int, field: str) -> None:
    """Raise ``InvalidFormat`` at the first non-digit in ``number[start:end]``."""
    for index in range(start, end):
        char = number[index]
        if not ("0" <= char <= "9"):
            raise InvalidFormat(
                f"第{index + 1}位应为数字，实为 '{char}'",
                f"position {index + 1} must be a digit, not '{char}'",
                field=field,
                position=index + 1,
            )


def checksum_error(
    position: int, expected: str, actual: str, what: tuple[str, str], field: str = "check"
) -> InvalidChecksum:
    """The error for a check character that should be ``expected``, not ``actual``."""
    return InvalidChecksum(
        f"第{position}位{what[0]}应为 {expected}，实为 {actual}",
        f"{what[1]} (position {position}) should be '{expected}', not '{actual}'",
        field=field,
        position=position,
    )
