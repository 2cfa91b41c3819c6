"""Turning an engine's result rows into proposals that explain themselves.

Each proposal names the policy and its version, the rule or rules and their legal
basis, every condition with the value observed, and the records behind it with the
field values used. It also says when the rule would stop firing if nothing new
arrived (the day the decisive record leaves the window or its publicity period), and
for grades what would change the outcome. Everything here is a pure function of the
result rows and the facts, so DuckDB and Spark results give byte-identical output.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc

from xinyong.catalog import Catalog
from xinyong.catalog.model import Label, LegalBasis
from xinyong.rules.compile import CompiledPolicy
from xinyong.rules.facts import column
from xinyong.rules.fanout import PARALLEL_FROM, map_slices
from xinyong.rules.model import (
    TIER,
    All,
    AnyOf,
    Atom,
    Condition,
    Count,
    GradeOutcome,
    ListOutcome,
    Not,
    Policy,
    Rule,
    Sum,
)

K = TypeVar("K")
V = TypeVar("V")


def _by_identity(fn: Callable[[K], V]) -> Callable[[K], V]:
    """Memoise a function of a policy's immutable parts by object identity.

    Hashing a rule means hashing its whole condition tree; identity is enough,
    since the parts live as long as the loaded policy.
    """
    memo: dict[int, tuple[K, V]] = {}

    def wrapper(item: K) -> V:
        hit = memo.get(id(item))
        if hit is None or hit[0] is not item:
            hit = memo[id(item)] = (item, fn(item))
        return hit[1]

    return wrapper


def astuple(p: Proposal) -> tuple[Any, ...]:
    """A proposal's fields in order (``Proposal(*astuple(p)) == p``)."""
    return (p.subject_id, p.kind, p.target, p.rule_id, p.starts_on, p.ends_on, p.fingerprint,
            p.raw)  # fmt: skip


@dataclass(frozen=True)
class Proposal:
    """One proposed list entry, measure or grade, with its explanation.

    The explanation is kept as its canonical JSON bytes, which are what is hashed,
    stored and written; :attr:`body` parses them back when a caller wants the data.
    A run makes a million of these, and a million dict trees would cost gigabytes.
    """

    subject_id: int
    kind: str
    target: str
    rule_id: str
    starts_on: dt.date
    ends_on: dt.date | None
    fingerprint: str
    raw: bytes = field(compare=False, repr=False)

    @classmethod
    def of(
        cls, subject_id: int, kind: str, target: str, rule_id: str, starts_on: dt.date,
        ends_on: dt.date | None, fingerprint: str, body: Mapping[str, Any],
    ) -> Proposal:  # fmt: skip
        """A proposal with ``body`` as its explanation."""
        return cls(subject_id, kind, target, rule_id, starts_on, ends_on, fingerprint,
                   canonical_bytes(body))  # fmt: skip

    @cached_property
    def body(self) -> dict[str, Any]:
        """The explanation as plain data."""
        data: dict[str, Any] = orjson.loads(self.raw)
        return data

    def json(self) -> str:
        """Canonical JSON: sorted keys, no spaces, UTF-8 text; identical across engines."""
        return self.raw.decode()


def proposal_order(p: Proposal) -> tuple[int, str, str, str, str]:
    """The order proposals are listed, hashed and written in."""
    return (p.subject_id, p.kind, p.target, p.rule_id, p.fingerprint)


def canonical(data: object) -> str:
    """Canonical JSON text of plain data (sorted keys, no spaces, characters unescaped)."""
    return canonical_bytes(data).decode()


