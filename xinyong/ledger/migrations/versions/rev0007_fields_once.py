"""A record's fields stored once: ``records.fields`` may be NULL.

NULL means "exactly what the record's assertion event carries"; readers then
take the fields from that event's payload (``xinyong.ledger.projection``).
Records already in the store keep their copy, which stays correct. The
downgrade writes the fields back into every projection row that defers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copy of the canonical JSON of xinyong.ledger.chain.
_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


@contextmanager
def _records_table() -> Iterator[BatchOperations]:
    """Alembic's batch mode (SQLite rebuilds the table); reflecting the tables that
    ``records`` refers to meets migration 0006's expression index, which it skips."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", "Skipped unsupported reflection of expression-based index", sa.exc.SAWarning
        )
        with op.batch_alter_table("records") as batch:
            yield batch


def upgrade() -> None:
    with _records_table() as batch:
        batch.alter_column("fields", existing_type=sa.Text(), nullable=True)


def downgrade() -> None:
    conn = op.get_bind()
    deferring = conn.execute(
        sa.text(
            "SELECT r.id, a.payload FROM records r JOIN events a ON a.entity = 'record' "
            "AND a.entity_id = r.id AND a.type = 'asserted' WHERE r.fields IS NULL"
        )
    )
    update = sa.text("UPDATE records SET fields = :fields WHERE id = :id")
    while part := deferring.fetchmany(10_000):
        conn.execute(
            update,
            [{"id": i, "fields": _ENCODER.encode(json.loads(p)["fields"])} for i, p in part],
        )
    with _records_table() as batch:
        batch.alter_column("fields", existing_type=sa.Text(), nullable=False)
