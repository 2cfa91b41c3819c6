"""API keys for agencies: bound to one agency and the purposes it may declare.

A key is shown once, as ``xy_<key id>_<secret>``; the store keeps the key id in
clear (to find the row and to name the key in the audit log) and only a digest
of the secret. A key never widens what an agency may do: each read still
declares one purpose, which must be both on the key and granted by the
catalog for the record type.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from xinyong.access.actors import Actor, Audience
from xinyong.access.errors import AuthenticationError, InvalidInputError
from xinyong.access.tokens import digest, new_token, same
from xinyong.catalog import Catalog
from xinyong.clock import Clock
from xinyong.ledger.engine import read_transaction, write_transaction
from xinyong.ledger.tables_access import api_keys

_TOKEN = re.compile(r"xy_([0-9a-f]{16})_([A-Za-z0-9_-]{20,})")
_AGENCY = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class ApiKey:
    """An issued key, without its secret."""

    key_id: str
    agency: str
    purposes: tuple[str, ...]
    issued_by: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None


def _check_purposes(catalog: Catalog, purposes: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(p.strip() for p in purposes if p.strip()))
    if not chosen:
        raise InvalidInputError("a key needs at least one purpose", field="purposes")
    for p in chosen:
        purpose = catalog.purposes.get(p)
        if purpose is None:
            known = ", ".join(k for k, v in catalog.purposes.items() if v.actor == "agency")
            raise InvalidInputError(f"unknown purpose {p!r} (known: {known})", field="purposes")
        if purpose.actor != "agency":
            raise InvalidInputError(f"purpose {p!r} is not an agency purpose", field="purposes")
    return chosen


def issue_key(
    engine: Engine,
    clock: Clock,
    catalog: Catalog,
    agency: str,
    purposes: Iterable[str],
    issued_by: str,
) -> tuple[ApiKey, str]:
    """Issue a key for ``agency``; returns it and the token, which is never shown again."""
    if not _AGENCY.fullmatch(agency):
        raise InvalidInputError(
            "agency must be a code of letters, digits, '.', '_' or '-' (at most 64)",
            field="agency",
        )
    chosen = _check_purposes(catalog, purposes)
    key_id, secret = secrets.token_hex(8), new_token(30)
    now = clock.now()
    with write_transaction(engine) as conn:
        conn.execute(
            api_keys.insert().values(
                key_id=key_id, secret_hash=digest(secret), agency=agency,
                purposes=",".join(chosen), issued_by=issued_by, created_at=now,
            )
        )  # fmt: skip
    key = ApiKey(key_id, agency, chosen, issued_by, now, None)
    return key, f"xy_{key_id}_{secret}"


def authenticate_key(engine: Engine, token: str) -> Actor:
    """The agency actor a presented token stands for; :class:`AuthenticationError` otherwise."""
    match = _TOKEN.fullmatch(token.strip())
    if match is None:
        raise AuthenticationError("malformed API key")
    key_id, secret = match.groups()
    with read_transaction(engine) as conn:
        row = conn.execute(sa.select(api_keys).where(api_keys.c.key_id == key_id)).one_or_none()
    if row is None or not same(row.secret_hash, digest(secret)):
        raise AuthenticationError("unknown API key")
    if row.revoked_at is not None:
        raise AuthenticationError("this API key was revoked")
    return Actor(
        Audience.AGENCY,
        f"agency:{row.agency}/key:{key_id}",
        agency=row.agency,
        purposes=frozenset(row.purposes.split(",")),
    )


def revoke_key(engine: Engine, clock: Clock, key_id: str) -> bool:
    """Revoke a key; returns whether a live key was revoked."""
    with write_transaction(engine) as conn:
        result = conn.execute(
            api_keys.update()
            .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        )
    return bool(result.rowcount)


def list_keys(engine: Engine) -> list[ApiKey]:
    """Every key ever issued, oldest first."""
    with read_transaction(engine) as conn:
        rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.id)).all()
    return [
        ApiKey(r.key_id, r.agency, tuple(r.purposes.split(",")), r.issued_by, r.created_at,
               r.revoked_at)
        for r in rows
    ]  # fmt: skip