def canonical_bytes(data: object) -> bytes:
    """:func:`canonical` as UTF-8 bytes, for hashing and writing without a round trip."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def _label(label: Label) -> dict[str, str]:
    return {"zh": label.zh, "en": label.en}


def _basis(items: Iterable[LegalBasis]) -> list[dict[str, str]]:
    return [{"instrument": b.instrument, "article": b.article, "url": b.url} for b in items]


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@_by_identity
def _fields_of(atom: Atom) -> tuple[str, ...]:
    names = [t.field for t in atom.records.tests if t.field != TIER]
    if atom.records.year_field:
        names.append(atom.records.year_field)
    if isinstance(atom, Count) and atom.distinct:
        names.append(atom.distinct)
    if isinstance(atom, Sum):
        names.append(atom.field)
    return tuple(dict.fromkeys(names))


_UNKNOWN = object()


@_by_identity
def _year_column(atom: Atom) -> str | None:
    """The facts column of ``atom``'s rating year, where it counts completed years."""
    records = atom.records
    return column(records.year_field) if records.years is not None and records.year_field else None


def _leaves(atom: Atom, fact: Mapping[str, Any]) -> dt.date | None:
    """The first day the record no longer counts for ``atom`` (None: not by time)."""
    ends: list[dt.date] = []
    if fact["public_until"] is not None and not atom.records.history:
        ends.append(fact["public_until"] + dt.timedelta(days=1))
    within = atom.records.within
    if within is not None:
        ends.append(within.add_to(fact["effective_date"]))
    year_column = _year_column(atom)
    if year_column is not None:
        assert atom.records.years is not None
        year = fact[year_column]
        if year is not None:
            ends.append(dt.date(year + atom.records.years + 1, 1, 1))
    return min(ends) if ends else None


@dataclass
class _Row:
    """One subject's result row, with accessors for its atoms.

    A grade proposal asks the same questions of an atom several times (its
    conditions, evidence, stopping date and what would change), so answers are
    memoised per row, keyed by the identity of the policy's immutable parts.
    """

    data: dict[str, Any]
    compiled: CompiledPolicy
    facts: Mapping[int, dict[str, Any]]
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _ids: dict[int, list[int]] = field(default_factory=dict)
    _holds: dict[int, bool] = field(default_factory=dict)
    _stops: dict[int, dt.date | None] = field(default_factory=dict)
    leaves_memo: dict[tuple[Any, ...], object] = field(default_factory=dict)

    def ids(self, atom: Atom) -> list[int]:
        got = self._ids.get(id(atom))
        if got is None:
            got = self._ids[id(atom)] = sorted(
                self.data[f"ids{self.compiled.atom_index(atom)}"] or []
            )
        return got

    def observed(self, atom: Atom) -> object:
        i = self.compiled.atom_index(atom)
        if isinstance(atom, Sum):
            total = self.data[f"v{i}"]
            return _plain(Decimal(total) if total is not None else Decimal(0))
        return self.data[f"n{i}"] or 0

    def holds(self, cond: Condition) -> bool:
        got = self._holds.get(id(cond))
        if got is None:
            got = self._holds[id(cond)] = self._evaluate(cond)
        return got

    def _evaluate(self, cond: Condition) -> bool:
        if isinstance(cond, Sum):
            return Decimal(str(self.observed(cond))) >= cond.at_least
        if isinstance(cond, Count):
            n = int(str(self.observed(cond)))
            low = cond.at_least is None or n >= cond.at_least
            return low and (cond.at_most is None or n <= cond.at_most)
        if isinstance(cond, Not):
            return not self.holds(cond.part)
        results = [self.holds(p) for p in cond.parts]
        return all(results) if isinstance(cond, All) else any(results)

    def stops(self, cond: Condition) -> dt.date | None:
        """When ``cond`` stops holding if no record arrives (None: not by time alone)."""
        key = id(cond)
        if key not in self._stops:
            self._stops[key] = self._stopping(cond)
        return self._stops[key]

    def _stopping(self, cond: Condition) -> dt.date | None:
        if isinstance(cond, Sum):
            return self._sum_stops(cond)
        if isinstance(cond, Count):
            return self._count_stops(cond) if _counts_records(cond) else None
        if isinstance(cond, All):
            dates = [self.stops(p) for p in cond.parts]
            known = [d for d in dates if d is not None]
            return min(known) if known else None
        if isinstance(cond, AnyOf):
            dates = [self.stops(p) for p in cond.parts if self.holds(p)]
            return None if not dates or None in dates else max(d for d in dates if d)
        return None

    def leaves(self, atom: Atom, record_id: int) -> dt.date | None:
        """The first day record ``record_id`` no longer counts for ``atom``.

        It depends only on the record's dates (and rating year), which records
        share by the thousand, so answers are memoised across the evaluation.
        """
        fact = self.facts[record_id]
        year = _year_column(atom)
        key = (id(atom), fact["public_until"], fact["effective_date"], year and fact[year])
        got = self.leaves_memo.get(key, _UNKNOWN)
        if got is _UNKNOWN:
            got = self.leaves_memo[key] = _leaves(atom, fact)
        return got  # type: ignore[return-value]

    def _exits(self, atom: Atom) -> list[dt.date | None]:
        return [self.leaves(atom, i) for i in self.ids(atom)]

    def _count_stops(self, atom: Count) -> dt.date | None:
        exits = self._exits(atom)
        if atom.distinct or atom.at_least is None or None in exits:
            if atom.distinct and None not in exits and exits:
                return min(d for d in exits if d)
            return None
        ordered = sorted((d for d in exits if d is not None), reverse=True)
        k = atom.at_least
        return ordered[k - 1] if len(ordered) >= k else None

    def _sum_stops(self, atom: Sum) -> dt.date | None:
        pairs = []
        for i in self.ids(atom):
            leaves = self.leaves(atom, i)
            if leaves is None:
                return None
            value = self.facts[i][column(atom.field)] or Decimal(0)
            pairs.append((leaves, value))
        total = sum((v for _, v in pairs), Decimal(0))
        for leaves, value in sorted(pairs):
            total -= value
            if total < atom.at_least:
                return leaves
        return None


