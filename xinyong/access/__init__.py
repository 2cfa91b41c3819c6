"""Access control: actors, audiences, purposes, authorisation, masking and the audit trail.

Deny by default, in one place: :class:`Access` authenticates callers (API keys
for agencies, sessions for subjects, operators and auditors), asks
:func:`~xinyong.access.policy.authorise` before every non-public read, writes
the hash-chained audit entry, then shapes what the audience may see with the
catalog's disclosure rules (:mod:`xinyong.access.disclosure`).
"""

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
