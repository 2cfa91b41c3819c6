"""The loaded catalog and the questions the rest of the platform asks it.

Ingestion asks which fields a record type has; disclosure asks which fields an
audience may see; workflows ask how long a record stays published under the rule in
force on its decision date; resolution asks which subject kind a code belongs to. All
of these read the same checked, immutable :class:`Catalog`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from xinyong.catalog.errors import PublicityError, UnknownItemError
from xinyong.catalog.model import (
    AUDIENCES,
    Category,
    Edition,
    FieldSpec,
    ListType,
    Measure,
    MeasureGroup,
    ProhibitedConcept,
    Purpose,
    SubjectKind,
)
from xinyong.catalog.publicity import (
    Period,
    PublicityRegime,
    Sector,
    longest,
    period_from,
    regime_in_force,
)
from xinyong.catalog.record import RecordType

_VISIBLE: dict[str, tuple[str, ...]] = {
    "public": ("public",),
    "subject": ("public", "subject"),
    "agency": ("public", "subject", "agency"),
}


T = TypeVar("T")

#: Remembered publicity periods per catalog: one per (type, tiers, decision date,
#: series, sector) seen, some tens of thousands for a region's five years of records.
_PERIODS_KEPT = 200_000


def _get(table: Mapping[str, T], key: str, what: str) -> T:
    try:
        return table[key]
    except KeyError:
        known = ", ".join(table) or "none"
        raise UnknownItemError(f"unknown {what} {key!r} (known: {known})") from None


@dataclass(frozen=True, eq=False)
class Catalog:
    """The national catalog as this platform encodes it; build it with ``load_catalog``."""

    root: Path
    editions: Mapping[str, Edition]
    categories: Mapping[str, Category]
    subject_kinds: Mapping[str, SubjectKind]
    purposes: Mapping[str, Purpose]
    prohibited: tuple[ProhibitedConcept, ...]
    lists: Mapping[str, ListType]
    measure_groups: Mapping[str, MeasureGroup]
    measures: Mapping[str, Measure]
    sectors: Mapping[str, Sector]
    tier_order: tuple[str, ...]
    regimes: Mapping[str, PublicityRegime]
    record_types: Mapping[str, RecordType]
    #: Answers of :meth:`publicity_period_for_tiers` (the catalog never changes, and
    #: every public page asks it for each record shown).
    _periods: dict[tuple[object, ...], Period] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def record_type(self, type_id: str) -> RecordType:
        """The record type ``type_id``; raises :class:`UnknownItemError` if it is not catalogued."""
        return _get(self.record_types, type_id, "record type")

    def list_type(self, list_id: str) -> ListType:
        """The list type ``list_id``."""
        return _get(self.lists, list_id, "list")

    def measure(self, measure_id: str) -> Measure:
        """The measure ``measure_id``."""
        return _get(self.measures, measure_id, "measure")

    def purpose(self, purpose_id: str) -> Purpose:
        """The purpose ``purpose_id``; reads naming any other purpose must be refused."""
        return _get(self.purposes, purpose_id, "purpose")

    def subject_kind(self, kind_id: str) -> SubjectKind:
        """The subject kind ``kind_id``."""
        return _get(self.subject_kinds, kind_id, "subject kind")

    def subject_kind_for_uscc(self, authority: str, entity_type: str) -> SubjectKind | None:
        """The subject kind for positions 1-2 of a USCC, or None for an unknown pair.

        Resolution uses this to know, from the code alone, whether a subject is an
        organisation that may be graded; an unknown pair is left for a person to review.
        """
        authority, entity_type = authority.strip().upper(), entity_type.strip().upper()
        for pair in (f"{authority}/{entity_type}", f"{authority}/*"):
            for kind in self.subject_kinds.values():
                if pair in kind.uscc:
                    return kind
        return None

    def regime_in_force(self, series: str, on: dt.date) -> PublicityRegime | None:
        """The regime of ``series`` governing records decided on ``on``."""
        return regime_in_force(self.regimes.values(), series, on)

    def publicity_period(
        self,
        type_id: str,
        tier: str,
        decision_date: dt.date,
        *,
        series: str | None = None,
        sector: str | None = None,
    ) -> Period:
        """The publicity period of a record of ``type_id`` in ``tier`` decided on ``decision_date``.

        The regime is the one in force on the decision date in the first of the type's
        series that defines the tier (pass ``series`` to choose, e.g. ``samr`` for
        NECIPS). ``sector`` applies sector minimums such as NDRC Order No. 58's one
        year for food and drugs. List-based types take the list's term instead.
        """
        rt = self.record_type(type_id)
        if tier not in rt.severity.tiers:
            raise UnknownItemError(f"record type {type_id!r} has no tier {tier!r}")
        if rt.publicity.list_field is not None:
            return self._list_period(tier)
        candidates = rt.publicity.series
        if series is not None:
            if series not in candidates:
                raise UnknownItemError(f"record type {type_id!r} does not follow series {series!r}")
            candidates = (series,)
        for name in candidates:
            regime = self.regime_in_force(name, decision_date)
            period = period_from(regime, tier, self.tier_order, sector) if regime else None
            if period is not None:
                return period
        raise PublicityError(
            f"no regime of series {', '.join(candidates)} sets tier {tier!r} "
            f"for {type_id!r} decided on {decision_date.isoformat()}"
        )

    def publicity_period_for_tiers(
        self,
        type_id: str,
        tiers: Iterable[str],
        decision_date: dt.date,
        *,
        series: str | None = None,
        sector: str | None = None,
    ) -> Period:
        """The governing period when one decision carries several tiers: the longest applies."""
        key = (type_id, tuple(tiers), decision_date, series, sector)
        known = self._periods.get(key)
        if known is not None:
            return known
        if len(self._periods) >= _PERIODS_KEPT:
            self._periods.clear()
        tiers = key[1]
        periods = [
            self.publicity_period(type_id, t, decision_date, series=series, sector=sector)
            for t in dict.fromkeys(tiers)
        ]
        if not periods:
            raise ValueError("at least one tier is needed")
        period = self._periods[key] = longest(periods)
        return period

    def _list_period(self, list_id: str) -> Period:
        lst = self.list_type(list_id)
        return Period(
            regime=f"list:{lst.id}",
            tier=lst.id,
            min=lst.early_removal_after,
            max=lst.default_duration,
            published=True,
            runs_from="decision",
            note=lst.provenance.note,
        )

    def fields_visible_to(
        self,
        type_id: str,
        audience: str,
        purpose: str | None = None,
        subject_kind: str | None = None,
    ) -> tuple[FieldSpec, ...]:
        """The fields of ``type_id`` that ``audience`` may see, in catalog order.

        ``public`` sees public fields of publishable records; ``subject`` sees its own
        record but not agency-only fields; ``agency`` must name a purpose the type
        grants (for ``subject_kind`` when grants are limited) and then sees every field.
        An empty tuple means "nothing": callers must not fall back to showing more.
        """
        if audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, got {audience!r}")
        rt = self.record_type(type_id)
        if audience == "agency":
            if purpose is None:
                raise ValueError("an agency read must name a purpose")
            self.purpose(purpose)
            allowed = rt.disclosure.grants_purpose(purpose, subject_kind)
        elif audience == "public":
            allowed = rt.disclosure.is_public(subject_kind)
        else:
            allowed = rt.disclosure.subject
        if not allowed:
            return ()
        return tuple(f for f in rt.fields if f.audience in _VISIBLE[audience])
