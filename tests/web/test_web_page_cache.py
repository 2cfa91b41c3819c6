"""The public subject JSON is cached per worker: every change must show on the next request.

Each test reads the page first (so it is cached), changes what it shows through
the ordinary doors (a new record, an objection, a listing decided, the date
moving on), and reads again: the new state must be there at once, with a new ETag.
A change about one subject must leave the kept pages of the others in the cache.
Every test runs with the worker's memory alone and with the shared page store
behind it (``tests/web/test_web_page_store.py`` has that store's own tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from suite_support import ManualClock
from web_helpers import (
    TestClient,
    World,
    agency_headers,
    client_for,
    list_in_force,
    subject_actor,
)

from xinyong.ids import uscc
from xinyong.ledger import Record, Store
from xinyong.web import pages
from xinyong.web.pages import PublicSubjectPages


@pytest.fixture(params=["memory", "shared"])
def mode(request: pytest.FixtureRequest) -> str:
    """Pages kept in the worker's memory alone, or also in the shared page store."""
    kind: str = request.param
    return kind


@pytest.fixture
def web(store: Store, mode: str) -> tuple[TestClient, World]:
    return client_for(store, page_store="off" if mode == "memory" else None)


def _read(client: TestClient, world: World, path: str = "/api/v1/subjects/{}") -> Any:
    response = client.get(path.format(world.company.code))
    assert response.status_code == 200
    return response


def _ids(response: Any) -> list[int]:
    return [r["id"] for r in response.json()["records"]]


def test_repeated_reads_are_identical_and_revalidate(web: tuple[TestClient, World]) -> None:
    client, world = web
    first, second = _read(client, world), _read(client, world)
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["vary"] == "Accept, Cookie, Authorization"
    again = client.get(
        f"/api/v1/subjects/{world.company.code}",
        headers={"if-none-match": first.headers["etag"]},
    )
    assert again.status_code == 304
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["cache-control"] == "no-cache"
    assert len(client.app.state.web.public_pages) == 1  # type: ignore[attr-defined]


def test_page_cache_zero_keeps_nothing_and_serves_the_same_page(store: Store) -> None:
    client, world = client_for(store, page_cache=0)
    first, second = _read(client, world), _read(client, world)
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert len(client.app.state.web.public_pages) == 0  # type: ignore[attr-defined]
    assert world.company.code is not None
    kept = PublicSubjectPages(world.access).get(world.company.code)
    assert kept is not None
    assert kept.body == first.content


def test_the_json_twin_and_the_api_agree(web: tuple[TestClient, World]) -> None:
    client, world = web
    api = _read(client, world)
    twin = _read(client, world, "/subjects/{}.json")
    assert twin.content == api.content
    assert twin.headers["etag"] == api.headers["etag"]


def test_a_new_record_shows_at_once(web: tuple[TestClient, World]) -> None:
    client, world = web
    before = _read(client, world)
    added = _assert_another(world)
    after = _read(client, world)
    assert _ids(after) == [*_ids(before), added.id]
    assert after.headers["etag"] != before.headers["etag"]
    stale = client.get(
        f"/api/v1/subjects/{world.company.code}",
        headers={"if-none-match": before.headers["etag"]},
    )
    assert stale.status_code == 200


@pytest.mark.parametrize("spelling", [str.lower, lambda code: f" {code[:8]} {code[8:]}"])
def test_a_change_shows_at_once_however_the_code_is_spelt(
    web: tuple[TestClient, World], spelling: Callable[[str], str]
) -> None:
    # Lower case, spaces and full-width forms name the same organisation; a page kept
    # under such a spelling must be dropped with the organisation's other pages.
    client, world = web
    assert world.company.code is not None
    path = "/api/v1/subjects/" + spelling(world.company.code).replace(" ", "%20")
    before = _read(client, world, path)
    assert before.content == _read(client, world).content
    added = _assert_another(world)
    assert _ids(_read(client, world, path)) == [*_ids(before), added.id]


