"""Errors of the due-process workflows; each says what the caller can do about it."""

from __future__ import annotations

from xinyong.ledger.errors import LedgerError, NotFoundError

__all__ = ["CaseNotFoundError", "ConflictError", "ProcedureError", "WorkflowError"]


class WorkflowError(LedgerError):
    """Base class: the step was refused and nothing was stored."""


class ProcedureError(WorkflowError):
    """The step is not allowed now: wrong state, window still open, same person, missing proof.

    The message is the reason given to whoever attempted it; refusals are never silent.
    """


class ConflictError(WorkflowError):
    """Someone else changed the case meanwhile; read it again and retry."""


class CaseNotFoundError(WorkflowError, NotFoundError):
    """No case, notice or proposal with that id."""
