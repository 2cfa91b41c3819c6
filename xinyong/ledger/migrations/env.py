"""Alembic environment: migrate the connection xinyong hands over.

``xinyong.ledger.migrate`` passes an open connection that already holds the
write lock, inside its transaction. Called through Alembic's command API
without one (a developer autogenerating a new revision, see docs/ledger.md),
it connects to the store the ``XINYONG_*`` settings name instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from xinyong.ledger.engine import create_store_engine, write_transaction
from xinyong.ledger.tables import in_metadata, metadata
from xinyong.settings import load_settings


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_name=in_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Entry point Alembic calls by executing this file."""
    if context.is_offline_mode():
        raise RuntimeError("xinyong migrations run online only")
    given = context.config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    url = context.config.get_main_option("sqlalchemy.url") or load_settings().resolved_database_url
    engine = create_store_engine(url)
    try:
        with write_transaction(engine) as connection:
            _run(connection)
    finally:
        engine.dispose()


main()
