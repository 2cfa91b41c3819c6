"""Strict reading of the catalog's YAML files.

The catalog is closed: a key the loader does not know is an error, not something to
ignore, because a misspelt ``legal_basis`` or ``audience`` would otherwise silently
drop a safeguard. :class:`Node` wraps one mapping, remembers where it came from for
error messages, and refuses whatever keys were not consumed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import yaml

from xinyong.catalog.duration import Duration, parse_duration
from xinyong.catalog.errors import CatalogError
from xinyong.catalog.model import CONFIDENCES, Label, LegalBasis, Provenance


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Hashable, Any]:
    seen: set[Hashable] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise CatalogError(f"line {line}: duplicate key {key!r}")
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def read_yaml(path: Path, root: Path) -> Node:
    """Parse one catalog file into a :class:`Node` named by its path under ``root``."""
    name = path.relative_to(root).as_posix()
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.load(stream, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except OSError as exc:
        raise CatalogError(f"{name}: cannot be read: {exc.strerror}") from exc
    except CatalogError as exc:
        raise CatalogError(f"{name}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{name}: not valid YAML: {exc}") from exc
    return Node(data, name)


class Node:
    """One YAML mapping being read; every accessor consumes a key."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise CatalogError(f"{where}: expected a mapping, got {type(data).__name__}")
        self.data: Mapping[object, object] = data
        self.where = where
        self._used: set[object] = set()

    def error(self, message: str) -> CatalogError:
        """An error about this node, prefixed with where it is."""
        return CatalogError(f"{self.where}: {message}")

    def has(self, key: str) -> bool:
        """Whether the key is present (and not null)."""
        return self.data.get(key) is not None

    def raw(self, key: str) -> object:
        """The key's raw value (None when absent), marking it as read."""
        self._used.add(key)
        return self.data.get(key)

    def text(self, key: str) -> str:
        """A required, non-empty string."""
        value = self.raw(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"'{key}' is required and must be non-empty text")
        return value.strip()

    def opt_text(self, key: str) -> str | None:
        """An optional string."""
        if self.has(key):
            return self.text(key)
        self._used.add(key)
        return None

    def flag(self, key: str, default: bool = False) -> bool:
        """An optional boolean."""
        value = self.raw(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(f"'{key}' must be true or false, got {value!r}")
        return value

    def number(self, key: str, *, integer: bool = False) -> float | None:
        """An optional number; ``integer`` refuses fractions."""
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(f"'{key}' must be a number, got {value!r}")
        if integer and not isinstance(value, int):
            raise self.error(f"'{key}' must be a whole number, got {value!r}")
        return value

    def integer(self, key: str) -> int | None:
        """An optional whole number."""
        value = self.number(key, integer=True)
        return None if value is None else int(value)

    def date(self, key: str) -> dt.date | None:
        """An optional ISO date (YYYY-MM-DD)."""
        value = self.raw(key)
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as exc:
            raise self.error(f"'{key}' must be a date as YYYY-MM-DD, got {value!r}") from exc

    def duration(self, key: str) -> Duration | None:
        """An optional duration (ISO 8601 or months); null means no fixed length."""
        value = self.raw(key)
        if value is None:
            return None
        try:
            return parse_duration(value)
        except ValueError as exc:
            raise self.error(f"'{key}': {exc}") from exc

    def items(self, key: str, *, required: bool = False) -> list[object]:
        """A list (empty when absent and not required)."""
        value = self.raw(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or (required and not value):
            raise self.error(f"'{key}' must be a non-empty list")
        return value

    def names(self, key: str, *, required: bool = False) -> tuple[str, ...]:
        """A list of identifiers (numbers such as edition years are read as text)."""
        out = []
        for item in self.items(key, required=required):
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise self.error(f"'{key}' must list names, got {item!r}")
            out.append(str(item))
        if len(set(out)) != len(out):
            raise self.error(f"'{key}' lists a name twice")
        return tuple(out)

    def child(self, key: str, where: str | None = None) -> Node:
        """A nested mapping."""
        return Node(self.raw(key), f"{self.where}, {where or key}")

    def label(self, key: str = "label") -> Label:
        """A required {zh, en} label."""
        node = self.child(key)
        label = Label(zh=node.text("zh"), en=node.text("en"))
        node.done()
        return label

    def opt_label(self, key: str = "label") -> Label | None:
        """An optional {zh, en} label."""
        if self.has(key):
            return self.label(key)
        self._used.add(key)
        return None

    def provenance(self) -> Provenance:
        """The optional confidence, sources and note; unconfirmed facts must name a source."""
        confidence = self.opt_text("confidence")
        if confidence is not None and confidence not in CONFIDENCES:
            raise self.error(f"confidence must be one of {', '.join(CONFIDENCES)}")
        sources = self.names("sources")
        if confidence == "unconfirmed" and not sources and not self.has("url"):
            raise self.error("an unconfirmed fact must name its sources")
        return Provenance(confidence, sources, self.opt_text("note"))

    def legal_basis(self, key: str = "legal_basis") -> tuple[LegalBasis, ...]:
        """A non-empty list of {instrument, article, url}; the article is mandatory."""
        if not self.has(key):
            raise self.error(f"has no {key}: name the instrument and article that authorise it")
        out = []
        for index, item in enumerate(self.items(key, required=True), start=1):
            node = Node(item, f"{self.where}, {key} #{index}")
            basis = LegalBasis(node.text("instrument"), node.text("article"), node.text("url"))
            if not basis.url.startswith(("http://", "https://")):
                raise node.error(f"url must be an http(s) address, got {basis.url!r}")
            out.append(LegalBasis(basis.instrument, basis.article, basis.url, node.provenance()))
            node.done()
        return tuple(out)

    def done(self) -> None:
        """Refuse keys nobody read: the catalog is a closed vocabulary."""
        unknown = sorted(str(k) for k in self.data if k not in self._used)
        if unknown:
            raise self.error(f"unknown key(s): {', '.join(unknown)}")
