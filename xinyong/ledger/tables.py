"""The ledger's tables, as SQLAlchemy Core metadata (no ORM).

The migrations in ``migrations/versions`` must produce exactly these tables; a
test compares them on SQLite and PostgreSQL. JSON is stored as canonical text,
not as a JSON/JSONB column: the event hash covers the exact bytes, and both
backends then store the same thing (on PostgreSQL, cast ``payload::jsonb`` to
query it ad hoc).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

#: ``prev_hash`` of the first event.
GENESIS_HASH = "0" * 64

#: 64-bit ids, but SQLite needs exactly INTEGER for a primary key to be the rowid.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A UTC instant: aware datetimes in, aware UTC datetimes out, on every backend.

    SQLite has no time zones, so it stores the UTC wall time; PostgreSQL stores a
    ``timestamptz``. Naive datetimes are refused: an instant without a zone is a bug.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is needed")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("region", sa.String(12)),
    sa.Column("created_at", UTCDateTime, nullable=False),
)


def in_metadata(name: str | None, type_: str, _parents: object) -> bool:
    """Whether schema comparisons consider a table or index (Alembic's ``include_name``).

    The name-search structures (``search_*``: an FTS5 table and its triggers on
    SQLite, trigram and order indexes) are dialect-specific and managed by
    migration 0006 alone.
    """
    return not (type_ in ("table", "index") and (name or "").startswith("search_"))


subjects = sa.Table(
    "subjects",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(32), unique=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("region", sa.String(12)),
    sa.Column("person_key", sa.String(64), unique=True),
    sa.Column("person_id_enc", sa.LargeBinary),
    sa.Column("person_id_masked", sa.String(32)),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

batches = sa.Table(
    "batches",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("source_id", Id, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("sha256", sa.String(64)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
    sa.Column("counts", sa.Text, nullable=False),
)

records = sa.Table(
    "records",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("source_id", Id, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("subject_id", Id, sa.ForeignKey("subjects.id"), nullable=False, index=True),
    sa.Column("record_type", sa.String(64), nullable=False),
    sa.Column("document_no", sa.String(128), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("disputed", sa.Boolean, nullable=False),
    sa.Column("decision_date", sa.Date),
    # NULL while the fields are exactly those the assertion event carries (most records
    # are never amended): each record's fields are then stored once, in its event.
    # Read them through xinyong.ledger.projection.
    sa.Column("fields", sa.Text),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("last_valid_from", sa.Date, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("source_id", "record_type", "document_no", "subject_id"),
)

events = sa.Table(
    "events",
    metadata,
    sa.Column("seq", Id, primary_key=True, autoincrement=False),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("entity", sa.String(16), nullable=False),
    sa.Column("entity_id", sa.BigInteger, nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("recorded_at", UTCDateTime, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("source_id", Id, sa.ForeignKey("sources.id")),
    sa.Column("batch_id", Id, sa.ForeignKey("batches.id")),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index(None, "entity", "entity_id"),
)

chain_head = sa.Table(
    "chain_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("last_seq", sa.BigInteger, nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
    sa.Column("recorded_at", UTCDateTime),
    sa.CheckConstraint("id = 1", name="single_row"),
)

counters = sa.Table(
    "counters",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("next_value", sa.BigInteger, nullable=False),
)

# Ingest bookkeeping (revision 0002). Operational state of deliveries, kept apart
# from the chained history: a batch's checkpoint, rows held for a person to review,
# and the decision/arrival dates that timeliness figures are computed from.

ingest_progress = sa.Table(
    "ingest_progress",
    metadata,
    sa.Column("batch_id", Id, sa.ForeignKey("batches.id"), primary_key=True, autoincrement=False),
    sa.Column("mapping", sa.String(200), nullable=False),
    sa.Column("rows_done", sa.BigInteger, nullable=False),
    sa.Column("counts", sa.Text, nullable=False),
    sa.Column("rejects_path", sa.Text),
    sa.Column("rejects_bytes", sa.BigInteger, nullable=False),
    sa.Column("delivered_on", sa.Date),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

held_rows = sa.Table(
    "held_rows",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("batch_id", Id, sa.ForeignKey("batches.id"), nullable=False),
    sa.Column("source_id", Id, sa.ForeignKey("sources.id"), nullable=False),
    sa.Column("row_number", sa.BigInteger, nullable=False),
    sa.Column("record_id", Id, sa.ForeignKey("records.id"), index=True),
    sa.Column("record_type", sa.String(64), nullable=False),
    sa.Column("document_no", sa.String(128), nullable=False),
    sa.Column("subject_id", Id, sa.ForeignKey("subjects.id")),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("fields", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("batch_id", "row_number"),
)

ingest_arrivals = sa.Table(
    "ingest_arrivals",
    metadata,
    sa.Column("batch_id", Id, sa.ForeignKey("batches.id"), primary_key=True, autoincrement=False),
    sa.Column("decided_on", sa.Date, primary_key=True),
    sa.Column("arrived_on", sa.Date, primary_key=True),
    sa.Column("rows", sa.BigInteger, nullable=False),
)

# Rules (see xinyong/rules): one row per evaluation run and one per proposal it made.
# Proposals are not events: a run's output is summarised by its digest (stored with the
# run, not chained); what a person decides on a proposal is chained as case events.
evaluation_runs = sa.Table(
    "evaluation_runs",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("policy_id", sa.String(64), nullable=False),
    sa.Column("policy_version", sa.String(32), nullable=False),
    sa.Column("policy_sha256", sa.String(64), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("engine", sa.String(16), nullable=False),
    sa.Column("scope", sa.String(64), nullable=False),
    sa.Column("ledger_seq", sa.BigInteger, nullable=False),
    sa.Column("actor", sa.String(128), nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime, nullable=False),
    sa.Column("counts", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
)

proposals = sa.Table(
    "proposals",
    metadata,
    sa.Column("id", Id, primary_key=True, autoincrement=False),
    sa.Column("run_id", Id, sa.ForeignKey("evaluation_runs.id"), nullable=False, index=True),
    sa.Column("subject_id", Id, sa.ForeignKey("subjects.id"), nullable=False, index=True),
    sa.Column("policy_id", sa.String(64), nullable=False),
    sa.Column("policy_version", sa.String(32), nullable=False),
    sa.Column("rule_id", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("target", sa.String(64), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date),
    sa.Column("fingerprint", sa.String(64), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("explanation", sa.Text, nullable=False),
)

# Later layers declare their tables on the same metadata, in modules of their own.
from xinyong.ledger import tables_access, tables_workflows  # noqa: E402, F401