def test_an_objection_marks_the_record_under_verification_at_once(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    assert _read(client, world).json()["records"][0]["under_verification"] is False
    me = subject_actor(world, world.company)
    world.access.file_objection(me, world.penalty.id, "金额有误", "我们已缴清罚款")
    record = _read(client, world).json()["records"][0]
    assert record["under_verification"] is True
    assert [s["text"] for s in record["statements"]] == ["我们已缴清罚款"]


def test_a_listing_decided_shows_at_once(
    web: tuple[TestClient, World], clock: ManualClock, tmp_path: Path
) -> None:
    client, world = web
    assert _read(client, world).json()["standing"] == []
    case_id = list_in_force(world, clock, tmp_path)
    assert [s["case_id"] for s in _read(client, world).json()["standing"]] == [case_id]


def test_the_date_ends_a_publicity_window_at_once(
    web: tuple[TestClient, World], clock: ManualClock
) -> None:
    client, world = web
    body = _read(client, world).json()
    assert _ids(_read(client, world)) == [world.penalty.id]
    ends = dt.date.fromisoformat(body["records"][0]["publicity"]["ends"])
    clock.travel(ends)
    assert _ids(_read(client, world)) == [world.penalty.id]  # the last day still shows it
    clock.travel(ends + dt.timedelta(days=1))
    assert _ids(_read(client, world)) == []


def test_agency_reads_are_never_served_from_the_cache(web: tuple[TestClient, World]) -> None:
    client, world = web
    _read(client, world)
    url = f"/api/v1/subjects/{world.company.code}"
    headers = agency_headers(world)
    for _ in range(2):
        got = client.get(url, params={"purpose": "licensing_review"}, headers=headers)
        assert got.json()["audience"] == "agency"
        assert got.headers["cache-control"] == "private, no-store"
    reads = [e for e in world.access.audit.export() if e.action == "read_records"]
    assert [(e.outcome, e.subject_id) for e in reads] == [("granted", world.company.id)] * 2
    refused = client.get(url, headers=headers)  # no purpose: refused, not the public page
    assert refused.status_code == 403


def test_unknown_and_malformed_codes_are_not_cached(web: tuple[TestClient, World]) -> None:
    client, _ = web
    unknown = next(iter(uscc.issue("9", "1", "110108", range(7, 8))))
    assert client.get(f"/api/v1/subjects/{unknown}").status_code == 404
    assert client.get("/api/v1/subjects/nonsense").status_code == 422
    assert len(client.app.state.web.public_pages) == 0  # type: ignore[attr-defined]


# -- invalidation per subject ----------------------------------------------------------
#
# The company's page (A) must show each change on the next request, while the page of
# the other company (B), which the change is not about, is still served from the cache.


@pytest.fixture
def built(web: tuple[TestClient, World], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Codes of the pages read from the store (not served from the cache), in order."""
    access = _pages(web[0]).access
    read = access.versioned_snapshot
    codes: list[str] = []

    def spy(code: str) -> Any:
        codes.append(code)
        return read(code)

    monkeypatch.setattr(access, "versioned_snapshot", spy)
    return codes


def _pages(client: TestClient) -> PublicSubjectPages:
    kept: PublicSubjectPages = client.app.state.web.public_pages  # type: ignore[attr-defined]
    return kept


def _json(client: TestClient, code: str | None) -> Any:
    response = client.get(f"/api/v1/subjects/{code}")
    assert response.status_code == 200
    return response.json()


def _read_both(client: TestClient, world: World) -> Any:
    """Read A, then B; B's page."""
    _json(client, world.company.code)
    return _json(client, world.other.code)


def _assert_another(world: World) -> Record:
    return world.access.store.assert_record(
        source_id=world.source.id, subject_id=world.company.id,
        record_type="administrative_penalty", document_no="海市监罚〔2025〕7号",
        fields={"counterpart_name": world.company.name, "decision_number": "海市监罚〔2025〕7号",
                "violation_type": "虚假宣传", "penalty_types": ["fine"]},
        decision_date=world.penalty.decision_date,
    )  # fmt: skip


def _amend(world: World) -> None:
    world.access.store.amend_record(world.penalty.id, {"violation_type": "无照经营"}, reason="更正")


def _withdraw(world: World) -> None:
    world.access.store.withdraw_record(world.penalty.id, reason="决定撤销")


def _object(world: World) -> None:
    world.access.file_objection(subject_actor(world, world.company), world.penalty.id, "金额有误")


def _state(world: World) -> None:
    world.access.due_process.add_statement(world.penalty.id, actor="subject", text="已整改")


def _rename(world: World) -> None:
    world.access.store.amend_subject(world.company.id, name="北京拓康集团有限公司", reason="更名")


def _values(page: Any) -> list[Any]:
    return [f["value"] for r in page["records"] for f in r["fields"]]


@pytest.mark.parametrize(
    ("change", "shows"),
    [
        pytest.param(_assert_another, lambda page: len(page["records"]) == 2, id="asserted"),
        pytest.param(_amend, lambda page: "无照经营" in _values(page), id="amended"),
        pytest.param(_withdraw, lambda page: page["records"] == [], id="withdrawn"),
        pytest.param(
            _object, lambda page: page["records"][0]["under_verification"], id="objection"
        ),
        pytest.param(
            _state,
            lambda page: [s["text"] for s in page["records"][0]["statements"]] == ["已整改"],
            id="statement",
        ),
        pytest.param(_rename, lambda page: page["name"] == "北京拓康集团有限公司", id="renamed"),
    ],
)
def test_a_change_drops_only_the_page_it_is_about(
    web: tuple[TestClient, World],
    built: list[str],
    change: Callable[[World], None],
    shows: Callable[[Any], bool],
) -> None:
    client, world = web
    other = _read_both(client, world)
    assert not shows(_json(client, world.company.code))
    built.clear()
    change(world)
    assert shows(_json(client, world.company.code))
    assert _json(client, world.other.code) == other
    assert built == [world.company.code]


def test_a_listing_taking_effect_drops_only_its_subjects_page(
    web: tuple[TestClient, World],
    built: list[str],
    clock: ManualClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    client, world = web
    due_process = world.access.due_process
    decide = due_process.decide
    kept = []

    def cache_then_decide(case_id: int, **how: Any) -> Any:
        kept.append(_read_both(client, world))  # on the day of the decision
        built.clear()
        return decide(case_id, **how)

    monkeypatch.setattr(due_process, "decide", cache_then_decide)
    case_id = list_in_force(world, clock, tmp_path)
    assert [s["case_id"] for s in _json(client, world.company.code)["standing"]] == [case_id]
    assert _json(client, world.other.code) == kept[0]
    assert built == [world.company.code]


def test_a_new_subject_is_found_at_once_and_drops_no_page(
    web: tuple[TestClient, World], built: list[str]
) -> None:
    client, world = web
    code = next(iter(uscc.issue("9", "1", "110108", range(5, 6))))
    assert client.get(f"/api/v1/subjects/{code}").status_code == 404
    _read_both(client, world)
    built.clear()
    world.access.store.register_subject(code, "enterprise", "北京新立科技有限公司")
    assert _json(client, code)["name"] == "北京新立科技有限公司"
    _read_both(client, world)
    assert built == [code]


def test_a_source_registered_drops_every_page(
    web: tuple[TestClient, World], built: list[str]
) -> None:
    client, world = web
    _read_both(client, world)
    built.clear()
    world.access.store.register_source("SAMR-110105", "北京市朝阳区市场监督管理局")
    _read_both(client, world)
    assert built == [world.company.code, world.other.code]


def test_batches_and_records_about_persons_drop_no_page(
    web: tuple[TestClient, World], built: list[str]
) -> None:
    client, world = web
    _read_both(client, world)
    built.clear()
    store = world.access.store
    batch = store.open_batch(world.source.id, "penalties.csv")
    store.close_batch(batch.id, counts={"rows": 0})
    store.withdraw_record(world.private.id, reason="证书注销")
    _read_both(client, world)
    assert built == []


def test_a_long_stretch_of_the_ledger_drops_every_page_unread(
    web: tuple[TestClient, World], built: list[str], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    """In memory; the shared store reads a long stretch a piece at a time instead."""
    client, world = web
    access = _pages(client).access
    read = access.changed_subjects
    stretches = []

    def spy(since: int, until: int) -> frozenset[str] | None:
        stretches.append(until - since)
        return read(since, until)

    monkeypatch.setattr(access, "changed_subjects", spy)
    monkeypatch.setattr(pages, "MAX_DELTA", 1)
    _read_both(client, world)
    built.clear()
    _rename(world)  # one event: read (by the shared store too)
    _read_both(client, world)
    shared = mode == "shared"
    assert (built, stretches) == ([world.company.code], [1, 1] if shared else [1])
    built.clear()
    stretches.clear()
    _rename(world)
    _rename(world)  # two events: more than MAX_DELTA, so not read into memory
    _read_both(client, world)
    if shared:  # the store reads them one at a time and still holds the other page
        assert (built, stretches) == ([world.company.code], [1, 1])
    else:
        assert (built, stretches) == ([world.company.code, world.other.code], [])


def test_a_new_day_drops_every_page_in_memory(
    web: tuple[TestClient, World], built: list[str], clock: ManualClock, mode: str
) -> None:
    """The shared store keeps a page until the first day the date changes it."""
    client, world = web
    _read_both(client, world)
    built.clear()
    clock.travel(clock.today() + dt.timedelta(days=1))
    _read_both(client, world)
    assert built == ([] if mode == "shared" else [world.company.code, world.other.code])
    assert len(_pages(client)) == 2


def test_a_page_read_before_a_change_it_missed_is_not_kept(
    web: tuple[TestClient, World], built: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The subject changes, and another request catches up on it, while its page is built."""
    client, world = web
    access = _pages(client).access
    read = access.versioned_snapshot

    def read_then_change(code: str) -> Any:
        monkeypatch.setattr(access, "versioned_snapshot", read)  # this once
        found = read(code)
        _rename(world)
        _pages(client).get(world.other.code)
        return found

    monkeypatch.setattr(access, "versioned_snapshot", read_then_change)
    assert _json(client, world.company.code)["name"] == world.company.name  # as read
    assert _json(client, world.company.code)["name"] == "北京拓康集团有限公司"
    assert built == [world.company.code, world.other.code, world.company.code]
