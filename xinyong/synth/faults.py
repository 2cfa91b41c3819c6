"""Realistic faults, injected into a fraction of rows and recorded as ground truth.

Each fault is what departments really send: a mistyped or missing code, codes and dates
typed with a full-width input method, a 30 February, a date after the delivery, a
validity window the wrong way round, a fine in yuan under a 10,000-yuan header, the wrong
counterpart category, and the legitimate-but-tricky rows (a duplicate, a correction, a
revocation of an earlier row). Every injected row gets one ground-truth line saying what
an ingester should do with it, so ingestion can be scored rather than eyeballed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from xinyong.synth.dates import Cell, plain
from xinyong.synth.mutations import MUTATORS, Facts, Row, Truth
from xinyong.synth.records.common import Batch, FeedContext


@dataclass(frozen=True)
class FaultKind:
    """A fault, how often it is chosen, and the outcome ingestion should reach."""

    name: str
    weight: float
    expected: str  #: reject, accept, unchanged, amended or withdrawn
    reason: str | None = None  #: rejection reason code


FAULT_KINDS = (
    FaultKind("uscc.checksum", 0.14, "reject", "uscc.checksum"),
    FaultKind("uscc.missing", 0.07, "reject", "uscc.missing"),
    FaultKind("uscc.length", 0.04, "reject", "uscc.length"),
    FaultKind("code.fullwidth", 0.07, "accept"),
    FaultKind("name.fullwidth_space", 0.04, "accept"),
    FaultKind("name.halfwidth_brackets", 0.03, "accept"),
    FaultKind("date.fullwidth", 0.03, "accept"),
    FaultKind("date.impossible", 0.06, "reject", "date.impossible"),
    FaultKind("date.future", 0.05, "reject", "date.future"),
    FaultKind("date.end_before_start", 0.05, "reject", "date.end_before_start"),
    FaultKind("amount.unit_suspect", 0.06, "reject", "amount.unit_suspect"),
    FaultKind("subject.kind_mismatch", 0.04, "reject", "subject.kind_mismatch"),
    FaultKind("duplicate", 0.12, "unchanged"),
    FaultKind("amendment", 0.10, "amended"),
    FaultKind("revocation", 0.10, "withdrawn"),
)
BY_NAME = {f.name: f for f in FAULT_KINDS}
TARGETED = ("duplicate", "amendment", "revocation")
_BUFFER = 256


@dataclass
class Target:
    """An earlier clean row that a duplicate, amendment or revocation refers to."""

    file: str
    row: int
    cells: tuple[Cell, ...]
    subject: int
    facts: Facts


class Injector:
    """Injects faults into one feed's chunks, in order, and keeps earlier rows to refer to."""

    def __init__(
        self, ctx: FeedContext, rate: float, locate: Callable[[int], tuple[str, int]]
    ) -> None:
        self.ctx, self.rate, self.locate = ctx, rate, locate
        self.buffer: list[Target] = []
        self.col = ctx.layout.column

    def apply(self, batch: Batch, first: int, rng: np.random.Generator) -> list[Truth]:
        """Corrupt rows of ``batch`` in place; ``first`` is its first row's index in the feed."""
        n = len(batch.rows)
        hits = np.flatnonzero(rng.random(n) < self.rate).tolist()
        u = rng.random((len(hits), 3)).tolist()
        taken = set(hits)
        truths = []
        for k, draws in zip(hits, u, strict=True):
            kinds = self._applicable(batch, k)
            weights = np.array([BY_NAME[f].weight for f in kinds])
            pick = kinds[int(np.searchsorted(np.cumsum(weights) / weights.sum(), draws[0]))]
            truth = self._inject(batch, k, pick, draws, taken, first)
            if truth is not None:
                truths.append(truth)
        fresh = [j for j in range(max(0, n - _BUFFER), n) if j not in taken]
        self.buffer = (self.buffer + [self._target(batch, j, first) for j in fresh])[-_BUFFER:]
        return truths

    def _applicable(self, batch: Batch, k: int) -> list[str]:
        lay, row, today = self.ctx.layout, batch.rows[k], self.ctx.today
        org = batch.subject[k] >= 0
        ok = list(TARGETED)
        if lay.code is not None and org and row[lay.code]:
            ok += ["uscc.checksum", "uscc.missing", "uscc.length", "code.fullwidth"]
        if lay.name is not None and org:
            ok.append("name.fullwidth_space")
            if "（" in str(row[lay.name]):
                ok.append("name.halfwidth_brackets")
        if lay.date is not None:
            ok.append("date.impossible")
            if isinstance(row[lay.date], str):
                ok.append("date.fullwidth")
            end = -1 if batch.end is None else int(batch.end[k])
            if lay.end in (None, lay.date) or end < 0 or lay.end_is_deadline:
                ok.append("date.future")
        if lay.start is not None and batch.start is not None and batch.end is not None:
            s, e = int(batch.start[k]), int(batch.end[k])
            if s < e <= today and lay.start != lay.end:
                ok.append("date.end_before_start")
        if (
            lay.amount is not None
            and row[lay.amount]
            and Decimal(str(row[lay.amount])) >= Decimal("0.1")
        ):
            ok.append("amount.unit_suspect")
        if lay.kind is not None and org:
            ok.append("subject.kind_mismatch")
        return ok

    def _inject(
        self, batch: Batch, k: int, kind: str, u: list[float], taken: set[int], first: int
    ) -> Truth | None:
        fault = BY_NAME[kind]
        target = None
        if kind in TARGETED:
            target = self._pick_target(batch, k, u[1], taken, first)
            if target is None:
                return None
            row: Row = list(target.cells)
            subject, facts = target.subject, target.facts
        else:
            row = list(batch.rows[k])
            subject, facts = int(batch.subject[k]), Facts.of(batch, k)
        file, line = self.locate(first + k)
        truth: Truth = {"file": file, "row": line, "fault": kind, "expected": fault.expected}
        if fault.reason:
            truth["reason"] = fault.reason
        lay = self.ctx.layout
        truth["key"] = {self.col(c): plain(row[c], self.ctx.dates.style) for c in lay.key}
        truth["subject"] = (
            self.ctx.subjects.code_list(np.array([subject]))[0] if subject >= 0 else None
        )
        truth.update(MUTATORS[kind](self.ctx, facts, row, u[2]))
        if target is not None:
            truth["target"] = {"file": target.file, "row": target.row}
        batch.rows[k] = tuple(row)
        return truth

    def _pick_target(
        self, batch: Batch, k: int, u: float, taken: set[int], first: int
    ) -> Target | None:
        for attempt in range(4):
            j = int(k * ((u + attempt * 0.37) % 1.0))
            if j < k and j not in taken:
                taken.add(j)
                return self._target(batch, j, first)
        if self.buffer:
            i = int(u * len(self.buffer))
            self.buffer[i], self.buffer[-1] = self.buffer[-1], self.buffer[i]
            return self.buffer.pop()
        return None

    def _target(self, batch: Batch, j: int, first: int) -> Target:
        file, line = self.locate(first + j)
        return Target(file, line, batch.rows[j], int(batch.subject[j]), Facts.of(batch, j))
