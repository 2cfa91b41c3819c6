"""The public subject JSON is cached per worker: every change must show on the next request.

Each test reads the page first (so it is cached), changes what it shows through
the ordinary doors (a new record, an objection, a listing decided, the date
moving on), and reads again: the new state must be there at once, with a new ETag.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from suite_support import ManualClock
from web_helpers import OPERATOR, TestClient, World, client_for, list_in_force, subject_actor

from xinyong.ids import uscc
from xinyong.ledger import Store


@pytest.fixture
def web(store: Store) -> tuple[TestClient, World]:
    return client_for(store)


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


def test_the_json_twin_and_the_api_agree(web: tuple[TestClient, World]) -> None:
    client, world = web
    api = _read(client, world)
    twin = _read(client, world, "/subjects/{}.json")
    assert twin.content == api.content
    assert twin.headers["etag"] == api.headers["etag"]


def test_a_new_record_shows_at_once(web: tuple[TestClient, World]) -> None:
    client, world = web
    before = _read(client, world)
    added = world.access.store.assert_record(
        source_id=world.source.id, subject_id=world.company.id,
        record_type="administrative_penalty", document_no="海市监罚〔2025〕7号",
        fields={"counterpart_name": world.company.name, "decision_number": "海市监罚〔2025〕7号",
                "violation_type": "虚假宣传", "penalty_types": ["fine"]},
        decision_date=world.penalty.decision_date,
    )  # fmt: skip
    after = _read(client, world)
    assert _ids(after) == [*_ids(before), added.id]
    assert after.headers["etag"] != before.headers["etag"]
    stale = client.get(
        f"/api/v1/subjects/{world.company.code}",
        headers={"if-none-match": before.headers["etag"]},
    )
    assert stale.status_code == 200


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
    _, token = world.access.issue_api_key(OPERATOR, "SAMR-110108", ["licensing_review"])
    url = f"/api/v1/subjects/{world.company.code}"
    headers = {"authorization": f"Bearer {token}"}
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