@_by_identity
def _describe(atom: Atom) -> str:
    return atom.describe()


def _conditions(cond: Condition, row: _Row) -> list[dict[str, Any]]:
    if isinstance(cond, Count | Sum):
        return [
            {"condition": _describe(cond), "observed": row.observed(cond), "holds": row.holds(cond)}
        ]
    if isinstance(cond, Not):
        inner = _conditions(cond.part, row)
        return [{"not": inner, "holds": row.holds(cond)}]
    key = "all" if isinstance(cond, All) else "any"
    parts = [c for p in cond.parts for c in _conditions(p, row)]
    return [{key: parts, "holds": row.holds(cond)}]


def _counts_records(atom: Atom) -> bool:
    """Whether ``atom`` holds by records that exist (a sum, or an "at least" count),
    not by their absence: only such atoms cite records and stop holding by time."""
    return isinstance(atom, Sum) or (atom.at_least is not None and atom.at_most is None)


def _positive_atoms(cond: Condition, row: _Row) -> list[Atom]:
    """The atoms whose matching records made ``cond`` hold (absences have no records)."""
    if isinstance(cond, Count | Sum):
        return [cond] if _counts_records(cond) else []
    if isinstance(cond, Not):
        return []
    parts = cond.parts if isinstance(cond, All) else [p for p in cond.parts if row.holds(p)]
    return [a for p in parts for a in _positive_atoms(p, row)]


def _citing_atoms(cond: Condition) -> list[Atom]:
    """Every atom :func:`_positive_atoms` or :meth:`_Row.stops` may read records of."""
    if isinstance(cond, Count | Sum):
        return [cond] if _counts_records(cond) else []
    if isinstance(cond, Not):
        return []
    return [a for p in cond.parts for a in _citing_atoms(p)]


def _evidence(rule: Rule, row: _Row) -> list[dict[str, Any]]:
    known = row.evidence.get(rule.id)
    if known is None:
        known = row.evidence[rule.id] = _gather(rule, row)
    return known


