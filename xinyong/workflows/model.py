"""The workflows' domain objects: cases, notices and deadlines, independent of storage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class CaseKind(StrEnum):
    """The three procedures that protect a subject."""

    LISTING = "listing"  # a rule proposed a list entry or downgrade: notice, response, decision
    OBJECTION = "objection"  # the subject contests a record (异议)
    REPAIR = "repair"  # the subject asks to end publicity early (信用修复)


class CaseState(StrEnum):
    """Every position of the three state machines (see ``TRANSITIONS``)."""

    # listing
    AWAITING_NOTICE = "awaiting_notice"  # notice queued, not yet delivered: no clock runs
    NOTIFIED = "notified"  # delivered; the response window runs until ``due_on``
    ANSWERED = "answered"  # the subject's statement or hearing request is on file
    IN_FORCE = "in_force"  # decided by a second person; effective from starts_on to ends_on
    SUSPENDED = "suspended"  # decided, but a record it relies on is under objection: no effect
    REJECTED = "rejected"  # the reviewer declined the proposal
    LIFTED = "lifted"  # ended early: expiry, repair, court order, correction
    SET_ASIDE = "set_aside"  # closed before a decision: a record it relied on changed
    # objection
    VERIFYING = "verifying"  # the department must answer by ``due_on``; the record is inert
    ESCALATED = "escalated"  # the department missed the deadline; the record stays inert
    CONFIRMED = "confirmed"  # the department confirmed the record as it stands
    CORRECTED = "corrected"  # the department corrected values
    WITHDRAWN = "withdrawn"  # the department withdrew the record
    # repair
    APPLIED = "applied"  # conditions met; the platform gives feedback by ``due_on``
    FORWARDED = "forwarded"  # the deciding authority decides by ``due_on``
    APPROVED = "approved"  # publicity ended early
    REFUSED = "refused"  # conditions not met or the authority said no; reasons stated


#: The allowed moves. Anything else is refused; a test walks every pair.
TRANSITIONS: Mapping[CaseKind, Mapping[CaseState, frozenset[CaseState]]] = {
    CaseKind.LISTING: {
        CaseState.AWAITING_NOTICE: frozenset({CaseState.NOTIFIED, CaseState.SET_ASIDE}),
        CaseState.NOTIFIED: frozenset(
            {CaseState.ANSWERED, CaseState.IN_FORCE, CaseState.REJECTED, CaseState.SET_ASIDE}
        ),
        CaseState.ANSWERED: frozenset(
            {CaseState.IN_FORCE, CaseState.REJECTED, CaseState.SET_ASIDE}
        ),
        CaseState.IN_FORCE: frozenset({CaseState.SUSPENDED, CaseState.LIFTED}),
        # Back in force only through the objection's outcome (the record confirmed and the
        # subject told), never by a person's decision; see ``listing.resume_dependents``.
        CaseState.SUSPENDED: frozenset({CaseState.IN_FORCE, CaseState.LIFTED}),
    },
    CaseKind.OBJECTION: {
        CaseState.VERIFYING: frozenset(
            {CaseState.ESCALATED, CaseState.CONFIRMED, CaseState.CORRECTED, CaseState.WITHDRAWN}
        ),
        CaseState.ESCALATED: frozenset(
            {CaseState.CONFIRMED, CaseState.CORRECTED, CaseState.WITHDRAWN}
        ),
    },
    CaseKind.REPAIR: {
        CaseState.APPLIED: frozenset({CaseState.FORWARDED, CaseState.REFUSED}),
        CaseState.FORWARDED: frozenset({CaseState.APPROVED, CaseState.REFUSED}),
    },
}

#: States in which a case is still running.
OPEN_STATES: frozenset[CaseState] = frozenset(
    state for table in TRANSITIONS.values() for state in table
)


@dataclass(frozen=True)
class Case:
    """One procedure about one subject, as it stands now."""

    id: int
    kind: CaseKind
    state: CaseState
    subject_id: int
    record_id: int | None
    proposal_id: int | None
    target: str | None
    opened_by: str
    opened_at: dt.datetime
    opened_on: dt.date
    due_on: dt.date | None
    due_for: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    data: Mapping[str, Any]
    version: int
    last_seq: int
    updated_at: dt.datetime

    @property
    def is_open(self) -> bool:
        """Whether the procedure still runs (a deadline may apply)."""
        return self.state in OPEN_STATES

    def in_effect(self, day: dt.date) -> bool:
        """Whether the listing's list entry or grade, and its measures, apply on ``day``.

        Only an in-force listing between its start and end dates has effect; a
        suspended one has none (a record it relies on is disputed, hence inert).
        """
        return (
            self.kind is CaseKind.LISTING
            and self.state is CaseState.IN_FORCE
            and (self.starts_on is None or self.starts_on <= day)
            and (self.ends_on is None or day <= self.ends_on)
        )

    def overdue(self, today: dt.date) -> bool:
        """Whether ``today`` is past the case's deadline (the deadline day itself is in time)."""
        return self.is_open and self.due_on is not None and today > self.due_on


@dataclass(frozen=True)
class Notice:
    """A message to a subject or a department, queued in the outbox."""

    id: int
    idempotency_key: str
    case_id: int | None
    party_kind: str
    party_id: int
    address: str | None
    template: str
    language: str
    title: str
    body: str
    status: str
    attempts: int
    created_at: dt.datetime
    next_attempt_at: dt.datetime
    delivered_at: dt.datetime | None
    delivered_on: dt.date | None
    last_error: str | None


@dataclass(frozen=True)
class Statement:
    """A subject's own words about a record, shown wherever the record is shown."""

    id: int
    record_id: int
    case_id: int | None
    text: str
    language: str
    actor: str
    created_at: dt.datetime
