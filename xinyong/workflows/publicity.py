"""A record's public window: from when, until when, and when repair may end it early.

The window follows from the record's catalog type, its severity tiers (the
longest period applies when one decision carries several penalty types) and
the regime in force on its decision date. Minor information that the regime
does not publish (warnings) has no public window at all. A record whose window
cannot be computed (no decision date, no tier) is reported, never guessed:
publication is the step that cannot be undone, so doubt means not shown.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xinyong.catalog import Catalog, CatalogError, Period, RecordType
from xinyong.ledger.model import Record, RecordStatus


@dataclass(frozen=True)
class Window:
    """The public window of one record; ``problem`` says why it could not be computed."""

    record_id: int
    period: Period | None
    starts_on: dt.date | None
    repairable_from: dt.date | None
    last_day: dt.date | None
    problem: str | None = None

    @property
    def published(self) -> bool:
        """Whether records like this one are published at all."""
        return self.period is not None and self.period.published

    def open_on(self, day: dt.date) -> bool:
        """Whether the window includes ``day`` (the last day is included)."""
        if not self.published or self.starts_on is None or day < self.starts_on:
            return False
        return self.last_day is None or day <= self.last_day

    def expired_on(self, day: dt.date) -> bool:
        """Whether the maximum period has run out by ``day``."""
        return self.last_day is not None and day > self.last_day


def window_for(catalog: Catalog, record: Record) -> Window:
    """The public window of ``record`` under the catalog."""
    try:
        rtype = catalog.record_type(record.record_type)
    except CatalogError as exc:
        return Window(record.id, None, None, None, None, str(exc))
    if record.decision_date is None:
        return Window(record.id, None, None, None, None, "the record has no decision date")
    tiers = rtype.severity.tiers_for(record.fields)
    if not tiers:
        return Window(
            record.id, None, None, None, None, "the record's severity tier cannot be determined"
        )
    try:
        period = catalog.publicity_period_for_tiers(
            record.record_type, tiers, record.decision_date, sector=_sector(rtype, record)
        )
    except (CatalogError, ValueError) as exc:
        return Window(record.id, None, None, None, None, str(exc))
    # "publication": the platform's copy starts when the ledger holds it (its valid time).
    start = record.decision_date if period.runs_from == "decision" else record.valid_from
    repairable = period.min.add_to(start) if period.repairable and period.min else None
    return Window(record.id, period, start, repairable, period.ends(start))


def _sector(rtype: RecordType, record: Record) -> str | None:
    field = rtype.publicity.sector_field
    value = record.fields.get(field) if field else None
    return value if isinstance(value, str) else None


def shown_publicly(
    catalog: Catalog, record: Record, subject_kind: str | None, day: dt.date
) -> bool:
    """Whether the public may see ``record`` on ``day``.

    Only active records of a type the public may see, inside their window. A
    disputed record stays visible with its mark (the mark is the point); a
    repaired, expired or withdrawn one is not shown.
    """
    if record.status is not RecordStatus.ACTIVE:
        return False
    try:
        disclosure = catalog.record_type(record.record_type).disclosure
    except CatalogError:
        return False
    if not disclosure.is_public(subject_kind):
        return False
    return window_for(catalog, record).open_on(day)
