"""The shared page store: one worker's page serves the others, and is never stale.

Two applications over one store and one page file stand for two server
processes. A page one of them built must be served by the other without a
build; a change made meanwhile must show in both on the next request; a date
that changes a page (a publicity window or a listing ending) must end the
stored page that day and not a day earlier or later; and anything the pages
depend on beside the ledger (the catalog, the release, the ledger itself) must
make every stored page stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from suite_support import ManualClock
from typer.testing import CliRunner
from web_helpers import TestClient, World, list_in_force, populate

from xinyong.cli.main import app as cli
from xinyong.ledger import Store
from xinyong.web import create_app, page_store
from xinyong.web import pages as pages_module
from xinyong.web.page_build import build_pages
from xinyong.web.page_store import Built, PageStore
from xinyong.web.pages import MAX_DELTA, fresh


class Worker:
    """One server process: a client, and the codes it had to build pages for."""

    def __init__(self, store: Store, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        app = create_app(store.settings, store=store, catalog=world.access.catalog)
        self.client = TestClient(app, base_url="http://testserver")
        self.built: list[str] = []
        self.pages = app.state.web.public_pages
        access = self.pages.access
        read = access.versioned_snapshot

        def spy(code: str) -> Any:
            self.built.append(code)
            return read(code)

        monkeypatch.setattr(access, "versioned_snapshot", spy)

    def page(self, code: str | None) -> Any:
        response = self.client.get(f"/api/v1/subjects/{code}")
        assert response.status_code == 200
        return response


@pytest.fixture
def world(store: Store) -> World:
    return populate(store)


@pytest.fixture
def workers(store: Store, world: World, monkeypatch: pytest.MonkeyPatch) -> tuple[Worker, Worker]:
    return Worker(store, world, monkeypatch), Worker(store, world, monkeypatch)


def _open(store: Store, world: World) -> PageStore:
    path = store.settings.page_store_path
    assert path is not None
    return PageStore(path, world.access)


def test_a_page_one_worker_built_is_served_by_the_other(
    workers: tuple[Worker, Worker], world: World
) -> None:
    a, b = workers
    first = a.page(world.company.code)
    second = b.page(world.company.code)
    assert (a.built, b.built) == ([world.company.code], [])
    assert second.content == first.content
    assert second.headers["etag"] == first.headers["etag"]


def test_a_change_shows_in_every_worker_and_only_its_page_is_built_again(
    workers: tuple[Worker, Worker], world: World
) -> None:
    a, b = workers
    for worker in (a, b):  # each keeps both pages in memory too
        worker.page(world.company.code)
        worker.page(world.other.code)
    other = a.page(world.other.code).content
    world.access.store.amend_subject(world.company.id, name="北京拓康集团有限公司", reason="更名")
    a.built.clear()
    b.built.clear()
    assert b.page(world.company.code).json()["name"] == "北京拓康集团有限公司"
    assert a.page(world.company.code).json()["name"] == "北京拓康集团有限公司"
    assert (a.built, b.built) == ([], [world.company.code])  # a was served b's page
    assert a.page(world.other.code).content == other
    assert b.page(world.other.code).content == other


def test_a_change_to_a_source_makes_every_stored_page_stale(
    workers: tuple[Worker, Worker], world: World
) -> None:
    a, b = workers
    a.page(world.company.code)
    a.page(world.other.code)
    world.access.store.register_source("SAMR-110105", "北京市朝阳区市场监督管理局")
    b.page(world.company.code)
    b.page(world.other.code)
    assert b.built == [world.company.code, world.other.code]


def _count_catch_ups(worker: Worker, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ledger versions ``worker`` asks the page store to catch up to."""
    calls: list[int] = []
    pages = worker.pages.store
    catch_up = pages.catch_up

    def spy(target: int, max_delta: int) -> int:
        calls.append(target)
        return catch_up(target, max_delta)

    monkeypatch.setattr(pages, "catch_up", spy)
    return calls


def _stored_by_a_followed_by_b(a: Worker, b: Worker, world: World) -> bytes:
    """Both pages stored by ``a``; ``b`` follows the ledger from there. ``other``'s page."""
    a.page(world.company.code)
    other: bytes = a.page(world.other.code).content
    b.page(world.company.code)
    return other


def _store_seq(store: Store, world: World) -> int:
    pages = _open(store, world)
    try:
        return pages.seq()
    finally:
        pages.close()


