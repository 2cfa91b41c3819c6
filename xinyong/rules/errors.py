"""Errors of the rules layer."""

from __future__ import annotations

from xinyong.catalog.errors import CatalogError


class PolicyError(CatalogError):
    """A policy file is invalid; the message names the file, the rule, the field and why."""


class EngineUnavailableError(RuntimeError):
    """The requested engine cannot run here (for example PySpark or Java is missing)."""
