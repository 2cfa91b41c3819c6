"""Plain-data views of catalog items, for JSON output and the API.

Kept beside the model rather than in the CLI so that the command line, the web API
and generated documentation all describe the catalog in the same shape.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from xinyong.catalog.catalog import Catalog
from xinyong.catalog.duration import Duration
from xinyong.catalog.record import RecordType


def as_data(value: object) -> Any:
    """Convert catalog objects to JSON-compatible data (durations as ISO 8601 text)."""
    if isinstance(value, Duration):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return value.as_posix()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): as_data(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(as_data(v) for v in value)
    if isinstance(value, list | tuple):
        return [as_data(v) for v in value]
    return value


def record_type_data(catalog: Catalog, rt: RecordType) -> dict[str, Any]:
    """A record type with its category and publicity regimes spelled out."""
    data: dict[str, Any] = as_data(rt)
    data["category_label"] = as_data(catalog.categories[rt.category].label)
    data["regimes"] = [
        as_data(r) for r in catalog.regimes.values() if r.series in rt.publicity.series
    ]
    if rt.publicity.list_field:
        data["lists"] = [as_data(catalog.lists[t]) for t in rt.severity.tiers]
    return data


def catalog_data(catalog: Catalog) -> dict[str, Any]:
    """The whole catalog except its root path, in catalog order."""
    return {
        "editions": as_data(catalog.editions),
        "categories": as_data(catalog.categories),
        "record_types": as_data(catalog.record_types),
        "subject_kinds": as_data(catalog.subject_kinds),
        "lists": as_data(catalog.lists),
        "measure_groups": as_data(catalog.measure_groups),
        "measures": as_data(catalog.measures),
        "purposes": as_data(catalog.purposes),
        "regimes": as_data(catalog.regimes),
        "prohibited": as_data(catalog.prohibited),
    }
