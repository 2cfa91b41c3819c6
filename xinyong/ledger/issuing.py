"""Issuing new Unified Social Credit Codes that no subject of this store already carries.

:func:`xinyong.ids.uscc.issue` is collision-free among the codes it builds, but a
store also holds codes issued elsewhere (by other registration systems, or
loaded from department feeds). The organization code in positions 9-17 is the
entity's identifier whatever the authority and region, so a fresh code is
skipped when any registered subject already has its organization code.
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa

from xinyong.ids import uscc
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.store import Store
from xinyong.ledger.tables import subjects

#: The store counter that numbers issued organization-code bodies.
SERIAL_COUNTER = "uscc.body"


def _taken(store: Store, org_codes: Collection[str]) -> set[str]:
    embedded = sa.func.substr(subjects.c.code, 9, 9)
    query = sa.select(embedded).where(embedded.in_(sorted(org_codes)))
    with read_transaction(store.engine) as conn:
        return {str(code) for code in conn.scalars(query)}


def issue_codes(
    store: Store, authority: str, entity_type: str, region: str, count: int
) -> list[str]:
    """``count`` new codes from the store's counter, none sharing a registered organization code.

    Serials are reserved (and so never reused) before the check; those whose
    code is skipped are simply spent. Raises the validators' typed errors for a
    bad authority, type or region, before reserving anything.
    """
    uscc.issuable_head(authority, entity_type, region)
    issued: list[str] = []
    while len(issued) < count:
        codes = uscc.issue(
            authority,
            entity_type,
            region,
            store.reserve_serials(SERIAL_COUNTER, count - len(issued)),
        )
        taken = _taken(store, {code[8:17] for code in codes})
        issued += [code for code in codes if code[8:17] not in taken]
    return issued
