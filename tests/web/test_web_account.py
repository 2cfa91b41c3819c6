"""Self-service: activation, sign-in, everything held, who looked; CSRF, forgeries, limits."""

from __future__ import annotations

from web_helpers import OPERATOR, TestClient, World, activate, client_for, sign_in

from xinyong.ledger import Store


def test_a_subject_signs_in_sees_everything_held_and_who_looked(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    _, token = world.access.issue_api_key(OPERATOR, "SAMR-110108", ["licensing_review"])
    client.get(
        f"/api/v1/subjects/{world.company.code}",
        params={"purpose": "licensing_review"},
        headers={"authorization": f"Bearer {token}"},
    )
    response = activate(client, world)
    assert response.status_code == 303
    assert "xy_session" in response.headers["set-cookie"]
    assert "httponly" in response.headers["set-cookie"].lower()
    page = client.get("/me").text
    assert world.withdrawn.document_no in page  # not public, still held
    assert world.expired.document_no in page
    assert "居民身份证" in page  # a subject-only field
    assert "agency:SAMR-110108" in page
    assert "行政审批审查" in page  # the purpose, in words
    twin = client.get("/me.json").json()
    assert twin["subject"]["audience"] == "subject"
    reads = [e for e in twin["access_log"] if e["action"] == "read_records"]
    assert {e["purpose"] for e in reads} == {"licensing_review", "subject_access"}
    api = client.get("/api/v1/me/access-log").json()
    assert api["items"][0]["actor"] == "account:tuokang"


def test_a_subject_cannot_read_another_subjects_private_data(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    activate(client, world)
    other = client.get(f"/api/v1/subjects/{world.other.code}")
    assert other.json()["audience"] == "public"  # others' pages stay public
    forced = client.get(f"/api/v1/subjects/{world.other.code}?purpose=subject_access")
    assert forced.status_code == 403
    denied = [e for e in world.access.audit.about(world.other.id) if e.outcome == "denied"]
    assert len(denied) == 1


def test_forms_without_the_csrf_token_are_refused(web: tuple[TestClient, World]) -> None:
    client, _ = web
    client.get("/signin")
    response = client.post("/signin", data={"username": "x", "password": "y" * 12})
    assert response.status_code == 403
    forged = client.post(
        "/signin", data={"username": "x", "password": "y" * 12, "csrf_token": "z" * 43}
    )
    assert forged.status_code == 403


def test_forged_sessions_are_refused_and_logged(web: tuple[TestClient, World]) -> None:
    client, world = web
    client.cookies.set("xy_session", "forged-session-token-0123456789abcdef")
    assert client.get("/me").status_code == 401
    assert client.get("/api/v1/me").status_code == 401
    denials = [e for e in world.access.audit.export() if e.outcome == "denied"]
    assert [(e.actor, e.action) for e in denials] == [("public", "read_records")] * 2


def test_wrong_passwords_are_rate_limited(store: Store) -> None:
    client, world = client_for(store, sign_in_per_minute=3)
    activate(client, world)
    client.cookies.delete("xy_session")
    codes = [sign_in(client, "tuokang", "wrong password!!").status_code for _ in range(4)]
    assert codes == [401, 401, 429, 429]  # the activation counted as the first attempt


def test_sign_out_ends_the_session(web: tuple[TestClient, World]) -> None:
    client, world = web
    activate(client, world)
    session = client.cookies["xy_session"]
    csrf = client.cookies["xy_csrf"]
    assert (
        client.post("/signout", data={"csrf_token": csrf}, follow_redirects=False).status_code
        == 303
    )
    client.cookies.set("xy_session", session)
    assert client.get("/me.json").status_code == 401


def test_activation_errors_name_the_field(web: tuple[TestClient, World]) -> None:
    client, world = web
    code = world.access.issue_activation(OPERATOR, world.company.id)
    client.get("/activate")
    csrf = client.cookies["xy_csrf"]
    response = client.post(
        "/activate",
        data={"activation_code": code, "username": "tuokang", "password": "short",
              "csrf_token": csrf},
    )  # fmt: skip
    assert response.status_code == 422
    assert "password" in response.text


def test_a_subject_files_an_objection_and_the_record_is_marked(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    activate(client, world)
    csrf = client.cookies["xy_csrf"]
    page = client.get("/me").text
    assert f'name="record_id" value="{world.penalty.id}"' in page
    filed = client.post(
        "/me/objections",
        data={"record_id": world.penalty.id, "grounds": "金额有误", "statement": "已缴清",
              "csrf_token": csrf},
        follow_redirects=False,
    )  # fmt: skip
    assert filed.status_code == 303
    public = client.get(f"/subjects/{world.company.code}.json").json()
    assert public["records"][0]["under_verification"] is True
    assert public["records"][0]["statements"][0]["text"] == "已缴清"
    cases = client.get("/api/v1/me/cases").json()["items"]
    assert [(c["kind"], c["record_id"], c["open"]) for c in cases] == [
        ("objection", world.penalty.id, True)
    ]
    again = client.post(
        "/api/v1/me/objections",
        json={"record_id": world.penalty.id, "grounds": "再次"},
        headers={"x-csrf-token": csrf},
    )
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "procedure"
    missing = client.post("/api/v1/me/objections", json={"record_id": world.penalty.id},
                          headers={"x-csrf-token": csrf})  # fmt: skip
    assert missing.status_code == 422
    assert missing.json()["error"]["field"] == "grounds"


def test_a_subject_applies_for_repair_and_sees_the_outcome(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    activate(client, world)
    csrf = client.cookies["xy_csrf"]
    assert 'action="/me/repairs"' in client.get("/me").text
    early = client.post(
        "/api/v1/me/repairs",
        json={"record_id": world.penalty.id, "proof": "已缴清罚款", "commitment": "守法经营"},
        headers={"x-csrf-token": csrf},
    )
    assert early.status_code == 201, early.text
    case = early.json()
    assert (case["kind"], case["state"]) == ("repair", "refused")
    assert case["refusals"]  # too early: the minimum publicity period has not passed
    page = client.get("/me").text
    assert "不予受理" in page
    other = client.get(f"/api/v1/subjects/{world.other.code}").json()
    foreign = client.post(
        "/api/v1/me/repairs",
        json={"record_id": other["records"][0]["id"], "proof": "x", "commitment": "y"},
        headers={"x-csrf-token": csrf},
    )
    assert foreign.status_code == 403


def test_a_subject_follows_its_case_step_by_step(web: tuple[TestClient, World]) -> None:
    client, world = web
    activate(client, world)
    csrf = client.cookies["xy_csrf"]
    case = client.post(
        "/api/v1/me/objections",
        json={"record_id": world.penalty.id, "grounds": "金额有误"},
        headers={"x-csrf-token": csrf},
    ).json()
    detail = client.get(f"/api/v1/me/cases/{case['id']}").json()
    assert detail["case"]["id"] == case["id"]
    assert detail["steps"][0]["actor"] == "account:tuokang"
    assert "办理过程" in client.get("/me").text
    cases = client.get("/me.json").json()["cases"]
    assert cases[0]["steps"] == detail["steps"]
    assert client.get("/api/v1/me/cases/999999").status_code == 403  # like a stranger's


def test_the_owner_sees_its_public_page_as_everyone_does_unless_it_asks(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    activate(client, world)
    url = f"/api/v1/subjects/{world.company.code}"
    assert client.get(url).json()["audience"] == "public"
    full = client.get(url, params={"purpose": "subject_access"}).json()
    assert full["audience"] == "subject"
    assert world.withdrawn.id in {r["id"] for r in full["records"]}
