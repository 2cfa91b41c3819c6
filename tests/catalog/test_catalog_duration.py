"""Calendar durations: parsing, printing and month arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.catalog import Duration, parse_duration


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("P3M", Duration(months=3)),
        ("P1Y", Duration(months=12)),
        ("P1Y6M", Duration(months=18)),
        ("P2W", Duration(days=14)),
        ("P10D", Duration(days=10)),
        (6, Duration(months=6)),
    ],
)
def test_parse(raw: object, expected: Duration) -> None:
    assert parse_duration(raw) == expected


@pytest.mark.parametrize("raw", ["3 months", "P", "PT1H", "-P1M", -1, True, 1.5, None])
def test_parse_refuses(raw: object) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(raw)


@pytest.mark.parametrize(
    ("start", "duration", "end"),
    [
        ("2025-01-31", "P1M", "2025-02-28"),
        ("2024-01-31", "P1M", "2024-02-29"),
        ("2023-05-01", "P3Y", "2026-05-01"),
        ("2025-11-15", "P3M", "2026-02-15"),
        ("2025-12-31", "P10D", "2026-01-10"),
    ],
)
def test_add_to_counts_calendar_months(start: str, duration: str, end: str) -> None:
    assert parse_duration(duration).add_to(dt.date.fromisoformat(start)) == dt.date.fromisoformat(
        end
    )


durations = st.builds(Duration, months=st.integers(0, 600), days=st.integers(0, 400))


@given(durations)
def test_text_round_trips(duration: Duration) -> None:
    assert parse_duration(str(duration)) == duration


@given(durations, st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)))
def test_adding_never_goes_back(duration: Duration, start: dt.date) -> None:
    assert duration.add_to(start) >= start
