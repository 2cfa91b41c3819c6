"""The platform's one clock.

Deadlines, publicity windows and as-of reads must be testable on a simulated
calendar, so no module calls ``date.today()`` or ``datetime.now()`` directly:
they ask a :class:`Clock`. ``XINYONG_TODAY`` pins the date; the time of day
still advances, so transaction timestamps stay ordered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.settings import Settings

#: China Standard Time; the platform's legal dates are dates in this zone.
CST = dt.timezone(dt.timedelta(hours=8), "CST")


@dataclass(frozen=True)
class Clock:
    """Today's date and the current instant, optionally pinned to a date."""

    pinned: dt.date | None = None

    def today(self) -> dt.date:
        """The legal date now (China Standard Time), or the pinned date."""
        if self.pinned is not None:
            return self.pinned
        return dt.datetime.now(CST).date()

    def now(self) -> dt.datetime:
        """The current instant in UTC; on a pinned day, that day with the real time of day."""
        real = dt.datetime.now(dt.UTC)
        if self.pinned is None:
            return real
        local = real.astimezone(CST)
        return dt.datetime.combine(self.pinned, local.timetz()).astimezone(dt.UTC)


def clock_from(settings: Settings) -> Clock:
    """The clock the settings ask for (``XINYONG_TODAY`` pins it)."""
    return Clock(pinned=settings.today)
