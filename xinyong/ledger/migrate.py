"""Schema migrations, run by the program itself (``xinyong init`` and opening a store).

The Alembic scripts ship inside the package, so an installed xinyong upgrades
its store without an ``alembic.ini``. Upgrades run under the write lock (SQLite:
``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock), so a server and a CLI
opening an old store at the same moment migrate it once.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from xinyong.ledger.engine import is_sqlite, write_transaction
from xinyong.ledger.errors import LedgerError, NoStoreError

SCRIPT_LOCATION = "xinyong.ledger:migrations"
#: Arbitrary constant naming the PostgreSQL advisory lock that serialises upgrades.
_ADVISORY_LOCK = 0x78696E79


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for the shipped scripts, optionally bound to a connection."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The revision this version of xinyong expects."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships a revision
        raise LedgerError("no migrations found in the package")
    return head


def current_revision(conn: Connection) -> str | None:
    """The store's revision, ``None`` for an empty database."""
    return MigrationContext.configure(conn).get_current_revision()


def _known(revision: str) -> bool:
    scripts = ScriptDirectory.from_config(alembic_config())
    return any(s.revision == revision for s in scripts.walk_revisions())


def upgrade(engine: Engine) -> None:
    """Bring the store to the head revision, creating it if empty; idempotent.

    On SQLite, foreign-key enforcement is off during the upgrade (Alembic's
    batch mode rebuilds tables, which would otherwise cascade or fail) and the
    keys are checked before commit instead.
    """
    with engine.connect() as probe:
        sqlite = is_sqlite(probe)
    if sqlite:
        _sqlite_upgrade(engine)
        return
    with write_transaction(engine) as conn:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK})
        _upgrade_in(conn)


def _sqlite_upgrade(engine: Engine) -> None:
    with engine.connect() as conn:
        raw: Any = conn.connection.dbapi_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            conn.execution_options(xinyong_write=True)
            with conn.begin():
                _upgrade_in(conn)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise LedgerError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _upgrade_in(conn: Connection) -> None:
    current = current_revision(conn)
    if current == head_revision():
        return
    if current is not None and not _known(current):
        raise LedgerError(
            f"the store is at schema revision {current}, which this xinyong does not know: "
            "upgrade xinyong"
        )
    command.upgrade(alembic_config(conn), "head")


def ensure_current(engine: Engine, *, create: bool) -> None:
    """Check the store exists (or create it) and upgrade it to this version's schema."""
    with engine.connect() as conn:
        current = current_revision(conn)
    if current is None and not create:
        raise NoStoreError(
            f"no xinyong store at {engine.url.render_as_string(hide_password=True)}: "
            "run `xinyong init`"
        )
    if current != head_revision():
        upgrade(engine)