def _gather(rule: Rule, row: _Row) -> list[dict[str, Any]]:
    used: dict[int, set[str]] = {}
    for atom in _positive_atoms(rule.when, row):
        names = _fields_of(atom)
        for rid in row.ids(atom):
            known = used.get(rid)
            if known is None:
                used[rid] = set(names)
            else:
                known.update(names)
    out = []
    for rid in sorted(used):
        fact = row.facts[rid]
        if used[rid]:
            values = {n: _plain(fact[column(n)]) for n in sorted(used[rid])}
            out.append(fact[_SHOWN] | {"values": values})
        else:  # the usual case; shared, as bodies are serialised at once
            bare = fact.get(_BARE)
            if bare is None:
                bare = fact[_BARE] = fact[_SHOWN] | {"values": {}}
            out.append(bare)
    return out


@_by_identity
def _rule_data(rule: Rule) -> dict[str, Any]:
    """The rule's identity and legal basis (shared, read-only: bodies are serialised at once)."""
    return {
        "id": rule.id,
        "version": rule.version,
        "label": _label(rule.label),
        "legal_basis": _basis(rule.legal_basis),
    }


def fingerprint(*parts: object) -> str:
    """A stable identity for "the same proposal again": not dates, not counts."""
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()


def _subject(row: _Row) -> dict[str, Any]:
    d = row.data
    return {"id": d["subject_id"], "code": d["code"], "kind": d["kind"], "region": d["region"]}


_LISTS: dict[tuple[int, str, str], dict[str, Any]] = {}
_MEASURES: dict[tuple[int, str], dict[str, Any]] = {}


def _list_data(catalog: Catalog, outcome: ListOutcome) -> dict[str, Any]:
    key = (id(catalog), outcome.list_id, str(outcome.duration))
    if key not in _LISTS:
        _LISTS[key] = _list_fresh(catalog, outcome)
    return _LISTS[key]


def _list_fresh(catalog: Catalog, outcome: ListOutcome) -> dict[str, Any]:
    lst = catalog.list_type(outcome.list_id)
    return {
        "id": lst.id,
        "kind": lst.kind,
        "label": _label(lst.label),
        "authority": _label(lst.authority),
        "legal_basis": _basis(lst.legal_basis),
        "duration": None if outcome.duration is None else str(outcome.duration),
    }


def _measure_data(catalog: Catalog, measure_id: str) -> dict[str, Any]:
    key = (id(catalog), measure_id)
    if key not in _MEASURES:
        _MEASURES[key] = _measure_fresh(catalog, measure_id)
    return _MEASURES[key]


def _measure_fresh(catalog: Catalog, measure_id: str) -> dict[str, Any]:
    m = catalog.measure(measure_id)
    return {
        "id": m.id,
        "group": m.group,
        "label": _label(m.label),
        "authority": _label(m.authority),
        "legal_basis": _basis(m.legal_basis),
    }


def _list_proposals(
    policy: Policy, rule: Rule, outcome: ListOutcome, row: _Row, catalog: Catalog, as_of: dt.date
) -> list[Proposal]:
    lst = catalog.list_type(outcome.list_id)
    list_data = _list_data(catalog, outcome)
    ends = None if outcome.duration is None else outcome.duration.add_to(as_of)
    evidence = _evidence(rule, row)
    ids = [e["record_id"] for e in evidence]
    sid = row.data["subject_id"]
    head = {
        "policy": {"id": policy.id, "version": policy.version, "sha256": policy.sha256},
        "as_of": as_of.isoformat(),
        "subject": _subject(row),
        "rule": _rule_data(rule),
        "conditions": _conditions(rule.when, row),
        "evidence": evidence,
        "stops_firing_on": _plain(row.stops(rule.when)),
    }
    entry_fp = fingerprint(policy.id, policy.version, rule.id, sid, "list_entry", lst.id, ids)
    body = head | {
        "kind": "list_entry",
        "target": lst.id,
        "list": list_data,
        # The joint measures the entry would bring, each with its authority and legal basis:
        # they follow the listing decision, so they are proposed, noticed and decided with it.
        "measures": [_measure_data(catalog, m) for m in outcome.measures],
        "starts_on": as_of.isoformat(),
        "ends_on": _plain(ends),
        "fingerprint": entry_fp,
    }
    return [Proposal.of(sid, "list_entry", lst.id, rule.id, as_of, ends, entry_fp, body)]


