"""Index-backed name search: a trigram index over organisation names.

SQLite gets an FTS5 table with the ``trigram`` tokenizer (``search_names``,
row id = ``subjects.id``, organisations only) kept in step with ``subjects``
by triggers, an ``fts5vocab`` view of its trigrams (``search_names_vocab``)
for one- and two-character terms, and an index on ``(length(name), name)``
for terms so common that reading matches in result order is cheapest
(partial: organisations only, which is all search ever reads).
PostgreSQL gets a ``pg_trgm`` GIN index on ``subjects.name`` (skipped, with a
warning, where the extension cannot be created) and the same order index.

The indexed text is the registered name with brackets folded to half width
(what ``normalise()`` makes of a typed bracket), followed by two U+001F
characters so that every one- and two-character piece of a name begins some
trigram. Traditional-to-simplified folding needs Python and stays on the
query side, as before. These structures are not in the table metadata; the
migration environment leaves everything named ``search_*`` out of schema
comparisons.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

log = logging.getLogger(__name__)

NATURAL_PERSON = "natural_person"  # frozen copy of xinyong.ledger.model.NATURAL_PERSON
_FOLD = "replace(replace({0}, '（', '('), '）', ')') || char(31, 31)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()
    op.execute(
        "CREATE INDEX search_subjects_order ON subjects (length(name), name) "
        f"WHERE kind != '{NATURAL_PERSON}'"
    )


def _upgrade_sqlite() -> None:
    new = _FOLD.format("new.name")
    op.execute("CREATE VIRTUAL TABLE search_names USING fts5(name, tokenize = 'trigram')")
    op.execute("CREATE VIRTUAL TABLE search_names_vocab USING fts5vocab(search_names, 'row')")
    op.execute(
        "INSERT INTO search_names (rowid, name) "
        f"SELECT id, {_FOLD.format('name')} FROM subjects WHERE kind != '{NATURAL_PERSON}'"
    )
    op.execute(
        "CREATE TRIGGER search_names_insert AFTER INSERT ON subjects "
        f"WHEN new.kind != '{NATURAL_PERSON}' BEGIN "
        f"INSERT INTO search_names (rowid, name) VALUES (new.id, {new}); END"
    )
    op.execute(
        "CREATE TRIGGER search_names_update AFTER UPDATE OF name, kind ON subjects BEGIN "
        "DELETE FROM search_names WHERE rowid = old.id; "
        f"INSERT INTO search_names (rowid, name) SELECT new.id, {new} "
        f"WHERE new.kind != '{NATURAL_PERSON}'; END"
    )
    op.execute(
        "CREATE TRIGGER search_names_delete AFTER DELETE ON subjects BEGIN "
        "DELETE FROM search_names WHERE rowid = old.id; END"
    )


def _upgrade_postgresql() -> None:
    bind = op.get_bind()
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            bind.exec_driver_sql(
                "CREATE INDEX search_subjects_trgm ON subjects USING gin (name gin_trgm_ops) "
                f"WHERE kind != '{NATURAL_PERSON}'"
            )
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm unavailable, name search scans subjects: %s", exc.orig)


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS search_subjects_order")
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS search_names_{trigger}")
        op.execute("DROP TABLE IF EXISTS search_names_vocab")
        op.execute("DROP TABLE IF EXISTS search_names")
    else:
        op.execute("DROP INDEX IF EXISTS search_subjects_trgm")
