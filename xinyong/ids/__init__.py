"""Chinese identifiers for the credit platform, one module per code.

Every module has the same functions, so ingestion and the CLI can treat codes
alike: ``compact``, ``validate`` (returns the normalised value or raises a
:class:`~xinyong.ids.errors.ValidationError`), ``is_valid``, ``calc_check``,
``parse`` (a frozen dataclass of named parts) and ``format``.

================  ==========================================  =================
kind              identifier                                  module
================  ==========================================  =================
``uscc``          Unified Social Credit Code, 18 characters   :mod:`.uscc`
``orgcode``       organization code, 9 characters             :mod:`.orgcode`
``ric``           citizen identity number, 18 (or 15) digits  :mod:`.ric`
``regno15``       legacy business registration number, 15     :mod:`.regno15`
================  ==========================================  =================

>>> detect("91110000600037341L"), detect("11010519491231002X"), detect("60003734-1")
('uscc', 'ric', 'orgcode')
>>> detect("510000000391563"), detect("360426910101007"), detect("12345")
('regno15', 'ric', None)
>>> get_module("uscc").is_valid("121200004013590816")
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Literal, Protocol

from xinyong.ids import orgcode, regno15, ric, uscc
from xinyong.ids._common import compact
from xinyong.ids.errors import InvalidLength, ValidationError

__all__ = ["KINDS", "IdentifierModule", "Kind", "detect", "get_module", "undetectable"]

Kind = Literal["uscc", "orgcode", "ric", "regno15"]


class IdentifierModule(Protocol):
    """The functions every identifier module provides."""

    def compact(self, number: str) -> str: ...

    def validate(self, number: str) -> str: ...

    def is_valid(self, number: str) -> bool: ...

    def calc_check(self, number: str) -> str: ...

    def parse(self, number: str) -> object: ...

    def format(self, number: str) -> str: ...


KINDS: Mapping[str, IdentifierModule] = {
    "uscc": uscc,
    "orgcode": orgcode,
    "ric": ric,
    "regno15": regno15,
}


def get_module(kind: str) -> IdentifierModule:
    """The module for ``kind``; ``ValueError`` listing the known kinds otherwise."""
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown identifier kind {kind!r}; known: {', '.join(KINDS)}") from None


def _plausible_birth(number: str) -> bool:
    """Whether an all-digit number carries a calendar date where a birth date would be."""
    digits = number[6:14] if len(number) == 18 else "19" + number[6:12]
    try:
        born = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return born.year >= 1850


def detect(code: str) -> Kind | None:
    """Guess the kind of ``code`` from its compact length and shape, for ``--kind auto``.

    18 characters: a citizen number (17 digits then a digit or X) or a USCC;
    whichever validates wins, and if neither does, digits with a plausible
    birth date are taken for a citizen number, anything else for a USCC, so the
    error explains the likelier mistake. 15 digits: a registration number or a
    legacy citizen number, again by validation; the registration number wins a
    tie, since the credit platform sees far more of them. 9 characters: an
    organization code. Anything else: None.
    """
    number = compact(code)
    if len(number) == 9:
        return "orgcode"
    if len(number) == 18:
        looks_ric = number[:17].isdigit() and number[17] in "0123456789X" and number.isascii()
        if looks_ric and ric.is_valid(number):
            return "ric"
        if uscc.is_valid(number):
            return "uscc"
        return "ric" if looks_ric and _plausible_birth(number) else "uscc"
    if len(number) == 15 and number.isdigit() and number.isascii():
        if regno15.is_valid(number):
            return "regno15"
        if ric.is_valid(number):
            return "ric"
        return "ric" if _plausible_birth(number) else "regno15"
    return None


def undetectable(code: str) -> ValidationError:
    """The error to report when :func:`detect` cannot tell what ``code`` is."""
    length = len(compact(code))
    return InvalidLength(
        f"无法识别代码类型：长度为 {length}，应为 18（统一社会信用代码或身份号码）、15 或 9 位",
        f"cannot tell what this is: {length} characters, expected 18 (USCC or citizen "
        "number), 15 (registration or legacy citizen number) or 9 (organization code)",
        field="length",
    )