def resolve_grade(policy: Policy, fired: Iterable[Rule]) -> str:
    """Worst downgrade if any rule below the default fires, else best upgrade, else default."""
    scale = policy.scale
    assert scale is not None
    default = scale.rank(scale.default)
    ranks = [scale.rank(r.outcome.grade) for r in fired if isinstance(r.outcome, GradeOutcome)]
    worse = [r for r in ranks if r > default]
    better = [r for r in ranks if r < default]
    if worse:
        return scale.grades[max(worse)]
    if better:
        return scale.grades[min(better)]
    return scale.default


def _grade_proposal(
    policy: Policy, fired: list[Rule], row: _Row, as_of: dt.date, current: str
) -> Proposal | None:
    grade = resolve_grade(policy, fired)
    if grade == current:
        return None
    decisive = [
        r for r in fired if isinstance(r.outcome, GradeOutcome) and r.outcome.grade == grade
    ]
    others = [r for r in fired if r not in decisive]
    stops = [row.stops(r.when) for r in decisive]
    without = resolve_grade(policy, others)
    known = [d for d in stops if d is not None]
    change: dict[str, Any] = {
        "grade_without_these_rules": without,
        "rules": [r.id for r in decisive],
        "earliest_by_time_alone": _plain(max(known)) if known and None not in stops else None,
    }
    if not fired:
        change["note"] = "no rule fires any more: the default grade applies"
    if policy.scale and policy.scale.rank(grade) < policy.scale.rank(policy.scale.default):
        change["lost_if"] = [c for r in decisive for c in _absences(r.when)]
    sid = row.data["subject_id"]
    ids = sorted({e["record_id"] for r in decisive for e in _evidence(r, row)})
    fp = fingerprint(policy.id, policy.version, [r.id for r in decisive], sid, "grade", grade, ids)
    scale = policy.scale
    assert scale is not None
    body = {
        "policy": {"id": policy.id, "version": policy.version, "sha256": policy.sha256},
        "as_of": as_of.isoformat(),
        "subject": _subject(row),
        "kind": "grade",
        "target": grade,
        "grade": {
            "from": current,
            "to": grade,
            "label": _label(scale.labels[grade]) if grade in scale.labels else None,
            "default": scale.default,
            "scale": list(scale.grades),
        },
        "rules": [
            {
                **_rule_data(r),
                "grade": r.outcome.grade if isinstance(r.outcome, GradeOutcome) else None,
                "decisive": r in decisive,
                "conditions": _conditions(r.when, row),
                "evidence": _evidence(r, row),
                "stops_firing_on": _plain(row.stops(r.when)),
            }
            for r in fired
        ],
        "what_would_change": change,
        "starts_on": as_of.isoformat(),
        "ends_on": None,
        "fingerprint": fp,
    }
    rule_id = "+".join(r.id for r in decisive)
    return Proposal.of(sid, "grade", grade, rule_id, as_of, None, fp, body)


def back_to_default(
    compiled: CompiledPolicy, subject: Mapping[str, Any], current: str
) -> Proposal | None:
    """The grade proposal for a subject no rule fires for, whose grade in force is another."""
    return _grade_proposal(
        compiled.policy, [], _Row(dict(subject), compiled, {}), compiled.as_of, current
    )


