"""Policies as plain data: rules, their conditions and outcomes, independent of any engine.

A policy is what a locality publishes: who it applies to, when it is in force, the
legal basis of the whole and of every rule, and either list outcomes (red, black or
watch lists with their measures) or grades for organisations. Conditions are a small
closed vocabulary over a subject's usable records, so that every firing can be
explained by the records behind it and compiled to any engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from xinyong.catalog.duration import Duration
from xinyong.catalog.model import Label, LegalBasis

Op = Literal["eq", "ne", "in", "not_in", "gte", "gt", "lte", "lt"]

#: The pseudo-field holding a record's most severe publicity tier.
TIER = "tier"


@dataclass(frozen=True)
class FieldTest:
    """One test of a record field: ``grade == 'A'``, ``tier in (general, serious)``, ..."""

    field: str
    op: Op
    value: str | int | Decimal | bool | tuple[str | int | Decimal | bool, ...]

    def describe(self) -> str:
        """A short human-readable form, for explanations."""
        symbols = {"eq": "=", "ne": "≠", "in": "∈", "not_in": "∉"}
        symbols |= {"gte": "≥", "gt": ">", "lte": "≤", "lt": "<"}
        value = self.value
        shown = "{" + ", ".join(map(str, value)) + "}" if isinstance(value, tuple) else str(value)
        return f"{self.field} {symbols[self.op]} {shown}"


@dataclass(frozen=True)
class RecordSet:
    """The usable records of some types that pass some tests, in a time window.

    ``within`` counts back from the evaluation date on the record's decision date;
    ``years`` keeps records whose ``year_field`` is one of the last N completed
    years (tax ratings are published for the previous year). ``history`` also counts
    records whose publicity period has ended; the loader allows it only where the
    records can confer a benefit (a red list, a better grade), never a burden.
    """

    record_types: tuple[str, ...]
    tests: tuple[FieldTest, ...] = ()
    within: Duration | None = None
    years: int | None = None
    year_field: str | None = None
    history: bool = False

    def describe(self) -> str:
        """A short human-readable form, for explanations."""
        parts = ["/".join(self.record_types)]
        parts += [t.describe() for t in self.tests]
        if self.within is not None:
            parts.append(f"within {self.within}")
        if self.years is not None:
            parts.append(f"{self.year_field} in the last {self.years} completed years")
        if self.history:
            parts.append("including records past their publicity period")
        return ", ".join(parts)


@dataclass(frozen=True)
class Count:
    """How many matching records (or distinct values of ``distinct``) a subject has."""

    records: RecordSet
    at_least: int | None = None
    at_most: int | None = None
    distinct: str | None = None

    def describe(self) -> str:
        """A short human-readable form, for explanations."""
        what = f"distinct {self.distinct} of " if self.distinct else ""
        bounds = []
        if self.at_least is not None:
            bounds.append(f"≥ {self.at_least}")
        if self.at_most is not None:
            bounds.append(f"≤ {self.at_most}")
        return f"count of {what}[{self.records.describe()}] {' and '.join(bounds)}"


@dataclass(frozen=True)
class Sum:
    """The total of a decimal field over matching records, against a threshold."""

    records: RecordSet
    field: str
    at_least: Decimal

    def describe(self) -> str:
        """A short human-readable form, for explanations."""
        return f"sum of {self.field} over [{self.records.describe()}] ≥ {self.at_least}"


@dataclass(frozen=True)
class All:
    """Every part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    """The part does not hold."""

    part: Condition


Atom = Count | Sum
Condition = Count | Sum | All | AnyOf | Not


def atoms(condition: Condition) -> Iterator[Atom]:
    """The atomic conditions inside ``condition``, depth first."""
    if isinstance(condition, Count | Sum):
        yield condition
    elif isinstance(condition, Not):
        yield from atoms(condition.part)
    else:
        for part in condition.parts:
            yield from atoms(part)


@dataclass(frozen=True)
class ListOutcome:
    """Propose an entry on a list, for a duration, with the list's measures."""

    list_id: str
    duration: Duration | None
    measures: tuple[str, ...]


@dataclass(frozen=True)
class GradeOutcome:
    """Propose a grade of the policy's scale."""

    grade: str


@dataclass(frozen=True)
class Rule:
    """One published rule: when it fires, what it proposes, and on what legal basis."""

    id: str
    version: str
    label: Label
    legal_basis: tuple[LegalBasis, ...]
    when: Condition
    outcome: ListOutcome | GradeOutcome


@dataclass(frozen=True)
class GradeScale:
    """An ordered scale of grades, best first, and the grade when no rule fires."""

    grades: tuple[str, ...]
    default: str
    labels: dict[str, Label] = field(default_factory=dict)

    def rank(self, grade: str) -> int:
        """Position on the scale: lower is better."""
        return self.grades.index(grade)


@dataclass(frozen=True)
class Policy:
    """A versioned, effective-dated, legally cited set of rules."""

    id: str
    version: str
    label: Label
    authority: Label
    legal_basis: tuple[LegalBasis, ...]
    effective_from: dt.date
    effective_to: dt.date | None
    subject_kinds: tuple[str, ...]
    rules: tuple[Rule, ...]
    scale: GradeScale | None
    sha256: str
    path: str

    @property
    def kind(self) -> Literal["grades", "lists"]:
        """Whether the policy grades organisations or proposes list entries."""
        return "grades" if self.scale is not None else "lists"

    def in_force(self, on: dt.date) -> bool:
        """Whether the policy applies to an evaluation as of ``on``."""
        return self.effective_from <= on and (self.effective_to is None or on < self.effective_to)

    def rule(self, rule_id: str) -> Rule:
        """The rule called ``rule_id``."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"policy {self.id!r} has no rule {rule_id!r}")
