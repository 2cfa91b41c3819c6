"""Days as integers, and the date formats departments use.

Records carry dates as days since 1970-01-01 in numpy arrays so that a chunk of a
hundred thousand dates is drawn, clamped and shifted off weekends in a few vector
operations. Writing a date is a table look-up per feed style, because formatting
through ``strftime`` per cell would dominate the cost of a CSV row.

>>> day = epoch_day(dt.date(2025, 3, 7))
>>> [DateTable(style, day, day)(day) for style in ("iso", "slash", "compact", "cn")]
['2025-03-07', '2025/3/7', '20250307', '2025年03月07日']
>>> DateTable("excel-serial", day, day)(day), impossible(dt.date(2025, 3, 7), "cn", 0)
(45723, '2025年02月30日')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

_EPOCH = dt.date(1970, 1, 1).toordinal()
#: Excel's serial day 0 is 1899-12-30 (the 1900 leap-year bug included).
EXCEL_EPOCH = dt.date(1899, 12, 30)

#: Date styles seen in department feeds, with how each writes 2025-03-07.
STYLES: dict[str, Callable[[dt.date], str | int | dt.date]] = {
    "iso": lambda d: d.isoformat(),  # 2025-03-07
    "slash": lambda d: f"{d.year}/{d.month}/{d.day}",  # 2025/3/7
    "compact": lambda d: d.strftime("%Y%m%d"),  # 20250307
    "cn": lambda d: f"{d.year}年{d.month:02d}月{d.day:02d}日",  # 2025年03月07日
    "excel-serial": lambda d: (d - EXCEL_EPOCH).days,  # 45723, a bare number cell
    "excel-date": lambda d: d,  # a date cell with a date number format
}

#: A cell value: text, an integer (serial day), or a date for date-formatted cells.
Cell = str | int | dt.date


def epoch_day(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return d.toordinal() - _EPOCH


def day_of(n: int) -> dt.date:
    """The date ``n`` days after 1970-01-01."""
    return dt.date.fromordinal(n + _EPOCH)


def plain(cell: Cell, style: str) -> str:
    """A cell as text for ground truth: dates and Excel serials become YYYY-MM-DD."""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, int) and style == "excel-serial":
        return (EXCEL_EPOCH + dt.timedelta(days=cell)).isoformat()
    return str(cell)


def impossible(d: dt.date, style: str, variant: int) -> str:
    """A date that cannot exist, written in ``style`` (text even in Excel feeds)."""
    year, month, day = (d.year, 2, 30) if variant % 2 == 0 else (d.year, 13, d.day)
    if style == "compact":
        return f"{year}{month:02d}{day:02d}"
    if style == "slash":
        return f"{year}/{month}/{day}"
    if style == "cn":
        return f"{year}年{month:02d}月{day:02d}日"
    return f"{year}-{month:02d}-{day:02d}"


class DateTable:
    """Pre-formatted dates of one style over a window of days around the anchor."""

    def __init__(self, style: str, first: int, last: int) -> None:
        self.style = style
        self.first = first
        fmt = STYLES[style]
        self.values: list[Cell] = [fmt(day_of(n)) for n in range(first, last + 1)]

    def __call__(self, n: int) -> Cell:
        """The formatted day ``n``."""
        i = n - self.first
        if 0 <= i < len(self.values):
            return self.values[i]
        return STYLES[self.style](day_of(n))

    def many(self, days: npt.NDArray[np.int64]) -> list[Cell]:
        """Formatted days for a whole column (negative days stay empty)."""
        values, first, size = self.values, self.first, len(self.values)
        return [
            values[n - first] if 0 <= n - first < size else (self(n) if n >= 0 else "")
            for n in days.tolist()
        ]


def months_later(
    days: npt.NDArray[np.int64], months: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Each day plus a number of calendar months, clamped to the end of the month."""
    d = days.astype("datetime64[D]")
    month = d.astype("datetime64[M]")
    dom = (d - month.astype("datetime64[D]")).astype(np.int64)
    target = month + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    first: npt.NDArray[np.int64] = target.astype("datetime64[D]").astype(np.int64)
    result: npt.NDArray[np.int64] = first + np.minimum(dom, length - 1)
    return result


def workdays(days: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Move Saturdays back to Friday and Sundays on to Monday: decisions are made on workdays."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday (3 with Monday = 0)
    result: npt.NDArray[np.int64] = days - (weekday == 5) + (weekday == 6)
    return result
