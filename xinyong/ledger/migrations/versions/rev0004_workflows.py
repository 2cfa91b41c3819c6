"""Workflows: cases (listing, objection, repair), contacts, the notice outbox and statements.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in tables.py: a migration must not change when that module does.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = sa.DateTime(timezone=True)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "wf_cases",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("state", sa.String(24), nullable=False),
        sa.Column("subject_id", Id, nullable=False),
        sa.Column("record_id", Id, nullable=True),
        sa.Column("proposal_id", Id, nullable=True),
        sa.Column("target", sa.String(64), nullable=True),
        sa.Column("opened_by", sa.String(128), nullable=False),
        sa.Column("opened_at", Instant, nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_for", sa.String(32), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("data", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        _fk("wf_cases", "subject_id", "subjects"),
        _fk("wf_cases", "record_id", "records"),
        _fk("wf_cases", "proposal_id", "proposals"),
        sa.PrimaryKeyConstraint("id", name="pk_wf_cases"),
    )
    for name in ("state", "subject_id", "record_id", "proposal_id"):
        op.create_index(f"ix_wf_cases_{name}", "wf_cases", [name])
    op.create_table(
        "wf_contacts",
        sa.Column("party_kind", sa.String(16), nullable=False),
        sa.Column("party_id", Id, autoincrement=False, nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("party_kind", "party_id", name="pk_wf_contacts"),
    )
    op.create_table(
        "wf_outbox",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("case_id", Id, nullable=True),
        sa.Column("party_kind", sa.String(16), nullable=False),
        sa.Column("party_id", Id, nullable=False),
        sa.Column("address", sa.String(320), nullable=True),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("next_attempt_at", Instant, nullable=False),
        sa.Column("delivered_at", Instant, nullable=True),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _fk("wf_outbox", "case_id", "wf_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_wf_outbox"),
        sa.UniqueConstraint("idempotency_key", name="uq_wf_outbox_idempotency_key"),
    )
    op.create_index("ix_wf_outbox_case_id", "wf_outbox", ["case_id"])
    op.create_index("ix_wf_outbox_status", "wf_outbox", ["status"])
    op.create_table(
        "wf_deliveries",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("notice_id", Id, nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("transport", sa.String(32), nullable=False),
        sa.Column("attempted_at", Instant, nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("receipt", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        _fk("wf_deliveries", "notice_id", "wf_outbox"),
        sa.PrimaryKeyConstraint("id", name="pk_wf_deliveries"),
        sa.UniqueConstraint("notice_id", "attempt", name="uq_wf_deliveries_notice_id_attempt"),
    )
    op.create_table(
        "wf_statements",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("record_id", Id, nullable=False),
        sa.Column("case_id", Id, nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        _fk("wf_statements", "record_id", "records"),
        _fk("wf_statements", "case_id", "wf_cases"),
        sa.PrimaryKeyConstraint("id", name="pk_wf_statements"),
    )
    op.create_index("ix_wf_statements_record_id", "wf_statements", ["record_id"])


def downgrade() -> None:
    op.drop_index("ix_wf_statements_record_id", table_name="wf_statements")
    op.drop_table("wf_statements")
    op.drop_table("wf_deliveries")
    op.drop_index("ix_wf_outbox_status", table_name="wf_outbox")
    op.drop_index("ix_wf_outbox_case_id", table_name="wf_outbox")
    op.drop_table("wf_outbox")
    op.drop_table("wf_contacts")
    for name in ("proposal_id", "record_id", "subject_id", "state"):
        op.drop_index(f"ix_wf_cases_{name}", table_name="wf_cases")
    op.drop_table("wf_cases")
