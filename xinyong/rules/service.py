"""Evaluation as a service: snapshot the ledger, run a policy on an engine, store proposals.

Rules only propose. A run stores its proposals as proposals (``status = proposed``)
for the due-process workflow to act on; nothing here puts anyone on a list. A
proposal already pending from an earlier run (same policy version, rule, subject,
outcome and records) is not stored twice; a pending proposal of the same policy
that no longer fires for a subject in the run's scope is marked ``superseded``.
A proposal a person already handles (a case was opened, or it was decided) is not
proposed again for the same records. The run's sorted JSON lines are hashed into its
``digest``: the same policy version over the same data as of the same date gives the
same digest on any engine.

The grade a subject holds under a grading policy is the latest ``grade`` proposal of
that policy that the workflow marked ``in_force`` (the default grade otherwise);
a grade proposal is made only when the computed grade differs from it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from xinyong.catalog import Catalog, load_catalog
from xinyong.ledger import counters
from xinyong.ledger.engine import read_transaction, write_transaction
from xinyong.ledger.store import Store
from xinyong.ledger.tables import chain_head, evaluation_runs, proposals
from xinyong.rules.compile import CompiledPolicy, compile_policy
from xinyong.rules.engines import DuckDBEngine, Engine, make_engine
from xinyong.rules.explain import (
    Proposal,
    back_to_default,
    canonical,
    proposal_order,
    proposals_from,
)
from xinyong.rules.facts import FactsLayout, build_facts, build_subjects, layout_for
from xinyong.rules.fanout import processes_for
from xinyong.rules.loader import load_policies
from xinyong.rules.model import Policy
from xinyong.rules.snapshot_cache import cached_facts

PROPOSED, SUPERSEDED, IN_FORCE = "proposed", "superseded", "in_force"


@dataclass(frozen=True)
class Snapshot:
    """Facts and subjects read in one consistent view of the ledger."""

    facts: pa.Table
    subjects: pa.Table
    ledger_seq: int
    layout: FactsLayout


@dataclass
class RunResult:
    """What one policy's evaluation proposed, and what storing it changed."""

    policy: Policy
    as_of: dt.date
    engine: str
    proposals: list[Proposal]
    digest: str
    run_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        """A JSON-ready summary for the CLI."""
        return {
            "policy": self.policy.id,
            "version": self.policy.version,
            "as_of": self.as_of.isoformat(),
            "engine": self.engine,
            "run_id": self.run_id,
            "proposals": len(self.proposals),
            "by_kind": dict(sorted(Counter(p.kind for p in self.proposals).items())),
            "digest": self.digest,
            **self.counts,
        }


def take_snapshot(
    store: Store,
    catalog: Catalog,
    policies: Sequence[Policy],
    subject_ids: Sequence[int] | None = None,
) -> Snapshot:
    """Read facts and subjects in one read transaction (a consistent view).

    A snapshot of every subject comes from the on-disk cache brought up to date from
    the chain (see :mod:`.snapshot_cache`); one of some subjects is read directly.
    """
    layout = layout_for(policies, catalog)
    with read_transaction(store.engine) as conn:
        seq = conn.execute(sa.select(chain_head.c.last_seq)).scalar_one()
        if subject_ids is None:
            facts = cached_facts(
                conn, catalog, layout, folder=store.settings.home / "facts",
                store_url=store.settings.resolved_database_url, ledger_seq=seq,
            )  # fmt: skip
        else:
            facts = build_facts(conn, catalog, layout, subject_ids=subject_ids)
        subjects = build_subjects(conn, catalog, subject_ids)
    return Snapshot(facts, subjects, seq, layout)


def current_grades(
    conn: sa.Connection, policy: Policy, subject_ids: Iterable[int] | None
) -> dict[int, str]:
    """The grade in force per subject under ``policy`` (absent: the default grade)."""
    p = proposals.c
    stmt = (
        sa.select(p.subject_id, p.target, p.id)
        .where(p.policy_id == policy.id, p.kind == "grade", p.status == IN_FORCE)
        .order_by(p.subject_id, p.id)
    )
    if subject_ids is not None:
        stmt = stmt.where(p.subject_id.in_(list(subject_ids)))
    return {row.subject_id: row.target for row in conn.execute(stmt)}


