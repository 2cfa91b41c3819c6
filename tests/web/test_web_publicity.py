"""Double publicity: the latest licences and penalties, published ones only, paged by cursor."""

from __future__ import annotations

from web_helpers import TestClient, World

from xinyong.web import schemas


def test_the_penalty_feed_lists_published_decisions_newest_first(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    body = client.get("/api/v1/publicity/penalties").json()
    schemas.PublicityPage.model_validate(body)
    numbers = [i["record"]["document_no"] for i in body["items"]]
    assert world.penalty.document_no in numbers
    assert world.expired.document_no not in numbers  # its window is over
    assert world.withdrawn.document_no not in numbers
    assert body["next"] is None
    page = client.get("/publicity/penalties").text
    assert world.penalty.document_no in page
    assert "行政处罚公示" in page
    assert client.get("/publicity/penalties.json").json() == body


def test_pages_follow_the_cursor_and_regions_filter(web: tuple[TestClient, World]) -> None:
    client, world = web
    first = client.get("/api/v1/publicity/penalties", params={"region": "110108"}).json()
    assert [i["subject"]["code"] for i in first["items"]] == [world.company.code]
    assert client.get("/api/v1/publicity/licences").json()["items"] == []
    bad = client.get("/api/v1/publicity/penalties", params={"before": "yesterday"})
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "before"
    assert client.get("/api/v1/publicity/fines").status_code == 422
