"""A feed's mapping, and binding it to the headers of one file.

A mapping says, for one department feed, which columns hold which catalog
fields (the data standard's Chinese names and CF_*/XK_* codes are accepted as
alternative headers), how each is read, how the record's document number and
subject are found, and which logical checks apply. It is loaded and checked
once (:mod:`xinyong.ingest.mapping_load`); each file is then *bound*: its headers
are matched to the mapping, and a file that lacks a required column is refused
before any row is read.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping as MappingType
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from xinyong.catalog import FieldSpec, RecordType
from xinyong.ingest.transforms import TRANSFORMS, Target, Transform

#: Counterpart categories the subject checks understand: a natural person, an individual
#: business, a legal person or other organisation that is not one, or any organisation.
NATURAL, INDIVIDUAL, LEGAL = "natural_person", "individual_business", "legal_person"
ORGANISATION = "organisation"
CATEGORIES = (NATURAL, INDIVIDUAL, LEGAL, ORGANISATION)


class MappingError(ValueError):
    """A mapping (or a file bound to it) cannot be used; the message says where and why."""


def header_key(header: str) -> str:
    """Headers compare without width, spacing or case: （统一社会信用代码） = (统一社会信用代码)."""
    return "".join(unicodedata.normalize("NFKC", header).split()).casefold()


@dataclass(frozen=True)
class Rule:
    """One value a mapping reads: a catalog field, or an auxiliary column used by checks."""

    name: str
    headers: tuple[str, ...]
    transform: str
    params: MappingType[str, Any] = field(default_factory=dict)
    spec: FieldSpec | None = None  #: None for auxiliary values (not stored)
    default: Any = None
    required: bool = False


@dataclass(frozen=True)
class SubjectRule:
    """How a row names its subject: a USCC, or a natural person's identity number."""

    name: str
    uscc: str | None
    person_id: str | None = None
    category: str | None = None  #: a field holding the counterpart category
    category_column: str | None = None  #: or a column, with its own spellings
    category_values: MappingType[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Operation:
    """The column saying whether a row is new, a correction or a revocation."""

    column: str
    new: frozenset[str]
    amend: frozenset[str]
    revoke: frozenset[str]

    def kind(self, value: str) -> str | None:
        """``new``, ``amend``, ``revoke``, or None for an unknown value (blank means new)."""
        value = value.strip()
        if not value or value in self.new:
            return "new"
        if value in self.amend:
            return "amend"
        if value in self.revoke:
            return "revoke"
        return None


@dataclass(frozen=True)
class AmountCheck:
    """Amounts in 10,000 yuan checked against the unit the decision text implies."""

    fields: tuple[str, ...]
    text: str | None
    ceiling: Decimal


@dataclass(frozen=True)
class Mapping:
    """A checked mapping (see ``docs/ingest.md`` for the file format)."""

    name: str
    path: Path
    target: str  #: ``records`` or ``subjects``
    record_type: RecordType | None
    rules: tuple[Rule, ...]
    encoding: str = "auto"
    sheet: str | None = None
    description: str = ""
    document_no: tuple[str, ...] = ()
    decision_date: str | None = None
    subject: SubjectRule | None = None
    operation: Operation | None = None
    not_after_today: tuple[str, ...] = ()
    order: tuple[tuple[str, str], ...] = ()
    amount: AmountCheck | None = None
    delivered_on: str | None = None
    ignore: frozenset[str] = frozenset()

    def rule(self, name: str) -> Rule:
        """The rule reading ``name``."""
        for rule in self.rules:
            if rule.name == name:
                return rule
        raise KeyError(name)

    def bind(self, headers: Sequence[str], source_code: str, source_name: str) -> Bound:
        """Match a file's headers; refuse it if a required value has no column or default."""
        where: dict[str, int] = {}
        for i, h in enumerate(headers):
            where.setdefault(header_key(str(h)), i)
        used: set[int] = set()
        targets: list[tuple[int | None, Target, Transform, Any]] = []
        missing: list[str] = []
        for rule in self.rules:
            index = next((where[k] for k in map(header_key, rule.headers) if k in where), None)
            column = str(headers[index]) if index is not None else rule.headers[0]
            default = rule.default
            if isinstance(default, str):
                default = default.format(source_code=source_code, source_name=source_name)
            if index is None and default is None and rule.required:
                missing.append(f"{rule.name} ({' / '.join(rule.headers[:3])})")
            if index is not None:
                used.add(index)
            target = Target(rule.name, column, rule.spec, rule.params)
            targets.append((index, target, TRANSFORMS[rule.transform](target), default))
        op_index = None
        if self.operation is not None:
            op_index = where.get(header_key(self.operation.column))
            if op_index is not None:
                used.add(op_index)
        category_index = None
        if self.subject is not None and self.subject.category_column is not None:
            category_index = where.get(header_key(self.subject.category_column))
            if category_index is not None:
                used.add(category_index)
        if missing:
            raise MappingError(
                f"mapping {self.name!r} ({self.path}): the file has no column for required "
                f"value(s) {', '.join(missing)}"
            )
        ignored = {header_key(h) for h in self.ignore}
        unmapped = [
            str(h)
            for i, h in enumerate(headers)
            if i not in used and header_key(str(h)) not in ignored and str(h).strip()
        ]
        return Bound(self, len(headers), targets, op_index, category_index, unmapped)


@dataclass
class Bound:
    """A mapping bound to one file: the column index and transform of every value."""

    mapping: Mapping
    width: int
    targets: list[tuple[int | None, Target, Transform, Any]]
    op_index: int | None
    category_index: int | None
    unmapped: list[str]

    def column_of(self, name: str) -> str:
        """The header a value was read from (or would be), for messages."""
        for _, target, _, _ in self.targets:
            if target.name == name:
                return target.column
        return name
