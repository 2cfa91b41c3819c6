"""``Store.last_seq``: the chain head, cheap to ask, never behind a commit from anywhere."""

from __future__ import annotations

import os

import pytest
from ledger_helpers import populate, run_cli, start_worker

from xinyong.ledger import Store, open_store
from xinyong.ledger.head import HeadWatch
from xinyong.settings import Settings


def test_it_is_the_chain_heads_sequence_number(store: Store) -> None:
    assert store.last_seq() == store.chain_head().seq
    populate(store)
    assert store.last_seq() == store.chain_head().seq > 0


def test_a_commit_on_another_connection_shows_at_once(store: Store) -> None:
    populate(store)
    before = store.last_seq()
    with store.transaction() as tx:  # a pooled connection, not the one that watches
        tx.register_source("SAMR-330000", "浙江省市场监督管理局")
    assert store.last_seq() == before + 1 == store.chain_head().seq


def test_commits_by_other_processes_show_at_once(store: Store, store_settings: Settings) -> None:
    fx = populate(store)
    before = store.last_seq()
    done = run_cli(store_settings, "source", "add", "SAMR-320000", "江苏省市场监督管理局")
    assert done.returncode == 0, done.stderr
    assert store.last_seq() == before + 1
    worker = start_worker(store_settings, "append", fx.source.id, fx.other.id, "w", 3)
    out, err = worker.communicate(timeout=120)
    assert (worker.returncode, out.strip()) == (0, "done"), err
    assert store.last_seq() == before + 4 == store.chain_head().seq


def test_another_store_on_the_same_file_sees_the_same_head(
    store: Store, store_settings: Settings
) -> None:
    other = open_store(store_settings, store.clock, actor="other")
    try:
        assert other.last_seq() == store.last_seq()
        populate(store)
        assert other.last_seq() == store.last_seq() == store.chain_head().seq
    finally:
        other.close()


def test_closing_and_asking_again_reopens(store: Store) -> None:
    populate(store)
    watch = HeadWatch(store.engine)
    seen = watch.seq()
    watch.close()
    with store.transaction() as tx:
        tx.register_source("SAMR-330000", "浙江省市场监督管理局")
    assert watch.seq() == seen + 1
    watch.close()


def test_a_forked_child_opens_its_own_connection(store: Store) -> None:
    if store.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads on the pool, which has its own rules for forks")
    populate(store)
    watch = HeadWatch(store.engine)
    parent_seq = watch.seq()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the parent's connection must not be used here
        try:
            ok = watch.seq() == parent_seq and watch._pid == os.getpid()
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    answer = os.read(read, 1)
    os.close(read)
    os.waitpid(pid, 0)
    assert answer == b"1"
    assert watch.seq() == parent_seq
    watch.close()
