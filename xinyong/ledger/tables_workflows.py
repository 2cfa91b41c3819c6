"""Tables of the due-process workflows (notice, listing cases, objections, repair, outbox).

Declared on the ledger's one ``metadata`` so that the migrations test covers them.

These rows are the *current state* of each procedure, kept for queries (open
cases, deadlines due, notices to send). Every change of state is also chained
as an event (entity ``case`` or ``notice``) with its actor, time and reason, so
the history of a procedure is as tamper-evident as the records it is about.
Delivery attempts are operational bookkeeping and are not chained; a delivered
notice is (the delivery date starts the response window).
"""

from __future__ import annotations

import sqlalchemy as sa

from xinyong.ledger.tables import Id, UTCDateTime, metadata

#: One row per procedure: a listing case (from a proposal), an objection to a
#: record, or a credit-repair application. ``state`` is the procedure's state
#: machine position; ``due_on``/``due_for`` the next deadline the software keeps;
#: ``data`` canonical JSON with the procedure's facts (statement, answer, proof).
wf_cases = sa.Table(
    "wf_cases",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("state", sa.String(24), nullable=False, index=True),
    sa.Column("subject_id", Id, sa.ForeignKey("subjects.id"), nullable=False, index=True),
    sa.Column("record_id", Id, sa.ForeignKey("records.id"), index=True),
    sa.Column("proposal_id", Id, sa.ForeignKey("proposals.id"), index=True),
    sa.Column("target", sa.String(64)),
    sa.Column("opened_by", sa.String(128), nullable=False),
    sa.Column("opened_at", UTCDateTime, nullable=False),
    sa.Column("opened_on", sa.Date, nullable=False),
    sa.Column("due_on", sa.Date),
    sa.Column("due_for", sa.String(32)),
    sa.Column("starts_on", sa.Date),
    sa.Column("ends_on", sa.Date),
    sa.Column("data", sa.Text, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

#: Where notices to a party go: a subject or a source (furnishing department).
wf_contacts = sa.Table(
    "wf_contacts",
    metadata,
    sa.Column("party_kind", sa.String(16), primary_key=True),
    sa.Column("party_id", Id, primary_key=True, autoincrement=False),
    sa.Column("address", sa.String(320), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

#: The transactional outbox: a notice is written in the same transaction as the
#: step that requires it; ``idempotency_key`` makes queuing and delivery
#: exactly-once in effect.
wf_outbox = sa.Table(
    "wf_outbox",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("idempotency_key", sa.String(128), nullable=False, unique=True),
    sa.Column("case_id", Id, sa.ForeignKey("wf_cases.id"), index=True),
    sa.Column("party_kind", sa.String(16), nullable=False),
    sa.Column("party_id", Id, nullable=False),
    sa.Column("address", sa.String(320)),
    sa.Column("template", sa.String(64), nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("next_attempt_at", UTCDateTime, nullable=False),
    sa.Column("delivered_at", UTCDateTime),
    sa.Column("delivered_on", sa.Date),
    sa.Column("last_error", sa.Text),
)

#: Every delivery attempt of a notice, successful or not.
wf_deliveries = sa.Table(
    "wf_deliveries",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("notice_id", Id, sa.ForeignKey("wf_outbox.id"), nullable=False),
    sa.Column("attempt", sa.Integer, nullable=False),
    sa.Column("transport", sa.String(32), nullable=False),
    sa.Column("attempted_at", UTCDateTime, nullable=False),
    sa.Column("ok", sa.Boolean, nullable=False),
    sa.Column("receipt", sa.Text),
    sa.Column("error", sa.Text),
    sa.UniqueConstraint("notice_id", "attempt"),
)

#: A subject's statement about a record, shown wherever the record is shown.
wf_statements = sa.Table(
    "wf_statements",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("record_id", Id, sa.ForeignKey("records.id"), nullable=False, index=True),
    sa.Column("case_id", Id, sa.ForeignKey("wf_cases.id")),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
)
