"""The Store: the one object the rest of xinyong uses to read and write the ledger.

Every write is one transaction (:meth:`Store.transaction` groups several);
reads run in a snapshot. This module and the modules it calls are the only
places that speak SQL.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from xinyong.clock import Clock, clock_from
from xinyong.ledger import counters, migrate, reads
from xinyong.ledger.checkpoints import background_checkpoints
from xinyong.ledger.engine import create_store_engine, read_transaction, write_transaction
from xinyong.ledger.errors import NoStoreError
from xinyong.ledger.head import HeadWatch
from xinyong.ledger.model import (
    Batch,
    ChainHead,
    Entity,
    Event,
    Record,
    RecordState,
    Source,
    Subject,
    SubjectState,
    VerifyReport,
)
from xinyong.ledger.transaction import Transaction
from xinyong.ledger.verify import read_head, verify_chain
from xinyong.ledger.write_registry import validate_ric, validate_uscc
from xinyong.privacy import PersonIdCipher, ensure_secret_key, load_secret_key
from xinyong.settings import Settings

P = ParamSpec("P")
R = TypeVar("R")


def _one_transaction(
    method: Callable[Concatenate[Transaction, P], R],
) -> Callable[Concatenate[Store, P], R]:
    """Expose a :class:`Transaction` write on the store, run in a transaction of its own."""

    @functools.wraps(method)
    def run(self: Store, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.transaction() as tx:
            return method(tx, *args, **kwargs)

    return run


def _instant(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("recorded_at must be an aware datetime (a UTC instant)")
    return value


class Store:
    """Subjects, sources, records and their hash-chained history, in SQLite or PostgreSQL."""

    def __init__(
        self, engine: Engine, settings: Settings, clock: Clock, *, actor: str = "system"
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.actor = actor
        self._cipher: PersonIdCipher | None = None
        self._head = HeadWatch(engine)

    def init(self) -> None:
        """Create or upgrade the schema (idempotent; safe while others use the store)."""
        migrate.upgrade(self.engine)

    def close(self) -> None:
        """Release every connection."""
        self._head.close()
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def cipher(self) -> PersonIdCipher:
        """The identity-number cipher, loading the master secret on first use only.

        Lazy, so that operations that never touch a person's number (verify,
        head, reports on organisations) work without access to the secret.
        """
        if self._cipher is None:
            self._cipher = PersonIdCipher(load_secret_key(self.settings))
        return self._cipher

    @contextmanager
    def transaction(
        self, *, actor: str | None = None, batch_id: int | None = None
    ) -> Iterator[Transaction]:
        """One atomic unit of writes: all events, projections and the head commit, or none.

        ``actor`` (default: the store's) is recorded on every event;
        ``batch_id`` becomes the default provenance batch of its events.
        """
        with write_transaction(self.engine) as conn:
            tx = Transaction(conn, self.clock, actor or self.actor, self.cipher, batch_id)
            yield tx
            tx._finish()

    def bulk_writes(self) -> AbstractContextManager[None]:
        """Around many large write transactions in a row (an ingestion): cheaper commits.

        On SQLite the WAL is copied back into the database by a thread of its own
        instead of by each commit (see :mod:`xinyong.ledger.checkpoints`); on
        PostgreSQL nothing changes.
        """
        return background_checkpoints(self.engine)

    register_source = _one_transaction(Transaction.register_source)
    register_subject = _one_transaction(Transaction.register_subject)
    register_person = _one_transaction(Transaction.register_person)
    amend_subject = _one_transaction(Transaction.amend_subject)
    open_batch = _one_transaction(Transaction.open_batch)
    close_batch = _one_transaction(Transaction.close_batch)
    assert_record = _one_transaction(Transaction.assert_record)
    add_records = _one_transaction(Transaction.add_records)
    amend_record = _one_transaction(Transaction.amend_record)
    withdraw_record = _one_transaction(Transaction.withdraw_record)
    mark_disputed = _one_transaction(Transaction.mark_disputed)
    resolve_dispute = _one_transaction(Transaction.resolve_dispute)
    mark_repaired = _one_transaction(Transaction.mark_repaired)
    mark_expired = _one_transaction(Transaction.mark_expired)
    restore_record = _one_transaction(Transaction.restore_record)

    def reserve_serials(self, name: str, count: int) -> range:
        """Take ``count`` fresh values of the named counter; never handed out twice.

        Its own transaction, committed before returning: codes issued from the
        range cannot collide with another invocation's, even in another process.
        """
        with write_transaction(self.engine) as conn:
            return counters.reserve(conn, name, count)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with read_transaction(self.engine) as conn:
            yield conn

    def find_subject(self, code: str) -> Subject | None:
        """The organisation with this USCC (validated first, so formatting does not matter)."""
        with self._read() as conn:
            return reads.find_subject(conn, validate_uscc(code))

    def find_person(self, id_number: str) -> Subject | None:
        """The natural person with this identity number, found by its keyed hash."""
        number, _ = validate_ric(id_number, self.clock.today())
        with self._read() as conn:
            return reads.find_person(conn, self.cipher().lookup_key(number))

    def reveal_person_id(self, subject_id: int) -> str:
        """The clear identity number of a person; callers must check and audit the purpose."""
        with self._read() as conn:
            blob, key = reads.person_secret(conn, subject_id)
        return self.cipher().decrypt(blob, key)

    def get_subject(self, subject_id: int) -> Subject:
        """The subject with this id (:class:`NotFoundError` otherwise)."""
        with self._read() as conn:
            return reads.get_subject(conn, subject_id)

    def find_source(self, code: str) -> Source | None:
        """The source registered under ``code``."""
        with self._read() as conn:
            return reads.find_source(conn, code)

    def get_source(self, source_id: int) -> Source:
        """The source with this id (:class:`NotFoundError` otherwise)."""
        with self._read() as conn:
            return reads.get_source(conn, source_id)

    def list_sources(self) -> list[Source]:
        """Every registered source, by code."""
        with self._read() as conn:
            return reads.list_sources(conn)

    def get_batch(self, batch_id: int) -> Batch:
        """The batch with this id (:class:`NotFoundError` otherwise)."""
        with self._read() as conn:
            return reads.get_batch(conn, batch_id)

    def get_record(self, record_id: int) -> Record:
        """The current state of a record (:class:`NotFoundError` otherwise)."""
        with self._read() as conn:
            return reads.get_record(conn, record_id)

    def find_record(
        self, source_id: int, record_type: str, document_no: str, subject_id: int
    ) -> Record | None:
        """The record with this natural key, if it exists."""
        with self._read() as conn:
            return reads.find_record(conn, source_id, record_type, document_no, subject_id)

    def records_of(self, subject_id: int) -> list[Record]:
        """Current state of every record about the subject."""
        with self._read() as conn:
            return reads.records_of(conn, subject_id)

    def history(
        self,
        record_id: int,
        *,
        valid_at: dt.date | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> list[Event]:
        """A record's events in chain order, optionally only those effective/known by then."""
        with self._read() as conn:
            return reads.history(
                conn, Entity.RECORD, record_id, valid_at=valid_at, recorded_at=_instant(recorded_at)
            )

    def record_as_of(
        self,
        record_id: int,
        valid_at: dt.date | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> RecordState | None:
        """The record as it stood on ``valid_at``, as the ledger knew it at ``recorded_at``."""
        with self._read() as conn:
            return reads.record_as_of(conn, record_id, valid_at, _instant(recorded_at))

    def subject_as_of(
        self,
        subject_id: int,
        valid_at: dt.date | None = None,
        recorded_at: dt.datetime | None = None,
    ) -> SubjectState | None:
        """The subject and its records on ``valid_at``, as known at ``recorded_at``."""
        with self._read() as conn:
            return reads.subject_as_of(conn, subject_id, valid_at, _instant(recorded_at))

    def last_seq(self) -> int:
        """The chain's last sequence number, cheap enough to ask before every request.

        It moves with every committed event, in any process; on SQLite it is read
        again only when the file has changed (:class:`~xinyong.ledger.head.HeadWatch`).
        """
        return self._head.seq()

    def chain_head(self) -> ChainHead:
        """The last link of the chain; publish it to make later rewrites detectable."""
        with self._read() as conn:
            head = read_head(conn)
        if head is None:
            raise NoStoreError("the chain head row is missing")
        return head

    def verify(self, expect_head: str | None = None) -> VerifyReport:
        """Walk the whole chain, the access audit chain and adopted explanations, in one snapshot.

        See :mod:`xinyong.ledger.verify`, :mod:`xinyong.access.audit` and
        :mod:`xinyong.workflows.integrity`.
        """
        # Access and workflows sit above the ledger.
        from xinyong.access.audit import verify_audit
        from xinyong.workflows.integrity import verify_explanations

        with self._read() as conn:
            return verify_explanations(conn, verify_audit(conn, verify_chain(conn, expect_head)))


def _sqlite_file(url: str) -> Path | None:
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def open_store(
    settings: Settings,
    clock: Clock | None = None,
    *,
    create: bool = False,
    actor: str = "system",
) -> Store:
    """Open the store the settings name, upgrading its schema if this xinyong is newer.

    With ``create`` the data directory, the key file (unless
    ``XINYONG_SECRET_KEY`` is set) and the schema are created as needed;
    without it a missing store is an error rather than a silently created
    empty one (a typo in ``XINYONG_HOME`` must not look like an empty ledger).
    """
    url = settings.resolved_database_url
    path = _sqlite_file(url)
    if create:
        if path is not None:
            # Names of persons and their encrypted numbers live here: owner only.
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        ensure_secret_key(settings)
    elif path is not None and not path.exists():
        raise NoStoreError(f"no xinyong store at {path}: run `xinyong init`")
    engine = create_store_engine(url)
    try:
        migrate.ensure_current(engine, create=create)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, settings, clock or clock_from(settings), actor=actor)
