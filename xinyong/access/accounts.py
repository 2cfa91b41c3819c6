"""Accounts: subjects link theirs to a code only through an operator-issued activation code.

Knowing a company's code (printed on its licence) proves nothing, so an
account is never linked by code. An operator checks who is asking (in person
or through the registration authority) and issues an activation code for the
subject; the code, sent by letter, is spent once to create the account.
Operators and auditors get accounts from the command line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from xinyong.access.actors import Audience
from xinyong.access.errors import AuthenticationError, ConflictError, InvalidInputError
from xinyong.access.tokens import (
    check_password,
    digest,
    hash_password,
    new_activation_code,
    normalise_activation_code,
)
from xinyong.clock import Clock
from xinyong.ledger.engine import read_transaction, write_transaction
from xinyong.ledger.tables import subjects
from xinyong.ledger.tables_access import accounts, activations

#: Roles an account can have; agencies use API keys, not accounts.
ROLES = (Audience.SUBJECT, Audience.OPERATOR, Audience.AUDITOR)
MIN_PASSWORD = 10
ACTIVATION_DAYS = 30
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


@dataclass(frozen=True)
class Account:
    """A person's way in: a subject's representative, an operator or an auditor."""

    id: int
    username: str
    role: Audience
    subject_id: int | None
    status: str
    created_at: dt.datetime


def check_username(username: str) -> str:
    """The normalised username, or :class:`InvalidInputError` naming the rule."""
    name = username.strip().lower()
    if not _USERNAME.fullmatch(name):
        raise InvalidInputError(
            "3-64 characters: lower-case letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="username",
        )
    return name


def check_password_rules(password: str) -> None:
    """Length is the rule that matters; composition rules only make passwords guessable."""
    if len(password) < MIN_PASSWORD:
        raise InvalidInputError(f"at least {MIN_PASSWORD} characters", field="password")
    if len(password) > 1024:
        raise InvalidInputError("at most 1024 characters", field="password")


def issue_activation(
    engine: Engine, clock: Clock, subject_id: int, issued_by: str, days: int = ACTIVATION_DAYS
) -> str:
    """A one-time code that lets whoever holds it create the subject's account."""
    code = new_activation_code()
    now = clock.now()
    with write_transaction(engine) as conn:
        exists = conn.execute(sa.select(subjects.c.id).where(subjects.c.id == subject_id)).first()
        if exists is None:
            raise InvalidInputError(f"no subject with id {subject_id}", field="subject_id")
        conn.execute(
            activations.insert().values(
                code_hash=digest(normalise_activation_code(code)), subject_id=subject_id,
                issued_by=issued_by, issued_at=now, expires_at=now + dt.timedelta(days=days),
            )
        )  # fmt: skip
    return code


def _insert_account(
    conn: sa.Connection,
    now: dt.datetime,
    username: str,
    password: str,
    role: Audience,
    subject_id: int | None,
) -> int:
    try:
        with conn.begin_nested():
            result = conn.execute(
                accounts.insert().values(
                    username=username, role=role.value, password_hash=hash_password(password),
                    subject_id=subject_id, status="active", created_at=now,
                )
            )  # fmt: skip
    except IntegrityError:
        raise ConflictError("this username is taken", field="username") from None
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def activate(engine: Engine, clock: Clock, code: str, username: str, password: str) -> Account:
    """Spend an activation code to create the subject's account."""
    name = check_username(username)
    check_password_rules(password)
    now = clock.now()
    code_hash = digest(normalise_activation_code(code))
    with write_transaction(engine) as conn:
        row = conn.execute(
            sa.select(activations).where(activations.c.code_hash == code_hash).with_for_update()
        ).one_or_none()
        if row is None or row.used_at is not None or row.expires_at <= now:
            raise AuthenticationError("this activation code is unknown, used or expired")
        account_id = _insert_account(conn, now, name, password, Audience.SUBJECT, row.subject_id)
        conn.execute(
            activations.update()
            .where(activations.c.id == row.id)
            .values(used_at=now, account_id=account_id)
        )
    return Account(account_id, name, Audience.SUBJECT, row.subject_id, "active", now)


def create_staff(
    engine: Engine, clock: Clock, username: str, password: str, role: Audience
) -> Account:
    """An operator or auditor account (from the command line, by whoever runs the platform)."""
    if role not in (Audience.OPERATOR, Audience.AUDITOR):
        raise InvalidInputError("role must be operator or auditor", field="role")
    name = check_username(username)
    check_password_rules(password)
    now = clock.now()
    with write_transaction(engine) as conn:
        account_id = _insert_account(conn, now, name, password, role, None)
    return Account(account_id, name, role, None, "active", now)


def check_credentials(engine: Engine, username: str, password: str) -> Account:
    """The account if the password matches; one error for every failure, unknown user included."""
    name = username.strip().lower()
    with read_transaction(engine) as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.username == name)).one_or_none()
    stored = row.password_hash if row is not None else None
    if not check_password(stored, password) or row is None or row.status != "active":
        raise AuthenticationError("wrong username or password")
    return _account(row)


def get_account(engine: Engine, account_id: int) -> Account | None:
    """The account with this id."""
    with read_transaction(engine) as conn:
        row = conn.execute(sa.select(accounts).where(accounts.c.id == account_id)).one_or_none()
    return None if row is None else _account(row)


def _account(row: sa.Row[tuple[object, ...]]) -> Account:
    m = row._mapping
    return Account(
        int(m["id"]), str(m["username"]), Audience(m["role"]), m["subject_id"],
        str(m["status"]), m["created_at"],
    )  # fmt: skip
