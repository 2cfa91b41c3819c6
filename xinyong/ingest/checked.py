"""A validated chunk, kept column-wise until it is written.

Validation produces columns (one list per field); the writer needs one record
per row, with its fields as the canonical JSON the ledger stores and hashes.
The JSON is made where the chunk is validated (:meth:`Checked.encode`); the
row objects are built where it is written (:attr:`Checked.candidates`). When a
reading worker validates (see :mod:`xinyong.ingest.pipeline`) the encoding
runs on the worker's core, and the chunk crosses the process boundary as a few
long lists, several times cheaper to send than ten thousand small objects. The
JSON travels as UTF-8 bytes, the form in which the writer hashes and stores it,
so the writer's core never decodes it only to encode it again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xinyong.ingest.identity import Who
from xinyong.ingest.reasons import Fault
from xinyong.ledger.chain import Encoded, canonical, json_string

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
    fields: list[bytes]  #: canonical JSON per good row, UTF-8
    originals: list[bytes | None]  #: canonical JSON per good row (UTF-8), None if none changed
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
        people = []
        for i in good:
            subject = who[i]
            if subject is None:  # pragma: no cover - a fault always accompanies it
                raise AssertionError(f"row {numbers[i]} passed without a subject")
            people.append(subject.person is not None)
        texts = _objects(names, columns, good, people, uscc_field)
        sent: list[bytes | None] = []
        for i, person in zip(good, people, strict=True):
            original = originals.get(i)
            if original and person:
                original.pop(uscc_field or "", None)
            sent.append(canonical(original).encode() if original else None)
        return cls(
            rejected, good, numbers, ops, documents, texts, sent, decided, who, subject_names,
            arrived,
        )  # fmt: skip

    def __getstate__(self) -> dict[str, Any]:
        state = {k: getattr(self, k) for k in self.__dataclass_fields__}
        state["_built"] = None  # never send the rows themselves
        # Plain tuples: pickle writes those in C, a named tuple through Python calls.
        state["who"] = [None if w is None else tuple(w) for w in self.who]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        sent_who = state.pop("who")
        for key, value in state.items():
            setattr(self, key, value)
        made: dict[tuple[Any, ...], Who] = {}  # one object per subject, as validation made them
        who: list[Who | None] = []
        for sent in sent_who:
            if sent is None:
                who.append(None)
                continue
            subject = made.get(sent)
            if subject is None:
                subject = made[sent] = Who(*sent)
            who.append(subject)
        self.who = who

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
                    Encoded.from_utf8(text),
                    decided[i],
                    None if sent is None else Encoded.from_utf8(sent),
                    who[i],  # type: ignore[arg-type]  # checked in encode()
                    names[i] or "",
                    arrived[i],
                )
            )
        return out


def _objects(
    names: list[str],
    columns: list[list[Any]],
    rows: list[int],
    people: list[bool],
    uscc_field: str | None,
) -> list[bytes]:
    """The canonical JSON object of each of ``rows`` as UTF-8, built column by column.

    The same text as :func:`~xinyong.ledger.chain.canonical` of the row's
    dictionary of non-null values (a test holds them equal), made without
    that dictionary: each column's members (``"name":value``) are encoded
    once per distinct text value, in sorted key order, and each row's object is
    the join of its present members. Where the row's subject is a person,
    ``uscc_field`` is left out.
    """
    members: list[list[str | None]] = []
    for name, column in sorted(zip(names, columns, strict=True)):
        prefix = json_string(name) + ":"
        texts: dict[str, str] = {}
        out: list[str | None] = []
        add = out.append
        for i in rows:
            value = column[i]
            if value is None:
                add(None)
            elif value.__class__ is str:
                member = texts.get(value)
                if member is None:
                    member = texts[value] = prefix + json_string(value)
                add(member)
            else:
                add(prefix + canonical(value))
        if name == uscc_field:
            out = [None if person else m for m, person in zip(out, people, strict=True)]
        members.append(out)
    if not members:
        return [b"{}"] * len(rows)
    return [
        ("{" + ",".join(filter(None, row)) + "}").encode() for row in zip(*members, strict=True)
    ]
