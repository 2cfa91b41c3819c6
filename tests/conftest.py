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
import datetime as dt
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from xinyong.clock import CST, Clock
from xinyong.ledger import Store, open_store
from xinyong.ledger.tables import GENESIS_HASH, chain_head, metadata
from xinyong.settings import Settings

#: The date every test runs on unless it moves the clock.
TODAY = dt.date(2025, 3, 14)
#: A fixed master secret, so encrypted values and keyed hashes are reproducible.
TEST_SECRET = "5eed" * 16

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


class ManualClock(Clock):
    """A clock the test moves; every ``now()`` ticks one millisecond forward.

    The tick keeps transaction times strictly increasing, as on a real clock,
    while staying reproducible and independent of the machine's time.
    """

    _instant: dt.datetime

    def __init__(self, today: dt.date = TODAY) -> None:
        super().__init__(pinned=today)
        object.__setattr__(self, "_instant", _morning(today))

    def now(self) -> dt.datetime:
        instant: dt.datetime = self._instant + dt.timedelta(milliseconds=1)
        object.__setattr__(self, "_instant", instant)
        return instant

    def travel(self, today: dt.date, at: dt.time = dt.time(9)) -> None:
        """Move to ``at`` o'clock (China Standard Time) on ``today``."""
        object.__setattr__(self, "pinned", today)
        object.__setattr__(self, "_instant", _morning(today, at))

    def last(self) -> dt.datetime:
        """The instant the last ``now()`` returned."""
        instant: dt.datetime = self._instant
        return instant


def _morning(day: dt.date, at: dt.time = dt.time(9)) -> dt.datetime:
    return dt.datetime.combine(day, at, CST).astimezone(dt.UTC)


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
    """Creates uniquely named databases on the test server and drops them at the end."""

    def __init__(self, server_url: str) -> None:
        self.server = sa.make_url(server_url)
        self.admin = _admin_engine(server_url)
        self.created: list[str] = []

    def create(self) -> str:
        """A new empty database; returns its URL."""
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"xinyong_test_{worker}_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

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
    return postgres_databases.create()


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
    """Settings naming a database with no schema at all (a new PostgreSQL database)."""
    if backend == "sqlite":
        return settings
    databases: PostgresDatabases = request.getfixturevalue("postgres_databases")
    return dataclasses.replace(settings, database_url=databases.create())


@pytest.fixture
def store(store_settings: Settings, clock: ManualClock) -> Iterator[Store]:
    """An initialised, empty ledger store on each backend, on the test clock."""
    opened = open_store(store_settings, clock, create=True, actor="test")
    try:
        yield opened
    finally:
        opened.close()
