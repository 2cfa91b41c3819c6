"""The official working-day calendar of the People's Republic of China.

Statutory deadlines ("within 7 working days of the decision", "feedback within
10 working days") count working days, and China's working days are not simply
Monday to Friday: statutory holidays close weekdays and the State Council's
make-up working days (调休) open weekends. The official schedule is published
year by year, so a date outside the published years is an error here, never a
guess by weekday.

The schedule comes from the ``chinesecalendar`` package (official holidays and
make-up working days since 2004). When it lags behind a newly published year,
an operator adds that year as a YAML file (see :func:`load_schedule_file`) in
``<XINYONG_HOME>/calendar/``; a file may also correct a year the package has.

>>> cal = WorkingCalendar.official()
>>> cal.is_working_day(dt.date(2026, 2, 14))   # a make-up Saturday before Spring Festival
True
>>> cal.is_working_day(dt.date(2026, 2, 17))   # Spring Festival
False
>>> cal.add_working_days(dt.date(2026, 2, 13), 1)  # Friday + 1 working day: Saturday 14th
datetime.date(2026, 2, 14)
>>> cal.add_working_days(dt.date(2026, 2, 14), 1)  # then the holiday, then the weekend
datetime.date(2026, 2, 24)
>>> cal.working_days_between(dt.date(2026, 2, 13), dt.date(2026, 2, 24))
2
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "CalendarCoverageError",
    "CalendarDataError",
    "WorkingCalendar",
    "YearSchedule",
    "calendar_from",
    "load_schedule_file",
]


class CalendarCoverageError(LookupError):
    """A date falls in a year for which no official schedule is loaded."""


class CalendarDataError(ValueError):
    """A schedule file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class YearSchedule:
    """One year's official exceptions to the Monday-to-Friday week."""

    year: int
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str


class WorkingCalendar:
    """Working-day arithmetic over the years whose official schedule is loaded."""

    def __init__(self, schedules: Iterable[YearSchedule]) -> None:
        self._years: dict[int, YearSchedule] = {s.year: s for s in schedules}
        if not self._years:
            raise CalendarDataError("a working-day calendar needs at least one year's schedule")

    @classmethod
    def official(cls, extra: Iterable[YearSchedule] = ()) -> WorkingCalendar:
        """The packaged official schedule, with ``extra`` years added or replacing years."""
        by_year = {s.year: s for s in _packaged_schedules()}
        by_year.update({s.year: s for s in extra})
        return cls(by_year.values())

    @property
    def years(self) -> tuple[int, ...]:
        """The years covered, ascending."""
        return tuple(sorted(self._years))

    def source(self, year: int) -> str:
        """Where the schedule of ``year`` comes from."""
        return self._schedule(year).source

    def _schedule(self, year: int) -> YearSchedule:
        try:
            return self._years[year]
        except KeyError:
            span = f"{self.years[0]}-{self.years[-1]}"
            raise CalendarCoverageError(
                f"no official working-day schedule for {year} (loaded: {span}); add the "
                f"State Council's published schedule for {year} as a calendar file"
            ) from None

    def is_working_day(self, day: dt.date) -> bool:
        """Whether public bodies work on ``day`` under the official schedule."""
        schedule = self._schedule(day.year)
        if day in schedule.workdays:
            return True
        if day in schedule.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, count: int) -> dt.date:
        """The ``count``-th working day after ``start`` (``start`` itself never counts).

        This is how "within N working days of receipt" is read: the deadline is
        the N-th working day after the day of receipt. ``count`` 0 returns
        ``start``; a negative count walks backwards.
        """
        step = 1 if count >= 0 else -1
        day, remaining = start, abs(count)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if ``end`` is earlier.

        ``working_days_between(a, add_working_days(a, n)) == n`` for every n.
        """
        if end < start:
            return -self.working_days_between(end, start)
        # Check coverage of both ends first so a long span fails before any counting.
        self._schedule(start.year)
        self._schedule(end.year)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count


def _packaged_schedules() -> list[YearSchedule]:
    from chinese_calendar import constants  # imported lazily: it builds large tables

    holidays: dict[int, set[dt.date]] = {}
    workdays: dict[int, set[dt.date]] = {}
    for day in constants.holidays:
        holidays.setdefault(day.year, set()).add(day)
    for day in constants.workdays:
        workdays.setdefault(day.year, set()).add(day)
    return [
        YearSchedule(
            year=year,
            holidays=frozenset(holidays[year]),
            workdays=frozenset(workdays.get(year, ())),
            source="chinesecalendar (State Council holiday notices)",
        )
        for year in sorted(holidays)
    ]


def _dates(path: Path, key: str, raw: Any, year: int) -> frozenset[dt.date]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, list):
        raise CalendarDataError(f"{path}: '{key}' must be a list of dates")
    days = set()
    for item in raw:
        try:
            day = item if isinstance(item, dt.date) else dt.date.fromisoformat(str(item))
        except ValueError:
            raise CalendarDataError(f"{path}: '{key}' entry {item!r} is not a date") from None
        if day.year != year:
            raise CalendarDataError(f"{path}: '{key}' entry {day} is not in {year}")
        days.add(day)
    return frozenset(days)


def load_schedule_file(path: Path) -> YearSchedule:
    """Read one year's published schedule.

    The file holds ``year``, ``source`` (the notice it was taken from),
    ``holidays`` (every day off that is not an ordinary weekend day, or all days
    of each holiday period) and ``workdays`` (the make-up weekend working days)::

        year: 2027
        source: 国务院办公厅关于2027年部分节假日安排的通知 (国办发明电〔2026〕N号)
        holidays: [2027-01-01, ...]
        workdays: [2027-02-06, ...]
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, ValueError) as exc:
        raise CalendarDataError(f"{path}: not a readable schedule: {exc}") from None
    if not isinstance(data, Mapping):
        raise CalendarDataError(f"{path}: expected a mapping with year, source, holidays")
    unknown = set(data) - {"year", "source", "holidays", "workdays"}
    if unknown:
        raise CalendarDataError(f"{path}: unknown keys {sorted(unknown)}")
    year, source = data.get("year"), data.get("source")
    if not isinstance(year, int) or not 1949 < year < 2200:
        raise CalendarDataError(f"{path}: 'year' must be a year such as 2027")
    if not isinstance(source, str) or not source.strip():
        raise CalendarDataError(f"{path}: 'source' must name the published notice")
    holidays = _dates(path, "holidays", data.get("holidays"), year)
    workdays = _dates(path, "workdays", data.get("workdays"), year)
    if not holidays:
        raise CalendarDataError(f"{path}: 'holidays' is empty; a year always has holidays")
    if holidays & workdays:
        both = sorted(holidays & workdays)[0]
        raise CalendarDataError(f"{path}: {both} is listed both as a holiday and a workday")
    return YearSchedule(year=year, holidays=holidays, workdays=workdays, source=source.strip())


def calendar_from(directory: Path | None) -> WorkingCalendar:
    """The official calendar plus every ``*.yaml`` schedule in ``directory`` (if it exists)."""
    extra = []
    if directory is not None and directory.is_dir():
        extra = [load_schedule_file(p) for p in sorted(directory.glob("*.yaml"))]
    return WorkingCalendar.official(extra)
