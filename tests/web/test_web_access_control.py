"""The issue's access-control acceptance list, over HTTP: every attempt refused and logged,
every permitted non-public read in the subject's access log."""

from __future__ import annotations

import pytest
from web_helpers import TestClient, World, activate, agency_headers


def _denied(world: World) -> list[tuple[str, str, int | None]]:
    return [(e.actor, e.action, e.subject_id) for e in world.access.audit.export(limit=10_000)
            if e.outcome == "denied"]  # fmt: skip


def test_enumerating_records_through_the_objection_door_is_refused_and_logged(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    activate(client, world)
    csrf = client.cookies["xy_csrf"]
    own = {world.penalty.id, world.expired.id, world.withdrawn.id}
    tried = [rid for rid in range(1, 30) if rid not in own]
    for rid in tried:
        response = client.post("/api/v1/me/objections", json={"record_id": rid, "grounds": "x"},
                               headers={"x-csrf-token": csrf})  # fmt: skip
        assert response.status_code == 403, rid
    denials = [d for d in _denied(world) if d[1] == "file_objection"]
    assert len(denials) == len(tried)
    # what exists is not revealed: the answer is the same for a stranger's and a missing id
    answers = {
        client.post(
            "/api/v1/me/objections", json={"record_id": rid, "grounds": "x"},
            headers={"x-csrf-token": csrf},
        ).json()["error"]["message"]
        for rid in (world.private.id, 10**9)
    }  # fmt: skip
    assert answers == {"a subject may see and act on only its own data"}


def test_enumerating_subjects_as_an_agency_without_a_purpose_is_refused_and_logged(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    headers = agency_headers(world)
    for subject in (world.company, world.other):
        assert client.get(f"/api/v1/subjects/{subject.code}", headers=headers).status_code == 403
    assert [d[2] for d in _denied(world)] == [world.company.id, world.other.id]


def test_reading_another_subjects_private_data_is_refused_and_logged(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    activate(client, world)
    for path in (
        f"/api/v1/subjects/{world.other.code}?purpose=subject_access",
        f"/api/v1/subjects/{world.other.code}/records?purpose=subject_access",
    ):
        assert client.get(path).status_code == 403
    assert [d[1:] for d in _denied(world)] == [("read_records", world.other.id)] * 2


def test_forbidden_purposes_and_missing_ones_are_refused_and_logged(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    headers = agency_headers(world)
    url = f"/api/v1/subjects/{world.company.code}"
    for purpose in ("", "joint_sanctions", "statistics", "marketing"):
        assert client.get(url, params={"purpose": purpose}, headers=headers).status_code == 403
    assert len(_denied(world)) == 4


def test_self_approval_subjects_cannot_issue_credentials_or_keys(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    activate(client, world)
    csrf = {"x-csrf-token": client.cookies["xy_csrf"]}
    body = {"subject_code": world.company.code}
    assert client.post("/api/v1/activations", json=body, headers=csrf).status_code == 403
    key = {"agency": "SAMR-110108", "purposes": ["licensing_review"]}
    assert client.post("/api/v1/api-keys", json=key, headers=csrf).status_code == 403
    assert client.get("/api/v1/audit").status_code == 403
    actions = [d[1] for d in _denied(world)]
    assert actions == ["issue_activation", "issue_api_key", "export_audit"]


@pytest.mark.parametrize(
    "cookie",
    ["forged", "x" * 43, "", "' OR 1=1 --"],
)
def test_forged_sessions_are_refused_and_logged(web: tuple[TestClient, World], cookie: str) -> None:
    client, world = web
    client.cookies.set("xy_session", cookie)
    for path in ("/api/v1/me", "/api/v1/me/access-log", "/api/v1/me/cases", "/me.json"):
        assert client.get(path).status_code == 401, path
    assert {d[:2] for d in _denied(world)} <= {
        ("public", "read_records"), ("public", "read_cases"), ("public", "read_access_log"),
    }  # fmt: skip
    assert len(_denied(world)) == 4


def test_every_permitted_non_public_read_is_in_the_subjects_access_log(
    web: tuple[TestClient, World],
) -> None:
    client, world = web
    agency = agency_headers(world)
    code = world.company.code
    client.get(f"/api/v1/subjects/{code}?purpose=licensing_review", headers=agency)
    client.get(f"/api/v1/subjects/{code}/records?purpose=licensing_review", headers=agency)
    activate(client, world)
    client.get("/api/v1/me")
    granted = [e.seq for e in world.access.audit.export(limit=10_000)
               if e.outcome == "granted" and e.action == "read_records"]  # fmt: skip
    log = client.get("/api/v1/me/access-log").json()["items"]
    assert set(granted) <= {e["seq"] for e in log}
    assert len(granted) == 3
