"""Reading a record's current fields from the ``records`` projection.

A record's fields are its bulk (about a kilobyte of Chinese text for a penalty),
and most records are asserted once and never amended. So the projection keeps
``fields`` NULL for as long as they are exactly what the record's assertion
event carries, and every reader takes them from that event's payload instead:
each record's fields are stored once, not twice, which halves what ingestion
writes per record. The first change that touches the fields (an amendment, a
correction on resolving an objection) stores the current fields in the
projection, where they then stay.

Readers select through :func:`select_records` (SQLAlchemy) or
:data:`ASSERTED_JOIN` (hand-written SQL, with ``records`` aliased ``r``) and
decode with :func:`fields_of` or :func:`fields_text`.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from xinyong.ledger.chain import object_text
from xinyong.ledger.tables import events, records

__all__ = ["ASSERTED_JOIN", "ASSERTED_PAYLOAD", "fields_of", "fields_text", "select_records"]

_DECODER = json.JSONDecoder()
#: The top-level key (the earliest of these in a canonical payload; a nested
#: object in the fields may hold either form again later).
_KEY = ('{"fields":', ',"fields":')

#: The label under which :func:`select_records` returns the assertion's payload
#: (NULL when the projection holds the fields itself).
ASSERTED_PAYLOAD = "asserted_payload"

_asserted = events.alias("asserted")

#: The same outer join in SQL, for readers that bypass SQLAlchemy: select
#: ``a.payload`` beside ``r.fields`` and pass both to :func:`fields_of`. The
#: ``(entity, entity_id)`` index serves it; it reads nothing for records whose
#: projection holds its fields.
ASSERTED_JOIN = (
    "LEFT JOIN events a ON r.fields IS NULL AND a.entity = 'record' "
    "AND a.entity_id = r.id AND a.type = 'asserted'"
)


def select_records(*columns: sa.ColumnElement[Any]) -> sa.Select[Any]:
    """``SELECT`` the given ``records`` columns (all if none) and the payload that holds
    the fields when the projection does not.

    Filter and order it like any select over ``records``; pass each row's
    ``fields`` and :data:`ASSERTED_PAYLOAD` to :func:`fields_of`.
    """
    a = _asserted.c
    joined = records.outerjoin(
        _asserted,
        records.c.fields.is_(None)
        & (a.entity == "record")
        & (a.entity_id == records.c.id)
        & (a.type == "asserted"),
    )
    chosen = columns or tuple(records.c)
    return sa.select(*chosen, a.payload.label(ASSERTED_PAYLOAD)).select_from(joined)


def fields_of(stored: str | None, asserted_payload: str | None) -> dict[str, Any]:
    """The record's current fields, from the projection or else from its assertion."""
    if stored is not None:
        value: dict[str, Any] = json.loads(stored)
        return value
    asserted: dict[str, Any] = json.loads(_payload(asserted_payload))["fields"]
    return asserted


def fields_text(stored: str | None, asserted_payload: str | None) -> str:
    """The canonical JSON text of the record's current fields (as the projection would hold it).

    Ingestion compares it with a re-sent row's text to find unchanged records,
    so it is cut out of the payload rather than decoded and encoded again. The
    payload is canonical (keys sorted; only ``decision_date`` and ``document_no``,
    both strings, come before ``fields``), and a string's quotes are always
    escaped, so the first ``"fields":{`` after ``{`` or ``,`` is the key itself.
    """
    if stored is not None:
        return stored
    payload = _payload(asserted_payload)
    found = [at for at in (payload.find(m) for m in _KEY) if at >= 0]
    if not found:  # pragma: no cover - not a payload the ledger wrote
        return object_text(fields_of(None, payload))
    start = min(found) + len(_KEY[0])
    end = _DECODER.raw_decode(payload, start)[1]
    return payload[start:end]


def _payload(asserted_payload: str | None) -> str:
    """The assertion's payload, which every record whose projection defers to it has."""
    if asserted_payload is None:
        raise LookupError("a record without fields in its projection has no assertion event")
    return asserted_payload
