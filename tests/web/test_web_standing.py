"""List pages, the subject's standing and the decision explanation page, with JSON twins."""

from __future__ import annotations

from pathlib import Path

import pytest
from suite_support import ManualClock
from web_helpers import TestClient, World, client_for, list_in_force

from xinyong.ledger import Store
from xinyong.web import schemas


@pytest.fixture
def listed(store: Store, clock: ManualClock, tmp_path: Path) -> tuple[TestClient, World, int]:
    client, world = client_for(store)
    return client, world, list_in_force(world, clock, tmp_path / "outbox")


def test_the_subject_page_shows_its_list_entry_and_measures(
    listed: tuple[TestClient, World, int],
) -> None:
    client, world, case_id = listed
    page = client.get(f"/subjects/{world.company.code}").text
    assert "名单与信用评价" in page
    assert "市场监督管理严重违法失信名单" in page
    assert "黑名单" in page
    assert f'href="/decisions/{case_id}"' in page
    body = client.get(f"/api/v1/subjects/{world.company.code}").json()
    schemas.SubjectOut.model_validate(body)
    assert [s["target"] for s in body["standing"]] == ["samr_serious_violation"]


def test_list_pages_by_type_and_region(listed: tuple[TestClient, World, int]) -> None:
    client, world, _ = listed
    index = client.get("/lists.json").json()
    assert "samr_serious_violation" in {i["id"] for i in index["items"]}
    assert "samr_serious_violation" in client.get("/lists").text
    page = client.get("/lists/samr_serious_violation").text
    assert world.company.name in page
    api = client.get("/api/v1/lists/samr_serious_violation", params={"region": "11"}).json()
    schemas.ListPage.model_validate(api)
    assert [i["subject"]["code"] for i in api["items"]] == [world.company.code]
    elsewhere = client.get("/lists/samr_serious_violation.json?region=31").json()
    assert elsewhere["items"] == []
    assert client.get("/lists/no_such_list").status_code == 404
    bad = client.get("/api/v1/lists/samr_serious_violation", params={"region": "abc"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "region"


def test_the_decision_page_explains_rule_basis_records_and_measures(
    listed: tuple[TestClient, World, int],
) -> None:
    client, world, case_id = listed
    page = client.get(f"/decisions/{case_id}").text
    assert "决定说明" in page
    assert "serious-violation@1" in page
    assert world.penalty.document_no in page
    assert "严重违法失信名单管理办法" in page
    body = client.get(f"/api/v1/decisions/{case_id}").json()
    schemas.DecisionOut.model_validate(body)
    assert body["decision"]["evidence"][0]["record_id"] == world.penalty.id
    assert client.get(f"/decisions/{case_id}.json").json() == body
    assert client.get("/decisions/999999").status_code == 404
    assert client.get("/decisions/abc").status_code == 404
