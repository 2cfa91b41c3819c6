"""Transforms of typed values: dates, decimals, integers, yes/no and enumerations.

Repeated cells (the same date, amount or label on thousands of rows) are parsed
once per run and then looked up.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from xinyong.catalog import FieldSpec
from xinyong.ids._common import compact
from xinyong.ingest import dates
from xinyong.ingest.columns import MEMO_LIMIT, Column, Target, Transform, as_text
from xinyong.ingest.reasons import Fault, fault

_DEFAULT_SPLIT = "[;；,，、/]"


def _memoised(
    t: Target, parse: Callable[[Any], tuple[Any, Fault | None]]
) -> Callable[[Sequence[Any]], Column]:
    memo: dict[Any, tuple[Any, Fault | None]] = {}

    def run(cells: Sequence[Any]) -> Column:
        if len(memo) > MEMO_LIMIT:
            memo.clear()
        out: list[Any] = []
        faults: dict[int, Fault] = {}
        get = memo.get
        for i, cell in enumerate(cells):
            try:
                hit = get(cell)
            except TypeError:  # an unhashable JSON value (a list or an object)
                hit = parse(cell)
            else:
                if hit is None:
                    hit = memo[cell] = parse(cell)
            out.append(hit[0])
            if hit[1] is not None:
                faults[i] = hit[1]
        return Column(out, faults)

    return run


def date(t: Target) -> Transform:
    """A date in any style :mod:`xinyong.ingest.dates` reads, as ISO text."""

    def parse(cell: Any) -> tuple[Any, Fault | None]:
        found = dates.parse_cell(cell)
        if found is None:
            return None, None
        if isinstance(found, str):
            return None, fault(found, t.name, t.column, as_text(cell))
        return found.isoformat(), None

    inner = _memoised(t, parse)

    def run(cells: Sequence[Any]) -> Column:
        column = inner(cells)
        column.originals = {
            i: c
            for i, c in enumerate(cells)
            if c.__class__ is str and not c.isascii() and column.values[i] is not None
        }
        return column

    return run


def decimal(t: Target) -> Transform:
    """A decimal number as canonical text (``98.470000`` -> ``98.47``); checks the bounds."""
    minimum = t.spec.minimum if t.spec is not None else None
    maximum = t.spec.maximum if t.spec is not None else None

    def parse(cell: Any) -> tuple[Any, Fault | None]:
        raw = as_text(cell).strip()
        if not raw:
            return None, None
        try:
            number = Decimal(_number_text(raw))
        except InvalidOperation:
            return None, fault("amount.invalid", t.name, t.column, raw)
        if not number.is_finite():
            return None, fault("amount.invalid", t.name, t.column, raw)
        if minimum is not None and number < Decimal(str(minimum)):
            return None, fault("amount.negative", t.name, t.column, raw)
        if maximum is not None and number > Decimal(str(maximum)):
            return None, _out_of_range(t, raw, maximum, at_least=False)
        return format(number.normalize(), "f"), None

    return _memoised(t, parse)


#: The largest whole number a field holds whatever its catalog entry says: what every
#: engine and JSON encoder downstream stores exactly (a 64-bit signed integer).
INTEGER_LIMIT = 2**63 - 1


def _number_text(raw: str) -> str:
    """A number as typed, ready to parse: full-width forms folded, spaces and thousands
    separators dropped. Unlike the identifiers' ``compact``, a minus sign stays: "-1"
    is a negative number (rejected where the catalog's minimum says so), never 1."""
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", raw)
    return "".join(raw.split()).replace(",", "")


def _out_of_range(t: Target, raw: str, bound: float, *, at_least: bool) -> Fault:
    zh, en = ("应不小于", "must be at least") if at_least else ("应不大于", "must be at most")
    return fault("field.out_of_range", t.name, t.column, raw, f"{zh}{_whole(bound)}",
                 f"{en} {_whole(bound)}")  # fmt: skip


def _whole(bound: float) -> str:
    """A bound as a clerk writes it: 18, not 18.0."""
    if isinstance(bound, int):
        return str(bound)
    return str(int(bound)) if bound.is_integer() else str(bound)


def integer(t: Target) -> Transform:
    """A whole number (a year, an age) within the catalog's minimum and maximum.

    The bounds are rules, not formats: an age under 18 would list a minor, which
    the court rules forbid, and a rating year before the system began is a typo.
    """
    spec = t.spec
    low = -INTEGER_LIMIT - 1 if spec is None or spec.minimum is None else spec.minimum
    high = INTEGER_LIMIT if spec is None or spec.maximum is None else spec.maximum

    def parse(cell: Any) -> tuple[Any, Fault | None]:
        raw = as_text(cell).strip()
        if not raw:
            return None, None
        folded = _number_text(raw)
        digits = folded[1:] if folded[:1] == "-" else folded
        if not digits.isdigit():
            return None, fault(
                "field.invalid", t.name, t.column, raw, "应为整数", "must be a whole number"
            )
        number = int(folded)
        if number < low:
            return None, _out_of_range(t, raw, low, at_least=True)
        if number > high:
            return None, _out_of_range(t, raw, high, at_least=False)
        return number, None

    return _memoised(t, parse)


_TRUE = frozenset({"是", "true", "1", "y", "yes", "有"})
_FALSE = frozenset({"否", "false", "0", "n", "no", "无"})


def boolean(t: Target) -> Transform:
    """Yes or no, as departments write it (是/否, 1/0, Y/N, true/false)."""

    def parse(cell: Any) -> tuple[Any, Fault | None]:
        raw = as_text(cell).strip().lower()
        if not raw:
            return None, None
        if raw in _TRUE:
            return True, None
        if raw in _FALSE:
            return False, None
        return None, fault(
            "field.invalid", t.name, t.column, raw, "应为是或否", "must be yes or no"
        )

    return _memoised(t, parse)


def enum_table(spec: FieldSpec | None, extra: Mapping[str, str]) -> dict[str, str]:
    """Accepted spellings of an enum's values: ids, Chinese and English labels, synonyms."""
    table: dict[str, str] = {}
    for v in spec.values if spec is not None else ():
        table[v.value.casefold()] = v.value
        if v.label is not None:
            table[v.label.zh] = v.value
            table[v.label.en.casefold()] = v.value
    for spelling, value in extra.items():
        table[str(spelling).casefold()] = str(value)
    return table


def enum(t: Target) -> Transform:
    """An enumerated value (or several, split on ; 、 , /) mapped to the catalog's ids."""
    table = enum_table(t.spec, t.params.get("values", {}))
    multiple = bool(t.spec is not None and t.spec.multiple)
    split = re.compile(str(t.params.get("split", _DEFAULT_SPLIT)))
    allowed = "、".join(sorted(set(table.values())))

    def bad(raw: str) -> Fault:
        return fault(
            "field.invalid",
            t.name,
            t.column,
            raw,
            f"不是允许的取值（{allowed}）",
            f"not one of the allowed values ({allowed})",
        )

    def parse(cell: Any) -> tuple[Any, Fault | None]:
        raw = as_text(cell).strip()
        if not raw:
            return None, None
        if not multiple:
            value = table.get(raw.casefold()) or table.get(compact(raw).casefold())
            return (value, None) if value is not None else (None, bad(raw))
        out: list[str] = []
        for part in split.split(raw):
            part = part.strip()
            if not part:
                continue
            value = table.get(part.casefold())
            if value is None:
                return None, bad(raw)
            if value not in out:
                out.append(value)
        return (out or None), None

    return _memoised(t, parse)
