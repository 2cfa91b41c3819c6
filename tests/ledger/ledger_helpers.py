"""Builders shared by the ledger tests: valid identifiers and a small populated store."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from xinyong.ids import ric, uscc
from xinyong.ledger import Record, Source, Store, Subject
from xinyong.settings import Settings

DECIDED = dt.date(2025, 1, 6)


def usccs(count: int, region: str = "110105") -> list[str]:
    """``count`` distinct valid USCCs."""
    return uscc.issue("9", "1", region, range(count))


def ric_number(serial: int, born: str = "19800101", region: str = "110105") -> str:
    """A valid 18-digit identity number; distinct serials (0-999) give distinct numbers."""
    body = f"{region}{born}{serial:03d}"
    return body + ric.check_value(body)


@dataclass(frozen=True)
class Fixture:
    """A store with one source, two organisations and one penalty record."""

    source: Source
    company: Subject
    other: Subject
    record: Record


def populate(store: Store) -> Fixture:
    """Register a source, two companies and assert one penalty record."""
    first, second = usccs(2)
    source = store.register_source("SAMR-110000", "北京市市场监督管理局", region="110000")
    company = store.register_subject(first, "legal_person", "北京某某科技有限公司")
    other = store.register_subject(second, "legal_person", "北京另一家有限公司")
    record = store.assert_record(
        source_id=source.id,
        subject_id=company.id,
        record_type="administrative_penalty",
        document_no="京市监罚〔2025〕1号",
        fields={"amount": "5000.00", "penalty_type": "罚款"},
        decision_date=DECIDED,
        original={"amount": "伍仟元整"},
    )
    return Fixture(source, company, other, record)


def table_counts(store: Store) -> dict[str, int]:
    """Row count of every ledger table."""
    from xinyong.ledger.tables import metadata

    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in metadata.sorted_tables
        }


def execute(store: Store, sql: str, **params: object) -> None:
    """Run SQL directly against the store's database, behind the ledger's back."""
    with store.engine.begin() as conn:
        conn.execute(sa.text(sql), params)


WORKER = Path(__file__).with_name("ledger_worker.py")


def settings_env(settings: Settings) -> dict[str, str]:
    """The process environment that makes a child process open the same store."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env["XINYONG_HOME"] = str(settings.home)
    env["XINYONG_SECRET_KEY"] = settings.secret_key or ""
    env["XINYONG_DATABASE_URL"] = settings.database_url or ""
    if settings.today is not None:
        env["XINYONG_TODAY"] = settings.today.isoformat()
    return env


def start_worker(settings: Settings, *args: object) -> subprocess.Popen[str]:
    """Run ``ledger_worker.py`` in another process on the same store."""
    return subprocess.Popen(
        [sys.executable, str(WORKER), *map(str, args)],
        env=settings_env(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the real ``xinyong`` command in another process on the same store."""
    return subprocess.run(
        [sys.executable, "-c", "from xinyong.cli.main import run; run()", *args],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
