"""Reading dates the way departments write them.

Feeds carry ISO dates (2025-03-07), slashes without padding (2025/3/7), compact
digits (20250307), Chinese (2025年03月07日), dots, a time of day tacked on, Excel
serial day numbers or date cells, and full-width digits typed by an input method.
All of them are read here. A value shaped like a date that cannot exist (30
February, month 13) is ``date.impossible``; anything else unreadable is
``date.invalid``: the first is a typo to correct, the second a wrong column.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

#: Excel's day 0 for serials after the fictitious 1900-02-29 (serial 60).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: How "no end" is written in validity columns; kept as the last representable day.
OPEN_ENDED = dt.date(9999, 12, 31)
_OPEN_WORDS = frozenset({"长期", "长期有效", "永久", "永久有效", "无固定期限"})
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_SHAPES = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})" + _TIME),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})" + _TIME),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})" + _TIME),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日" + _TIME),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_SERIAL = re.compile(r"\d{1,7}(?:\.0+)?")
_MAX_SERIAL = (dt.date(9999, 12, 31) - EXCEL_EPOCH).days

#: Parse outcomes besides a date.
INVALID = "date.invalid"
IMPOSSIBLE = "date.impossible"


def from_serial(serial: float) -> dt.date | str:
    """An Excel (1900 system) serial day as a date; day 60 (1900-02-29) does not exist."""
    whole = int(serial)
    if whole != serial or not 1 <= whole <= _MAX_SERIAL:
        return INVALID
    if whole == 60:
        return IMPOSSIBLE
    if whole < 60:
        return dt.date(1899, 12, 31) + dt.timedelta(days=whole)
    return EXCEL_EPOCH + dt.timedelta(days=whole)


def parse_text(text: str) -> dt.date | str:
    """A date from text in any accepted style, or :data:`INVALID` / :data:`IMPOSSIBLE`."""
    text = text.strip()
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).strip()
        if text in _OPEN_WORDS:
            return OPEN_ENDED
    for shape in _SHAPES:
        found = shape.fullmatch(text)
        if found is not None:
            year, month, day = (int(g) for g in found.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                return IMPOSSIBLE
    if _SERIAL.fullmatch(text):  # a serial number that lost its cell type, e.g. "45723"
        return from_serial(float(text))
    return INVALID


def parse_cell(value: Any) -> dt.date | str | None:
    """A date from any cell value; ``None`` for an empty cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return INVALID
    if isinstance(value, int | float):
        return from_serial(value)
    text = str(value)
    if not text.strip():
        return None
    return parse_text(text)