def test_a_store_behind_the_ledger_serves_the_pages_no_later_change_touched(
    workers: tuple[Worker, Worker], world: World, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = workers
    other = _stored_by_a_followed_by_b(a, b, world)
    behind = _store_seq(store, world)
    store.amend_subject(world.company.id, name="北京拓康集团有限公司", reason="更名")
    catch_ups = _count_catch_ups(b, monkeypatch)
    assert b.page(world.other.code).content == other
    assert (b.built, catch_ups) == ([], [])  # served at once, the store left behind
    assert _store_seq(store, world) == behind
    assert b.page(world.company.code).json()["name"] == "北京拓康集团有限公司"
    assert b.built == [world.company.code]  # its stored page was stale: caught up, built
    assert catch_ups == [world.access.ledger_version()]


def test_a_store_further_behind_than_a_worker_remembers_is_caught_up_first(
    workers: tuple[Worker, Worker], world: World, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = workers
    other = _stored_by_a_followed_by_b(a, b, world)
    monkeypatch.setattr(pages_module, "HISTORY", 1)
    for name in ("北京拓康集团有限公司", "北京拓康控股有限公司"):
        store.amend_subject(world.company.id, name=name, reason="更名")
        assert b.pages.cached(world.company.code) is None  # b's memory follows each change
    catch_ups = _count_catch_ups(b, monkeypatch)
    assert b.page(world.other.code).content == other
    assert catch_ups == [world.access.ledger_version()]  # b forgot the first change
    assert b.built == []


def test_a_long_stretch_is_read_a_piece_at_a_time(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = _open(store, world)
    assert world.company.code is not None
    assert world.other.code is not None
    for code in (world.company.code, world.other.code):
        built = fresh(world.access, code)
        assert built is not None
        assert pages.put(built)
    stretches: list[tuple[int, int]] = []
    read = world.access.changed_subjects

    def spy(since: int, until: int) -> frozenset[str] | None:
        stretches.append((since, until))
        return read(since, until)

    monkeypatch.setattr(world.access, "changed_subjects", spy)
    start = pages.seq()
    for _ in range(5):
        store.amend_subject(world.company.id, name="北京拓康集团有限公司", reason="更名")
    assert pages.catch_up(world.access.ledger_version(), 2) == start + 5
    assert stretches == [(start, start + 2), (start + 2, start + 4), (start + 4, start + 5)]
    today = world.access.clock.today()
    assert pages.lookup(world.company.code, today).page is None
    assert pages.lookup(world.other.code, today).page is not None
    pages.close()


def test_a_page_read_before_the_store_moved_on_is_served_but_not_stored(
    store: Store, world: World
) -> None:
    pages = _open(store, world)
    assert world.company.code is not None
    old = fresh(world.access, world.company.code)
    assert old is not None
    store.amend_subject(world.other.id, name="北京宁汇服饰有限公司", reason="更名")
    pages.catch_up(world.access.ledger_version(), MAX_DELTA)
    assert not pages.put(old)  # it may have missed a change the store has applied
    assert pages.lookup(world.company.code, old.day).page is None
    new = fresh(world.access, world.company.code)
    assert new is not None
    assert pages.put(new)
    stored = pages.lookup(world.company.code, new.day).page
    assert stored is not None
    assert stored.body == new.body
    pages.close()


def _store_company_page(store: Store, world: World) -> Built:
    """Store the company's page in a page file opened and closed for it."""
    pages = _open(store, world)
    assert world.company.code is not None
    built = fresh(world.access, world.company.code)
    assert built is not None
    assert pages.put(built)
    pages.close()
    return built


def _walk(world: World, clock: ManualClock, pages: PageStore, code: str) -> list[dt.date]:
    """Follow a page from one end of its good days to the next; the days it changed."""
    changed = []
    built = fresh(world.access, code)
    assert built is not None
    while built.until is not None:
        pages.put(built)
        clock.travel(built.until - dt.timedelta(days=1))  # the last good day
        stored = pages.lookup(code, clock.today()).page
        assert stored is not None
        assert stored.body == _body(world, code)  # exactly what a build gives that day
        clock.travel(built.until)
        assert pages.lookup(code, clock.today()).page is None
        assert _body(world, code) != stored.body  # and the date did change it
        changed.append(clock.today())
        built = fresh(world.access, code)
        assert built is not None
    return changed


def _body(world: World, code: str) -> bytes:
    built = fresh(world.access, code)
    assert built is not None
    return built.body


def test_a_stored_page_is_good_until_the_first_day_the_date_changes_it(
    store: Store, world: World, clock: ManualClock, tmp_path: Path
) -> None:
    """Through the end of a listing and then of the penalty's publicity window."""
    case_id = list_in_force(world, clock, tmp_path)
    assert world.company.code is not None
    page = json.loads(_body(world, world.company.code))
    listing_ends = dt.date.fromisoformat(page["standing"][0]["ends_on"])
    window_ends = dt.date.fromisoformat(page["records"][0]["publicity"]["ends"])
    assert [s["case_id"] for s in page["standing"]] == [case_id]
    pages = _open(store, world)
    changed = _walk(world, clock, pages, world.company.code)
    ends = sorted({listing_ends, window_ends})
    assert changed == [day + dt.timedelta(days=1) for day in ends]
    pages.close()


def test_a_listing_decided_to_start_later_ends_the_page_on_its_first_day(
    store: Store, world: World, clock: ManualClock, tmp_path: Path
) -> None:
    from xinyong.ledger.tables_workflows import wf_cases

    case_id = list_in_force(world, clock, tmp_path)
    starts = clock.today() + dt.timedelta(days=10)
    with store.engine.begin() as conn:  # a start after the decision, as the data allow
        conn.execute(wf_cases.update().where(wf_cases.c.id == case_id).values(starts_on=starts))
    assert world.company.code is not None
    built = fresh(world.access, world.company.code)
    assert built is not None
    assert built.until == starts
    assert json.loads(built.body)["standing"] == []
    clock.travel(starts)
    assert [s["case_id"] for s in json.loads(_body(world, world.company.code))["standing"]] == [
        case_id
    ]


def test_a_new_catalog_or_release_makes_every_stored_page_stale(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = _store_company_page(store, world)
    again = _open(store, world)
    assert again.lookup(world.company.code, built.day).page is not None  # same everything
    again.close()
    monkeypatch.setattr(page_store, "FORMAT", page_store.FORMAT + 1)
    reopened = _open(store, world)
    assert reopened.lookup(world.company.code, built.day).page is None
    reopened.close()


@pytest.mark.parametrize("tamper", ["hash", "seq"])
def test_another_or_a_restored_ledger_makes_every_stored_page_stale(
    store: Store, world: World, tamper: str
) -> None:
    """The stored chain hash differs, or the store is ahead of the ledger it is opened over."""
    built = _store_company_page(store, world)
    path = store.settings.page_store_path
    assert path is not None
    with sqlite3.connect(path) as db:
        if tamper == "hash":
            db.execute("UPDATE state SET hash = ?", ("f" * 64,))
        else:
            db.execute("UPDATE state SET seq = seq + 5")
            db.execute("UPDATE pages SET seq = seq + 5")
    db.close()
    reopened = _open(store, world)
    assert reopened.lookup(world.company.code, built.day).page is None
    assert reopened.seq() == world.access.ledger_version()
    reopened.close()


def test_an_unreadable_file_is_set_aside_and_started_again(store: Store, world: World) -> None:
    path = store.settings.page_store_path
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not a database, " * 512)
    pages = _open(store, world)
    assert pages.counts(world.access.clock.today())["pages"] == 0
    assert path.with_name(path.name + ".unreadable").exists()
    pages.close()


def test_turned_off_nothing_is_written(store: Store, world: World) -> None:
    settings = dataclasses.replace(store.settings, page_store="off")
    assert settings.page_store_path is None
    app = create_app(settings, store=store, catalog=world.access.catalog)
    client = TestClient(app, base_url="http://testserver")
    assert client.get(f"/api/v1/subjects/{world.company.code}").status_code == 200
    assert not (store.settings.home / "pages.sqlite3").exists()


def test_build_stores_every_organisation_and_then_only_what_changed(
    store: Store, world: World, workers: tuple[Worker, Worker]
) -> None:
    first = build_pages(store.settings, world.access)
    assert (first.organisations, first.built, first.stored, first.current) == (2, 2, 2, 0)
    again = build_pages(store.settings, world.access)
    assert (again.built, again.current) == (0, 2)
    store.amend_subject(world.other.id, name="北京宁汇服饰有限公司", reason="更名")
    after = build_pages(store.settings, world.access)
    assert (after.built, after.stored, after.current) == (1, 1, 1)
    a, _ = workers
    assert a.page(world.other.code).json()["name"] == "北京宁汇服饰有限公司"
    assert a.page(world.company.code).status_code == 200
    assert a.built == []  # both served from the store


def test_the_build_command_in_processes_and_the_status_command(
    store: Store, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = store.settings
    for name, value in {
        "XINYONG_HOME": str(settings.home),
        "XINYONG_DATABASE_URL": settings.resolved_database_url,
        "XINYONG_SECRET_KEY": settings.secret_key or "",
        "XINYONG_TODAY": world.access.clock.today().isoformat(),
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    done = runner.invoke(cli, ["pages", "build", "--jobs", "2"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert (summary["organisations"], summary["built"], summary["jobs"]) == (2, 2, 2)
    shown = runner.invoke(cli, ["pages", "status"])
    assert shown.exit_code == 0, shown.output
    status = json.loads(shown.stdout)
    assert (status["pages"], status["current"], status["organisations"]) == (2, 2, 2)
    assert status["seq"] == status["ledger_seq"] == world.access.ledger_version()
    monkeypatch.setenv("XINYONG_PAGE_STORE", "off")
    refused = runner.invoke(cli, ["pages", "status"])
    assert refused.exit_code == 2
    assert "turned off" in refused.output
