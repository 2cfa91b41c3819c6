"""Who is asking: an actor of one of five audiences.

An :class:`Actor` is built only by authentication (an API key, a session) or
as :data:`PUBLIC`; the web layer never builds one from request parameters, so
a request cannot claim an audience it did not prove.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Audience(StrEnum):
    """The closed set of audiences; authorisation decides per audience, deny by default."""

    PUBLIC = "public"
    SUBJECT = "subject"
    AGENCY = "agency"
    OPERATOR = "operator"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class Actor:
    """An authenticated (or anonymous public) caller.

    ``name`` is what the audit log records (``agency:<code>/key:<id>``,
    ``account:<username>``, ``public``). ``subject_id`` is set only for a
    subject's own account, ``agency`` and ``purposes`` only for an API key.
    """

    audience: Audience
    name: str
    subject_id: int | None = None
    agency: str | None = None
    purposes: frozenset[str] = field(default_factory=frozenset)
    account_id: int | None = None

    @property
    def is_public(self) -> bool:
        """Whether the caller proved nothing about itself."""
        return self.audience is Audience.PUBLIC


#: The anonymous caller: sees what the catalog publishes, nothing else.
PUBLIC = Actor(Audience.PUBLIC, "public")
