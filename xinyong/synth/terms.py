"""The catalog's words, as the generator writes them.

Column headers of the double-publicity feeds and the enumerated values (licence status
1/2, commitment types, court listing grounds ...) come from the catalog, so a feed the
generator writes and the catalog an ingester maps it with can never drift apart.
"""

from __future__ import annotations

from xinyong.catalog import load_catalog


def headers(record_type: str) -> tuple[str, ...]:
    """The data standard's Chinese column names of a record type, in catalog order."""
    fields = load_catalog().record_type(record_type).fields
    return tuple(f.std_name for f in fields if f.std_name)


def label(record_type: str, field: str, value: str) -> str:
    """The Chinese label of one enumerated value, e.g. ``kept`` -> 已履行."""
    spec = load_catalog().record_type(record_type).field(field)
    for v in spec.values:
        if v.value == value:
            return v.label.zh if v.label else v.value
    raise KeyError(f"{record_type}.{field} has no value {value!r}")


def labels(record_type: str, field: str) -> tuple[str, ...]:
    """Chinese labels of every value of an enumerated field, in catalog order."""
    spec = load_catalog().record_type(record_type).field(field)
    return tuple(v.label.zh if v.label else v.value for v in spec.values)
