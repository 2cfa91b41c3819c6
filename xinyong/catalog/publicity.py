"""Publicity regimes as dated data, and the choice of the regime in force.

The rules on how long credit information stays published changed in 2019, 2023, 2025
and 2026 and will change again; a record keeps the rule in force on its decision date.
So each rule is a :class:`PublicityRegime` with effective dates, grouped in series (one
lineage of rules from one rule-maker), and the code only selects among them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from xinyong.catalog.duration import Duration
from xinyong.catalog.model import Label, Provenance

RunsFrom = Literal["decision", "publication"]


@dataclass(frozen=True)
class Sector:
    """A regulated sector with its own minimum publicity period (food, drugs...)."""

    id: str
    label: Label


@dataclass(frozen=True)
class Tier:
    """The publicity period of one tier: minimum, maximum (None: no fixed end), published."""

    id: str
    min: Duration | None = None
    max: Duration | None = None
    published: bool = True
    label: Label | None = None
    note: str | None = None


@dataclass(frozen=True)
class SectorMinimum:
    """A longer minimum period for records from some sectors (NDRC Order No. 58)."""

    sectors: frozenset[str]
    min: Duration


@dataclass(frozen=True)
class PublicityRegime:
    """One dated rule on publicity periods; ``effective_to`` is its last day, inclusive."""

    id: str
    series: str
    label: Label
    effective_from: dt.date | None
    effective_to: dt.date | None
    runs_from: RunsFrom
    tiers: Mapping[str, Tier]
    sector_minimums: tuple[SectorMinimum, ...] = ()
    provenance: Provenance = field(default_factory=Provenance)

    def in_force(self, on: dt.date) -> bool:
        """Whether the regime governs records decided on ``on``."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return self.effective_to is None or on <= self.effective_to

    def resolve_tier(self, tier: str, order: Sequence[str]) -> Tier | None:
        """The regime's tier for ``tier``, falling back along the standard tier order.

        A rule that does not mention a standard tier treats it like the nearest tier it
        does define above it (a 2019 rule with only general and serious tiers treats a
        minor penalty as general); failing that, the nearest below. Type-specific tiers
        never fall back.
        """
        if tier in self.tiers:
            return self.tiers[tier]
        if tier not in order:
            return None
        index = order.index(tier)
        for candidate in (*order[index + 1 :], *reversed(order[:index])):
            if candidate in self.tiers:
                return self.tiers[candidate]
        return None


@dataclass(frozen=True)
class Period:
    """The publicity period that applies to a record, and the regime it comes from."""

    regime: str
    tier: str
    min: Duration | None
    max: Duration | None
    published: bool
    runs_from: RunsFrom
    note: str | None = None

    @property
    def repairable(self) -> bool:
        """Whether publicity can end early by credit repair once ``min`` has passed."""
        if not self.published or self.min is None:
            return False
        return self.max is None or self.min < self.max

    def ends(self, start: dt.date) -> dt.date | None:
        """The last day of the maximum period from ``start``, or None if there is no end."""
        if self.max is None:
            return None
        return self.max.add_to(start) - dt.timedelta(days=1)


def regime_in_force(
    regimes: Iterable[PublicityRegime], series: str, on: dt.date
) -> PublicityRegime | None:
    """The regime of ``series`` in force on ``on``, or None before the series begins."""
    for regime in regimes:
        if regime.series == series and regime.in_force(on):
            return regime
    return None


def period_from(
    regime: PublicityRegime, tier_id: str, order: Sequence[str], sector: str | None = None
) -> Period | None:
    """The period ``regime`` sets for ``tier_id`` (and ``sector``), or None if it has none."""
    tier = regime.resolve_tier(tier_id, order)
    if tier is None:
        return None
    period = Period(
        regime=regime.id,
        tier=tier_id,
        min=tier.min,
        max=tier.max,
        published=tier.published,
        runs_from=regime.runs_from,
        note=tier.note,
    )
    for rule in regime.sector_minimums:
        if sector in rule.sectors and (period.min is None or period.min < rule.min):
            longer = rule.min if period.max is None else min(rule.min, period.max)
            period = replace(period, min=longer)
    return period


def _length_key(period: Period) -> tuple[bool, bool, Duration, Duration]:
    never_ends = period.max is None
    return (
        period.published,
        never_ends,
        period.max or Duration(),
        period.min or Duration(),
    )


def longest(periods: Iterable[Period]) -> Period:
    """The period that governs a decision with several penalty types: the longest one.

    A published period beats an unpublished one, no end beats any end, then the longer
    maximum, then the longer minimum (NDRC Order No. 58: the longest type applies).
    """
    return max(periods, key=_length_key)
