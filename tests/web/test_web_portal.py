"""Portal pages: search, subject page, sources; JSON twins, languages, ETags, headers."""

from __future__ import annotations

import re

from web_helpers import OPERATOR, TestClient, World, client_for

from xinyong.ledger import Store


def test_home_is_chinese_by_default_and_english_on_request(web: tuple[TestClient, World]) -> None:
    client, _ = web
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert "公共信用信息公示" in page.text
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text
    assert "xy_lang=en" in english.headers["set-cookie"]
    assert '<html lang="en">' in client.get("/search").text  # the cookie remembers


def test_search_finds_by_name_and_every_page_has_a_json_twin(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    page = client.get("/search", params={"q": "北京 拓康"})
    assert f'href="/subjects/{world.company.code}"' in page.text
    twin = client.get("/search.json", params={"q": "北京 拓康"}).json()
    assert [i["code"] for i in twin["items"]] == [world.company.code]
    accept = client.get("/search", params={"q": "拓康"}, headers={"accept": "application/json"})
    assert accept.headers["content-type"] == "application/json"
    assert accept.json()["items"] == twin["items"]


def test_search_suggests_when_nothing_matches(web: tuple[TestClient, World]) -> None:
    client, world = web
    page = client.get("/search", params={"q": "北京拓康商业管里"})
    assert "没有找到" in page.text
    assert f'href="/subjects/{world.company.code}"' in page.text


def test_the_subject_page_shows_public_records_by_category_with_their_provenance(
    web: tuple[TestClient, World], store: Store
) -> None:
    client, world = web
    store.mark_disputed(world.penalty.id, reason="异议", reference="YY-1")
    page = client.get(f"/subjects/{world.company.code}").text
    assert "北京拓康商业管理有限公司" in page
    assert "行政管理信息" in page  # the catalog category
    assert "北京市海淀区市场监督管理局" in page  # source department
    assert "行政处罚法" in page  # legal basis
    assert "公示期" in page
    assert "核查中" in page  # under verification
    assert world.penalty.document_no in page
    assert world.expired.document_no not in page
    assert world.withdrawn.document_no not in page
    assert "居民身份证" not in page  # a subject-only field
    twin = client.get(f"/subjects/{world.company.code}.json").json()
    assert twin["audience"] == "public"
    assert [r["under_verification"] for r in twin["records"]] == [True]
    assert twin["records"][0]["source"]["name"] == "北京市海淀区市场监督管理局"


def test_errors_share_one_body_naming_the_field(web: tuple[TestClient, World]) -> None:
    client, world = web
    bad = client.get("/subjects/91110108.json")
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "code"
    code = world.company.code
    assert code is not None
    unknown = client.get(f"/subjects/{code[:8]}00000000000.json")
    assert unknown.status_code in (404, 422)
    assert set(unknown.json()["error"]) >= {"status", "code", "message", "field"}
    page = client.get("/subjects/91110108")
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]


def test_etags_save_a_round_trip(web: tuple[TestClient, World]) -> None:
    client, world = web
    first = client.get(f"/api/v1/subjects/{world.company.code}")
    again = client.get(
        f"/api/v1/subjects/{world.company.code}", headers={"if-none-match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


def test_pages_load_nothing_from_elsewhere_and_carry_security_headers(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    for path in ("/", "/search?q=北京", f"/subjects/{world.company.code}", "/sources", "/signin"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not re.search(r'(src|href|action)="(https?:)?//', response.text), path
        assert "default-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_forms_are_accessible(web: tuple[TestClient, World]) -> None:
    client, _ = web
    for path in ("/signin", "/activate", "/"):
        html = client.get(path).text
        for field_id in re.findall(r'<input id="([^"]+)"', html):
            assert f'<label for="{field_id}">' in html, (path, field_id)
    assert 'name="viewport"' in client.get("/").text


def test_sources_page_lists_departments(web: tuple[TestClient, World]) -> None:
    client, _ = web
    assert "北京市海淀区市场监督管理局" in client.get("/sources").text
    twin = client.get("/sources.json").json()
    assert twin["items"][0]["code"] == "SAMR-110108"


def test_one_source_has_its_own_page(web: tuple[TestClient, World]) -> None:
    client, world = web
    page = client.get(f"/sources/{world.source.code}")
    assert page.status_code == 200
    assert world.source.name in page.text
    assert client.get(f"/sources/{world.source.code}.json").json()["items"][0]["code"] == (
        world.source.code
    )
    assert client.get("/sources/NOPE").status_code == 404


def test_non_public_answers_are_never_cached_by_others(web: tuple[TestClient, World]) -> None:
    client, world = web
    public = client.get(f"/api/v1/subjects/{world.company.code}")
    assert public.headers["cache-control"] == "no-cache"
    _, token = world.access.issue_api_key(OPERATOR, "SAMR-110108", ["licensing_review"])
    private = client.get(
        f"/api/v1/subjects/{world.company.code}?purpose=licensing_review",
        headers={"authorization": f"Bearer {token}"},
    )
    assert private.headers["cache-control"] == "private, no-store"


def test_a_subject_with_many_records_is_shown_a_category_page_at_a_time(store: Store) -> None:
    from access_helpers import RECENT, penalty_fields

    client, world = client_for(store)
    for n in range(44):
        number = f"海市监罚〔2025〕{100 + n}号"
        store.assert_record(
            source_id=world.source.id, subject_id=world.company.id,
            record_type="administrative_penalty", document_no=number,
            fields=penalty_fields(world.company, number), decision_date=RECENT,
        )  # fmt: skip
    path = f"/subjects/{world.company.code}"
    cards = re.compile(r'<article class="record[^"]*" id="record-(\d+)"')
    page = client.get(path).text
    assert len(cards.findall(page)) == 20
    category = client.get(f"{path}.json").json()["records"][0]["category"]
    assert f'href="?category={category}">' in page
    assert "(45)" in page
    seen: list[str] = []
    for number in (1, 2, 3):
        one = client.get(path, params={"category": category, "page": number}).text
        seen += cards.findall(one)
        assert ('rel="next"' in one) is (number < 3)
        assert (f"page={number - 1}" in one) is (number > 1)
    assert len(seen) == len(set(seen)) == 45
    twin = client.get(f"{path}.json").json()
    assert sorted(str(r["id"]) for r in twin["records"]) == sorted(seen)
    assert "返回全部类别" in client.get(path, params={"category": "no-such-kind"}).text
