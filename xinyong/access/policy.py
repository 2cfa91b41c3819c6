"""Authorisation: one table of who may do what, deny by default.

Every non-public action passes :func:`authorise`. An action missing from
:data:`ALLOWED`, an audience missing from its row, a subject reading another
subject, an agency without a purpose, with a purpose its key does not carry,
or with a purpose that releases only aggregates: all refused. The reasons are
worded for the person refused (and land in the audit log).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xinyong.access.actors import Actor, Audience
from xinyong.access.errors import AuthenticationError, ForbiddenError
from xinyong.catalog import Catalog

#: The purpose a subject reads its own data under.
SUBJECT_ACCESS = "subject_access"


class Action(StrEnum):
    """Things an actor can ask for beyond what the public sees."""

    READ_RECORDS = "read_records"  # non-public fields and records about one subject
    READ_ACCESS_LOG = "read_access_log"  # who looked at one subject's data
    EXPORT_AUDIT = "export_audit"  # the whole audit trail
    ISSUE_ACTIVATION = "issue_activation"  # let a subject open an account
    ISSUE_API_KEY = "issue_api_key"  # let an agency in
    FILE_OBJECTION = "file_objection"  # contest one of one's own records
    APPLY_REPAIR = "apply_repair"  # ask to end one of one's own records' publicity early
    READ_CASES = "read_cases"  # one's own objections, repairs and listing procedures
    FURNISH = "furnish"  # a department pushes a file of its own records


ALLOWED: dict[Action, frozenset[Audience]] = {
    Action.READ_RECORDS: frozenset({Audience.SUBJECT, Audience.AGENCY}),
    Action.READ_ACCESS_LOG: frozenset({Audience.SUBJECT, Audience.AUDITOR}),
    Action.EXPORT_AUDIT: frozenset({Audience.AUDITOR}),
    Action.ISSUE_ACTIVATION: frozenset({Audience.OPERATOR}),
    Action.ISSUE_API_KEY: frozenset({Audience.OPERATOR}),
    Action.FILE_OBJECTION: frozenset({Audience.SUBJECT}),
    Action.APPLY_REPAIR: frozenset({Audience.SUBJECT}),
    Action.READ_CASES: frozenset({Audience.SUBJECT}),
    Action.FURNISH: frozenset({Audience.AGENCY}),
}


@dataclass(frozen=True)
class Grant:
    """Permission for one action, with the purpose it was granted for."""

    actor: Actor
    action: Action
    purpose: str | None
    subject_id: int | None


def authorise(
    catalog: Catalog,
    actor: Actor,
    action: Action,
    *,
    subject_id: int | None = None,
    purpose: str | None = None,
) -> Grant:
    """A :class:`Grant`, or :class:`ForbiddenError`/:class:`AuthenticationError` saying why not."""
    allowed = ALLOWED.get(action, frozenset())
    if actor.audience not in allowed:
        if actor.is_public:
            raise AuthenticationError(f"{action.value} needs an authenticated caller")
        raise ForbiddenError(f"a caller of audience {actor.audience.value} may not {action.value}")
    if actor.audience is Audience.SUBJECT:
        return _subject_grant(actor, action, subject_id, purpose)
    if actor.audience is Audience.AGENCY and action is Action.FURNISH:
        return Grant(actor, action, None, subject_id)  # the route checks the source is theirs
    if actor.audience is Audience.AGENCY:
        return Grant(actor, action, _agency_purpose(catalog, actor, purpose), subject_id)
    return Grant(actor, action, purpose, subject_id)


def _subject_grant(
    actor: Actor, action: Action, subject_id: int | None, purpose: str | None
) -> Grant:
    if actor.subject_id is None or subject_id != actor.subject_id:
        raise ForbiddenError("a subject may see and act on only its own data")
    if purpose not in (None, SUBJECT_ACCESS):
        raise ForbiddenError(f"a subject reads its own data as {SUBJECT_ACCESS}, not {purpose}")
    return Grant(actor, action, SUBJECT_ACCESS, subject_id)


def _agency_purpose(catalog: Catalog, actor: Actor, purpose: str | None) -> str:
    if not purpose:
        raise ForbiddenError("declare a purpose: every read of non-public data needs one")
    found = catalog.purposes.get(purpose)
    if found is None or found.actor != "agency":
        known = ", ".join(sorted(actor.purposes))
        raise ForbiddenError(f"unknown purpose {purpose!r} (this key may declare: {known})")
    if purpose not in actor.purposes:
        raise ForbiddenError(f"this key may not declare the purpose {purpose!r}")
    if found.aggregated_only:
        raise ForbiddenError(f"purpose {purpose!r} releases aggregates only, not one subject")
    return purpose
