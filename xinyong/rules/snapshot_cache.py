"""A facts snapshot kept on disk and brought up to date from the chain, not rebuilt.

Building facts reads and parses every record, which for millions of records takes
minutes; evaluations are frequent. So the full snapshot is kept as Parquet under
``XINYONG_HOME/facts`` together with the chain position it reflects, and each
evaluation re-reads only the records that an event touched since then (new records,
amendments, withdrawals, disputes, repairs, expiries): the chain says exactly which.
The cache is keyed by the store, the facts layout (the fields the policies use) and
the catalog files (tiers and publicity periods are the catalog's decisions), so any
change to those starts a fresh snapshot. Files are replaced atomically; a lost or
damaged cache only costs a rebuild.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa

from xinyong.catalog import Catalog
from xinyong.catalog.loader import DEFAULT_SCHEMA
from xinyong.ledger.model import Entity
from xinyong.ledger.tables import GENESIS_HASH, events
from xinyong.rules.facts import FactsLayout, build_facts


def _catalog_digest(root: Path = DEFAULT_SCHEMA) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.yaml")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def cache_key(store_url: str, layout: FactsLayout) -> str:
    """Identifies a snapshot: store, facts layout and catalog contents."""
    h = hashlib.sha256()
    h.update(store_url.encode())
    h.update(repr(layout.schema).encode())
    h.update(_catalog_digest().encode())
    return h.hexdigest()[:20]


def _changed_records(conn: sa.Connection, since: int) -> list[int]:
    """Ids of records some event touched after chain position ``since``."""
    e = events.c
    stmt = (
        sa.select(e.entity_id)
        .where(e.seq > since, e.entity == Entity.RECORD.value)
        .distinct()
        .order_by(e.entity_id)
    )
    return list(conn.execute(stmt).scalars())


def cached_facts(
    conn: sa.Connection,
    catalog: Catalog,
    layout: FactsLayout,
    *,
    folder: Path,
    store_url: str,
    ledger_seq: int,
) -> pa.Table:
    """The facts as of ``ledger_seq`` (in ``conn``'s snapshot), from the cache when it can."""
    key = cache_key(store_url, layout)
    data, meta = folder / f"facts-{key}.parquet", folder / f"facts-{key}.json"
    facts: pa.Table | None = None
    seen = 0
    try:
        known = json.loads(meta.read_text("utf-8"))
        seen = known["ledger_seq"]
        # The chain position must be this store's: a store recreated at the same
        # place has other events at that position.
        if isinstance(seen, int) and seen <= ledger_seq and _hash_at(conn, seen) == known["hash"]:
            facts = pq.read_table(data)
    except (OSError, ValueError, KeyError, TypeError, pa.ArrowException):
        facts = None
    if facts is not None and facts.schema.equals(layout.schema):
        changed = _changed_records(conn, seen)
        if changed:
            fresh = build_facts(conn, catalog, layout, record_ids=changed)
            ids = pa.array(changed, type=pa.int64())
            kept = facts.filter(pc.invert(pc.is_in(facts["record_id"], value_set=ids)))
            facts = pa.concat_tables([kept, fresh]).sort_by("record_id")
    else:
        facts = build_facts(conn, catalog, layout)
    _write(folder, data, meta, facts, ledger_seq, _hash_at(conn, ledger_seq))
    return facts


def _hash_at(conn: sa.Connection, seq: int) -> str | None:
    if seq == 0:
        return GENESIS_HASH
    found: str | None = conn.execute(
        sa.select(events.c.hash).where(events.c.seq == seq)
    ).scalar_one_or_none()
    return found


def _write(
    folder: Path, data: Path, meta: Path, facts: pa.Table, seq: int, digest: str | None
) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = data.with_name(f".{data.name}.{os.getpid()}")
    pq.write_table(facts, tmp)
    os.replace(tmp, data)
    tmp_meta = meta.with_name(f".{meta.name}.{os.getpid()}")
    tmp_meta.write_text(json.dumps({"ledger_seq": seq, "hash": digest}), encoding="utf-8")
    os.replace(tmp_meta, meta)