def digest_of(items: Iterable[Proposal]) -> str:
    """SHA-256 of the proposals' JSON lines, in their sorted order."""
    h = hashlib.sha256()
    for p in items:
        h.update(p.raw)
        h.update(b"\n")
    return h.hexdigest()


def run_policy(
    compiled: CompiledPolicy,
    snapshot: Snapshot,
    engine: Engine,
    catalog: Catalog,
    grades: dict[int, str] | None = None,
    *,
    processes: int = 1,
) -> RunResult:
    """Run one compiled policy on a snapshot; no writes.

    ``processes`` > 1 explains the proposals in that many forked processes.
    """
    result = engine.run(compiled, snapshot.facts, snapshot.subjects)
    items = proposals_from(compiled, result, snapshot.facts, catalog, grades, processes=processes)
    back = _back_to_default(compiled, result, snapshot, grades or {})
    if back:  # proposals_from's list is sorted already
        items = sorted(items + back, key=proposal_order)
    return RunResult(compiled.policy, compiled.as_of, engine.name, items, digest_of(items))


def _back_to_default(
    compiled: CompiledPolicy, result: pa.Table, snapshot: Snapshot, grades: dict[int, str]
) -> list[Proposal]:
    """Grade proposals for subjects whose grade in force no rule supports any more."""
    policy = compiled.policy
    if policy.scale is None or not grades:
        return []
    fired = set(result.column("subject_id").to_pylist())
    waiting = {s: g for s, g in grades.items() if s not in fired and g != policy.scale.default}
    if not waiting:
        return []
    out = []
    for row in snapshot.subjects.to_pylist():
        if row["subject_id"] in waiting and row["kind"] in policy.subject_kinds:
            proposal = back_to_default(compiled, row, waiting[row["subject_id"]])
            out.extend([proposal] if proposal else [])
    return out


def _store_run(
    conn: sa.Connection, store: Store, run: RunResult, *, scope: str, ledger_seq: int,
    actor: str, subject_ids: Sequence[int] | None, started: dt.datetime,
) -> None:  # fmt: skip
    """Write the run and its new proposals; supersede pending ones that no longer fire."""
    p = proposals.c
    policy = run.policy
    # A proposal a person is already handling (or has decided) is not proposed again;
    # only proposals still waiting can be superseded.
    known_stmt = sa.select(p.id, p.fingerprint, p.status).where(
        p.policy_id == policy.id, p.status != SUPERSEDED
    )
    if subject_ids is not None:
        known_stmt = known_stmt.where(p.subject_id.in_(list(subject_ids)))
    known = {row.fingerprint: (row.id, row.status) for row in conn.execute(known_stmt)}
    fresh = [x for x in run.proposals if x.fingerprint not in known]
    keep = {x.fingerprint for x in run.proposals}
    stale = [pid for fp, (pid, status) in known.items() if status == PROPOSED and fp not in keep]
    run_id = counters.reserve(conn, "ledger.evaluation_runs", 1)[0]
    run.counts = {
        "new": len(fresh),
        "unchanged": len(run.proposals) - len(fresh),
        "superseded": len(stale),
    }
    conn.execute(
        evaluation_runs.insert().values(
            id=run_id, policy_id=policy.id, policy_version=policy.version,
            policy_sha256=policy.sha256, as_of=run.as_of, engine=run.engine, scope=scope,
            ledger_seq=ledger_seq, actor=actor, started_at=started,
            finished_at=store.clock.now(), counts=canonical(run.counts), digest=run.digest,
        )
    )  # fmt: skip
    if fresh:
        ids = counters.reserve(conn, "ledger.proposals", len(fresh))
        conn.execute(
            proposals.insert(),
            [
                {"id": pid, "run_id": run_id, "subject_id": x.subject_id,
                 "policy_id": policy.id, "policy_version": policy.version,
                 "rule_id": x.rule_id[:64], "kind": x.kind, "target": x.target,
                 "as_of": run.as_of, "starts_on": x.starts_on, "ends_on": x.ends_on,
                 "fingerprint": x.fingerprint, "status": PROPOSED, "explanation": x.json()}
                for pid, x in zip(ids, fresh, strict=True)
            ],
        )  # fmt: skip
    for chunk in range(0, len(stale), 1000):
        conn.execute(
            proposals.update()
            .where(p.id.in_(stale[chunk : chunk + 1000]))
            .values(status=SUPERSEDED)
        )
    run.run_id = run_id


