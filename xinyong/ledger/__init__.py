"""The ledger: the durable, tamper-evident record store.

Subjects, sources, ingest batches and credit records, each change kept as an
append-only event with its provenance, the events linked in a hash chain, and
reads at any past valid time and transaction time. SQLite by default,
PostgreSQL through ``XINYONG_DATABASE_URL``. Start with :func:`open_store`.
"""

from xinyong.ledger.errors import (
    DuplicateError,
    IdentifierError,
    LedgerError,
    NoStoreError,
    NotFoundError,
    TransitionError,
)
from xinyong.ledger.model import (
    NATURAL_PERSON,
    Batch,
    ChainHead,
    Entity,
    Event,
    EventType,
    NewRecord,
    Provenance,
    Record,
    RecordState,
    RecordStatus,
    Source,
    Subject,
    SubjectState,
    VerifyReport,
)
from xinyong.ledger.store import Store, open_store
from xinyong.ledger.transaction import Transaction

__all__ = [
    "NATURAL_PERSON",
    "Batch",
    "ChainHead",
    "DuplicateError",
    "Entity",
    "Event",
    "EventType",
    "IdentifierError",
    "LedgerError",
    "NewRecord",
    "NoStoreError",
    "NotFoundError",
    "Provenance",
    "Record",
    "RecordState",
    "RecordStatus",
    "Source",
    "Store",
    "Subject",
    "SubjectState",
    "Transaction",
    "TransitionError",
    "VerifyReport",
    "open_store",
]
