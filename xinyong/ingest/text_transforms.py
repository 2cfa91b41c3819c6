"""Transforms of text: free text, names, identifiers, and personal numbers to mask.

Each returns the cell text of rows whose text it changed beyond surrounding
spaces (full-width forms folded, brackets made full-width), so the record
keeps what the department actually sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from xinyong.ids import ric
from xinyong.ids._common import compact
from xinyong.ingest.columns import Column, Target, Transform, as_text
from xinyong.ingest.reasons import Fault, fault

#: Full-width letters and digits and the ideographic space, folded in names.
_FOLD = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_FOLD.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_FOLD.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})
_FOLD[0x3000] = 0x20
#: Any character :data:`_FOLD` changes. ``str.translate`` with a dictionary looks up
#: every character of the text (about 2 µs for a 16-character Chinese name); a
#: search for the few it changes costs a seventh of that, and most names have none.
_TO_FOLD = re.compile("[" + "".join(map(chr, sorted(_FOLD))) + "]")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def _stripped(cells: Sequence[Any]) -> list[str]:
    try:
        return [c.strip() for c in cells]
    except AttributeError:
        return [as_text(c).strip() for c in cells]


def _changed(cells: Sequence[Any], values: Sequence[Any]) -> dict[int, str]:
    """Cell text of rows whose text the transform changed beyond surrounding spaces."""
    return {
        i: c
        for i, (c, v) in enumerate(zip(cells, values, strict=True))
        if c != v and v is not None and c.__class__ is str and c.strip() != v
    }


def _too_long(t: Target, values: list[Any]) -> dict[int, Fault]:
    limit = t.spec.max_length if t.spec is not None else None
    if limit is None or max(map(len, filter(None, values)), default=0) <= limit:
        return {}
    return {
        i: fault(
            "field.too_long",
            t.name,
            t.column,
            v[:20] + "…",
            f"最多{limit}个字符，实为{len(v)}个",
            f"at most {limit} characters, not {len(v)}",
        )
        for i, v in enumerate(values)
        if v is not None and len(v) > limit
    }


def text(t: Target) -> Transform:
    """Free text: surrounding whitespace removed, nothing else touched (so no original kept)."""

    def run(cells: Sequence[Any]) -> Column:
        values: list[Any] = [s or None for s in _stripped(cells)]
        return Column(values, _too_long(t, values))

    return run


def fold_name(value: str) -> str:
    """A subject's name as registered: full-width letters, digits and spaces folded,
    half-width brackets made full-width (registered Chinese names use （ ）)."""
    if not value.isascii() and _TO_FOLD.search(value):
        value = value.translate(_FOLD)
    value = value.strip()
    return value.translate(_BRACKETS) if "(" in value or ")" in value else value


def name(t: Target) -> Transform:
    """A subject's name, folded by :func:`fold_name` so spellings of one name agree."""

    def run(cells: Sequence[Any]) -> Column:
        values: list[Any] = [fold_name(s) or None for s in _stripped(cells)]
        return Column(values, _too_long(t, values), _changed(cells, values))

    return run


def code(t: Target) -> Transform:
    """An identifier compacted (full-width folded, spaces and hyphens dropped, upper case)."""

    def run(cells: Sequence[Any]) -> Column:
        values: list[Any] = [
            (s.upper() if s.isascii() and s.isalnum() else compact(s) or None) if s else None
            for s in _stripped(cells)
        ]
        return Column(values, _too_long(t, values), _changed(cells, values))

    return run


def masked(t: Target) -> Transform:
    """A personal identifier of someone other than the subject: kept only in masked form.

    The clear number must never reach an event payload; the masked form still
    tells two people apart on a page.
    """

    def run(cells: Sequence[Any]) -> Column:
        values: list[Any] = [ric.mask(s) if s else None for s in _stripped(cells)]
        return Column(values)

    return run
