"""The transactional outbox: notices queued with the step that needs them, delivered later.

Queuing happens inside the step's own transaction, so a step and its notice
commit together or not at all. Each notice has an idempotency key (one per
legal notice, e.g. ``case:12:notice``): queuing the same key twice returns the
first notice. Delivery runs outside any transaction (a slow mail server must
not hold the ledger's write lock), then records the attempt; a delivered
notice is chained as an event, and its delivery date is what starts any window
the notice opens. Failed attempts back off and are retried up to a limit, after
which the notice is marked failed and needs a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger import Store, counters
from xinyong.ledger.tables_workflows import wf_contacts, wf_deliveries, wf_outbox
from xinyong.ledger.transaction import Transaction
from xinyong.workflows.errors import CaseNotFoundError
from xinyong.workflows.events import CaseEvent, WorkflowEntity, append_event, connection
from xinyong.workflows.model import Notice
from xinyong.workflows.templates import LANGUAGES, render
from xinyong.workflows.transports import DeliveryError, Outgoing, Transport

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
PARTY_KINDS = ("subject", "source")

#: Called in the delivery's transaction once a notice is delivered (e.g. start a window).
AfterDelivery = Callable[[Transaction, Notice], None]


def _notice(row: Any) -> Notice:
    m = row._mapping
    return Notice(**{f: m[f] for f in Notice.__dataclass_fields__})


def set_contact(
    tx: Transaction, party_kind: str, party_id: int, address: str, language: str = "zh"
) -> None:
    """Record where notices to a subject or a source go, and in which language."""
    if party_kind not in PARTY_KINDS:
        raise ValueError(f"party kind must be one of {', '.join(PARTY_KINDS)}")
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    if not address.strip():
        raise ValueError("a contact needs an address")
    conn = connection(tx)
    key = (wf_contacts.c.party_kind == party_kind) & (wf_contacts.c.party_id == party_id)
    values = {"address": address.strip(), "language": language, "updated_at": tx.recorded_at}
    if conn.execute(sa.select(wf_contacts.c.party_id).where(key)).first() is None:
        conn.execute(
            wf_contacts.insert().values(party_kind=party_kind, party_id=party_id, **values)
        )
    else:
        conn.execute(wf_contacts.update().where(key).values(**values))


def queue_notice(
    tx: Transaction,
    *,
    key: str,
    party_kind: str,
    party_id: int,
    template: str,
    params: Mapping[str, Any],
    case_id: int | None = None,
) -> Notice:
    """Queue a notice in ``tx``; the same ``key`` queued again returns the first notice."""
    if party_kind not in PARTY_KINDS:
        raise ValueError(f"party kind must be one of {', '.join(PARTY_KINDS)}")
    conn = connection(tx)
    existing = find_notice(conn, key)
    if existing is not None:
        return existing
    contact = conn.execute(
        sa.select(wf_contacts.c.address, wf_contacts.c.language).where(
            wf_contacts.c.party_kind == party_kind, wf_contacts.c.party_id == party_id
        )
    ).first()
    address, language = (contact.address, contact.language) if contact else (None, "zh")
    title, body = render(template, language, {"case_id": case_id, **params})
    notice_id = counters.reserve(conn, "workflows.notices", 1)[0]
    values: dict[str, Any] = {
        "id": notice_id,
        "idempotency_key": key,
        "case_id": case_id,
        "party_kind": party_kind,
        "party_id": party_id,
        "address": address,
        "template": template,
        "language": language,
        "title": title,
        "body": body,
        "status": PENDING,
        "attempts": 0,
        "created_at": tx.recorded_at,
        "next_attempt_at": tx.recorded_at,
        "delivered_at": None,
        "delivered_on": None,
        "last_error": None,
    }
    conn.execute(wf_outbox.insert().values(**values))
    digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()
    append_event(
        tx,
        WorkflowEntity.NOTICE,
        notice_id,
        CaseEvent.QUEUED,
        {
            "key": key,
            "case_id": case_id,
            "party_kind": party_kind,
            "party_id": party_id,
            "template": template,
            "language": language,
            "text_sha256": digest,
        },
    )
    return Notice(**values)


def find_notice(conn: Connection, key: str) -> Notice | None:
    """The notice with this idempotency key, if any."""
    row = conn.execute(sa.select(wf_outbox).where(wf_outbox.c.idempotency_key == key)).first()
    return None if row is None else _notice(row)


def get_notice(conn: Connection, notice_id: int) -> Notice:
    """The notice with this id."""
    row = conn.execute(sa.select(wf_outbox).where(wf_outbox.c.id == notice_id)).first()
    if row is None:
        raise CaseNotFoundError(f"no notice {notice_id}")
    return _notice(row)


def notices(
    conn: Connection, *, case_id: int | None = None, status: str | None = None
) -> list[Notice]:
    """Notices, oldest first, optionally of one case or in one status."""
    stmt = sa.select(wf_outbox).order_by(wf_outbox.c.id)
    if case_id is not None:
        stmt = stmt.where(wf_outbox.c.case_id == case_id)
    if status is not None:
        stmt = stmt.where(wf_outbox.c.status == status)
    return [_notice(row) for row in conn.execute(stmt)]


def attempts_of(conn: Connection, notice_id: int) -> list[dict[str, Any]]:
    """Every recorded delivery attempt of a notice, in order."""
    stmt = (
        sa.select(wf_deliveries)
        .where(wf_deliveries.c.notice_id == notice_id)
        .order_by(wf_deliveries.c.attempt)
    )
    return [dict(row._mapping) for row in conn.execute(stmt)]


def backoff(attempts: int) -> dt.timedelta:
    """Wait before the next attempt: 1, 2, 4 ... minutes, at most a day."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), dt.timedelta(days=1))


