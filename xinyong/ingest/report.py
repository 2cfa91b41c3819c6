"""Data quality per furnishing department: volumes, rejections, corrections, timeliness.

Double publicity requires licensing and penalty decisions to be published within
7 working days of the decision. Timeliness here is measured from the decision
date to the record's arrival at the platform (the batch's date, or a delivery
date declared in the file or on the command line), counted in working days on
the official calendar: the number of working days after the decision day up to
and including the arrival day, so a decision that arrives the same day has a
delay of 0 and one that arrives on the 7th working day after is still on time.
Only newly asserted records count (a re-sent or corrected record is not a new
arrival). A date outside the years the calendar covers cannot be counted: it is
reported as unknown timeliness, never guessed and never an error; so is an
arrival declared before the decision itself.

Medians and 90th percentiles are nearest-rank over records (a delay shared by
many records weighs for each).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xinyong.calendar import WorkingCalendar, calendar_from
from xinyong.ingest.summary import Tally
from xinyong.ledger import Store
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.ingest_state import arrival_counts, batch_figures

#: Working days within which a double-publicity decision must be published.
PUBLICATION_LIMIT = 7


@dataclass(frozen=True)
class Timeliness:
    """Decision-to-arrival delays of one source's new records, in working days."""

    limit: int
    measured: int
    on_time: int
    late: int
    unknown: int
    median_days: int | None
    p90_days: int | None

    @property
    def on_time_share(self) -> float | None:
        """Share of measured records that arrived within the limit."""
        return self.on_time / self.measured if self.measured else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-able figures."""
        share = self.on_time_share
        return {
            "limit_working_days": self.limit,
            "measured": self.measured,
            "on_time": self.on_time,
            "late": self.late,
            "on_time_share": None if share is None else round(share, 4),
            "median_working_days": self.median_days,
            "p90_working_days": self.p90_days,
            "unknown": self.unknown,
        }


@dataclass(frozen=True)
class SourceQuality:
    """One furnishing department's figures over every batch ingested from it."""

    code: str
    name: str
    batches: int
    counts: Tally
    timeliness: Timeliness
    open_batches: int = 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-able figures (one line of ``xinyong sources report``)."""
        counts = self.counts.as_dict()
        counts["received"] = counts.pop("rows")
        return {
            "source": self.code,
            "name": self.name,
            "batches": self.batches,
            "open_batches": self.open_batches,
            **counts,
            "timeliness": self.timeliness.as_dict(),
        }


class WorkingDayIndex:
    """Working days between two dates in O(1), over the years the calendar covers."""

    def __init__(self, calendar: WorkingCalendar) -> None:
        years = calendar.years
        self.covered = frozenset(years)
        self.start = dt.date(years[0], 1, 1)
        self.cumulative: list[int] = []
        total, day = 0, self.start
        while day.year <= years[-1]:
            if day.year in self.covered and calendar.is_working_day(day):
                total += 1
            self.cumulative.append(total)
            day += dt.timedelta(days=1)

    def between(self, start: dt.date, end: dt.date) -> int | None:
        """Working days after ``start`` up to and including ``end``; None if not countable."""
        if end < start or any(y not in self.covered for y in range(start.year, end.year + 1)):
            return None
        first = self.start.toordinal()
        return self.cumulative[end.toordinal() - first] - self.cumulative[start.toordinal() - first]


def _rank(delays: list[tuple[int, int]], share: float) -> int | None:
    """Nearest-rank percentile of (delay, count) pairs sorted by delay."""
    total = sum(n for _, n in delays)
    if not total:
        return None
    rank, seen = max(1, math.ceil(share * total)), 0
    for delay, n in delays:
        seen += n
        if seen >= rank:
            return delay
    return delays[-1][0]  # pragma: no cover - ranks never exceed the total


def timeliness(
    pairs: Iterable[tuple[dt.date, dt.date, int]],
    index: WorkingDayIndex,
    limit: int = PUBLICATION_LIMIT,
) -> Timeliness:
    """Figures for (decision date, arrival date, records) triples."""
    delays: Counter[int] = Counter()
    unknown = 0
    for decided, arrived, n in pairs:
        delay = index.between(decided, arrived)
        if delay is None:
            unknown += n
        else:
            delays[delay] += n
    ordered = sorted(delays.items())
    on_time = sum(n for d, n in ordered if d <= limit)
    measured = sum(delays.values())
    return Timeliness(
        limit, measured, on_time, measured - on_time, unknown,
        _rank(ordered, 0.5), _rank(ordered, 0.9),
    )  # fmt: skip


def source_quality(
    store: Store, calendar: WorkingCalendar | None = None, limit: int = PUBLICATION_LIMIT
) -> list[SourceQuality]:
    """Figures for every source that has had a file ingested, by source code."""
    calendar = calendar or calendar_from(store.settings.calendar_dir)
    index = WorkingDayIndex(calendar)
    with read_transaction(store.engine) as conn:
        batches = batch_figures(conn)
        arrivals = arrival_counts(conn)
    by_source: dict[int, list[tuple[dt.date, dt.date, int]]] = defaultdict(list)
    for source_id, decided, arrived, n in arrivals:
        by_source[source_id].append((decided, arrived, n))
    grouped: dict[int, list[Any]] = defaultdict(list)
    for b in batches:
        grouped[b.source_id].append(b)
    out = []
    for source_id, items in grouped.items():
        total = Tally()
        for b in items:
            total.merge(Tally.from_dict(b.counts))
        first = items[0]
        out.append(
            SourceQuality(
                code=first.source_code,
                name=first.source_name,
                batches=len(items),
                counts=total,
                timeliness=timeliness(by_source.get(source_id, []), index, limit),
                open_batches=sum(1 for b in items if b.status == "open"),
            )
        )
    return sorted(out, key=lambda q: q.code)
