"""Ingest bookkeeping: batch checkpoints, rows held for review, arrival dates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types in tables.py: a migration must not change when that module does.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Instant = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ingest_progress",
        sa.Column("batch_id", Id, autoincrement=False, nullable=False),
        sa.Column("mapping", sa.String(200), nullable=False),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("rejects_path", sa.Text(), nullable=True),
        sa.Column("rejects_bytes", sa.BigInteger(), nullable=False),
        sa.Column("delivered_on", sa.Date(), nullable=True),
        sa.Column("updated_at", Instant, nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name="fk_ingest_progress_batch_id_batches"
        ),
        sa.PrimaryKeyConstraint("batch_id", name="pk_ingest_progress"),
    )
    op.create_table(
        "held_rows",
        sa.Column("id", Id, autoincrement=False, nullable=False),
        sa.Column("batch_id", Id, nullable=False),
        sa.Column("source_id", Id, nullable=False),
        sa.Column("row_number", sa.BigInteger(), nullable=False),
        sa.Column("record_id", Id, nullable=True),
        sa.Column("record_type", sa.String(64), nullable=False),
        sa.Column("document_no", sa.String(128), nullable=False),
        sa.Column("subject_id", Id, nullable=True),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", Instant, nullable=False),
        sa.ForeignKeyConstraint(["batch_id"], ["batches.id"], name="fk_held_rows_batch_id_batches"),
        sa.ForeignKeyConstraint(
            ["record_id"], ["records.id"], name="fk_held_rows_record_id_records"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], name="fk_held_rows_source_id_sources"
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"], ["subjects.id"], name="fk_held_rows_subject_id_subjects"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_held_rows"),
        sa.UniqueConstraint("batch_id", "row_number", name="uq_held_rows_batch_id_row_number"),
    )
    op.create_index("ix_held_rows_record_id", "held_rows", ["record_id"])
    op.create_table(
        "ingest_arrivals",
        sa.Column("batch_id", Id, autoincrement=False, nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batches.id"], name="fk_ingest_arrivals_batch_id_batches"
        ),
        sa.PrimaryKeyConstraint(
            "batch_id", "decided_on", "arrived_on", name="pk_ingest_arrivals"
        ),
    )


def downgrade() -> None:
    op.drop_index("ix_held_rows_record_id", table_name="held_rows")
    for table in ("ingest_arrivals", "held_rows", "ingest_progress"):
        op.drop_table(table)
