"""Errors the ledger raises; each says what the caller can do about it."""

from __future__ import annotations

__all__ = [
    "DuplicateError",
    "IdentifierError",
    "LedgerError",
    "NoStoreError",
    "NotFoundError",
    "TransitionError",
]


class LedgerError(Exception):
    """Base class: the write was refused and nothing was stored."""


class NoStoreError(LedgerError):
    """There is no store at the configured location yet: run ``xinyong init``."""


class NotFoundError(LedgerError, LookupError):
    """A subject, source, batch or record id does not exist."""


class DuplicateError(LedgerError):
    """Something with the same unique key (code, person, natural key) already exists."""


class TransitionError(LedgerError):
    """The change does not apply to the record in its current state."""


class IdentifierError(LedgerError, ValueError):
    """A USCC or identity number failed validation; ``reason`` is the validator's code.

    For identity numbers the message never repeats the number.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason
