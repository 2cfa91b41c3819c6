"""What a store holds, counted: for the demo, operators and the data-quality pages.

All counts come from one snapshot, so they add up even while an ingest runs.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from xinyong.ledger.engine import read_transaction
from xinyong.ledger.store import Store
from xinyong.ledger.tables import events, records, sources, subjects


@dataclass(frozen=True)
class StoreStats:
    """Counts of subjects, sources, records and events in one snapshot."""

    subjects_by_kind: dict[str, int]
    records_by_type: dict[str, int]
    records_by_status: dict[str, int]
    disputed: int
    sources: int
    events: int

    @property
    def subjects(self) -> int:
        """All subjects, organisations and persons."""
        return sum(self.subjects_by_kind.values())

    @property
    def records(self) -> int:
        """All records, whatever their status."""
        return sum(self.records_by_type.values())


def _grouped(conn: sa.Connection, column: sa.ColumnElement[str]) -> dict[str, int]:
    query = sa.select(column, sa.func.count()).group_by(column).order_by(column)
    return {str(key): int(n) for key, n in conn.execute(query)}


def store_stats(store: Store) -> StoreStats:
    """Count what the store holds, by subject kind, record type and record status."""
    with read_transaction(store.engine) as conn:
        return StoreStats(
            subjects_by_kind=_grouped(conn, subjects.c.kind),
            records_by_type=_grouped(conn, records.c.record_type),
            records_by_status=_grouped(conn, records.c.status),
            disputed=int(
                conn.scalar(sa.select(sa.func.count()).where(records.c.disputed.is_(True))) or 0
            ),
            sources=int(conn.scalar(sa.select(sa.func.count()).select_from(sources)) or 0),
            events=int(conn.scalar(sa.select(sa.func.count()).select_from(events)) or 0),
        )


def busiest_subjects(store: Store, limit: int = 3) -> list[tuple[str, str, int]]:
    """The organisations with the most records, as (code, name, count): good examples to open."""
    count = sa.func.count(records.c.id).label("n")
    query = (
        sa.select(subjects.c.code, subjects.c.name, count)
        .join(records, records.c.subject_id == subjects.c.id)
        .where(subjects.c.code.is_not(None))
        .group_by(subjects.c.id, subjects.c.code, subjects.c.name)
        .order_by(count.desc(), subjects.c.code)
        .limit(limit)
    )
    with read_transaction(store.engine) as conn:
        return [(str(code), str(name), int(n)) for code, name, n in conn.execute(query)]
