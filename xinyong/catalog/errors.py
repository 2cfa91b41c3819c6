"""Errors raised by the catalog.

Two kinds, kept apart on purpose: a :class:`CatalogError` means the catalog files
themselves are wrong and the platform must not start on them; an
:class:`UnknownItemError` or :class:`PublicityError` means a caller asked a valid
catalog about something it does not contain.
"""

from __future__ import annotations


class CatalogError(ValueError):
    """The catalog files are invalid; the message names the file, the item and the reason."""


class UnknownItemError(LookupError):
    """A record type, list, measure, purpose or other item is not in the catalog."""


class PublicityError(LookupError):
    """No publicity regime applies to the record type, tier and date asked about."""
