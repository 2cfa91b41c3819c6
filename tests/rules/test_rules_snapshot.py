"""The on-disk facts snapshot, refreshed from the chain, equals one built from scratch."""

from __future__ import annotations

from typing import Any

import pytest
from rules_helpers import World, days_ago

from xinyong.catalog import load_catalog
from xinyong.ledger import Store
from xinyong.ledger.engine import read_transaction
from xinyong.rules import load_policies, snapshot_cache
from xinyong.rules.facts import build_facts, layout_for
from xinyong.rules.service import take_snapshot


def _fresh(store: Store) -> list[dict[str, object]]:
    catalog = load_catalog()
    layout = layout_for(load_policies(), catalog)
    with read_transaction(store.engine) as conn:
        return build_facts(conn, catalog, layout).to_pylist()


def _cached(store: Store) -> list[dict[str, object]]:
    return take_snapshot(store, load_catalog(), load_policies()).facts.to_pylist()


def test_refreshed_snapshot_equals_a_fresh_one(store: Store) -> None:
    world = World(store)
    a, b = world.org(), world.org()
    first = world.penalty(a, days_ago(30), ["licence_revocation"])
    world.tax(b, 2023, "A")
    assert _cached(store) == _fresh(store)
    assert list((store.settings.home / "facts").glob("facts-*.parquet"))
    second = world.penalty(b, days_ago(10))
    store.mark_disputed(first, reason="objection")
    store.withdraw_record(second, reason="revoked")
    world.defaulter(a, days_ago(5))
    cached = _cached(store)
    assert cached == _fresh(store)
    disputed = next(r for r in cached if r["record_id"] == first)
    assert disputed["disputed"] is True
    assert _cached(store) == cached, "nothing changed: the cache is reused as is"


def test_a_store_recreated_in_the_same_place_is_not_confused_with_the_old_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    real = snapshot_cache.build_facts

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("record_ids"))
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshot_cache, "build_facts", spy)
    world = World(store)
    subject = world.org()
    world.penalty(subject, days_ago(30))
    _cached(store)
    folder = store.settings.home / "facts"
    meta = next(folder.glob("facts-*.json"))
    # Same chain position, other history: as if the store had been recreated.
    meta.write_text(meta.read_text("utf-8").replace('"hash": "', '"hash": "0'), "utf-8")
    world.penalty(subject, days_ago(20))
    calls.clear()
    assert _cached(store) == _fresh(store)
    assert calls == [None], "a full rebuild, not a refresh of someone else's snapshot"
    world.penalty(subject, days_ago(10))
    calls.clear()
    _cached(store)
    assert len(calls) == 1
    assert calls[0] is not None, "an unchanged store is refreshed, not rebuilt"
