"""Turning a chunk's valid rows into ledger writes: assert, amend, withdraw, or hold.

A record is identified by its natural key (source, record type, document number,
subject). For each row, in file order:

* key unknown: a new record (``accepted``); a revocation of an unknown key is
  rejected (``record.unknown``);
* key known, same values: nothing to do (``unchanged``), so the same data twice
  adds nothing;
* key known, other values: an ``amended`` event with the changed fields;
* a revocation (the operation column says so): a ``withdrawn`` event;
* the record was withdrawn after an objection was upheld: the row is ``held``
  (``record.objection_upheld``), even if identical, for a person to decide: the
  objection's outcome must not be undone by a later feed. A record withdrawn by
  its department that arrives again with other values is held too
  (``record.withdrawn``), as is a change to a record under objection
  (``record.disputed``).

All of a chunk's writes happen in the caller's transaction; rows that change a
record created earlier in the same chunk see it, because decisions follow file
order and new records are flushed before any change to them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from xinyong.ingest.checked import Candidate
from xinyong.ingest.reasons import Fault, fault
from xinyong.ingest.summary import Tally
from xinyong.ledger import NewRecord, RecordStatus, Transaction
from xinyong.ledger.chain import object_text
from xinyong.ledger.ingest_state import HeldRow
from xinyong.ledger.lookups import KnownRecord, records_by_document, resolved_outcomes

#: The objection outcome that means the objection succeeded (see docs/ingest.md).
UPHELD = "upheld"


@dataclass
class _State:
    """What the chunk knows about one natural key as it walks the rows."""

    record_id: int | None  #: None while the new record waits in the pending run
    withdrawn: bool
    disputed: bool
    protected: bool
    fields: dict[str, Any] | None
    text: str | None
    decision_date: dt.date | None
    pending: NewRecord | None = None

    def fields_text(self) -> str:
        """The canonical JSON of the current fields (what the ledger stores, to compare)."""
        if self.text is None:
            self.text = object_text(self.fields or {})
        return self.text

    def field_values(self) -> dict[str, Any]:
        """The current fields as a dictionary (decoded only when a change needs them)."""
        if self.fields is None:
            self.fields = json.loads(self.text or "{}")
        return self.fields


@dataclass
class ChunkPlan:
    """What a chunk wrote beyond records: held rows, arrival counts, late rejections."""

    held: list[HeldRow]
    arrivals: Counter[tuple[dt.date, dt.date]]
    rejected: list[tuple[int, list[Fault], str | None]]


class Applier:
    """Applies a chunk's candidates for one source, record type and batch."""

    def __init__(
        self, source_id: int, record_type: str, batch_id: int, file_name: str, arrived: dt.date
    ) -> None:
        self.source_id, self.record_type, self.batch_id = source_id, record_type, batch_id
        self.file_name, self.arrived = file_name, arrived

    def apply(
        self,
        tx: Transaction,
        rows: Sequence[Candidate],
        subject_ids: Sequence[int | None],
        tally: Tally,
    ) -> ChunkPlan:
        """Write the chunk's records and changes; counts every row into ``tally``."""
        docs = {c.document_no for c, s in zip(rows, subject_ids, strict=True) if s is not None}
        known = records_by_document(tx._conn, self.source_id, self.record_type, docs)
        withdrawn = [k.id for k in known.values() if k.withdrawn]
        upheld = {
            rid
            for rid, outcomes in resolved_outcomes(tx._conn, withdrawn).items()
            if UPHELD in outcomes
        }
        states: dict[tuple[str, int], _State] = {}
        fresh: dict[tuple[str, int], list[Any]] = {}  # new this chunk: [NewRecord, id or None]
        run: list[tuple[tuple[str, int], NewRecord]] = []
        plan = ChunkPlan([], Counter(), [])
        arrivals = plan.arrivals
        source_id, record_type, arrived = self.source_id, self.record_type, self.arrived
        accepted = 0

        def flush() -> None:
            if run:
                ids = tx.add_records([item for _, item in run], batch_id=self.batch_id)
                for (key, _), rid in zip(run, ids, strict=True):
                    if key in fresh:
                        fresh[key][1] = rid
                    else:
                        states[key].record_id = rid
                run.clear()

        for c, sid in zip(rows, subject_ids, strict=True):
            if sid is None:
                continue
            key = (c.document_no, sid)
            state = states.get(key)
            if state is None:
                if key in fresh:
                    item, rid = fresh.pop(key)
                    state = states[key] = _State(
                        rid, False, False, False, item.fields, None, item.decision_date
                    )
                elif key in known:
                    state = states[key] = _known(known[key], known[key].id in upheld)
                elif c.op != "revoke":
                    item = NewRecord(
                        source_id,
                        sid,
                        record_type,
                        c.document_no,
                        c.fields,
                        c.decision_date,
                        None,
                        c.original,
                    )
                    fresh[key] = [item, None]
                    run.append((key, item))
                    accepted += 1
                    if c.decision_date is not None:
                        arrivals[(c.decision_date, c.arrived_on or arrived)] += 1
                    continue
            if c.op == "revoke":
                self._revoke(tx, c, state, tally, plan, flush)
            elif state is not None:
                self._change(tx, c, sid, state, tally, plan, flush)
        flush()
        tally.add("accepted", count=accepted)
        return plan

    def _revoke(
        self,
        tx: Transaction,
        c: Candidate,
        state: _State | None,
        tally: Tally,
        plan: ChunkPlan,
        flush: Callable[[], None],
    ) -> None:
        if state is None:
            tally.add("rejected", "record.unknown")
            plan.rejected.append(
                (c.number, [fault("record.unknown", None, None, None)], c.document_no)
            )
            return
        if state.withdrawn:
            tally.add("unchanged")
            return
        flush()
        tx.withdraw_record(
            _id(state),
            reason=f"revoked by the furnishing department (row {c.number} of {self.file_name})",
        )
        state.withdrawn = True
        tally.add("withdrawn")

    def _change(
        self,
        tx: Transaction,
        c: Candidate,
        sid: int,
        state: _State,
        tally: Tally,
        plan: ChunkPlan,
        flush: Callable[[], None],
    ) -> None:
        same = (
            object_text(c.fields) == state.fields_text() and c.decision_date == state.decision_date
        )
        reason = None
        if state.protected:
            reason = "record.objection_upheld"
        elif same:
            tally.add("unchanged")
            return
        elif state.withdrawn:
            reason = "record.withdrawn"
        elif state.disputed:
            reason = "record.disputed"
        if reason is not None:
            flush()
            plan.held.append(
                HeldRow(
                    c.number,
                    state.record_id,
                    self.record_type,
                    c.document_no,
                    sid,
                    reason,
                    c.fields,
                )
            )
            tally.add("held", reason)
            return
        flush()
        old = state.field_values()
        changed = {k: v for k, v in c.fields.items() if old.get(k) != v}
        removed = [k for k in old if k not in c.fields]
        original = {k: v for k, v in (c.original or {}).items() if k in changed} or None
        tx.amend_record(
            _id(state),
            changed or None,
            removed=removed,
            decision_date=c.decision_date if c.decision_date != state.decision_date else None,
            original=original,
            reason=f"corrected by the furnishing department (row {c.number} of {self.file_name})",
            source_id=self.source_id,
            batch_id=self.batch_id,
        )
        state.fields, state.text, state.decision_date = dict(c.fields), None, c.decision_date
        tally.add("amended")


def _known(record: KnownRecord, protected: bool) -> _State:
    return _State(
        record_id=record.id,
        withdrawn=record.status is RecordStatus.WITHDRAWN,
        disputed=record.disputed,
        protected=protected,
        fields=None,
        text=record.fields_text,
        decision_date=record.decision_date,
    )


def _id(state: _State) -> int:
    if state.record_id is None:  # pragma: no cover - flush() assigns every pending id
        raise RuntimeError("a pending record was changed before it was written")
    return state.record_id
