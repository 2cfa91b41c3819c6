"""The audit trail is a hash chain that `verify` walks: edits, deletions and truncation show."""

from __future__ import annotations

import pytest
from access_helpers import AUDITOR, World, agency_actor, populate

from xinyong.access.audit import AuditChainError
from xinyong.ledger import Store
from xinyong.ledger.chain import GENESIS_HASH


@pytest.fixture
def world(store: Store) -> World:
    world = populate(store)
    agency = agency_actor(world)
    for _ in range(3):
        world.access.disclosed_view(agency, world.company, "licensing_review")
    return world


def _sql(store: Store, sql: str) -> None:
    import sqlalchemy as sa

    with store.engine.begin() as conn:
        conn.execute(sa.text(sql))


def test_verify_walks_the_audit_chain(world: World, store: Store) -> None:
    report = store.verify()
    assert report.ok
    assert report.audit_entries == 4  # one key issued, three reads
    entries = world.access.export_audit(AUDITOR)
    assert entries[0].detail == {"agency": "SAMR-110108", "purposes": ["licensing_review"]}
    assert store.verify().audit_entries == 5


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("UPDATE audit_log SET purpose = 'joint_sanctions' WHERE seq = 2", "entry 2 was edited"),
        ("UPDATE audit_log SET detail = '{}' WHERE seq = 3", "entry 3 was edited"),
        ("DELETE FROM audit_log WHERE seq = 2", "entry 2 is missing"),
        ("DELETE FROM audit_log WHERE seq = 4", "head says 4"),
        ("UPDATE audit_head SET last_hash = '" + GENESIS_HASH + "'", "tail was rewritten"),
        ("DELETE FROM audit_head", "audit_head row is missing"),
    ],
)
def test_tampering_with_the_audit_trail_is_detected(
    world: World, store: Store, sql: str, reason: str
) -> None:
    _sql(store, sql)
    report = store.verify()
    assert not report.ok
    assert reason in (report.reason or "")


def test_no_read_without_a_trustworthy_trail(world: World, store: Store) -> None:
    _sql(store, "DELETE FROM audit_head")
    with pytest.raises(AuditChainError):
        world.access.export_audit(AUDITOR)


def test_concurrent_appends_keep_one_unbroken_chain(world: World, store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    agency = agency_actor(world)

    def read(_: int) -> None:
        world.access.disclosed_view(agency, world.company, "licensing_review")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(read, range(40)))
    report = store.verify()
    assert report.ok, report.reason
    assert report.audit_entries == 4 + 1 + 40  # the fixture's, this key, the reads
