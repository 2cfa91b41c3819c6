"""Counting outcomes: every row of a file lands in exactly one of the counts.

``rows`` = ``accepted`` + ``rejected`` + ``amended`` + ``withdrawn`` + ``unchanged``
+ ``held``: a new record, a rejected row, a change to a known record, a
revocation, a row identical to what the ledger holds, or a row kept for a
person to decide. The tally is saved with each committed chunk, so counts
survive a crash and are never counted twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

OUTCOMES = ("accepted", "rejected", "amended", "withdrawn", "unchanged", "held")


@dataclass
class Tally:
    """Running counts of one batch."""

    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    amended: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    held: int = 0
    subjects_created: int = 0
    rejected_by_reason: Counter[str] = field(default_factory=Counter)
    held_by_reason: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str, reason: str | None = None, count: int = 1) -> None:
        """Count rows with one outcome (with the reason, for rejected and held rows)."""
        self.rows += count
        setattr(self, outcome, getattr(self, outcome) + count)
        if outcome == "rejected" and reason:
            self.rejected_by_reason[reason] += count
        elif outcome == "held" and reason:
            self.held_by_reason[reason] += count

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-able counts (reasons sorted, for stable output)."""
        out: dict[str, Any] = {"rows": self.rows}
        out.update({k: getattr(self, k) for k in OUTCOMES})
        out["subjects_created"] = self.subjects_created
        out["rejected_by_reason"] = dict(sorted(self.rejected_by_reason.items()))
        out["held_by_reason"] = dict(sorted(self.held_by_reason.items()))
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Tally:
        """The tally a checkpoint saved."""
        tally = cls()
        for key in ("rows", *OUTCOMES, "subjects_created"):
            setattr(tally, key, int(data.get(key, 0)))
        tally.rejected_by_reason.update(data.get("rejected_by_reason", {}))
        tally.held_by_reason.update(data.get("held_by_reason", {}))
        return tally

    def merge(self, other: Tally) -> None:
        """Add another tally's counts to this one (a source's batches together)."""
        for key in ("rows", *OUTCOMES, "subjects_created"):
            setattr(self, key, getattr(self, key) + getattr(other, key))
        self.rejected_by_reason.update(other.rejected_by_reason)
        self.held_by_reason.update(other.held_by_reason)

    def copy(self) -> Tally:
        """An independent copy (to roll back to if a chunk fails)."""
        return Tally.from_dict(self.as_dict())


@dataclass(frozen=True)
class IngestSummary:
    """What one file's ingestion did; printed by the CLI as one JSON line."""

    file: str
    source: str
    mapping: str
    record_type: str | None
    batch_id: int
    status: str
    counts: Tally
    rejects: str | None
    seconds: float
    resumed: bool = False
    already_ingested: bool = False
    encoding: str | None = None
    unmapped_columns: tuple[str, ...] = ()
    rows_this_run: int = 0  #: rows processed by this run (less than ``rows`` after a resume)

    @property
    def rows_per_second(self) -> float:
        """Rows this run handled per second (0 when nothing was processed)."""
        return self.rows_this_run / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-able data."""
        return {
            "file": self.file,
            "source": self.source,
            "mapping": self.mapping,
            "record_type": self.record_type,
            "batch_id": self.batch_id,
            "status": self.status,
            **self.counts.as_dict(),
            "rejects": self.rejects,
            "seconds": round(self.seconds, 3),
            "rows_per_second": round(self.rows_per_second, 1),
            "rows_this_run": self.rows_this_run,
            "resumed": self.resumed,
            "already_ingested": self.already_ingested,
            "encoding": self.encoding,
            "unmapped_columns": list(self.unmapped_columns),
        }
