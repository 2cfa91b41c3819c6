"""Walking the chain: does every stored event still hash to what was recorded?

The walk streams events in ``seq`` order in constant memory and stops at the
first bad event, saying why:

* a missing ``seq`` means an event was deleted;
* a ``prev_hash`` that is not the previous event's hash means events were
  inserted, deleted or reordered before this one;
* a recomputed hash that differs from the stored one means the event was edited;
* ``recorded_at`` running backwards means events were reordered;
* a chain longer or shorter than ``chain_head`` says means events were
  appended or deleted at the tail.

An attacker who can write to the database can still rewrite the whole chain
from some event on, head row included, because the hash is unkeyed (so anyone
can audit it). Publishing the head elsewhere closes that gap:
``verify(expect_head=...)`` checks a previously published head is still in
the chain.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger.chain import GENESIS_HASH, event_hash, event_text
from xinyong.ledger.model import ChainHead, VerifyReport
from xinyong.ledger.tables import chain_head, events

#: Rows fetched per round trip while streaming (server-side cursor on PostgreSQL).
STREAM_ROWS = 10_000


def read_head(conn: Connection) -> ChainHead | None:
    """The chain head row, or ``None`` if it is missing."""
    row = conn.execute(sa.select(chain_head).where(chain_head.c.id == 1)).one_or_none()
    if row is None:
        return None
    return ChainHead(seq=row.last_seq, hash=row.last_hash, recorded_at=row.recorded_at)


def parse_expected_head(text: str) -> tuple[int | None, str]:
    """``HASH`` or ``SEQ:HASH`` (as ``xinyong head`` prints it) into (seq or None, hash)."""
    seq_text, sep, digest = text.strip().rpartition(":")
    digest = digest.lower()
    if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise ValueError(f"not a chain hash: {text!r}")
    if not sep:
        return None, digest
    if not seq_text.isdigit():
        raise ValueError(f"not SEQ:HASH: {text!r}")
    return int(seq_text), digest


def verify_chain(conn: Connection, expect_head: str | None = None) -> VerifyReport:
    """Check every event and the head; ``expect_head`` is a published ``HASH`` or ``SEQ:HASH``."""
    expected = parse_expected_head(expect_head) if expect_head else None
    head = read_head(conn)
    if head is None:
        empty = ChainHead(0, GENESIS_HASH, None)
        return VerifyReport(False, 0, empty, None, "the chain_head row is missing")
    found_expected = expected is None
    seq, prev, prev_time = 0, GENESIS_HASH, None
    stmt = sa.select(events).order_by(events.c.seq).execution_options(yield_per=STREAM_ROWS)
    result = conn.execute(stmt)
    try:
        for row in result:
            seq += 1
            problem = _check(row, seq, prev, prev_time)
            if problem:
                return VerifyReport(False, seq - 1, head, seq, problem)
            if expected is not None and row.hash == expected[1] and expected[0] in (None, seq):
                found_expected = True
            prev, prev_time = row.hash, row.recorded_at
    finally:
        result.close()  # stopping early must still release the server-side cursor
    return _check_tail(seq, prev, head, expected, found_expected)


def _check(row: Any, seq: int, prev: str, prev_time: Any) -> str | None:
    if row.seq != seq:
        return f"event {seq} is missing: the chain jumps from event {seq - 1} to event {row.seq}"
    if row.prev_hash != prev:
        return (
            f"event {seq} does not follow event {seq - 1} (prev_hash differs): an event "
            "was inserted, deleted or reordered here"
        )
    text = event_text(
        row.seq, row.event_id, row.entity, row.entity_id, row.type, row.valid_from,
        row.recorded_at, row.actor, row.source_id, row.batch_id, row.payload,
    )  # fmt: skip
    if event_hash(prev, text) != row.hash:
        return f"event {seq} was edited: its contents do not match its hash"
    if prev_time is not None and row.recorded_at < prev_time:
        return f"event {seq} was recorded before event {seq - 1}: events were reordered"
    return None


def _check_tail(
    count: int,
    last_hash: str,
    head: ChainHead,
    expected: tuple[int | None, str] | None,
    found_expected: bool,
) -> VerifyReport:
    if count > head.seq:
        reason = (
            f"event {head.seq + 1} is beyond the chain head (event {head.seq}): "
            "appended behind the ledger's back"
        )
        return VerifyReport(False, count, head, head.seq + 1, reason)
    if count < head.seq:
        reason = (
            f"event {count + 1} is missing: the chain head says the chain ends at event {head.seq}"
        )
        return VerifyReport(False, count, head, count + 1, reason)
    if last_hash != head.hash:
        reason = f"the chain head does not match event {count}: the head or the tail was rewritten"
        return VerifyReport(False, count, head, count or None, reason)
    if not found_expected and expected is not None:
        where = "" if expected[0] is None else f" at event {expected[0]}"
        reason = (
            f"the published head {expected[1]}{where} is not in the chain: history was rewritten"
        )
        return VerifyReport(False, count, head, expected[0], reason)
    return VerifyReport(True, count, head)
