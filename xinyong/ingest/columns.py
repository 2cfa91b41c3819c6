"""What a transform works on and returns: a column of cells in, values and faults out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xinyong.catalog import FieldSpec
from xinyong.ingest.reasons import Fault

#: Most distinct values a transform remembers before starting afresh (bounds memory).
MEMO_LIMIT = 200_000


@dataclass
class Column:
    """A transformed column: values, faults by row index, and original text where folded."""

    values: list[Any]
    faults: dict[int, Fault] = field(default_factory=dict)
    originals: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    """Where a column goes: the catalog field (if any), the header and transform options."""

    name: str
    column: str
    spec: FieldSpec | None = None
    params: Mapping[str, Any] = field(default_factory=dict)


Transform = Callable[[Sequence[Any]], Column]


def as_text(value: Any) -> str:
    """A cell as text: integral floats lose their ``.0``, ``None`` becomes empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