@dataclass
class DeliveryReport:
    """What one run of the outbox did."""

    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        """JSON-ready form."""
        return {"delivered": self.delivered, "retrying": self.retrying, "failed": self.failed}


def deliver(
    store: Store,
    transport: Transport,
    *,
    max_attempts: int,
    after_delivery: AfterDelivery | None = None,
    limit: int = 1000,
    actor: str = "system:outbox",
) -> DeliveryReport:
    """Send every notice that is due, recording each attempt; returns what happened."""
    report = DeliveryReport()
    # Transaction time never runs backwards along the chain (a pinned date can put the
    # clock behind the last event), so "due" is judged on the same time line.
    head = store.chain_head().recorded_at
    now = store.clock.now() if head is None else max(store.clock.now(), head)
    with store.engine.connect() as conn:
        due = [
            _notice(row)
            for row in conn.execute(
                sa.select(wf_outbox)
                .where(wf_outbox.c.status == PENDING, wf_outbox.c.next_attempt_at <= now)
                .order_by(wf_outbox.c.id)
                .limit(limit)
            )
        ]
    for notice in due:
        outgoing = Outgoing(
            notice.idempotency_key,
            notice.address,
            notice.party_kind,
            notice.party_id,
            notice.language,
            notice.title,
            notice.body,
            notice.created_at,
        )
        try:
            receipt, error = transport.send(outgoing), None
        except DeliveryError as exc:
            receipt, error = None, str(exc)
        outcome = _record(
            store, notice.id, transport.name, receipt, error, max_attempts, after_delivery, actor
        )
        {DELIVERED: report.delivered, FAILED: report.failed}.get(outcome, report.retrying).append(
            notice.id
        )
    return report


def _record(
    store: Store,
    notice_id: int,
    transport: str,
    receipt: str | None,
    error: str | None,
    max_attempts: int,
    after_delivery: AfterDelivery | None,
    actor: str,
) -> str:
    with store.transaction(actor=actor) as tx:
        conn = connection(tx)
        notice = get_notice(conn, notice_id)
        last = conn.execute(
            sa.select(sa.func.max(wf_deliveries.c.attempt)).where(
                wf_deliveries.c.notice_id == notice_id
            )
        ).scalar_one()
        attempt = (last or 0) + 1
        conn.execute(
            wf_deliveries.insert().values(
                id=counters.reserve(conn, "workflows.deliveries", 1)[0],
                notice_id=notice_id,
                attempt=attempt,
                transport=transport,
                attempted_at=tx.recorded_at,
                ok=error is None,
                receipt=receipt,
                error=error,
            )
        )
        if notice.status != PENDING:  # another sender got there first: nothing more to do
            return notice.status
        attempts = notice.attempts + 1
        key = wf_outbox.c.id == notice_id
        if error is None:
            today = tx.today()
            conn.execute(
                wf_outbox.update()
                .where(key)
                .values(
                    status=DELIVERED,
                    attempts=attempts,
                    delivered_at=tx.recorded_at,
                    delivered_on=today,
                    last_error=None,
                )
            )
            append_event(
                tx,
                WorkflowEntity.NOTICE,
                notice_id,
                CaseEvent.DELIVERED,
                {
                    "key": notice.idempotency_key,
                    "transport": transport,
                    "receipt": receipt,
                    "delivered_on": today.isoformat(),
                    "attempt": attempt,
                },
            )
            if after_delivery is not None:
                after_delivery(tx, get_notice(conn, notice_id))
            return DELIVERED
        status = FAILED if attempts >= max_attempts else PENDING
        conn.execute(
            wf_outbox.update()
            .where(key)
            .values(
                status=status,
                attempts=attempts,
                last_error=error,
                next_attempt_at=tx.recorded_at + backoff(attempts),
            )
        )
        if status == FAILED:
            append_event(
                tx,
                WorkflowEntity.NOTICE,
                notice_id,
                CaseEvent.FAILED,
                {"key": notice.idempotency_key, "error": error, "attempts": attempts},
            )
        return status


def retry_failed(tx: Transaction, notice_id: int, *, reason: str) -> Notice:
    """A person sends a failed notice back to the queue (e.g. after fixing the address)."""
    conn = connection(tx)
    notice = get_notice(conn, notice_id)
    if notice.status != FAILED:
        raise ValueError(f"notice {notice_id} is {notice.status}, not failed")
    contact = conn.execute(
        sa.select(wf_contacts.c.address).where(
            wf_contacts.c.party_kind == notice.party_kind, wf_contacts.c.party_id == notice.party_id
        )
    ).scalar_one_or_none()
    conn.execute(
        wf_outbox.update()
        .where(wf_outbox.c.id == notice_id)
        .values(
            status=PENDING,
            attempts=0,
            next_attempt_at=tx.recorded_at,
            address=contact or notice.address,
        )
    )
    append_event(
        tx,
        WorkflowEntity.NOTICE,
        notice_id,
        CaseEvent.QUEUED,
        {"key": notice.idempotency_key, "reason": reason, "requeued": True},
    )
    return get_notice(conn, notice_id)
