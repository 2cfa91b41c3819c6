"""The shipped migrations build exactly the tables the code declares, on both backends."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from xinyong.ledger import LedgerError, NoStoreError, open_store
from xinyong.ledger.engine import write_transaction
from xinyong.ledger.migrate import alembic_config, head_revision
from xinyong.ledger.tables import GENESIS_HASH, metadata
from xinyong.settings import Settings


def _differences(engine: sa.Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))


def test_the_migrated_schema_matches_the_table_metadata(empty_database_settings: Settings) -> None:
    with open_store(empty_database_settings, create=True) as store:
        assert _differences(store.engine) == []
        with store.engine.connect() as conn:
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
        assert version == head_revision()
        head = store.chain_head()
        assert (head.seq, head.hash, head.recorded_at) == (0, GENESIS_HASH, None)


def test_the_comparison_does_notice_a_difference(empty_database_settings: Settings) -> None:
    with open_store(empty_database_settings, create=True) as store:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("DROP INDEX ix_records_subject_id")
        assert _differences(store.engine) != []


def test_downgrade_and_upgrade_round_trip(empty_database_settings: Settings) -> None:
    with open_store(empty_database_settings, create=True) as store:
        store.register_source("S", "来源")
        with write_transaction(store.engine) as conn:
            command.downgrade(alembic_config(conn), "base")
        with store.engine.connect() as conn:
            assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        store.init()
        store.init()  # idempotent
        assert _differences(store.engine) == []
        assert store.verify().ok


def test_opening_a_missing_store_does_not_create_one(settings: Settings) -> None:
    with pytest.raises(NoStoreError, match="xinyong init"):
        open_store(settings)
    assert not settings.home.exists()


def test_opening_an_empty_database_asks_for_init(empty_database_settings: Settings) -> None:
    if empty_database_settings.database_url is None:  # SQLite: an empty file
        empty_database_settings.home.mkdir(parents=True)
        (empty_database_settings.home / "xinyong.sqlite3").touch()
    with pytest.raises(NoStoreError, match="xinyong init"):
        open_store(empty_database_settings)


def test_a_store_from_a_newer_xinyong_is_refused(empty_database_settings: Settings) -> None:
    with open_store(empty_database_settings, create=True) as store, store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'f00d'")
    with pytest.raises(LedgerError, match="does not know"):
        open_store(empty_database_settings)


def test_reopening_keeps_the_data(store_settings: Settings) -> None:
    with open_store(store_settings, create=True) as store:
        source = store.register_source("S", "来源")
    with open_store(store_settings) as again:
        assert again.find_source("S") == source
        assert again.verify().ok
