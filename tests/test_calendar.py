"""The working-day calendar: official make-up days, holidays, and no guessing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.calendar import (
    CalendarCoverageError,
    CalendarDataError,
    WorkingCalendar,
    calendar_from,
    load_schedule_file,
)

D = dt.date
CAL = WorkingCalendar.official()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 2, 13), True),  # Friday before the make-up Saturday
        (D(2026, 2, 14), True),  # make-up Saturday (调休)
        (D(2026, 2, 15), False),  # Spring Festival holiday begins (Sunday)
        (D(2026, 2, 16), False),  # holiday on a Monday
        (D(2026, 2, 23), False),  # last holiday day, a Monday
        (D(2026, 2, 24), True),  # back to work
        (D(2026, 2, 28), True),  # second make-up Saturday
        (D(2026, 3, 1), False),  # ordinary Sunday
    ],
)
def test_spring_festival_2026(day: dt.date, working: bool) -> None:
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "count", "deadline"),
    [
        (D(2026, 2, 12), 1, D(2026, 2, 13)),
        (D(2026, 2, 12), 2, D(2026, 2, 14)),  # counts the make-up Saturday
        (D(2026, 2, 12), 3, D(2026, 2, 24)),  # skips the whole holiday
        (D(2026, 2, 10), 10, D(2026, 3, 2)),  # both make-up Saturdays count
        (D(2026, 2, 24), 0, D(2026, 2, 24)),
        (D(2026, 2, 24), -1, D(2026, 2, 14)),
    ],
)
def test_add_working_days_across_the_holiday(start: dt.date, count: int, deadline: dt.date) -> None:
    assert CAL.add_working_days(start, count) == deadline


@given(
    start=st.dates(min_value=D(2005, 1, 1), max_value=D(2026, 9, 1)),
    count=st.integers(min_value=0, max_value=40),
)
def test_between_inverts_add(start: dt.date, count: int) -> None:
    assert CAL.working_days_between(start, CAL.add_working_days(start, count)) == count


def test_a_year_without_official_data_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarCoverageError, match="no official working-day schedule for 2027"):
        CAL.is_working_day(D(2027, 1, 4))
    with pytest.raises(CalendarCoverageError):
        CAL.add_working_days(D(2026, 12, 20), 20)
    with pytest.raises(CalendarCoverageError):
        CAL.working_days_between(D(2026, 12, 1), D(2027, 1, 15))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_an_operator_adds_a_published_year(tmp_path: Path) -> None:
    _write(
        tmp_path / "2027.yaml",
        "year: 2027\nsource: published notice\n"
        "holidays: [2027-01-01, 2027-01-02, 2027-01-03]\nworkdays: [2027-01-09]\n",
    )
    cal = calendar_from(tmp_path)
    assert cal.years[-1] == 2027
    assert cal.source(2027) == "published notice"
    assert not cal.is_working_day(D(2027, 1, 1))
    assert cal.is_working_day(D(2027, 1, 9))  # a Saturday made a working day
    assert cal.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_a_missing_directory_means_the_packaged_calendar(tmp_path: Path) -> None:
    assert calendar_from(tmp_path / "none").years == CAL.years


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- 1\n", "expected a mapping"),
        ("year: 2027\nsource: x\nholidays: [2027-01-01]\nextra: 1\n", "unknown keys"),
        ("year: 27\nsource: x\nholidays: [2027-01-01]\n", "'year' must be"),
        ("year: 2027\nholidays: [2027-01-01]\n", "'source' must"),
        ("year: 2027\nsource: x\nholidays: [2027-02-30]\n", "not a readable schedule"),
        ("year: 2027\nsource: x\nholidays: [2027-13]\n", "is not a date"),
        ("year: 2027\nsource: x\nholidays: [2026-01-01]\n", "is not in 2027"),
        ("year: 2027\nsource: x\nholidays: []\n", "'holidays' is empty"),
        ("year: 2027\nsource: x\nholidays: 2027-01-01\n", "must be a list"),
        (
            "year: 2027\nsource: x\nholidays: [2027-01-01]\nworkdays: [2027-01-01]\n",
            "both as a holiday and a workday",
        ),
    ],
)
def test_malformed_schedules_are_refused_with_the_file_named(
    tmp_path: Path, text: str, message: str
) -> None:
    path = _write(tmp_path / "bad.yaml", text)
    with pytest.raises(CalendarDataError, match=message) as caught:
        load_schedule_file(path)
    assert "bad.yaml" in str(caught.value)
