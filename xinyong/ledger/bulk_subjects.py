"""Registering many subjects in one transaction: a register file, or a feed's new codes.

``Transaction.register_subject`` checks, inserts and chains one subject per call,
with a query of its own; a register of a million organisations would spend its
time on round trips. These functions take the already validated, de-duplicated
subjects of a chunk, reserve their ids at once, insert the rows with one driver
call and chain one ``registered`` event per subject, with exactly the payload
the single-subject path writes (so replay and verification cannot tell them
apart). The caller must have checked that none of them is registered yet: the
unique indexes refuse the whole transaction otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xinyong.ledger.chain import payload_text
from xinyong.ledger.engine import insert_rows
from xinyong.ledger.model import NATURAL_PERSON, Entity, EventType
from xinyong.ledger.tables import subjects

if TYPE_CHECKING:
    from xinyong.ledger.transaction import Transaction


@dataclass(frozen=True)
class NewSubject:
    """An organisation to register: a valid, compact USCC, its catalog kind and name."""

    code: str
    kind: str
    name: str
    region: str | None = None


@dataclass(frozen=True)
class NewPerson:
    """A natural person to register: the validated 18-digit identity number and a name.

    The number is encrypted and hashed here; it never reaches a row or an event
    in clear.
    """

    id_number: str
    name: str
    region: str | None = None


def register_subjects(tx: Transaction, items: Sequence[NewSubject]) -> list[int]:
    """Register organisations; returns their subject ids in input order."""
    rows = [(item.code, item.kind, item.name, item.region, None, None, None) for item in items]
    return _register(tx, rows)


def register_persons(tx: Transaction, items: Sequence[NewPerson]) -> list[int]:
    """Register natural persons (identity numbers already validated); returns their ids."""
    from xinyong.ids import ric  # deferred like the ledger's other identifier imports

    if not items:
        return []
    cipher = tx._cipher()
    rows = []
    for item in items:
        key = cipher.lookup_key(item.id_number)
        rows.append(
            (None, NATURAL_PERSON, item.name, item.region, key,
             cipher.encrypt(item.id_number, key), ric.mask(item.id_number))
        )  # fmt: skip
    return _register(tx, rows)


def _register(
    tx: Transaction,
    rows: Sequence[tuple[str | None, str, str, str | None, str | None, bytes | None, str | None]],
) -> list[int]:
    if not rows:
        return []
    for code, _, name, *_ in rows:
        if not name.strip():
            raise ValueError(f"a subject needs a name (code {code or 'of a person'})")
    ids = tx._reserve("subjects", len(rows))
    now = tx._now_db
    table_rows = [
        (sid, code, kind, name, region, key, blob, masked, now, now)
        for sid, (code, kind, name, region, key, blob, masked) in zip(ids, rows, strict=True)
    ]
    insert_rows(tx._conn, subjects, table_rows)
    today = tx.today()
    for sid, (code, kind, name, region, key, _, _) in zip(ids, rows, strict=True):
        body = payload_text(
            {"code": code, "kind": kind, "name": name, "region": region, "person_key": key}
        )
        tx._append(Entity.SUBJECT, sid, EventType.REGISTERED, today, body)
    return list(ids)
