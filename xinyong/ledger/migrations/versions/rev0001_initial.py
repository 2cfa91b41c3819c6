"""The ledger: sources, subjects, batches, records, events, chain head, counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in tables.py: a migration must not change when that module does.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("created_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sources"),
        sa.UniqueConstraint("code", name="uq_sources_code"),
    )
    op.create_table(
        "subjects",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("code", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("region", sa.String(12), nullable=True),
        sa.Column("person_key", sa.String(64), nullable=True),
        sa.Column("person_id_enc", sa.LargeBinary(), nullable=True),
        sa.Column("person_id_masked", sa.String(32), nullable=True),
        sa.Column("created_at", Instant, nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_subjects"),
        sa.UniqueConstraint("code", name="uq_subjects_code"),
        sa.UniqueConstraint("person_key", name="uq_subjects_person_key"),
    )
    op.create_table(
        "batches",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("source_id", Id, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", Instant, nullable=False),
        sa.Column("finished_at", Instant, nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_batches_source_id_sources"),
        sa.PrimaryKeyConstraint("id", name="pk_batches"),
    )
    op.create_table(
        "records",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("source_id", Id, nullable=False),
        sa.Column("subject_id", Id, nullable=False),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("document_no", sa.String(128), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=True),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("last_valid_from", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", Instant, nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_records_source_id_sources"),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name="fk_records_subject_id_subjects"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_records"),
        sa.UniqueConstraint(
            "source_id",
            "record_type",
            "document_no",
            "subject_id",
            name="uq_records_source_id_record_type_document_no_subject_id",
        ),
    )
    op.create_index("ix_records_subject_id", "records", ["subject_id"])
    op.create_table(
        "events",
        sa.Column("seq", Id, autoincrement=False, nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("entity", sa.String(16), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("recorded_at", Instant, nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("source_id", Id, nullable=True),
        sa.Column("batch_id", Id, nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name="fk_events_batch_id_batches"),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], name="fk_events_source_id_sources"),
        sa.PrimaryKeyConstraint("seq", name="pk_events"),
    )
    op.create_index("ix_events_entity_entity_id", "events", ["entity", "entity_id"])
    chain_head = op.create_table(
        "chain_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.Column("recorded_at", Instant, nullable=True),
        sa.CheckConstraint("id = 1", name="ck_chain_head_single_row"),
        sa.PrimaryKeyConstraint("id", name="pk_chain_head"),
    )
    op.create_table(
        "counters",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("next_value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_counters"),
    )
    # The genesis head: the first event's prev_hash.
    op.bulk_insert(chain_head, [{"id": 1, "last_seq": 0, "last_hash": "0" * 64}])


def downgrade() -> None:
    for table in ("counters", "chain_head", "events", "records", "batches", "subjects", "sources"):
        op.drop_table(table)
