"""Accounts, activation codes, sessions and API keys: secrets never stored, forgeries refused."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from access_helpers import OPERATOR, PASSWORD, World, populate
from suite_support import ManualClock

from xinyong.access import Audience, AuthenticationError, ConflictError, InvalidInputError
from xinyong.access.accounts import create_staff
from xinyong.ledger import Store
from xinyong.ledger.tables_access import accounts, activations, api_keys, sessions


@pytest.fixture
def world(store: Store) -> World:
    return populate(store)


def _dump(store: Store, table: sa.Table) -> str:
    with store.engine.connect() as conn:
        return repr(conn.execute(sa.select(table)).all())


def test_an_account_is_linked_to_a_subject_only_by_an_activation_code(
    world: World, store: Store
) -> None:
    code = world.access.issue_activation(OPERATOR, world.company.id)
    account = world.access.activate(code.lower().replace("-", " "), "Tuokang", PASSWORD)
    assert (account.username, account.subject_id, account.role) == (
        "tuokang",
        world.company.id,
        Audience.SUBJECT,
    )
    assert code.replace("-", "") not in _dump(store, activations)
    with pytest.raises(AuthenticationError, match="unknown, used or expired"):
        world.access.activate(code, "second", PASSWORD)
    with pytest.raises(AuthenticationError):
        world.access.activate("AAAAA-BBBBB-CCCCC-DDDDD", "third", PASSWORD)


def test_activation_codes_expire(world: World, clock: ManualClock) -> None:
    code = world.access.issue_activation(OPERATOR, world.company.id)
    clock.travel(clock.today() + dt.timedelta(days=31))
    with pytest.raises(AuthenticationError):
        world.access.activate(code, "late", PASSWORD)


def test_usernames_and_passwords_are_checked_with_the_field_named(world: World) -> None:
    code = world.access.issue_activation(OPERATOR, world.company.id)
    with pytest.raises(InvalidInputError) as short:
        world.access.activate(code, "tuokang", "short")
    assert short.value.field == "password"
    with pytest.raises(InvalidInputError) as bad:
        world.access.activate(code, "a b", PASSWORD)
    assert bad.value.field == "username"
    world.access.activate(code, "tuokang", PASSWORD)
    other = world.access.issue_activation(OPERATOR, world.other.id)
    with pytest.raises(ConflictError):
        world.access.activate(other, "TUOKANG", PASSWORD)


def test_passwords_are_stored_as_argon2_hashes(world: World, store: Store) -> None:
    create_staff(store.engine, store.clock, "auditor1", PASSWORD, Audience.AUDITOR)
    stored = _dump(store, accounts)
    assert PASSWORD not in stored
    assert "$argon2id$" in stored


def test_sign_in_failures_look_alike_and_are_audited(world: World, store: Store) -> None:
    create_staff(store.engine, store.clock, "auditor1", PASSWORD, Audience.AUDITOR)
    messages = set()
    for username, password in (("auditor1", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(AuthenticationError) as exc:
            world.access.sign_in(username, password)
        messages.add(str(exc.value))
    assert messages == {"wrong username or password"}
    denied = [e for e in world.access.audit.export() if e.action == "sign_in"]
    assert [e.outcome for e in denied] == ["denied", "denied"]
    assert all(PASSWORD not in repr(e.detail) for e in denied)


def test_sessions_are_revocable_expire_and_forged_tokens_find_nothing(
    world: World, store: Store, clock: ManualClock
) -> None:
    create_staff(store.engine, store.clock, "op1", PASSWORD, Audience.OPERATOR)
    _, token = world.access.sign_in("op1", PASSWORD)
    assert world.access.actor_for_session(token).audience is Audience.OPERATOR
    assert token not in _dump(store, sessions)
    with pytest.raises(AuthenticationError):
        world.access.actor_for_session(token[:-2] + "xx")
    world.access.sign_out(token)
    with pytest.raises(AuthenticationError):
        world.access.actor_for_session(token)
    _, token = world.access.sign_in("op1", PASSWORD)
    clock.travel(clock.today() + dt.timedelta(days=1))
    with pytest.raises(AuthenticationError):
        world.access.actor_for_session(token)


def test_api_keys_are_bound_to_agency_and_purposes_and_stored_as_digests(
    world: World, store: Store
) -> None:
    key, token = world.access.issue_api_key(OPERATOR, "SAMR-110108", ["licensing_review"])
    actor = world.access.actor_for_api_key(token)
    assert (actor.agency, actor.purposes) == ("SAMR-110108", frozenset({"licensing_review"}))
    assert token.split("_", 2)[2] not in _dump(store, api_keys)
    for forged in (token + "x", token[:-1] + ("A" if token[-1] != "A" else "B"), "xy_abc", ""):
        with pytest.raises(AuthenticationError):
            world.access.actor_for_api_key(forged)
    from xinyong.access.keys import revoke_key

    assert revoke_key(store.engine, store.clock, key.key_id)
    with pytest.raises(AuthenticationError, match="revoked"):
        world.access.actor_for_api_key(token)


@pytest.mark.parametrize(
    ("purposes", "message"),
    [([], "at least one"), (["subject_access"], "not an agency"), (["spying"], "unknown")],
)
def test_keys_need_known_agency_purposes(world: World, purposes: list[str], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        world.access.issue_api_key(OPERATOR, "SAMR-110108", purposes)


def test_old_sessions_are_forgotten(world: World, store: Store, clock: ManualClock) -> None:
    create_staff(store.engine, store.clock, "op1", PASSWORD, Audience.OPERATOR)
    world.access.sign_in("op1", PASSWORD)
    clock.travel(clock.today() + dt.timedelta(days=3))
    world.access.sign_in("op1", PASSWORD)
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sessions)).scalar_one() == 1
