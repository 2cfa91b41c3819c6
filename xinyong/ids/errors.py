"""Typed validation errors shared by every identifier module.

Ingestion rejects records with a reason that a clerk in a department can act
on, in Chinese, and that an operator can read in English; the class name is the
machine-readable error code that reports and the CLI aggregate on. So each
error carries both reasons, specific to the failure ("the check character
should be '3', not 'Z'", not just "bad checksum"), and, where meaningful, the
field and the 1-based position that failed.

>>> from xinyong.ids.errors import InvalidChecksum
>>> err = InvalidChecksum(
...     "第18位校验码应为 3，实为 Z",
...     "check character (position 18) should be '3', not 'Z'",
...     field="check",
...     position=18,
... )
>>> str(err)
"check character (position 18) should be '3', not 'Z'"
>>> err.code, err.position, isinstance(err, ValueError)
('InvalidChecksum', 18, True)
"""

from __future__ import annotations

__all__ = [
    "InvalidChecksum",
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "ValidationError",
]


class ValidationError(ValueError):
    """An identifier is not valid; the subclass says which kind of fault it is.

    A ``ValueError`` so that callers who only care "valid or not" can keep
    catching the built-in type.
    """

    def __init__(
        self,
        reason_zh: str,
        reason_en: str,
        *,
        field: str | None = None,
        position: int | None = None,
    ) -> None:
        super().__init__(reason_en)
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        self.field = field
        self.position = position

    @property
    def code(self) -> str:
        """The machine-readable error code: the class name, e.g. ``InvalidChecksum``."""
        return type(self).__name__

    def __str__(self) -> str:
        return self.reason_en

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments need help to survive pickling (multiprocessing ingest).
        return (_rebuild, (type(self), self.reason_zh, self.reason_en, self.field, self.position))


def _rebuild(
    cls: type[ValidationError],
    reason_zh: str,
    reason_en: str,
    field: str | None,
    position: int | None,
) -> ValidationError:
    return cls(reason_zh, reason_en, field=field, position=position)


class InvalidLength(ValidationError):  # noqa: N818 - names follow the stdnum convention
    """The number has the wrong number of characters after compaction."""


class InvalidFormat(ValidationError):  # noqa: N818 - names follow the stdnum convention
    """A character is not allowed where it stands (a letter among digits, I/O/S/V/Z...)."""


class InvalidComponent(ValidationError):  # noqa: N818 - names follow the stdnum convention
    """A part is well formed but does not exist: an authority, a region, a date."""


class InvalidChecksum(ValidationError):  # noqa: N818 - names follow the stdnum convention
    """A check character does not match the characters it protects."""
