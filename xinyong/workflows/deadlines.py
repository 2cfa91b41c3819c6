"""Every deadline of the procedures, computed on the official working-day calendar.

"Within N working days" is read as the ledger's calendar reads it: the N-th
working day after the day of the triggering event (delivery, receipt); the
deadline day itself is still in time. A period in calendar days that ends on a
rest day runs to the next working day (the usual rule for statutory periods,
e.g. Administrative Procedure Law Art. 83), so a holiday never shortens one.
Dates beyond the calendar's coverage raise
:class:`~xinyong.calendar.CalendarCoverageError` instead of guessing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from xinyong.calendar import WorkingCalendar
from xinyong.catalog import Catalog
from xinyong.settings import Settings

#: Days a department has to answer an objection when nothing else says (Order No. 631 Art. 25).
DEFAULT_OBJECTION_WORKING_DAYS = 20


@dataclass(frozen=True)
class Rule:
    """A time limit: ``count`` working days, or calendar days ending on a working day."""

    count: int
    working_days: bool
    basis: str

    def due(self, calendar: WorkingCalendar, start: dt.date) -> dt.date:
        """The last day in time for something triggered on ``start``."""
        if self.working_days:
            return calendar.add_working_days(start, self.count)
        day = start + dt.timedelta(days=self.count)
        while not calendar.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def describe(self) -> str:
        """Human-readable form for notices and the case history."""
        unit = "working days" if self.working_days else "days"
        return f"{self.count} {unit} ({self.basis})"


def parse_overrides(text: str) -> Mapping[str, int]:
    """``TYPE=N,TYPE=N`` into a mapping; a malformed pair is an error naming it."""
    result: dict[str, int] = {}
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        name, sep, count = item.partition("=")
        if not sep or not name.strip() or not count.strip().isdigit() or int(count) < 1:
            raise ValueError(f"expected TYPE=N with N >= 1 working days, got {item!r}")
        result[name.strip()] = int(count)
    return result


@dataclass(frozen=True)
class Deadlines:
    """The deadline rules of one platform: calendar, catalog and settings together."""

    calendar: WorkingCalendar
    catalog: Catalog
    settings: Settings

    def objection_reply(self, record_type: str) -> Rule:
        """How long a department has to answer an objection to a record of ``record_type``.

        An operator's per-type setting wins; then the catalog's rule for the type; a
        type without either gets 20 working days.
        """
        overrides = parse_overrides(self.settings.objection_reply_days)
        if record_type in overrides:
            return Rule(overrides[record_type], True, "XINYONG_OBJECTION_REPLY_DAYS")
        rule = self.catalog.record_types.get(record_type)
        if rule is not None:
            objection = rule.publicity.objection
            return Rule(
                objection.reply_within,
                objection.unit == "working_days",
                f"catalog: {record_type}",
            )
        return Rule(DEFAULT_OBJECTION_WORKING_DAYS, True, "default")

    def listing_response(self, list_id: str | None) -> Rule:
        """The subject's response window after a listing notice is delivered."""
        if list_id is not None and list_id in self.catalog.lists:
            window = self.catalog.list_type(list_id).response_window_working_days
            if window is not None:
                return Rule(window, True, f"catalog: list {list_id}")
        return Rule(
            self.settings.listing_response_working_days,
            True,
            "XINYONG_LISTING_RESPONSE_WORKING_DAYS",
        )

    def repair_feedback(self) -> Rule:
        """The platform's feedback on a repair application (2025 plan: 10 working days)."""
        return Rule(self.settings.repair_feedback_working_days, True, "repair feedback")

    def repair_decision(self) -> Rule:
        """The deciding authority's decision once forwarded (2025 plan: 3 working days)."""
        return Rule(self.settings.repair_decision_working_days, True, "repair decision")
