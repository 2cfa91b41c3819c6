"""How events change a record: the state machine, and folding history into state.

The same code serves three callers, so they cannot disagree: writers update
the ``records`` projection with :func:`apply`, as-of reads fold a filtered
history with :func:`fold`, and a test rebuilds every projection from the
events and compares.

Events are applied in valid-time order, ties broken by ``seq``: a correction
that takes effect on the decision date is applied before an amendment that took
effect later, even if the correction was recorded last.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from xinyong.ledger.errors import TransitionError
from xinyong.ledger.model import Event, EventType, Provenance, Record, RecordState, RecordStatus

_S = RecordStatus
_T = EventType


@dataclass
class Draft:
    """A record's mutable state while events are applied to it."""

    record: Record
    provenance: dict[str, Provenance] = field(default_factory=dict)

    def state(self) -> RecordState:
        """Freeze into a :class:`RecordState`."""
        return RecordState(record=self.record, provenance=dict(self.provenance))


#: Which changes a record in a given state accepts (checked against its latest state).
_ALLOWED: dict[EventType, Callable[[Record], bool]] = {
    _T.AMENDED: lambda r: r.status is not _S.WITHDRAWN,
    _T.WITHDRAWN: lambda r: r.status is not _S.WITHDRAWN,
    _T.DISPUTED: lambda r: not r.disputed and r.status is not _S.WITHDRAWN,
    _T.RESOLVED: lambda r: r.disputed,
    _T.REPAIRED: lambda r: r.status is _S.ACTIVE,
    _T.EXPIRED: lambda r: r.status in (_S.ACTIVE, _S.REPAIRED),
    _T.RESTORED: lambda r: r.status in (_S.REPAIRED, _S.EXPIRED),
}

_STATUS_AFTER = {
    _T.WITHDRAWN: _S.WITHDRAWN,
    _T.REPAIRED: _S.REPAIRED,
    _T.EXPIRED: _S.EXPIRED,
    _T.RESTORED: _S.ACTIVE,
}


def check_transition(record: Record, type_: EventType, valid_from: dt.date) -> None:
    """Refuse a change the record's current state does not allow, saying why."""
    allowed = _ALLOWED.get(type_)
    if allowed is None:
        raise TransitionError(f"{type_.value!r} is not a change to an existing record")
    if not allowed(record):
        disputed = ", disputed" if record.disputed else ""
        raise TransitionError(
            f"record {record.id} is {record.status.value}{disputed}: cannot apply {type_.value!r}"
        )
    if valid_from < record.valid_from:
        raise TransitionError(
            f"a change to record {record.id} cannot take effect on {valid_from}, "
            f"before the record itself ({record.valid_from})"
        )


def _provenance(event: Event, original: dict[str, Any], name: str) -> Provenance:
    return Provenance(
        seq=event.seq,
        event_type=event.type,
        source_id=event.source_id,
        batch_id=event.batch_id,
        recorded_at=event.recorded_at,
        valid_from=event.valid_from,
        original=original.get(name),
    )


def _asserted(event: Event) -> Draft:
    p = event.payload
    original = p.get("original") or {}
    record = Record(
        id=event.entity_id,
        source_id=int(event.source_id or 0),
        subject_id=int(p["subject_id"]),
        record_type=p["record_type"],
        document_no=p["document_no"],
        status=_S.ACTIVE,
        disputed=False,
        decision_date=_date(p.get("decision_date")),
        fields=dict(p["fields"]),
        valid_from=event.valid_from,
        version=1,
        last_seq=event.seq,
        updated_at=event.recorded_at,
    )
    return Draft(record, {k: _provenance(event, original, k) for k in record.fields})


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def _set_fields(draft: Draft, event: Event) -> dict[str, Any]:
    p = event.payload
    fields = dict(draft.record.fields)
    original = p.get("original") or {}
    for name in p.get("removed") or ():
        fields.pop(name, None)
        draft.provenance.pop(name, None)
    for name, value in (p.get("fields") or {}).items():
        fields[name] = value
        draft.provenance[name] = _provenance(event, original, name)
    return fields


def apply(draft: Draft, event: Event) -> Draft:
    """The draft after ``event``; the draft's old record object is left untouched."""
    r = draft.record
    changes: dict[str, Any] = {
        "version": r.version + 1,
        "last_seq": max(r.last_seq, event.seq),
        "updated_at": max(r.updated_at, event.recorded_at),
    }
    if event.type in (_T.AMENDED, _T.RESOLVED):
        changes["fields"] = _set_fields(draft, event)
        if "decision_date" in event.payload:
            changes["decision_date"] = _date(event.payload["decision_date"])
    if event.type in _STATUS_AFTER:
        changes["status"] = _STATUS_AFTER[event.type]
    if event.type in (_T.DISPUTED, _T.RESOLVED):
        changes["disputed"] = event.type is _T.DISPUTED
    draft.record = replace(r, **changes)
    return draft


def fold(events: Iterable[Event]) -> RecordState | None:
    """The state a record's events add up to, or ``None`` if it was never asserted.

    ``events`` may be in any order and already filtered to a valid and a
    transaction time; they are applied in (valid_from, seq) order.
    """
    draft: Draft | None = None
    for event in sorted(events, key=lambda e: (e.valid_from, e.seq)):
        if event.type is _T.ASSERTED:
            draft = _asserted(event)
        elif draft is not None:
            draft = apply(draft, event)
    return None if draft is None else draft.state()
