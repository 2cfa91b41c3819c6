"""A validated chunk, kept column-wise until it is written.

Validation produces columns (one list per field); the writer needs one record
per row, with its fields as the canonical JSON the ledger stores and hashes.
The JSON is made where the chunk is validated (:meth:`Checked.encode`); the
row objects are built where it is written (:attr:`Checked.candidates`). When a
reading worker validates (see :mod:`xinyong.ingest.pipeline`) the encoding
runs on the worker's core, and the chunk crosses the process boundary as a few
long lists, several times cheaper to send than ten thousand small objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xinyong.ingest.identity import Who
from xinyong.ingest.reasons import Fault
from xinyong.ledger.chain import Encoded, canonical

Rejected = tuple[int, list[Fault], str | None]


@dataclass(slots=True)
class Candidate:
    """A row that passed every check, ready to be resolved and written."""

    number: int
    op: str  #: new, amend or revoke
    document_no: str
    fields: Mapping[str, Any]
    decision_date: dt.date | None
    original: Mapping[str, str] | None
    who: Who
    name: str
    arrived_on: dt.date | None


@dataclass
class Checked:
    """The rejected rows of a chunk, and its good rows column by column (``good`` indexes them).

    The good rows' fields (and the values as sent, where a transform changed
    them) are kept as their canonical JSON text: encoding them is a large part
    of writing a record, and it happens here, where the chunk is validated,
    rather than in the writer.
    """

    rejected: list[Rejected]
    good: list[int]
    numbers: list[int]
    ops: list[str]
    documents: list[Any]
    fields: list[str]  #: canonical JSON per good row
    originals: list[str | None]  #: canonical JSON per good row, None if nothing was changed
    decided: list[dt.date | None]
    who: list[Who | None]
    subject_names: list[Any]
    arrived: list[dt.date | None]
    _built: list[Candidate] | None = field(default=None, repr=False)

    @classmethod
    def encode(
        cls,
        *,
        rejected: list[Rejected],
        good: list[int],
        numbers: list[int],
        ops: list[str],
        documents: list[Any],
        names: list[str],
        columns: list[list[Any]],
        decided: list[dt.date | None],
        originals: dict[int, dict[str, str]],
        who: list[Who | None],
        subject_names: list[Any],
        arrived: list[dt.date | None],
        uscc_field: str | None,
    ) -> Checked:
        """A chunk from its validated columns: stored fields with a value, as JSON per row.

        ``uscc_field`` is dropped from a natural person's fields: a person's
        number read through a column it shares with the USCC belongs to the
        subject (encrypted), never to the record.
        """
        rows = list(zip(*columns, strict=True)) if columns else None
        texts: list[str] = []
        sent: list[str | None] = []
        for i in good:
            subject = who[i]
            if subject is None:  # pragma: no cover - a fault always accompanies it
                raise AssertionError(f"row {numbers[i]} passed without a subject")
            values = (
                {k: v for k, v in zip(names, rows[i], strict=False) if v is not None}
                if rows is not None
                else {}
            )
            original = originals.get(i)
            if subject.person is not None and uscc_field in values:
                del values[uscc_field]
                if original is not None:
                    original.pop(uscc_field or "", None)
            texts.append(canonical(values))
            sent.append(canonical(original) if original else None)
        return cls(
            rejected, good, numbers, ops, documents, texts, sent, decided, who, subject_names,
            arrived,
        )  # fmt: skip

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
        who, numbers, ops, documents = self.who, self.numbers, self.ops, self.documents
        decided, names, arrived = self.decided, self.subject_names, self.arrived
        out = []
        for i, text, sent in zip(self.good, self.fields, self.originals, strict=True):
            out.append(
                Candidate(
                    numbers[i],
                    ops[i],
                    documents[i],
                    Encoded(text),
                    decided[i],
                    None if sent is None else Encoded(sent),
                    who[i],  # type: ignore[arg-type]  # checked in encode()
                    names[i] or "",
                    arrived[i],
                )
            )
        return out
