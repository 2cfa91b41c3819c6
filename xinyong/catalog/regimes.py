"""Reader for publicity.yaml: tier order, sectors and the dated regimes.

Besides the shape, it checks what makes date selection well defined: within a series
regimes do not overlap, and a regime without an end date runs until the next one
starts, so exactly one regime (or none, before the series begins) is in force on any
date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import cast

from xinyong.catalog.publicity import PublicityRegime, RunsFrom, Sector, SectorMinimum, Tier
from xinyong.catalog.reader import Node


def _tier(node: Node, ident: str) -> Tier:
    tier = Tier(
        id=ident,
        min=node.duration("min"),
        max=node.duration("max"),
        published=node.flag("published", default=True),
        label=node.opt_label(),
        note=node.opt_text("note"),
    )
    node.done()
    if tier.min is not None and tier.max is not None and tier.max < tier.min:
        raise node.error(f"max {tier.max} is shorter than min {tier.min}")
    return tier


def _regime(node: Node, sectors: dict[str, Sector]) -> PublicityRegime:
    runs_from = node.text("runs_from")
    if runs_from not in ("decision", "publication"):
        raise node.error(f"runs_from must be decision or publication, got {runs_from!r}")
    tiers_node = node.child("tiers")
    tiers = {
        str(k): _tier(tiers_node.child(str(k), f"tier {k!r}"), str(k)) for k in tiers_node.data
    }
    tiers_node.done()
    if not tiers:
        raise node.error("defines no tiers")
    minimums = []
    for index, item in enumerate(node.items("sector_minimums"), start=1):
        rule = Node(item, f"{node.where}, sector_minimums #{index}")
        listed = rule.names("sectors", required=True)
        for sector in listed:
            if sector not in sectors:
                raise rule.error(f"unknown sector {sector!r}")
        minimum = rule.duration("min")
        if minimum is None:
            raise rule.error("'min' is required")
        minimums.append(SectorMinimum(frozenset(listed), minimum))
        rule.done()
    if "effective_from" not in node.data:
        raise node.error("'effective_from' is required (null: no recorded start)")
    regime = PublicityRegime(
        id=node.text("id"),
        series=node.text("series"),
        label=node.label(),
        effective_from=node.date("effective_from"),
        effective_to=node.date("effective_to"),
        runs_from=cast(RunsFrom, runs_from),
        tiers=tiers,
        sector_minimums=tuple(minimums),
        provenance=node.provenance(),
    )
    node.done()
    return regime


def _chain(series: list[PublicityRegime], doc: Node) -> list[PublicityRegime]:
    """Order one series by start date, fill open ends and refuse overlaps."""
    ordered = sorted(series, key=lambda r: r.effective_from or dt.date.min)
    out: list[PublicityRegime] = []
    for current, following in zip(ordered, [*ordered[1:], None], strict=True):
        if following is not None and following.effective_from is None:
            raise doc.error(f"regime {following.id!r} has no start date but is not the first")
        if following is not None and following.effective_from is not None:
            last_day = following.effective_from - dt.timedelta(days=1)
            if current.effective_to is None:
                current = replace(current, effective_to=last_day)
            elif current.effective_to > last_day:
                raise doc.error(
                    f"regimes {current.id!r} and {following.id!r} of series "
                    f"{current.series!r} overlap"
                )
        start, end = current.effective_from, current.effective_to
        if start is not None and end is not None and end < start:
            raise doc.error(f"regime {current.id!r} ends before it starts")
        out.append(current)
    return out


def read_publicity(
    doc: Node,
) -> tuple[tuple[str, ...], dict[str, Sector], dict[str, PublicityRegime]]:
    """The standard tier order, the sectors and every regime, keyed by id."""
    order = doc.names("tier_order", required=True)
    sectors: dict[str, Sector] = {}
    for index, item in enumerate(doc.items("sectors"), start=1):
        node = Node(item, f"{doc.where}, sectors #{index}")
        sector = Sector(node.text("id"), node.label())
        sectors[sector.id] = sector
        node.done()
    regimes: list[PublicityRegime] = []
    for index, item in enumerate(doc.items("regimes", required=True), start=1):
        ident = item.get("id") if isinstance(item, dict) else None
        where = f"{doc.where}, regime {ident!r}" if ident else f"{doc.where}, regimes #{index}"
        regimes.append(_regime(Node(item, where), sectors))
    doc.done()
    ids = [r.id for r in regimes]
    if len(set(ids)) != len(ids):
        raise doc.error("a regime id is used twice")
    chained: dict[str, PublicityRegime] = {}
    for series in dict.fromkeys(r.series for r in regimes):
        for regime in _chain([r for r in regimes if r.series == series], doc):
            chained[regime.id] = regime
    return order, sectors, chained
