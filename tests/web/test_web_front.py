"""The short way in for anonymous subject JSON answers exactly as the route would.

Every request below goes to two portals over the same store, one with the
front (:mod:`xinyong.web.front`) and one without: status, headers and body must
be the same bytes. The front itself must answer only the requests it may
(anonymous, no purpose, no query, no cookie, a known organisation) and hand
every other one to the application.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.responses import PlainTextResponse
from web_helpers import TestClient, World, populate

from xinyong.ids import uscc
from xinyong.ledger import Store
from xinyong.web import create_app
from xinyong.web.front import SUBJECT_PATH, PublicSubjectFront, public_subject_code
from xinyong.web.pages import PublicSubjectPages
from xinyong.web.security import Receive, Scope, Send

UNKNOWN = uscc.issue("9", "1", "110108", range(7, 8))[0]


@pytest.fixture
def portals(store: Store) -> Iterator[tuple[TestClient, TestClient, World]]:
    world = populate(store)
    catalog = world.access.catalog
    with (
        TestClient(create_app(store.settings, store=store, catalog=catalog)) as fast,
        TestClient(create_app(store.settings, store=store, catalog=catalog, front=False)) as slow,
    ):
        yield fast, slow, world


def _requests(world: World, etag: str) -> list[tuple[str, str, dict[str, str]]]:
    code = world.company.code
    assert code is not None
    page = f"/api/v1/subjects/{code}"
    return [
        ("GET", page, {}),
        ("GET", page + ".json", {}),
        ("GET", page, {"if-none-match": etag}),
        ("GET", page, {"if-none-match": 'W/"0123"'}),
        ("GET", page, {"accept": "text/html"}),
        ("GET", page, {"Accept-Language": "en"}),
        ("GET", f"/api/v1/subjects/{world.other.code}", {}),
        ("GET", f"/api/v1/subjects/{UNKNOWN}", {}),
        ("GET", "/api/v1/subjects/not-a-code", {}),
        ("GET", "/api/v1/subjects/not-a-code.json", {}),
        ("GET", f"/api/v1/subjects/{code.lower()}", {}),
        ("GET", page + "?purpose=licensing_review", {}),
        ("GET", page, {"x-purpose": "licensing_review"}),
        ("GET", page, {"authorization": "Bearer forged"}),
        ("GET", page, {"cookie": "xy_session=forged"}),
        ("GET", page, {"cookie": "xy_lang=en"}),
        ("GET", page + "/", {}),
        ("GET", page + "/records", {}),
        ("HEAD", page, {}),
        ("POST", page, {}),
    ]


def _answer(client: TestClient, method: str, url: str, headers: dict[str, str]) -> Any:
    client.cookies.clear()
    response = client.request(method, url, headers=headers, follow_redirects=False)
    return response.status_code, response.headers.multi_items(), response.content


def test_every_request_gets_the_routes_answer_byte_for_byte(
    portals: tuple[TestClient, TestClient, World],
) -> None:
    fast, slow, world = portals
    etag = fast.get(f"/api/v1/subjects/{world.company.code}").headers["etag"]
    statuses = set()
    for method, url, headers in _requests(world, etag):
        for _ in range(2):  # the first read builds the page, the second is served kept
            got, expected = _answer(fast, method, url, headers), _answer(slow, method, url, headers)
            assert got == expected, (method, url, headers)
            statuses.add(got[0])
    assert {200, 304, 401, 404, 405, 422} <= statuses


def test_the_front_answers_only_anonymous_public_reads(store: Store) -> None:
    world = populate(store)
    reached: list[str] = []

    async def application(scope: Scope, receive: Receive, send: Send) -> None:
        reached.append(scope["path"])
        await PlainTextResponse("routed")(scope, receive, send)

    front = PublicSubjectFront(application, pages=PublicSubjectPages(world.access))
    client = TestClient(front)
    code = world.company.code
    assert code is not None
    known = {f"{SUBJECT_PATH}{c}" for c in (code, code.lower(), world.other.code)}
    etag = ""
    for method, url, headers in _requests(world, etag):
        routed_before = len(reached)
        response = client.request(method, url, headers=headers, follow_redirects=False)
        answered_here = len(reached) == routed_before
        may_answer = (
            method == "GET" and "?" not in url and not {"x-purpose", "authorization", "cookie"}
            & set(headers)
            and url.removesuffix(".json") in known
        )  # fmt: skip
        assert answered_here == may_answer, (method, url, headers)
        if answered_here:
            assert response.status_code == 200
            assert response.headers["content-type"] == "application/json"
    assert len(reached) == len(_requests(world, etag)) - 8


@pytest.mark.parametrize(
    ("scope", "code"),
    [
        ({"path": "/api/v1/subjects/X1"}, "X1"),
        ({"path": "/api/v1/subjects/X1.json"}, "X1"),
        ({"path": "/portal/api/v1/subjects/X1", "root_path": "/portal"}, "X1"),
        ({"path": "/api/v1/subjects/"}, None),
        ({"path": "/api/v1/subjects/.json"}, None),
        ({"path": "/api/v1/subjectsX1"}, None),
        ({"path": "/subjects/X1"}, None),
        ({"path": "/api/v1/subjects/X1", "method": "HEAD"}, None),
        ({"path": "/api/v1/subjects/X1", "query_string": b"a=1"}, None),
        ({"path": "/api/v1/subjects/X1", "headers": [(b"Authorization", b"Bearer k")]}, None),
        ({"path": "/api/v1/subjects/X1", "headers": [(b"X-Purpose", b"p")]}, None),
        ({"path": "/api/v1/subjects/X1", "headers": [(b"host", b"h")]}, "X1"),
        ({"path": "/api/v1/subjects/X1", "type": "websocket"}, None),
    ],
)
def test_which_requests_the_front_recognises(scope: dict[str, Any], code: str | None) -> None:
    full = {"type": "http", "method": "GET", "query_string": b"", "headers": [], **scope}
    assert public_subject_code(full) == code
