"""The Python API of due process: one object, one method per step.

The CLI and the web layer call these methods and only shape their input and
output. Each write method runs in one ledger transaction (the step, its case
row, its chained event and its notices commit together); re-evaluation of the
subject, where a step calls for it, runs right after the commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from xinyong.ledger import Store
from xinyong.ledger.tables import events
from xinyong.ledger.transaction import Transaction
from xinyong.workflows import listing, objections, outbox, repair
from xinyong.workflows.cases import find_cases, get_case
from xinyong.workflows.context import Context, Reevaluate
from xinyong.workflows.expiry import SweepReport, sweep
from xinyong.workflows.model import Case, CaseKind, CaseState, Notice, Statement
from xinyong.workflows.transports import Transport, transport_from


class DueProcess:
    """Every procedure of one platform (store, catalog, calendar, re-evaluation)."""

    def __init__(self, context: Context) -> None:
        self.context = context

    @classmethod
    def for_store(cls, store: Store, reevaluate: Reevaluate | None = None) -> DueProcess:
        """Procedures on ``store`` with the shipped catalog and the official calendar."""
        return cls(Context.for_store(store, reevaluate))

    @property
    def store(self) -> Store:
        """The ledger the procedures write to."""
        return self.context.store

    # listing -----------------------------------------------------------------
    def open_listing(self, proposal_id: int, *, actor: str, reason: str) -> Case:
        """Adopt a rule's proposal: open the case and queue the prior notice."""
        return listing.open_listing(self.context, proposal_id, actor=actor, reason=reason)

    def respond(
        self, case_id: int, *, actor: str, statement: str, hearing_requested: bool = False
    ) -> Case:
        """The subject's statement, optionally asking for a hearing."""
        return listing.respond(
            self.context,
            case_id,
            actor=actor,
            statement=statement,
            hearing_requested=hearing_requested,
        )

    def decide(
        self,
        case_id: int,
        *,
        actor: str,
        approve: bool,
        reason: str,
        hearing: str | None = None,
        ends_on: dt.date | None = None,
    ) -> Case:
        """A second person's decision on a listing case."""
        return listing.decide(
            self.context,
            case_id,
            actor=actor,
            approve=approve,
            reason=reason,
            hearing=hearing,
            ends_on=ends_on,
        )

    def lift(self, case_id: int, *, actor: str, ground: str, reason: str) -> Case:
        """End an in-force or suspended listing (expiry, repair, court order, correction)."""
        return listing.lift(self.context, case_id, actor=actor, ground=ground, reason=reason)

    # objections --------------------------------------------------------------
    def file_objection(
        self,
        record_id: int,
        *,
        actor: str,
        grounds: str,
        agent: str | None = None,
        statement: str | None = None,
        language: str = "zh",
    ) -> Case:
        """Object to a record: it is disputed and inert at once; listings on it are suspended."""
        return objections.file_objection(
            self.context,
            record_id,
            actor=actor,
            grounds=grounds,
            agent=agent,
            statement=statement,
            language=language,
        )

    def answer_objection(
        self,
        case_id: int,
        *,
        actor: str,
        outcome: str,
        reason: str,
        fields: Mapping[str, Any] | None = None,
    ) -> Case:
        """The department's answer: confirm, correct or withdraw."""
        return objections.answer_objection(
            self.context, case_id, actor=actor, outcome=outcome, reason=reason, fields=fields
        )

    def add_statement(
        self, record_id: int, *, actor: str, text: str, language: str = "zh"
    ) -> Statement:
        """The subject's statement, shown wherever the record is shown."""
        return objections.add_statement(
            self.context, record_id, actor=actor, text=text, language=language
        )

    def statements(self, record_id: int) -> list[Statement]:
        """Statements about a record (for every page, report and export that shows it)."""
        with self.store.engine.connect() as conn:
            return objections.statements_for(conn, record_id)

    # repair ------------------------------------------------------------------
    def apply_for_repair(self, record_id: int, *, actor: str, proof: str, commitment: str) -> Case:
        """Apply for credit repair; refused at once, with reasons, if a condition fails."""
        return repair.apply_for_repair(
            self.context, record_id, actor=actor, proof=proof, commitment=commitment
        )

    def forward_repair(self, case_id: int, *, actor: str, reason: str) -> Case:
        """The platform's feedback: forward to the deciding authority."""
        return repair.forward_repair(self.context, case_id, actor=actor, reason=reason)

    def decide_repair(self, case_id: int, *, actor: str, approve: bool, reason: str) -> Case:
        """The authority's decision (or the platform's refusal at feedback)."""
        return repair.decide_repair(
            self.context, case_id, actor=actor, approve=approve, reason=reason
        )

    # deadlines, notices, reading ---------------------------------------------
    def sweep(self, *, actor: str = "system:sweep") -> SweepReport:
        """Expiry and every deadline due today; idempotent within a day."""
        return sweep(self.context, actor=actor)

    def set_contact(
        self, party_kind: str, party_id: int, address: str, *, actor: str, language: str = "zh"
    ) -> None:
        """Where notices to a subject or a source go."""
        with self.store.transaction(actor=actor) as tx:
            outbox.set_contact(tx, party_kind, party_id, address, language)

    def after_delivery(self, tx: Transaction, notice: Notice) -> None:
        """What a delivered notice sets off: a response window, a lifted objection mark."""
        listing.notice_delivered(self.context, tx, notice)
        objections.outcome_delivered(tx, notice)

    def deliver(self, transport: Transport | None = None) -> outbox.DeliveryReport:
        """Send the notices that are due through ``transport`` (default: the settings')."""
        settings = self.store.settings
        return outbox.deliver(
            self.store,
            transport or transport_from(settings),
            max_attempts=settings.outbox_max_attempts,
            after_delivery=self.after_delivery,
        )

    def retry_notice(self, notice_id: int, *, actor: str, reason: str) -> Notice:
        """Send a failed notice again (e.g. after its address was fixed)."""
        with self.store.transaction(actor=actor) as tx:
            return outbox.retry_failed(tx, notice_id, reason=reason)

    def notices(self, *, case_id: int | None = None, status: str | None = None) -> list[Notice]:
        """Notices in the outbox."""
        with self.store.engine.connect() as conn:
            return outbox.notices(conn, case_id=case_id, status=status)

    def attempts(self, notice_id: int) -> list[dict[str, Any]]:
        """Every delivery attempt of a notice."""
        with self.store.engine.connect() as conn:
            return outbox.attempts_of(conn, notice_id)

    def case(self, case_id: int) -> Case:
        """One case."""
        with self.store.engine.connect() as conn:
            return get_case(conn, case_id)

    def cases(
        self,
        *,
        kind: CaseKind | None = None,
        states: tuple[CaseState, ...] | None = None,
        subject_id: int | None = None,
        record_id: int | None = None,
    ) -> list[Case]:
        """Cases matching the filters, oldest first."""
        with self.store.engine.connect() as conn:
            return find_cases(
                conn, kind=kind, states=states, subject_id=subject_id, record_id=record_id
            )

    def in_effect(self, *, subject_id: int | None = None, on: dt.date | None = None) -> list[Case]:
        """Listings whose list entry or grade, and their measures, apply on ``on`` (default today).

        The one question every consumer of listings asks: in force and inside its
        dates. A suspended listing is left out (a record it relies on is disputed).
        """
        day = on or self.context.today()
        return [
            c
            for c in self.cases(
                kind=CaseKind.LISTING, states=(CaseState.IN_FORCE,), subject_id=subject_id
            )
            if c.in_effect(day)
        ]

    def history(self, case_id: int) -> list[dict[str, Any]]:
        """The chained steps of a case: seq, time, actor, step and payload."""
        stmt = (
            sa.select(
                events.c.seq,
                events.c.type,
                events.c.valid_from,
                events.c.recorded_at,
                events.c.actor,
                events.c.payload,
            )
            .where(events.c.entity == "case", events.c.entity_id == case_id)
            .order_by(events.c.seq)
        )
        with self.store.engine.connect() as conn:
            return [
                {
                    "seq": r.seq,
                    "step": r.type,
                    "on": r.valid_from.isoformat(),
                    "at": r.recorded_at.isoformat(),
                    "actor": r.actor,
                    "payload": json.loads(r.payload),
                }
                for r in conn.execute(stmt)
            ]
