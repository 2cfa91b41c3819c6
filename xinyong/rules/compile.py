"""Compiling a policy, once, into SQL for every engine, through Ibis.

The policy becomes one Ibis expression over two unbound tables, ``facts`` and
``subjects`` (see :mod:`xinyong.rules.facts`): a single pass groups each subject's
*usable* records and computes every atomic condition of every rule as a conditional
aggregate (a count, a distinct count or a sum, and the ids of the records that
matched); the rules' boolean structure is then evaluated per subject, and only
subjects for which some rule fires come back. Ibis renders that one expression as
DuckDB SQL and as Spark SQL, so the engines run the same definition.

A record is usable on the evaluation date when it is active (not withdrawn,
repaired or expired), not under objection, decided on or before the date, in a
published tier and inside its publicity window (a record set marked ``history`` may
count records past their window, for benefits only). Disputed records are inert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, reduce
from typing import Any

import ibis
import ibis.expr.types as ir

from xinyong.catalog.duration import Duration
from xinyong.rules.facts import DECIMAL, SUBJECTS, FactsLayout, column
from xinyong.rules.model import (
    TIER,
    All,
    AnyOf,
    Atom,
    Condition,
    Count,
    FieldTest,
    Not,
    Policy,
    RecordSet,
    Sum,
    atoms,
)

DIALECTS = {"duckdb": "duckdb", "spark": "pyspark"}


def window_start(as_of: dt.date, within: Duration) -> dt.date:
    """The day before a window of ``within`` that ends on ``as_of`` (exclusive bound).

    A record decided on ``as_of`` minus three years is outside a three-year window; one
    decided the next day is inside.
    """
    month_index = as_of.month - 1 - within.months
    year = as_of.year + month_index // 12
    month = month_index % 12 + 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(as_of.day, last)) - dt.timedelta(days=within.days)


@dataclass(frozen=True)
class CompiledPolicy:
    """A policy's SQL for each engine, with how to read the result's columns."""

    policy: Policy
    as_of: dt.date
    atoms: tuple[Atom, ...]
    sql: dict[str, str]

    def atom_index(self, atom: Atom) -> int:
        """The position of ``atom`` (by identity) among the compiled atoms."""
        return self._positions[id(atom)]

    @cached_property
    def _positions(self) -> dict[int, int]:
        return {id(a): i for i, a in enumerate(self.atoms)}


def _literal(value: Any) -> ir.Value:
    if isinstance(value, Decimal):
        return ibis.literal(value, type=str(ibis.dtype(DECIMAL)))
    return ibis.literal(value)


def _test(facts: ir.Table, test: FieldTest) -> ir.BooleanValue:
    col = facts.tier if test.field == TIER else facts[column(test.field)]
    value = test.value
    if test.op in ("in", "not_in"):
        values = value if isinstance(value, tuple) else (value,)
        member = col.isin([_literal(v) for v in values])
        return ~member if test.op == "not_in" else member
    lit = _literal(value)
    ops = {
        "eq": col == lit,
        "ne": col != lit,
        "gte": col >= lit,
        "gt": col > lit,
        "lte": col <= lit,
        "lt": col < lit,
    }
    return ops[test.op]


def _matches(facts: ir.Table, records: RecordSet, as_of: dt.date) -> ir.BooleanValue:
    parts: list[ir.BooleanValue] = [facts.record_type.isin(list(records.record_types))]
    parts += [_test(facts, t) for t in records.tests]
    if records.within is not None:
        parts.append(facts.effective_date > ibis.literal(window_start(as_of, records.within)))
    if not records.history:
        parts.append(facts.public_until.isnull() | (facts.public_until >= ibis.literal(as_of)))
    if records.years is not None and records.year_field is not None:
        year = facts[column(records.year_field)]
        parts.append(year.between(as_of.year - records.years, as_of.year - 1))
    return reduce(lambda a, b: a & b, parts)


def usable(facts: ir.Table, as_of: dt.date) -> ir.BooleanValue:
    """Whether a record may be used by rules on ``as_of`` (the window is checked per atom)."""
    day = ibis.literal(as_of)
    return (
        (facts.status == "active")
        & ~facts.disputed
        & facts.published
        & (facts.effective_date <= day)
    )


def _holds(cond: Condition, compiled: list[Atom], row: ir.Table) -> ir.BooleanValue:
    if isinstance(cond, Count | Sum):
        i = next(k for k, a in enumerate(compiled) if a is cond)
        if isinstance(cond, Sum):
            total = row[f"v{i}"].fill_null(_literal(Decimal(0)))
            return total >= _literal(cond.at_least)
        n = row[f"n{i}"].fill_null(0)
        parts = []
        if cond.at_least is not None:
            parts.append(n >= cond.at_least)
        if cond.at_most is not None:
            parts.append(n <= cond.at_most)
        return reduce(lambda a, b: a & b, parts)
    if isinstance(cond, Not):
        return ~_holds(cond.part, compiled, row)
    parts = [_holds(p, compiled, row) for p in cond.parts]
    if isinstance(cond, All):
        return reduce(lambda a, b: a & b, parts)
    assert isinstance(cond, AnyOf)
    return reduce(lambda a, b: a | b, parts)


def policy_expression(
    policy: Policy, layout: FactsLayout, as_of: dt.date
) -> tuple[ir.Table, tuple[Atom, ...]]:
    """The Ibis expression evaluating ``policy`` on ``as_of``, and its atoms in column order."""
    facts = ibis.table(ibis.Schema.from_pyarrow(layout.schema), name="facts")
    subjects = ibis.table(ibis.Schema.from_pyarrow(SUBJECTS), name="subjects")
    compiled: list[Atom] = []
    for rule in policy.rules:
        compiled.extend(atoms(rule.when))
    u = facts.filter(usable(facts, as_of))
    aggs: dict[str, ir.Value] = {}
    for i, atom in enumerate(compiled):
        where = _matches(u, atom.records, as_of)
        if isinstance(atom, Sum):
            aggs[f"v{i}"] = u[column(atom.field)].sum(where=where)
        elif atom.distinct:
            aggs[f"n{i}"] = u[column(atom.distinct)].nunique(where=where)
        else:
            aggs[f"n{i}"] = u.record_id.count(where=where)
        aggs[f"ids{i}"] = u.record_id.collect(where=where)
    grouped = u.group_by("subject_id").aggregate(**aggs)
    base = subjects.filter(subjects.kind.isin(list(policy.subject_kinds)))
    if policy.kind == "grades":
        base = base.filter(base.organisation)
    joined = base.left_join(grouped, base.subject_id == grouped.subject_id).select(
        base.subject_id, base.code, base.kind, base.region, *[grouped[k] for k in aggs]
    )
    fires = {f"r{i}": _holds(rule.when, compiled, joined) for i, rule in enumerate(policy.rules)}
    result = (
        joined.mutate(**fires)
        .filter(reduce(lambda a, b: a | b, fires.values()))
        .order_by("subject_id")
    )
    return result, tuple(compiled)


_CACHE: dict[tuple[int, str, FactsLayout, dt.date], CompiledPolicy] = {}


def compile_policy(policy: Policy, layout: FactsLayout, as_of: dt.date) -> CompiledPolicy:
    """SQL for every engine; compiled once per policy, facts layout and date, then reused.

    Compiling costs tens of milliseconds, more than evaluating one subject, so
    incremental evaluations reuse the SQL (the cache holds the policy object itself,
    so an edited policy file, read again, compiles again).
    """
    key = (id(policy), policy.sha256, layout, as_of)
    cached = _CACHE.get(key)
    if cached is not None and cached.policy is policy:
        return cached
    expr, compiled = policy_expression(policy, layout, as_of)
    sql = {engine: ibis.to_sql(expr, dialect=dialect) for engine, dialect in DIALECTS.items()}
    result = CompiledPolicy(policy, as_of, compiled, {k: str(v) for k, v in sql.items()})
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[key] = result
    return result
