"""Comparing two policies over the same data: who would enter or leave, whose grade changes.

Localities pilot their own rules. Before a pilot is adopted, ``compare`` evaluates
both policies as of the same date on the same snapshot and reports the differences
for real subjects, counted by region, by subject kind and by the departments whose
records drive them. Grades are compared as computed (ignoring grades in force), with
the policy's default grade for a subject no rule touches.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from xinyong.catalog import Catalog, load_catalog
from xinyong.ledger.store import Store
from xinyong.rules.compile import compile_policy
from xinyong.rules.engines import make_engine
from xinyong.rules.explain import Proposal
from xinyong.rules.model import Policy
from xinyong.rules.service import RunResult, run_policy, take_snapshot


def _departments(p: Proposal) -> set[int]:
    evidence = list(p.body.get("evidence", []))
    for rule in p.body.get("rules", []):
        evidence += rule.get("evidence", [])
    return {e["source_id"] for e in evidence}


class _Tally:
    def __init__(self, sources: Mapping[int, str]) -> None:
        self.sources = sources
        self.total = 0
        self.by_region: Counter[str] = Counter()
        self.by_kind: Counter[str] = Counter()
        self.by_department: Counter[str] = Counter()

    def add(self, subject: Mapping[str, Any], proposals: Iterable[Proposal]) -> None:
        self.total += 1
        self.by_region[subject.get("region") or "unknown"] += 1
        self.by_kind[subject["kind"]] += 1
        departments = set().union(*(_departments(p) for p in proposals))
        for sid in departments or {0}:
            self.by_department[self.sources.get(sid, "none")] += 1

    def data(self) -> dict[str, Any]:
        return {
            "subjects": self.total,
            "by_region": dict(sorted(self.by_region.items())),
            "by_kind": dict(sorted(self.by_kind.items())),
            "by_department": dict(sorted(self.by_department.items())),
        }


def _lists(run: RunResult) -> dict[tuple[int, str], Proposal]:
    return {(p.subject_id, p.target): p for p in run.proposals if p.kind == "list_entry"}


def _grades(run: RunResult) -> dict[int, Proposal]:
    return {p.subject_id: p for p in run.proposals if p.kind == "grade"}


def compare_runs(
    a: RunResult,
    b: RunResult,
    subjects: Mapping[int, Mapping[str, Any]],
    sources: Mapping[int, str],
) -> dict[str, Any]:
    """The differences between two runs on the same snapshot, counted every way."""
    report: dict[str, Any] = {
        "as_of": a.as_of.isoformat(),
        "a": {"policy": a.policy.id, "version": a.policy.version},
        "b": {"policy": b.policy.id, "version": b.policy.version},
    }
    la, lb = _lists(a), _lists(b)
    lists: dict[str, dict[str, _Tally]] = defaultdict(
        lambda: {"enter": _Tally(sources), "leave": _Tally(sources), "stay": _Tally(sources)}
    )
    for key in sorted(set(la) | set(lb)):
        sid, list_id = key
        change = "stay" if key in la and key in lb else ("enter" if key in lb else "leave")
        lists[list_id][change].add(subjects[sid], [x for x in (la.get(key), lb.get(key)) if x])
    report["lists"] = {
        list_id: {k: t.data() for k, t in tallies.items()}
        for list_id, tallies in sorted(lists.items())
    }
    if a.policy.scale is not None and b.policy.scale is not None:
        ga, gb = _grades(a), _grades(b)
        transitions: Counter[str] = Counter()
        tally = _Tally(sources)
        for sid in sorted(set(ga) | set(gb)):
            before = ga[sid].target if sid in ga else a.policy.scale.default
            after = gb[sid].target if sid in gb else b.policy.scale.default
            if before != after:
                transitions[f"{before}->{after}"] += 1
                tally.add(subjects[sid], [x for x in (ga.get(sid), gb.get(sid)) if x])
        report["grades"] = {
            "changed": tally.data(),
            "transitions": dict(sorted(transitions.items())),
        }
    return report


def compare(
    store: Store,
    a: Policy,
    b: Policy,
    *,
    as_of: dt.date | None = None,
    engine: str = "duckdb",
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """Evaluate ``a`` and ``b`` on one snapshot (nothing stored) and report the differences."""
    catalog = catalog or load_catalog()
    day = as_of or store.clock.today()
    snapshot = take_snapshot(store, catalog, [a, b])
    runner = make_engine(engine, store.settings)
    try:
        runs = [
            run_policy(compile_policy(p, snapshot.layout, day), snapshot, runner, catalog, {})
            for p in (a, b)
        ]
    finally:
        runner.close()
    subjects = {r["subject_id"]: r for r in snapshot.subjects.to_pylist()}
    sources = {s.id: s.name for s in store.list_sources()}
    return compare_runs(runs[0], runs[1], subjects, sources)
