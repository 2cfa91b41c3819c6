"""The write transaction handed out by ``Store.transaction()``."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

from xinyong.clock import Clock
from xinyong.ledger.write_records import RecordWrites
from xinyong.ledger.write_registry import RegistryWrites
from xinyong.privacy import PersonIdCipher


class Transaction(RegistryWrites, RecordWrites):
    """Every write of the ledger; all of one transaction's writes commit together or not at all.

    All its events share one transaction time (``recorded_at``) and one actor.
    Do not keep it beyond the ``with`` block that created it.
    """

    def __init__(
        self,
        conn: Connection,
        clock: Clock,
        actor: str,
        cipher: Callable[[], PersonIdCipher],
        batch_id: int | None = None,
    ) -> None:
        super().__init__(conn, clock, actor, batch_id)
        self._cipher = cipher
