"""Errors of access control; each carries a stable code the web layer puts in error bodies."""

from __future__ import annotations


class AccessError(Exception):
    """Base class: ``code`` is machine-readable, the message is for people."""

    code = "access_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AuthenticationError(AccessError):
    """Credentials are missing, wrong, expired or revoked (HTTP 401)."""

    code = "unauthenticated"


class ForbiddenError(AccessError):
    """The actor is known but may not do this, or did not declare an allowed purpose (403)."""

    code = "forbidden"


class InvalidInputError(AccessError):
    """A value given to an access function is malformed; ``field`` names it (HTTP 422)."""

    code = "invalid"


class ConflictError(AccessError):
    """The request collides with existing state, e.g. a username already taken (HTTP 409)."""

    code = "conflict"