def evaluate(
    store: Store,
    *,
    as_of: dt.date | None = None,
    policies: Sequence[Policy] | None = None,
    engine: str | Engine = "duckdb",
    subject_ids: Sequence[int] | None = None,
    catalog: Catalog | None = None,
    persist: bool = True,
    actor: str = "rules",
) -> list[RunResult]:
    """Evaluate policies in force on ``as_of`` over every subject (or some) and store proposals."""
    catalog = catalog or load_catalog()
    day = as_of or store.clock.today()
    chosen = [p for p in (policies or load_policies()) if p.in_force(day)]
    started = store.clock.now()
    snapshot = take_snapshot(store, catalog, chosen, subject_ids)
    runner = make_engine(engine, store.settings) if isinstance(engine, str) else engine
    results = []
    processes = processes_for(store.settings.explain_processes)
    with read_transaction(store.engine) as conn:
        grades = {p.id: current_grades(conn, p, subject_ids) for p in chosen if p.scale}
    try:
        for policy in chosen:
            compiled = compile_policy(policy, snapshot.layout, day)
            results.append(run_policy(compiled, snapshot, runner, catalog, grades.get(policy.id),
                                      processes=processes))  # fmt: skip
    finally:
        if isinstance(engine, str):
            runner.close()
    if persist:
        # One transaction for every policy's run: an evaluation is stored whole or not at all.
        scope = "all" if subject_ids is None else f"subjects:{len(subject_ids)}"
        with write_transaction(store.engine) as conn:
            for run in results:
                _store_run(conn, store, run, scope=scope, ledger_seq=snapshot.ledger_seq,
                           actor=actor, subject_ids=subject_ids, started=started)  # fmt: skip
    return results


def evaluate_subject(
    store: Store,
    subject_id: int,
    *,
    as_of: dt.date | None = None,
    catalog: Catalog | None = None,
    policies: Sequence[Policy] | None = None,
    persist: bool = True,
    actor: str = "rules",
) -> list[Proposal]:
    """Re-evaluate one subject at once (after a new record, an objection or a repair).

    Reads only that subject's records and runs the same compiled SQL on an in-process
    DuckDB: no batch run is needed, and the result equals the batch result for the
    subject.
    """
    runs = evaluate(
        store, as_of=as_of, policies=policies, engine=_shared_duckdb(), subject_ids=[subject_id],
        catalog=catalog, persist=persist, actor=actor,
    )  # fmt: skip
    return [p for run in runs for p in run.proposals]


_DUCKDB: list[Engine] = []


def _shared_duckdb() -> Engine:
    """One in-process DuckDB connection reused by incremental evaluations."""
    if not _DUCKDB:
        _DUCKDB.append(DuckDBEngine(threads=1))  # tiny inputs: threads cost more than they save
    return _DUCKDB[0]


def write_jsonl(runs: Iterable[RunResult], path: Path) -> int:
    """Write every proposal of ``runs`` as sorted JSON lines; returns the count."""
    ordered = sorted((p for run in runs for p in run.proposals), key=lambda p: p.fingerprint)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        for p in ordered:
            out.write(p.raw + b"\n")
    tmp.replace(path)
    return len(ordered)
