"""Access control: actors, audiences, purposes, authorisation, masking and the audit trail.

Deny by default, in one place: :class:`Access` authenticates callers (API keys
for agencies, sessions for subjects, operators and auditors), asks
:func:`~xinyong.access.policy.authorise` before every non-public read, writes
the hash-chained audit entry, then shapes what the audience may see with the
catalog's disclosure rules (:mod:`xinyong.access.disclosure`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xinyong.access.accounts import Account
    from xinyong.access.actors import PUBLIC, Actor, Audience
    from xinyong.access.audit import AuditEntry, AuditLog
    from xinyong.access.disclosure import FieldView, Publicity, RecordView, SubjectView
    from xinyong.access.errors import (
        AccessError,
        AuthenticationError,
        ConflictError,
        ForbiddenError,
        InvalidInputError,
    )
    from xinyong.access.keys import ApiKey
    from xinyong.access.policy import Action, Grant, authorise
    from xinyong.access.search import Hit, SearchResult
    from xinyong.access.service import Access

# Exports load on first use: ``xinyong verify`` needs only the audit chain, not the
# web-facing service (and everything it imports).
_EXPORTS = {
    "Access": "service",
    "AccessError": "errors",
    "Account": "accounts",
    "Action": "policy",
    "Actor": "actors",
    "ApiKey": "keys",
    "Audience": "actors",
    "AuditEntry": "audit",
    "AuditLog": "audit",
    "AuthenticationError": "errors",
    "ConflictError": "errors",
    "FieldView": "disclosure",
    "ForbiddenError": "errors",
    "Grant": "policy",
    "Hit": "search",
    "InvalidInputError": "errors",
    "PUBLIC": "actors",
    "Publicity": "disclosure",
    "RecordView": "disclosure",
    "SearchResult": "search",
    "SubjectView": "disclosure",
    "authorise": "policy",
}

__all__ = [
    "PUBLIC",
    "Access",
    "AccessError",
    "Account",
    "Action",
    "Actor",
    "ApiKey",
    "Audience",
    "AuditEntry",
    "AuditLog",
    "AuthenticationError",
    "ConflictError",
    "FieldView",
    "ForbiddenError",
    "Grant",
    "Hit",
    "InvalidInputError",
    "Publicity",
    "RecordView",
    "SearchResult",
    "SubjectView",
    "authorise",
]


def __getattr__(name: str) -> Any:
    """Import the module that defines ``name`` when it is first asked for."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
