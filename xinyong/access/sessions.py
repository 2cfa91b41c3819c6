"""Sign-in sessions: a random token in a cookie, its digest in the store.

Server-side sessions can be revoked (sign-out, a disabled account) at once;
a forged or stale cookie simply finds no row.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from xinyong.access.accounts import Account, check_credentials, get_account
from xinyong.access.actors import Actor, Audience
from xinyong.access.errors import AuthenticationError
from xinyong.access.tokens import digest, new_token
from xinyong.clock import Clock
from xinyong.ledger.engine import read_transaction, write_transaction
from xinyong.ledger.tables_access import sessions

SESSION_HOURS = 8


def sign_in(
    engine: Engine, clock: Clock, username: str, password: str, hours: int = SESSION_HOURS
) -> tuple[Account, str]:
    """Check the credentials and open a session; returns the account and the cookie token."""
    account = check_credentials(engine, username, password)
    token = new_token()
    now = clock.now()
    with write_transaction(engine) as conn:
        # Sessions past their end are worth nothing; forget them as new ones open.
        conn.execute(sessions.delete().where(sessions.c.expires_at < now - dt.timedelta(days=1)))
        conn.execute(
            sessions.insert().values(
                token_hash=digest(token), account_id=account.id, created_at=now,
                expires_at=now + dt.timedelta(hours=hours),
            )
        )  # fmt: skip
    return account, token


def sign_out(engine: Engine, clock: Clock, token: str) -> None:
    """End the session (idempotent)."""
    with write_transaction(engine) as conn:
        conn.execute(
            sessions.update()
            .where(sessions.c.token_hash == digest(token), sessions.c.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        )


def actor_for_session(engine: Engine, clock: Clock, token: str) -> Actor:
    """The actor a session cookie stands for; :class:`AuthenticationError` if none is live."""
    with read_transaction(engine) as conn:
        row = conn.execute(
            sa.select(sessions).where(sessions.c.token_hash == digest(token))
        ).one_or_none()
    if row is None or row.revoked_at is not None or row.expires_at <= clock.now():
        raise AuthenticationError("no live session: sign in again")
    account = get_account(engine, row.account_id)
    if account is None or account.status != "active":
        raise AuthenticationError("this account is disabled")
    return actor_for_account(account)


def actor_for_account(account: Account) -> Actor:
    """The actor an account acts as."""
    subject_id = account.subject_id if account.role is Audience.SUBJECT else None
    return Actor(
        account.role, f"account:{account.username}", subject_id=subject_id, account_id=account.id
    )
