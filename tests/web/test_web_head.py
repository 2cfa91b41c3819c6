"""``HEAD`` gets the ``GET`` answer's status and headers with no body, and is no way round."""

from __future__ import annotations

from typing import Any

from web_helpers import TestClient, World, agency_headers


def _paths(world: World) -> list[str]:
    code = world.company.code
    return [
        "/",
        "/index.json",
        f"/subjects/{code}",
        f"/subjects/{code}.json",
        f"/api/v1/subjects/{code}",
        f"/api/v1/subjects/{code}/records",
        "/api/v1/search?q=%E7%A7%91%E6%8A%80",
        "/publicity/penalties",
        "/static/style.css",
        "/openapi.json",
        "/api/v1/subjects/not-a-code",
        f"/api/v1/subjects/{code}?purpose=licensing_review",
        "/no-such-page",
    ]


def _head_of(response: Any) -> tuple[int, list[tuple[str, str]]]:
    # A new CSRF token (portal forms) is drawn per response: compare the cookie's name only.
    headers = [
        (k, v.split("=", 1)[0] if k == "set-cookie" else v)
        for k, v in response.headers.multi_items()
    ]
    return response.status_code, headers


def test_head_answers_as_get_without_the_body(web: tuple[TestClient, World]) -> None:
    client, world = web
    statuses = set()
    for path in _paths(world):
        for _ in range(2):  # a public subject page is built, then served kept
            got = client.head(path)
            expected = client.get(path)
            assert _head_of(got) == _head_of(expected), path
            assert got.content == b"", path
            assert expected.content, path
            statuses.add(got.status_code)
    assert {200, 401, 404, 422} <= statuses


def test_a_head_of_non_public_data_is_authorised_and_logged(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    agency = agency_headers(world)
    code = world.company.code
    without_purpose = client.head(f"/api/v1/subjects/{code}", headers=agency)
    with_purpose = client.head(f"/api/v1/subjects/{code}?purpose=licensing_review", headers=agency)
    assert (without_purpose.status_code, with_purpose.status_code) == (403, 200)
    entries = [
        (e.outcome, e.action)
        for e in world.access.audit.export(limit=10_000)
        if e.actor.startswith("agency:SAMR-110108/")
    ]
    assert ("granted", "read_records") in entries
    assert any(outcome == "denied" for outcome, _ in entries)
