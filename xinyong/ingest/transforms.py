"""Named column transforms: from a column of cells to normalised values and faults.

Transforms run on a whole column of a chunk at once (a list of cells), so the
common case costs one list comprehension rather than a function call per cell,
and repeated values (dates, amounts, enum labels, authority names) are parsed
once and then looked up. Each returns the normalised values (``None`` for an
empty cell), the faults of the rows it could not read, and the cell text of rows
whose text it changed (full-width forms, stray spaces, brackets), so the record
keeps what the department actually sent.

A mapping names a transform per field; the default follows the catalog type.
"""

from __future__ import annotations

from collections.abc import Callable

from xinyong.catalog import FieldSpec
from xinyong.ingest.columns import Column, Target, Transform, as_text
from xinyong.ingest.text_transforms import code, fold_name, masked, name, text
from xinyong.ingest.typed_transforms import boolean, date, decimal, enum, enum_table, integer

__all__ = [
    "DEFAULTS",
    "TRANSFORMS",
    "Column",
    "Target",
    "Transform",
    "as_text",
    "default_for",
    "enum_table",
    "fold_name",
]


TRANSFORMS: dict[str, Callable[[Target], Transform]] = {
    "text": text,
    "name": name,
    "code": code,
    "masked": masked,
    "date": date,
    "decimal": decimal,
    "integer": integer,
    "boolean": boolean,
    "enum": enum,
}

#: The transform each catalog field type gets unless the mapping names another.
DEFAULTS: dict[str, str] = {
    "string": "text",
    "text": "text",
    "code": "code",
    "date": "date",
    "decimal": "decimal",
    "integer": "integer",
    "enum": "enum",
    "boolean": "boolean",
}


def default_for(spec: FieldSpec) -> str:
    """The default transform of a catalog field (personal identifiers are masked)."""
    if spec.personal:
        return "masked"
    return DEFAULTS[spec.type]
