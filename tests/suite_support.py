"""Test support shared by the whole suite: a clock tests can move, the pinned date, the secret.

Import it as ``from suite_support import ManualClock`` (the ``tests`` folder is
on the import path while the suite runs). Not ``from conftest import ...``: every
conftest.py outside a package is imported as the module ``conftest``, so that
name means whichever of them was loaded last.
"""

from __future__ import annotations

import datetime as dt

from xinyong.clock import CST, Clock

#: The date every test runs on unless it moves the clock.
TODAY = dt.date(2025, 3, 14)
#: A fixed master secret, so encrypted values and keyed hashes are reproducible.
TEST_SECRET = "5eed" * 16


class ManualClock(Clock):
    """A clock the test moves; every ``now()`` ticks one millisecond forward.

    The tick keeps transaction times strictly increasing, as on a real clock,
    while staying reproducible and independent of the machine's time.
    """

    _instant: dt.datetime

    def __init__(self, today: dt.date = TODAY) -> None:
        super().__init__(pinned=today)
        object.__setattr__(self, "_instant", _morning(today))

    def now(self) -> dt.datetime:
        instant: dt.datetime = self._instant + dt.timedelta(milliseconds=1)
        object.__setattr__(self, "_instant", instant)
        return instant

    def travel(self, today: dt.date, at: dt.time = dt.time(9)) -> None:
        """Move to ``at`` o'clock (China Standard Time) on ``today``."""
        object.__setattr__(self, "pinned", today)
        object.__setattr__(self, "_instant", _morning(today, at))

    def last(self) -> dt.datetime:
        """The instant the last ``now()`` returned."""
        instant: dt.datetime = self._instant
        return instant


def _morning(day: dt.date, at: dt.time = dt.time(9)) -> dt.datetime:
    return dt.datetime.combine(day, at, CST).astimezone(dt.UTC)
