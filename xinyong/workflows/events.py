"""Workflow steps as links of the ledger's hash chain.

The ledger's own enums name what *records* go through; a procedure's steps
are a different kind of thing, so they get their own names here (entity
``case`` or ``notice``) and are appended through the ledger's one chain
writer. ``xinyong verify`` then covers every step of every procedure with
the same hash chain as the records: a deleted notice or a back-dated decision
is as detectable as an edited penalty.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, cast

from sqlalchemy.engine import Connection

from xinyong.ledger.chain import canonical
from xinyong.ledger.model import Entity, EventType
from xinyong.ledger.transaction import Transaction


class WorkflowEntity(StrEnum):
    """What a workflow event is about (the ``entity`` column of ``events``)."""

    CASE = "case"
    NOTICE = "notice"
    STATEMENT = "statement"


class CaseEvent(StrEnum):
    """Steps of a procedure (the ``type`` column of ``events``; at most 16 characters)."""

    OPENED = "opened"
    NOTIFIED = "notified"  # the notice was delivered; a window starts
    ANSWERED = "answered"  # the subject's statement or hearing request
    DECIDED = "decided"  # four-eyes decision on a listing
    LIFTED = "lifted"  # an in-force listing ended
    SUSPENDED = "suspended"  # a record the listing relies on came under objection
    RESUMED = "resumed"  # every such objection ended with the record confirmed
    SET_ASIDE = "set_aside"
    ESCALATED = "escalated"  # a deadline passed in silence
    REPLIED = "replied"  # the department's answer to an objection
    FORWARDED = "forwarded"  # repair: platform feedback, sent to the authority
    REPAIR_DECIDED = "repair_decided"
    REFUSED = "refused"
    STATEMENT = "statement"
    QUEUED = "queued"  # a notice entered the outbox
    DELIVERED = "delivered"  # a notice reached its transport
    FAILED = "failed"  # a notice gave up after its last attempt


def append_event(
    tx: Transaction,
    entity: WorkflowEntity,
    entity_id: int,
    type_: CaseEvent,
    payload: Mapping[str, Any],
) -> int:
    """Chain one workflow step in ``tx``, valid from the platform's today; returns its seq.

    ``None`` values are left out of the payload, as the ledger does for records.
    """
    body = canonical({k: v for k, v in payload.items() if v is not None})
    # The chain writer only reads ``.value`` of both names, which these enums provide.
    return tx._append(cast(Entity, entity), entity_id, cast(EventType, type_), tx.today(), body)


def connection(tx: Transaction) -> Connection:
    """The connection of ``tx``: workflow rows commit with the events that describe them."""
    return tx._conn
