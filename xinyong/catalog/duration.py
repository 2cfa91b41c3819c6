"""Calendar durations for publicity periods and list terms.

Publicity rules are written in months and years ("3 months to 1 year"), which are not
a fixed number of days, so :class:`datetime.timedelta` cannot hold them. A
:class:`Duration` keeps months and days apart and adds them to dates the way the rules
count: by calendar month, clamped to the end of a shorter month.

>>> parse_duration("P1Y6M")
Duration(months=18, days=0)
>>> parse_duration("P3M").add_to(dt.date(2025, 11, 30))
datetime.date(2026, 2, 28)
>>> str(parse_duration(12))
'P1Y'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_ISO = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True, order=True)
class Duration:
    """A number of calendar months plus a number of days.

    Ordering compares months first, then days; that is exact for the rules in the
    catalog, which never mix the two in one comparison.
    """

    months: int = 0
    days: int = 0

    def add_to(self, start: dt.date) -> dt.date:
        """The date this duration after ``start`` (month arithmetic clamps to month end)."""
        month_index = start.month - 1 + self.months
        year = start.year + month_index // 12
        month = month_index % 12 + 1
        day = min(start.day, calendar.monthrange(year, month)[1])
        return dt.date(year, month, day) + dt.timedelta(days=self.days)

    def __str__(self) -> str:
        years, months = divmod(self.months, 12)
        text = "P"
        text += f"{years}Y" if years else ""
        text += f"{months}M" if months else ""
        text += f"{self.days}D" if self.days else ""
        return text if text != "P" else "P0D"


def parse_duration(raw: object) -> Duration:
    """Read an ISO 8601 duration (``P3M``, ``P1Y``, ``P2W``) or a whole number of months.

    Raises :class:`ValueError` for anything else, including times of day (``PT1H``),
    which no publicity rule uses.
    """
    if isinstance(raw, bool):
        raise ValueError(f"expected a duration such as P3M or a number of months, got {raw!r}")
    if isinstance(raw, int):
        if raw < 0:
            raise ValueError(f"a duration cannot be negative, got {raw}")
        return Duration(months=raw)
    match = _ISO.match(raw) if isinstance(raw, str) else None
    if match is None or raw == "P":
        raise ValueError(f"expected a duration such as P3M or a number of months, got {raw!r}")
    years, months, weeks, days = (int(part) if part else 0 for part in match.groups())
    return Duration(months=years * 12 + months, days=weeks * 7 + days)
