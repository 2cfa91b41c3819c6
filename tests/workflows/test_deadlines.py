"""Deadline rules on the official calendar: working days, calendar days, overrides."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from xinyong.calendar import CalendarCoverageError, WorkingCalendar
from xinyong.catalog import load_catalog
from xinyong.settings import Settings
from xinyong.workflows.deadlines import Deadlines, Rule, parse_overrides

CAL = WorkingCalendar.official()


@pytest.mark.parametrize(
    ("start", "rule", "due"),
    [
        # 2025 Spring Festival: 28 Jan - 4 Feb off, Sun 26 Jan and Sat 8 Feb worked.
        (dt.date(2025, 1, 24), Rule(1, True, "t"), dt.date(2025, 1, 26)),  # a make-up Sunday
        (dt.date(2025, 1, 24), Rule(3, True, "t"), dt.date(2025, 2, 5)),
        (dt.date(2025, 1, 27), Rule(1, True, "t"), dt.date(2025, 2, 5)),  # over the holiday
        (dt.date(2025, 2, 7), Rule(1, True, "t"), dt.date(2025, 2, 8)),  # a make-up Saturday
        (dt.date(2025, 1, 24), Rule(10, True, "t"), dt.date(2025, 2, 13)),
        (dt.date(2025, 1, 24), Rule(20, True, "t"), dt.date(2025, 2, 27)),
        # Calendar days: ends on a holiday -> the next working day.
        (dt.date(2025, 1, 10), Rule(20, False, "t"), dt.date(2025, 2, 5)),  # 30 Jan is off
        (dt.date(2025, 3, 3), Rule(20, False, "t"), dt.date(2025, 3, 24)),  # Sun 23 Mar -> Mon
        (dt.date(2025, 3, 4), Rule(20, False, "t"), dt.date(2025, 3, 24)),  # Mon: no shift
    ],
)
def test_rules_count_on_the_official_calendar(start: dt.date, rule: Rule, due: dt.date) -> None:
    assert rule.due(CAL, start) == due


def test_a_deadline_beyond_the_calendar_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarCoverageError):
        Rule(20, True, "t").due(CAL, dt.date(2026, 12, 20))


def _deadlines(settings: Settings, **changes: object) -> Deadlines:
    return Deadlines(CAL, load_catalog(), dataclasses.replace(settings, **changes))


def test_objection_deadline_per_record_type(settings: Settings) -> None:
    deadlines = _deadlines(settings)
    penalty = deadlines.objection_reply("administrative_penalty")
    assert (penalty.count, penalty.working_days) == (20, False)  # Order 631 Art. 25: 20 days
    abnormal = deadlines.objection_reply("abnormal_operation_entry")
    assert (abnormal.count, abnormal.working_days) == (20, True)
    court = deadlines.objection_reply("court_judgment_defaulter")
    assert court.count == 15
    unknown = deadlines.objection_reply("not_catalogued")
    assert (unknown.count, unknown.working_days) == (20, True)


def test_the_operator_overrides_a_type_in_working_days(settings: Settings) -> None:
    deadlines = _deadlines(settings, objection_reply_days="administrative_penalty=5, honour=3")
    rule = deadlines.objection_reply("administrative_penalty")
    assert (rule.count, rule.working_days) == (5, True)
    assert deadlines.objection_reply("court_judgment_defaulter").count == 15


@pytest.mark.parametrize("text", ["administrative_penalty", "x=0", "x=-1", "=3", "x=three"])
def test_a_malformed_override_is_named(text: str) -> None:
    with pytest.raises(ValueError, match="expected TYPE=N"):
        parse_overrides(text)


def test_listing_windows_come_from_the_list_or_the_setting(settings: Settings) -> None:
    deadlines = _deadlines(settings, listing_response_working_days=7)
    assert deadlines.listing_response("samr_serious_violation").count == 5  # the catalog's
    assert deadlines.listing_response("major_tax_violation").count == 7  # none in the catalog
    assert deadlines.listing_response(None).count == 7  # a grade


def test_repair_deadlines_follow_the_2025_plan(settings: Settings) -> None:
    deadlines = _deadlines(settings)
    assert deadlines.repair_feedback().count == 10
    assert deadlines.repair_decision().count == 3
