"""A validated chunk, kept column-wise until it is written.

Validation produces columns (one list per field); the writer needs one record
per row. Building the rows is deferred to :attr:`Checked.candidates`, which runs
where the chunk is written: when a reading worker validates (see
:mod:`xinyong.ingest.pipeline`), the chunk crosses the process boundary as a few
long lists, several times cheaper to send than ten thousand small objects.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xinyong.ingest.identity import Who
from xinyong.ingest.reasons import Fault

Rejected = tuple[int, list[Fault], str | None]


@dataclass(slots=True)
class Candidate:
    """A row that passed every check, ready to be resolved and written."""

    number: int
    op: str  #: new, amend or revoke
    document_no: str
    fields: dict[str, Any]
    decision_date: dt.date | None
    original: dict[str, str] | None
    who: Who
    name: str
    arrived_on: dt.date | None


@dataclass
class Checked:
    """The rejected rows of a chunk, and its good rows as columns (``good`` indexes them)."""

    rejected: list[Rejected]
    good: list[int]
    numbers: list[int]
    ops: list[str]
    documents: list[Any]
    names: list[str]  #: stored fields with a value somewhere in the chunk
    columns: list[list[Any]]  #: one per name, every row of the chunk
    decided: list[dt.date | None]
    originals: dict[int, dict[str, str]]
    who: list[Who | None]
    subject_names: list[Any]
    arrived: list[dt.date | None]
    uscc_field: str | None  #: dropped from a natural person's fields (see ``candidates``)
    _built: list[Candidate] | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = {k: getattr(self, k) for k in self.__dataclass_fields__}
        state["_built"] = None  # never send the rows themselves
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        for key, value in state.items():
            setattr(self, key, value)

    @property
    def candidates(self) -> list[Candidate]:
        """The good rows as records to write, built once on first use."""
        if self._built is None:
            self._built = self._build()
        return self._built

    def _build(self) -> list[Candidate]:
        names, originals, who = self.names, self.originals, self.who
        rows = list(zip(*self.columns, strict=True)) if self.columns else None
        out = []
        for i in self.good:
            subject = who[i]
            if subject is None:  # pragma: no cover - a fault always accompanies it
                raise AssertionError(f"row {self.numbers[i]} passed without a subject")
            fields = (
                {k: v for k, v in zip(names, rows[i], strict=False) if v is not None}
                if rows is not None
                else {}
            )
            original = originals.get(i)
            if subject.person is not None and self.uscc_field in fields:
                # A person's number read through a column it shares with the USCC field:
                # it belongs to the subject (encrypted), never to the record.
                del fields[self.uscc_field]
                if original is not None:
                    original.pop(self.uscc_field or "", None)
                    original = original or None
            out.append(
                Candidate(
                    self.numbers[i],
                    self.ops[i],
                    self.documents[i],
                    fields,
                    self.decided[i],
                    original,
                    subject,
                    self.subject_names[i] or "",
                    self.arrived[i],
                )
            )
        return out