def _absences(cond: Condition) -> list[str]:
    """Conditions that a new record would break (for upgrades: what would lose the grade)."""
    if isinstance(cond, Count) and cond.at_most is not None:
        return [f"a new record making {cond.describe()} false"]
    if isinstance(cond, All | AnyOf):
        return [c for p in cond.parts for c in _absences(p)]
    return []


#: Keys of a fact's evidence entry without its field values, and with none, in its row dict.
_SHOWN, _BARE = "\x00shown", "\x00bare"

_CORE_SHOWN = ("record_id", "record_type", "document_no", "tier", "source_id")


def sorted_ids(facts: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]] | None:
    """The facts' record ids as an array, if ascending (snapshots are), else None."""
    ids = facts["record_id"].to_numpy()
    return ids if bool(np.all(ids[1:] > ids[:-1])) else None


def _rows_of(
    facts: pa.Table,
    wanted: np.ndarray[Any, np.dtype[np.int64]],
    record_ids: np.ndarray[Any, np.dtype[np.int64]] | None,
) -> pa.Table:
    """The rows of ``wanted`` (ascending ids): by binary search when ids are sorted.

    A scan of ten million facts per slice of results would cost more than the rest
    of the slice's explanation.
    """
    if record_ids is not None:
        at = np.searchsorted(record_ids, wanted)
        at = at[at < len(record_ids)]
        if len(at) == len(wanted) and np.array_equal(record_ids[at], wanted):
            return facts.take(pa.array(at))
    return facts.filter(pc.is_in(facts["record_id"], value_set=pa.array(wanted)))


