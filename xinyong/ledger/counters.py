"""Named, transactional counters: serial numbers no two callers ever share.

The ledger takes its own ids from here (names starting ``ledger.``), and the
``id`` commands take the serial numbers of the codes they issue, so that two
invocations, even in two processes, never issue the same code.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from xinyong.ledger.engine import is_sqlite
from xinyong.ledger.tables import counters


def reserve(conn: Connection, name: str, count: int) -> range:
    """Take the next ``count`` values of counter ``name`` (starting at 1) in ``conn``'s transaction.

    One upsert both creates a missing counter and advances an existing one, and
    it locks the counter's row until the transaction ends, so concurrent
    reservations queue instead of overlapping; a rolled-back reservation
    releases nothing it handed out to anyone else.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if not name:
        raise ValueError("a counter needs a name")
    dialect_insert = sqlite.insert if is_sqlite(conn) else postgresql.insert
    stmt = (
        dialect_insert(counters)
        .values(name=name, next_value=1 + count)
        .on_conflict_do_update(
            index_elements=[counters.c.name],
            set_={"next_value": counters.c.next_value + count},
        )
        .returning(counters.c.next_value)
    )
    end = int(conn.execute(stmt).scalar_one())
    return range(end - count, end)
