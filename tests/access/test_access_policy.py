"""Deny by default: every refusal and every permitted non-public read lands in the audit log."""

from __future__ import annotations

import pytest
from access_helpers import AUDITOR, OPERATOR, World, agency_actor, populate, subject_actor

from xinyong.access import (
    PUBLIC,
    Action,
    Actor,
    Audience,
    AuthenticationError,
    ForbiddenError,
    authorise,
)
from xinyong.ledger import Store


@pytest.fixture
def world(store: Store) -> World:
    return populate(store)


def _outcomes(world: World, subject_id: int) -> list[tuple[str, str, str | None]]:
    entries = world.access.audit.about(subject_id, limit=100)
    return [(e.action, e.outcome, e.purpose) for e in reversed(entries)]


def test_the_public_cannot_read_non_public_data_and_the_attempt_is_logged(world: World) -> None:
    with pytest.raises(AuthenticationError):
        world.access.disclosed_view(PUBLIC, world.company, None)
    assert _outcomes(world, world.company.id) == [("read_records", "denied", None)]


def test_a_subject_cannot_read_another_subjects_private_data(world: World) -> None:
    me = subject_actor(world, world.company)
    with pytest.raises(ForbiddenError, match="only its own"):
        world.access.disclosed_view(me, world.other, None)
    with pytest.raises(ForbiddenError):
        world.access.access_log(me, world.other.id)
    assert _outcomes(world, world.other.id) == [
        ("read_records", "denied", None),
        ("read_access_log", "denied", None),
    ]


@pytest.mark.parametrize(
    ("purpose", "reason"),
    [
        (None, "declare a purpose"),
        ("", "declare a purpose"),
        ("joint_sanctions", "may not declare"),
        ("marketing", "unknown purpose"),
        ("subject_access", "unknown purpose"),
    ],
)
def test_agency_reads_without_or_with_a_forbidden_purpose_are_refused_and_logged(
    world: World, purpose: str | None, reason: str
) -> None:
    agency = agency_actor(world)
    with pytest.raises(ForbiddenError, match=reason):
        world.access.disclosed_view(agency, world.company, purpose)
    assert _outcomes(world, world.company.id)[-1] == ("read_records", "denied", purpose or None)


def test_aggregate_only_purposes_never_release_one_subject(world: World) -> None:
    agency = agency_actor(world, ("statistics",))
    with pytest.raises(ForbiddenError, match="aggregates only"):
        world.access.disclosed_view(agency, world.company, "statistics")


def test_every_permitted_non_public_read_appears_in_the_subjects_access_log(
    world: World,
) -> None:
    agency = agency_actor(world, ("licensing_review", "procurement_review"))
    me = subject_actor(world, world.company)
    world.access.disclosed_view(agency, world.company, "licensing_review")
    world.access.disclosed_view(agency, world.company, "procurement_review")
    world.access.own_view(me)
    log = world.access.access_log(me, world.company.id)
    reads = [(e.actor, e.purpose) for e in reversed(log) if e.action == "read_records"]
    assert reads == [
        (agency.name, "licensing_review"),
        (agency.name, "procurement_review"),
        (me.name, "subject_access"),
    ]
    assert all(e.outcome == "granted" for e in log)


def test_staff_cannot_read_records_and_only_operators_issue_credentials(world: World) -> None:
    for actor in (OPERATOR, AUDITOR):
        with pytest.raises(ForbiddenError):
            world.access.disclosed_view(actor, world.company, "licensing_review")
    agency = agency_actor(world)
    me = subject_actor(world, world.company)
    for actor in (agency, me, AUDITOR, PUBLIC):
        with pytest.raises((ForbiddenError, AuthenticationError)):
            world.access.issue_activation(actor, world.company.id)
        with pytest.raises((ForbiddenError, AuthenticationError)):
            world.access.issue_api_key(actor, "X", ["licensing_review"])


def test_self_approval_is_impossible_a_subject_cannot_issue_itself_credentials(
    world: World,
) -> None:
    me = subject_actor(world, world.company)
    with pytest.raises(ForbiddenError):
        world.access.issue_activation(me, world.company.id)
    assert ("issue_activation", "denied", None) in _outcomes(world, world.company.id)


def test_only_auditors_export_the_trail(world: World) -> None:
    me = subject_actor(world, world.company)
    with pytest.raises(ForbiddenError):
        world.access.export_audit(me)
    entries = world.access.export_audit(AUDITOR)
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[-1].action == "export_audit" or entries[-1].outcome == "denied"


def test_unknown_actions_and_audiences_are_denied_by_default(world: World) -> None:
    ghost = Actor(Audience.SUBJECT, "account:ghost", subject_id=None)
    with pytest.raises(ForbiddenError):
        authorise(world.access.catalog, ghost, Action.READ_RECORDS, subject_id=world.company.id)
    for action in Action:
        with pytest.raises(AuthenticationError):
            authorise(world.access.catalog, PUBLIC, action)


def test_a_subject_objects_to_its_own_records_only(world: World, store: Store) -> None:
    me = subject_actor(world, world.company)
    case = world.access.file_objection(me, world.penalty.id, "金额有误", "我们已缴清罚款")
    assert case.due_on is not None
    assert store.get_record(world.penalty.id).disputed
    assert [c.id for c in world.access.own_cases(me)] == [case.id]
    view = world.access.public_view(world.company)
    assert [s.text for s in view.records[0].statements] == ["我们已缴清罚款"]
    other = store.records_of(world.other.id)[0]
    with pytest.raises(ForbiddenError):
        world.access.file_objection(me, other.id, "不是我们的")
    with pytest.raises(ForbiddenError):
        world.access.file_objection(me, 10**9, "探测")
    assert not store.get_record(other.id).disputed
    assert _outcomes(world, world.other.id)[-1] == ("file_objection", "denied", None)
