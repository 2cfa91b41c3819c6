"""Cross-file checks that make the catalog closed.

Run once every file is read. A record type must name a category of the catalogue
editions it claims, known subject kinds, purposes, lists, measures and regime series;
must not hold prohibited information; and must never let a scoring purpose reach a
natural person. Each failure names the file, the item and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from xinyong.catalog.errors import CatalogError
from xinyong.catalog.model import (
    Category,
    ListType,
    Measure,
    ProhibitedConcept,
    Purpose,
    SubjectKind,
)
from xinyong.catalog.prohibited import find_prohibited
from xinyong.catalog.publicity import PublicityRegime, Sector
from xinyong.catalog.record import RecordType


class Context:
    """Everything a record type may refer to, read from the other catalog files."""

    def __init__(
        self,
        *,
        categories: Mapping[str, Category],
        subject_kinds: Mapping[str, SubjectKind],
        purposes: Mapping[str, Purpose],
        prohibited: Sequence[ProhibitedConcept],
        lists: Mapping[str, ListType],
        measures: Mapping[str, Measure],
        sectors: Mapping[str, Sector],
        regimes: Mapping[str, PublicityRegime],
        tier_order: Sequence[str],
    ) -> None:
        self.categories = categories
        self.subject_kinds = subject_kinds
        self.purposes = purposes
        self.prohibited = prohibited
        self.lists = lists
        self.measures = measures
        self.sectors = sectors
        self.regimes = regimes
        self.tier_order = tier_order


def _unknown(what: str, names: Sequence[str], known: Mapping[str, object]) -> str | None:
    missing = [n for n in names if n not in known]
    return f"unknown {what} {', '.join(repr(m) for m in missing)}" if missing else None


def check_references(ctx: Context) -> None:
    """Lists and measures refer only to known subject kinds and lists."""
    for lst in ctx.lists.values():
        problem = _unknown("subject kind", lst.subject_kinds, ctx.subject_kinds)
        if problem:
            raise CatalogError(f"lists.yaml, list {lst.id!r}: {problem}")
    for measure in ctx.measures.values():
        problem = _unknown("list", measure.applies_to_lists, ctx.lists)
        if problem:
            raise CatalogError(f"measures.yaml, measure {measure.id!r}: {problem}")


def _category(rt: RecordType, ctx: Context) -> tuple[str, ...]:
    category = ctx.categories.get(rt.category)
    if category is None:
        known = ", ".join(ctx.categories)
        raise ValueError(
            f"category {rt.category!r} is not in the national catalogue (known: {known})"
        )
    for edition in rt.editions:
        if edition not in category.editions:
            raise ValueError(f"category {rt.category!r} is not in the {edition} catalogue edition")
    return rt.editions or category.editions


def _subjects(rt: RecordType, ctx: Context) -> None:
    problem = _unknown("subject kind", rt.subject_kinds, ctx.subject_kinds)
    if problem:
        raise ValueError(problem)
    people = [k for k in rt.subject_kinds if not ctx.subject_kinds[k].organisation]
    if rt.grade and people:
        raise ValueError(f"a grade may concern organisations only, not {', '.join(people)}")
    if rt.list_type is not None:
        lst = ctx.lists.get(rt.list_type)
        if lst is None:
            raise ValueError(f"unknown list {rt.list_type!r}")
        outside = [k for k in rt.subject_kinds if k not in lst.subject_kinds]
        if outside:
            raise ValueError(f"list {lst.id!r} does not cover subject kind(s) {', '.join(outside)}")


def _disclosure(rt: RecordType, ctx: Context) -> None:
    d = rt.disclosure
    for kinds in [d.public_subject_kinds, *(g.subject_kinds for g in d.grants)]:
        outside = sorted((kinds or frozenset()) - set(rt.subject_kinds))
        if outside:
            raise ValueError(
                f"disclosure names subject kind(s) the type does not concern: {', '.join(outside)}"
            )
    for grant in d.grants:
        purpose = ctx.purposes.get(grant.purpose)
        if purpose is None:
            raise ValueError(f"unknown purpose {grant.purpose!r} (see purposes.yaml)")
        if purpose.actor != "agency":
            raise ValueError(f"purpose {grant.purpose!r} is not an agency purpose")
        reached = grant.subject_kinds or frozenset(rt.subject_kinds)
        people = sorted(k for k in reached if not ctx.subject_kinds[k].organisation)
        if purpose.scoring and people:
            raise ValueError(
                f"natural persons are never scored: purpose {grant.purpose!r} would reach "
                f"{', '.join(people)}; limit it to organisation subject kinds"
            )


def _enum_field(rt: RecordType, name: str | None, role: str) -> tuple[str, ...]:
    if name is None:
        return ()
    if not rt.has_field(name):
        raise ValueError(f"{role} names unknown field {name!r}")
    spec = rt.field(name)
    if spec.type != "enum":
        raise ValueError(f"{role} field {name!r} must be an enum")
    return spec.value_ids()


def _severity(rt: RecordType, ctx: Context) -> None:
    sev = rt.severity
    declared = _enum_field(rt, sev.declared_field, "severity")
    derived = _enum_field(rt, sev.derive_field, "severity derive")
    stray = [t for t in (*declared, *sev.mapping.values()) if t not in sev.tiers]
    if stray:
        raise ValueError(f"severity uses tier(s) not in its tiers: {', '.join(stray)}")
    if derived and set(derived) != set(sev.mapping):
        raise ValueError(f"severity mapping must map every value of {sev.derive_field!r} exactly")
    if len(sev.tiers) > 1 and not (declared or derived):
        raise ValueError("several tiers but no 'field' or 'derive' to choose among them")


def _publicity(rt: RecordType, ctx: Context) -> None:
    pub = rt.publicity
    if pub.list_field is not None:
        lists = _enum_field(rt, pub.list_field, "publicity list_field")
        if rt.field(pub.list_field).refers_to != "lists":
            raise ValueError(f"list_field {pub.list_field!r} must have refers_to: lists")
        if set(rt.severity.tiers) - set(lists):
            raise ValueError("a list-based type's tiers must be the list ids of its list_field")
    sectors = _enum_field(rt, pub.sector_field, "publicity sector_field")
    stray = [s for s in sectors if s not in ctx.sectors and s != "other"]
    if stray:
        raise ValueError(f"sector_field has unknown sector(s): {', '.join(stray)}")
    series = {r.series for r in ctx.regimes.values()}
    problem = _unknown("regime series", pub.series, {s: s for s in series})
    if problem:
        raise ValueError(problem)
    for tier in rt.severity.tiers if pub.series else ():
        if not any(_series_defines(ctx, s, tier) for s in pub.series):
            raise ValueError(
                f"tier {tier!r} is defined by no regime of series {', '.join(pub.series)}"
            )


def _series_defines(ctx: Context, series: str, tier: str) -> bool:
    regimes = [r for r in ctx.regimes.values() if r.series == series]
    return all(r.resolve_tier(tier, ctx.tier_order) is not None for r in regimes)


def _fields(rt: RecordType, ctx: Context) -> None:
    for spec in rt.fields:
        finding = find_prohibited(spec, ctx.prohibited)
        if finding is not None:
            raise ValueError(finding.message(spec.name))
        registry: Mapping[str, object] = {"lists": ctx.lists, "measures": ctx.measures}.get(
            spec.refers_to or "", {}
        )
        if spec.refers_to:
            problem = _unknown(spec.refers_to[:-1], spec.value_ids(), registry)
            if problem:
                raise ValueError(f"field {spec.name!r}: {problem}")
    for name in rt.natural_key:
        if not rt.has_field(name) or not rt.field(name).required:
            raise ValueError(f"natural_key field {name!r} must be a required field")


def check_record_type(rt: RecordType, ctx: Context) -> RecordType:
    """Check one record type against the rest of the catalog; returns it with editions set."""
    try:
        editions = _category(rt, ctx)
        _subjects(rt, ctx)
        _fields(rt, ctx)
        _severity(rt, ctx)
        _disclosure(rt, ctx)
        _publicity(rt, ctx)
    except (ValueError, LookupError) as exc:
        raise CatalogError(f"record type {rt.id!r} in {rt.source_file}: {exc}") from exc
    return rt if editions == rt.editions else replace(rt, editions=editions)
