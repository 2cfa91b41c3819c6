"""A light API fuzz run: every operation in /openapi.json with generated parameters and
bodies must answer without a server error (schemathesis-style, on Hypothesis alone)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from web_helpers import OPERATOR, TestClient, World, populate

from xinyong.ledger import Store, open_store
from xinyong.settings import Settings
from xinyong.web import create_app

TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "911101089594066093", "licensing_review", "%", "../", "　"]),
    st.integers(-(2**70), 2**70).map(str),
)
VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


@pytest.fixture(scope="module")
def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[TestClient, World, dict[str, Any]]:
    from suite_support import TEST_SECRET, TODAY, ManualClock

    settings = Settings(home=tmp_path_factory.mktemp("fuzz"), secret_key=TEST_SECRET, today=TODAY,
                        search_per_minute=10**6, sign_in_per_minute=10**6)  # fmt: skip
    store: Store = open_store(settings, ManualClock(), create=True, actor="test")
    world = populate(store)
    client = TestClient(create_app(settings, store=store, catalog=world.access.catalog))
    _, token = world.access.issue_api_key(OPERATOR, "SAMR-110108", ["licensing_review"])
    client.headers["authorization"] = f"Bearer {token}"
    return client, world, client.get("/openapi.json").json()


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, item in doc["paths"].items() for method, op in item.items()
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_operation_answers_with_a_server_error(
    fuzz_target: tuple[TestClient, World, dict[str, Any]], data: st.DataObject
) -> None:
    client, world, doc = fuzz_target
    path, method, op = data.draw(st.sampled_from(_operations(doc)))
    known = st.sampled_from([world.company.code or "", str(world.penalty.id)])
    url, query = path, {}
    for param in op.get("parameters", []):
        if param["in"] == "path":
            value = data.draw(known | TEXT)
            url = url.replace("{" + param["name"] + "}", quote(value, safe=""))
        elif param["in"] == "query" and data.draw(st.booleans()):
            query[param["name"]] = data.draw(known | TEXT)
    body = data.draw(VALUES) if "requestBody" in op else None
    anonymous = data.draw(st.booleans())
    headers = {"authorization": ""} if anonymous else {}
    response = client.request(method.upper(), url, params=query, json=body, headers=headers)
    assert response.status_code < 500, (method, url, query, body, response.text)
    if response.status_code >= 400:
        assert set(response.json()["error"]) >= {"status", "code", "message"}


PAGES = ["/", "/search", "/subjects/{x}", "/sources/{x}", "/lists", "/lists/{x}",
         "/decisions/{x}", "/publicity/{x}", "/me", "/signin", "/activate", "/sources"]  # fmt: skip
FORMS = ["/signin", "/activate", "/signout", "/me/objections", "/me/repairs"]
PARAMS = ["q", "page", "per_page", "region", "before", "lang", "purpose"]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_page_or_form_answers_with_a_server_error(
    fuzz_target: tuple[TestClient, World, dict[str, Any]], data: st.DataObject
) -> None:
    client, world, _ = fuzz_target
    known = st.sampled_from([world.company.code or "", "SAMR-110108", "penalties", "1"])
    if data.draw(st.booleans()):
        path = data.draw(st.sampled_from(PAGES)).replace(
            "{x}", quote(data.draw(known | TEXT), safe="")
        )
        query = {p: data.draw(known | TEXT) for p in PARAMS if data.draw(st.booleans())}
        response = client.get(path, params=query, headers={"authorization": ""})
    else:
        form = {
            name: data.draw(known | TEXT)
            for name in ("username", "password", "activation_code", "record_id", "grounds",
                         "statement", "proof", "commitment", "csrf_token")
            if data.draw(st.booleans())
        }  # fmt: skip
        response = client.post(data.draw(st.sampled_from(FORMS)), data=form,
                               headers={"authorization": ""}, follow_redirects=False)  # fmt: skip
    assert response.status_code < 500, (response.request.url, response.text[:500])