def _distinct(ids: np.ndarray[Any, np.dtype[np.int64]]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Sorted distinct ids."""
    ordered = np.sort(ids)
    return (
        ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered
    )


def _shown_columns(facts: pa.Table, fields: Iterable[str]) -> list[str]:
    """The facts columns an explanation reads, for record fields ``fields``."""
    names = [column(f) for f in dict.fromkeys(fields) if column(f) in facts.column_names]
    return [*_CORE_SHOWN, "effective_date", "public_until", *names]


def _cited_ids(compiled: CompiledPolicy, result: pa.Table) -> np.ndarray[Any, np.dtype[np.int64]]:
    """The records a result may cite, sorted and distinct.

    Those of a fired rule's atoms that count records towards it: absences and
    negated parts cite none, and neither do rules that did not fire.
    """
    cited = [
        pc.list_flatten(pc.filter(result[f"ids{compiled.atom_index(atom)}"], result[f"r{i}"]))
        for i, rule in enumerate(compiled.policy.rules)
        for atom in _citing_atoms(rule.when)
    ]
    return _distinct(np.concatenate([np.zeros(0, np.int64)] + [c.to_numpy() for c in cited]))


def _policy_fields(compiled: CompiledPolicy) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for atom in compiled.atoms for f in _fields_of(atom)))


def _pylist(values: pa.ChunkedArray) -> list[Any]:
    """Python values of a column; dates through NumPy, a dozen times faster than Arrow's."""
    if pa.types.is_date32(values.type):
        dates: list[Any] = values.to_numpy().astype(object).tolist()
        return dates
    plain: list[Any] = values.to_pylist()
    return plain


def fact_index(
    facts: pa.Table,
    wanted: np.ndarray[Any, np.dtype[np.int64]],
    fields: Iterable[str] = (),
    record_ids: np.ndarray[Any, np.dtype[np.int64]] | None = None,
) -> dict[int, dict[str, Any]]:
    """The facts rows of ``wanted`` (sorted, distinct ids), by record id.

    Only the columns explanations read are kept. Each row also carries its evidence
    entry ready made (dates as ISO text): it is built once per record here, with the
    dates formatted column-wise, not once per use. ``record_ids`` is
    :func:`sorted_ids` of ``facts``, if known.
    """
    if len(wanted) == 0:
        return {}
    keep = _shown_columns(facts, fields)
    names = keep[len(_CORE_SHOWN) + 2 :]  # the record fields' columns
    rows = _rows_of(facts.select(keep), wanted, record_ids)
    # Column by column: far cheaper than a dict per row from Arrow.
    shown_keys = (*_CORE_SHOWN, "decision_date", "public_until")
    shown_columns = [rows[k].to_pylist() for k in _CORE_SHOWN] + [
        rows["effective_date"].cast(pa.string()).to_pylist(),
        rows["public_until"].cast(pa.string()).to_pylist(),
    ]
    raw_keys = ("effective_date", "public_until", *names)
    raw_columns = [_pylist(rows[k]) for k in raw_keys]
    index: dict[int, dict[str, Any]] = {}
    shown_rows = zip(*shown_columns, strict=True)
    for shown_values, raw_values in zip(shown_rows, zip(*raw_columns, strict=True), strict=True):
        fact = dict(zip(raw_keys, raw_values, strict=True))
        fact[_SHOWN] = dict(zip(shown_keys, shown_values, strict=True))
        index[shown_values[0]] = fact
    return index


def proposals_from(
    compiled: CompiledPolicy,
    result: pa.Table,
    facts: pa.Table,
    catalog: Catalog,
    current_grades: Mapping[int, str] | None = None,
    *,
    processes: int = 1,
    parallel_from: int = PARALLEL_FROM,
) -> list[Proposal]:
    """Every proposal of one evaluation, sorted by subject, kind, target and rule.

    Each result row is explained on its own, so with ``processes`` > 1 slices of
    the result are explained in forked workers (see :mod:`xinyong.rules.fanout`);
    the output is the same either way.

    Builds millions of small dicts that all stay alive, so the cyclic garbage
    collector is paused meanwhile: its passes would only re-scan them, again and again.
    """

    if result.num_rows == 0:  # the usual case when one subject is re-evaluated
        return []
    # The facts any slice may cite, taken once from the (large, many-chunked) snapshot
    # into one compact table that slices then look up by binary search.
    cited = _cited_ids(compiled, result)
    shown = facts.select(_shown_columns(facts, _policy_fields(compiled)))
    narrowed = _rows_of(shown, cited, sorted_ids(facts)).combine_chunks()

    def explain(part: pa.Table) -> list[tuple[Any, ...]]:
        # Plain tuples: what crosses from a worker process is pickled, and a
        # dataclass instance pickles at several times the cost of its fields.
        made = _proposals_from(compiled, part, narrowed, catalog, current_grades, cited)
        return [astuple(p) for p in made]

    paused = gc.isenabled()
    gc.disable()
    try:
        out = [
            Proposal(*t)
            for t in map_slices(explain, result, processes, parallel_from=parallel_from)
        ]
        out.sort(key=proposal_order)
        return out
    finally:
        if paused:
            gc.enable()


def _proposals_from(
    compiled: CompiledPolicy,
    result: pa.Table,
    facts: pa.Table,
    catalog: Catalog,
    current_grades: Mapping[int, str] | None,
    record_ids: np.ndarray[Any, np.dtype[np.int64]] | None = None,
) -> list[Proposal]:
    policy, as_of = compiled.policy, compiled.as_of
    index = fact_index(facts, _cited_ids(compiled, result), _policy_fields(compiled), record_ids)
    memo: dict[tuple[Any, ...], object] = {}
    out: list[Proposal] = []
    for data in result.to_pylist():
        row = _Row(data, compiled, index, leaves_memo=memo)
        fired = [rule for i, rule in enumerate(policy.rules) if data[f"r{i}"]]
        if policy.scale is not None:
            current = (current_grades or {}).get(data["subject_id"], policy.scale.default)
            proposal = _grade_proposal(policy, fired, row, as_of, current)
            out.extend([proposal] if proposal else [])
            continue
        for rule in fired:
            assert isinstance(rule.outcome, ListOutcome)
            out.extend(_list_proposals(policy, rule, rule.outcome, row, catalog, as_of))
    return out
