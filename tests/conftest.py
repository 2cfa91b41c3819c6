"""Fixtures shared by the whole suite: settings, a clock tests can move, and ledger stores.

``store`` runs each test that uses it twice: on the embedded SQLite file and on
a real PostgreSQL server. PostgreSQL needs ``XINYONG_TEST_POSTGRES_URL``, the
URL of a server on which the tests may create and drop databases, e.g.
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``. Without it those
tests fail, saying so, unless ``XINYONG_TEST_POSTGRES=skip`` asks to skip them.
Each test session (each xdist worker) gets its own freshly created database,
emptied before every test and dropped at the end.
"""

from __future__ import annotations

import dataclasses
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from suite_support import TEST_SECRET, TODAY, ManualClock

from xinyong.ledger import Store, open_store
from xinyong.ledger.tables import GENESIS_HASH, chain_head, metadata
from xinyong.settings import Settings

POSTGRES_URL_VAR = "XINYONG_TEST_POSTGRES_URL"
POSTGRES_SWITCH_VAR = "XINYONG_TEST_POSTGRES"
POSTGRES_HOW = (
    f"the PostgreSQL tests need a server: set {POSTGRES_URL_VAR} to one on which the tests "
    "may CREATE and DROP DATABASE, e.g. "
    f"{POSTGRES_URL_VAR}=postgresql+psycopg://postgres@127.0.0.1:5432/postgres "
    "(scripts/test.sh starts a throw-away server itself), "
    f"or set {POSTGRES_SWITCH_VAR}=skip to skip them explicitly"
)
BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


__all__ = ["TEST_SECRET", "TODAY", "ManualClock"]  # for tests written before suite_support


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Never collect a conftest.py as a doctest module.

    Each conftest.py outside a package is imported under the one name
    ``conftest``; ``--doctest-modules`` would import them all again under that
    name and fail with "import file mismatch" as soon as there are two.
    Fixtures load regardless: pytest reads conftest files separately.
    """
    return True if collection_path.name == "conftest.py" else None


@pytest.fixture
def clock() -> ManualClock:
    """The platform clock, pinned to :data:`TODAY` at 09:00 CST."""
    return ManualClock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for a fresh data directory, a fixed secret and a pinned date (SQLite store)."""
    return Settings(home=tmp_path / "xinyong-data", secret_key=TEST_SECRET, today=TODAY)


def _admin_engine(server_url: str) -> sa.Engine:
    return sa.create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)


class PostgresDatabases:
    """Creates uniquely named databases and schemas on the test server; drops them at the end.

    Tests that need a database without any tables get a fresh schema in the
    session's database (named first in ``search_path``) rather than a database
    of their own: creating and dropping databases makes the server checkpoint.
    """

    def __init__(self, server_url: str) -> None:
        self.server = sa.make_url(server_url)
        self.admin = _admin_engine(server_url)
        self.created: list[str] = []
        self._session_url: str | None = None

    def create(self) -> str:
        """A new empty database; returns its URL."""
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"xinyong_test_{worker}_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def session_url(self) -> str:
        """The session's own database (created on first use)."""
        if self._session_url is None:
            self._session_url = self.create()
        return self._session_url

    def create_schema(self) -> str:
        """A new empty schema in the session's database; returns a URL that uses it."""
        url = sa.make_url(self.session_url())
        name = f"empty_{uuid.uuid4().hex[:12]}"
        engine = _admin_engine(url.render_as_string(hide_password=False))
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        finally:
            engine.dispose()
        scoped = url.update_query_dict({"options": f"-csearch_path={name}"})
        return scoped.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        """Drop every database this session created, even with connections left open."""
        with self.admin.connect() as conn:
            for name in self.created:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


@pytest.fixture(scope="session")
def postgres_databases() -> Iterator[PostgresDatabases]:
    """The PostgreSQL test server, or a failure that says how to provide one."""
    server_url = os.environ.get(POSTGRES_URL_VAR, "").strip()
    if not server_url:
        if os.environ.get(POSTGRES_SWITCH_VAR, "").strip().lower() == "skip":
            pytest.skip(f"{POSTGRES_SWITCH_VAR}=skip: PostgreSQL tests skipped on request")
        pytest.fail(POSTGRES_HOW, pytrace=False)
    databases = PostgresDatabases(server_url)
    try:
        yield databases
    finally:
        databases.drop_all()


@pytest.fixture(scope="session")
def postgres_session_url(postgres_databases: PostgresDatabases) -> str:
    """One database for the session's stores, emptied before each test that uses it."""
    return postgres_databases.session_url()


def _empty_tables(url: str) -> None:
    """Remove all rows (keeping the schema and its revision) and reset the chain head."""
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.begin() as conn:
            if sa.inspect(conn).has_table("chain_head"):
                names = ", ".join(t.name for t in metadata.sorted_tables)
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                conn.execute(chain_head.insert().values(id=1, last_seq=0, last_hash=GENESIS_HASH))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The store backend under test: ``sqlite`` or ``postgresql``."""
    name: str = request.param
    return name


@pytest.fixture
def store_settings(backend: str, settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """Settings naming an empty-or-absent store on ``backend`` (fresh per test)."""
    if backend == "sqlite":
        return settings
    url: str = request.getfixturevalue("postgres_session_url")
    _empty_tables(url)
    return dataclasses.replace(settings, database_url=url)


@pytest.fixture
def empty_database_settings(
    backend: str, settings: Settings, request: pytest.FixtureRequest
) -> Settings:
    """Settings naming a database with no tables at all (PostgreSQL: a new, empty schema)."""
    if backend == "sqlite":
        return settings
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return dataclasses.replace(settings, database_url=databases.create_schema())


@pytest.fixture
def store(store_settings: Settings, clock: ManualClock) -> Iterator[Store]:
    """An initialised, empty ledger store on each backend, on the test clock."""
    opened = open_store(store_settings, clock, create=True, actor="test")
    try:
        yield opened
    finally:
        opened.close()
