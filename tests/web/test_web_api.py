"""The JSON API: purposes, keys, paging, rate limits, OpenAPI, operator and auditor calls."""

from __future__ import annotations

from typing import Any

import pytest
from web_helpers import OPERATOR, PASSWORD, TestClient, World, client_for, sign_in

from xinyong.access import Audience
from xinyong.access.accounts import create_staff
from xinyong.ledger import Store
from xinyong.web import schemas


def _key(world: World, *purposes: str) -> dict[str, str]:
    _, token = world.access.issue_api_key(
        OPERATOR, "SAMR-110108", purposes or ("licensing_review",)
    )
    return {"authorization": f"Bearer {token}"}


def _denials(world: World) -> list[tuple[str, str | None]]:
    return [(e.action, e.purpose) for e in world.access.audit.export() if e.outcome == "denied"]


def test_anyone_reads_the_public_subject(web: tuple[TestClient, World]) -> None:
    client, world = web
    body = client.get(f"/api/v1/subjects/{world.company.code}").json()
    schemas.SubjectOut.model_validate(body)
    assert body["audience"] == "public"
    assert [r["id"] for r in body["records"]] == [world.penalty.id]


def test_agencies_read_more_only_with_an_allowed_purpose_and_are_logged(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    headers = _key(world)
    url = f"/api/v1/subjects/{world.company.code}"
    granted = client.get(url, params={"purpose": "licensing_review"}, headers=headers)
    assert granted.status_code == 200
    assert granted.json()["audience"] == "agency"
    fields = {f["name"] for r in granted.json()["records"] for f in r["fields"]}
    assert "legal_representative_id_type" in fields
    via_header = client.get(url, headers={**headers, "x-purpose": "licensing_review"})
    assert via_header.json()["purpose"] == "licensing_review"
    for params in ({}, {"purpose": "joint_sanctions"}, {"purpose": "nonsense"}):
        refused = client.get(url, params=params, headers=headers)
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "forbidden"
    assert _denials(world) == [
        ("read_records", None),
        ("read_records", "joint_sanctions"),
        ("read_records", "nonsense"),
    ]


@pytest.mark.parametrize(
    "authorization", ["Bearer xy_0000000000000000_notarealsecretatallreally", "Basic abc", "Bearer"]
)
def test_bad_credentials_are_refused(web: tuple[TestClient, World], authorization: str) -> None:
    client, world = web
    response = client.get(
        f"/api/v1/subjects/{world.company.code}", headers={"authorization": authorization}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_records_page_and_filter(web: tuple[TestClient, World], store: Store) -> None:
    client, world = web
    store.mark_disputed(world.penalty.id, reason="异议", reference="YY-1")
    headers = _key(world)
    url = f"/api/v1/subjects/{world.company.code}/records"
    params: dict[str, Any] = {"purpose": "licensing_review", "per_page": 1}
    first = client.get(url, params=params, headers=headers).json()
    schemas.RecordPage.model_validate(first)
    assert (first["total"], first["has_more"], len(first["items"])) == (3, True, 1)
    marked = client.get(url, params={**params, "under_verification": True}, headers=headers)
    assert [r["id"] for r in marked.json()["items"]] == [world.penalty.id]
    assert client.get(url, params={"page": 0}).status_code == 422


def test_search_api_validates_and_is_rate_limited(store: Store) -> None:
    client, _ = client_for(store, search_per_minute=3)
    empty = client.get("/api/v1/search", params={"q": ""})
    assert empty.status_code == 422
    assert empty.json()["error"]["field"] == "q"
    for _ in range(3):
        found = client.get("/api/v1/search", params={"q": "拓康"})
        assert found.status_code == 200
        schemas.SearchOut.model_validate(found.json())
    limited = client.get("/api/v1/search", params={"q": "拓康"})
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"


def test_openapi_describes_the_api(web: tuple[TestClient, World]) -> None:
    client, _ = web
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    assert {"/api/v1/subjects/{code}", "/api/v1/search", "/api/v1/sources"} <= set(paths)
    assert not any(p.startswith("/subjects") for p in paths)  # portal pages stay out
    assert "SubjectOut" in doc["components"]["schemas"]


def test_sources_api_carries_quality_slots(web: tuple[TestClient, World]) -> None:
    client, _ = web
    body = client.get("/api/v1/sources").json()
    schemas.SourcesOut.model_validate(body)
    assert body["items"][0]["name"] == "北京市海淀区市场监督管理局"


def test_operators_issue_credentials_with_csrf_and_others_cannot(
    web: tuple[TestClient, World], store: Store
) -> None:
    client, world = web
    create_staff(store.engine, store.clock, "op1", PASSWORD, Audience.OPERATOR)
    assert sign_in(client, "op1").status_code == 303
    body = {"subject_code": world.company.code}
    assert client.post("/api/v1/activations", json=body).status_code == 403  # no CSRF header
    csrf = client.cookies["xy_csrf"]
    issued = client.post("/api/v1/activations", json=body, headers={"x-csrf-token": csrf})
    assert issued.status_code == 201
    schemas.ActivationOut.model_validate(issued.json())
    key = client.post(
        "/api/v1/api-keys",
        json={"agency": "TAX-110108", "purposes": ["procurement_review"]},
        headers={"x-csrf-token": csrf},
    )
    assert key.status_code == 201
    agency = {"authorization": f"Bearer {key.json()['token']}"}
    client.cookies.clear()
    refused = client.post("/api/v1/activations", json=body, headers=agency)
    assert refused.status_code == 403
    assert client.post("/api/v1/api-keys", json={"agency": "X", "purposes": []}).status_code == 401


def test_auditors_export_the_trail_in_pages(web: tuple[TestClient, World], store: Store) -> None:
    client, world = web
    headers = _key(world)
    for _ in range(3):
        client.get(f"/api/v1/subjects/{world.company.code}?purpose=licensing_review",
                   headers=headers)  # fmt: skip
    assert client.get("/api/v1/audit", headers=headers).status_code == 403
    create_staff(store.engine, store.clock, "aud1", PASSWORD, Audience.AUDITOR)
    sign_in(client, "aud1")
    page = client.get("/api/v1/audit", params={"limit": 2}).json()
    schemas.AuditPage.model_validate(page)
    assert [e["seq"] for e in page["items"]] == [1, 2]
    rest = client.get("/api/v1/audit", params={"after_seq": page["next_after_seq"]}).json()
    assert rest["items"][0]["seq"] == 3
