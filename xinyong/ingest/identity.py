"""Who a row is about: an organisation by its USCC, or a natural person by identity number.

A row names its subject by a unified social credit code or, for a natural
person, by a resident identity number; never by name alone. Where the feed also
states the counterpart category (行政相对人类别), it must agree with the code:
a row that says 法人 for an individual business's code, or 自然人 while giving an
organisation's code, is rejected (``subject.kind_mismatch``) rather than filed
under the wrong kind of subject. Codes are validated a whole column at a time
with :mod:`xinyong.ids.bulk`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import NamedTuple

from xinyong.catalog import Catalog
from xinyong.ids import bulk
from xinyong.ids.errors import ValidationError
from xinyong.ingest.mapping import INDIVIDUAL, LEGAL, NATURAL, Bound
from xinyong.ingest.reasons import Fault, fault

_SUFFIX = {
    "InvalidLength": "length",
    "InvalidFormat": "format",
    "InvalidComponent": "component",
    "InvalidChecksum": "checksum",
}
#: USCC positions 1-2 of an individual business (个体工商户).
INDIVIDUAL_PREFIX = "92"


def id_fault(scheme: str, error: ValidationError, field: str, column: str, value: str) -> Fault:
    """A fault for an invalid identifier, with the validator's own specific reason."""
    code = f"{scheme}.{_SUFFIX.get(error.code, 'format')}"
    shown = value if scheme == "uscc" else None  # identity numbers are never repeated
    return fault(code, field, column, shown, error.reason_zh, error.reason_en)


class Who(NamedTuple):
    """The subject of one row: exactly one of ``code`` (organisation) or ``person``.

    A named tuple rather than a dataclass: a chunk carries thousands of them from
    the reading worker to the writer (see :class:`~xinyong.ingest.checked.Checked`),
    and a tuple is made and sent at a fraction of a dataclass's cost.
    """

    code: str | None
    person: str | None  #: the validated 18-digit identity number (never stored in clear)
    kind: str  #: catalog subject kind


class Identities:
    """Decides the subject of every row of a chunk (see the module docstring)."""

    def __init__(self, bound: Bound, catalog: Catalog, today: dt.date) -> None:
        mapping = bound.mapping
        if mapping.subject is None or mapping.record_type is None:  # pragma: no cover
            raise ValueError("identities need a record mapping")
        self.rule = mapping.subject
        self.catalog = catalog
        self.today = today
        self.allowed = frozenset(mapping.record_type.subject_kinds)
        self.uscc_column = bound.column_of(self.rule.uscc) if self.rule.uscc else None
        self.person_column = bound.column_of(self.rule.person_id) if self.rule.person_id else None
        self.shared = self.uscc_column is not None and self.uscc_column == self.person_column
        self.category_column = (
            bound.column_of(self.rule.category) if self.rule.category else self.rule.category_column
        )
        self._kinds: dict[str, str | None] = {}

    def kind_of(self, code: str) -> str | None:
        """The catalog subject kind of a valid USCC (from its authority and type)."""
        pair = code[:2]
        if pair not in self._kinds:
            found = self.catalog.subject_kind_for_uscc(code[0], code[1])
            self._kinds[pair] = found.id if found is not None else None
        return self._kinds[pair]

    def decide(
        self,
        codes: Sequence[str | None],
        persons: Sequence[str | None],
        categories: Sequence[str | None],
    ) -> tuple[list[Who | None], dict[int, Fault]]:
        """The subject of each row, or a fault; all three sequences are per row."""
        checked = bulk.check_uscc([c or "" for c in codes])
        wanted = [
            i
            for i, (cat, p) in enumerate(zip(categories, persons, strict=True))
            if p and (cat == NATURAL or (cat is None and not codes[i]))
        ]
        people = bulk.check_ric([persons[i] or "" for i in wanted], self.today)
        person_at = {i: k for k, i in enumerate(wanted)}
        out: list[Who | None] = []
        faults: dict[int, Fault] = {}
        valid, compacted = checked.valid.tolist(), checked.compact
        known: dict[tuple[str, str | None], Who] = {}  # decided once per code and category
        for i, category in enumerate(categories):
            if valid[i] and category != NATURAL:
                who = known.get((compacted[i], category))
                if who is not None:
                    out.append(who)
                    continue
            code = None if (self.shared and category == NATURAL) else codes[i]
            person = None if (self.shared and category != NATURAL) else persons[i]
            if category == NATURAL or (category is None and not code and person):
                organisation = self.shared and bool(checked.valid[i])
                problem = self._person(
                    category, code, person, people, person_at.get(i), organisation
                )
                if isinstance(problem, Who):
                    out.append(problem)
                    continue
            else:
                problem = self._organisation(category, code, checked, i)
                if isinstance(problem, Who):
                    if problem.code is not None:
                        known[(problem.code, category)] = problem
                    out.append(problem)
                    continue
            out.append(None)
            faults[i] = problem
        return out, faults

    def _person(
        self,
        category: str | None,
        code: str | None,
        person: str | None,
        people: bulk.BulkResult,
        k: int | None,
        organisation: bool = False,
    ) -> Who | Fault:
        rule = self.rule
        if code or organisation:  # 自然人 with an organisation's code: one of them is wrong
            return fault(
                "subject.kind_mismatch",
                rule.category,
                self.category_column,
                category,
                "类别为自然人，却填写了统一社会信用代码",
                "the category says natural person but the row gives a unified social credit code",
            )
        if not person or k is None:
            return fault("ric.missing", rule.person_id, self.person_column, None)
        error = people.error(k)
        if error is not None:
            return id_fault("ric", error, rule.person_id or "", self.person_column or "", person)
        if NATURAL not in self.allowed:
            return _not_allowed(rule.person_id, self.person_column, NATURAL)
        return Who(None, people.value(k), NATURAL)

    def _organisation(
        self, category: str | None, code: str | None, checked: bulk.BulkResult, i: int
    ) -> Who | Fault:
        rule = self.rule
        if not code:
            return fault("uscc.missing", rule.uscc, self.uscc_column, None)
        error = checked.error(i)
        if error is not None:
            return id_fault("uscc", error, rule.uscc or "", self.uscc_column or "", code)
        value = checked.compact[i]
        individual = value.startswith(INDIVIDUAL_PREFIX)
        if (category == INDIVIDUAL and not individual) or (category == LEGAL and individual):
            said = "个体工商户" if category == INDIVIDUAL else "法人及非法人组织"
            actual = "个体工商户" if individual else "非个体工商户的组织"
            said_en = "an individual business" if category == INDIVIDUAL else "a legal person"
            actual_en = "an individual business" if individual else "another kind of organisation"
            return fault(
                "subject.kind_mismatch",
                rule.category,
                self.category_column,
                category,
                f"类别为{said}，但代码属于{actual}",
                f"the category says {said_en} but the code belongs to {actual_en}",
            )
        kind = self.kind_of(value) or "other_organisation"
        if kind not in self.allowed:
            return _not_allowed(rule.uscc, self.uscc_column, kind)
        return Who(value, None, kind)


def _not_allowed(field: str | None, column: str | None, kind: str) -> Fault:
    return fault(
        "subject.kind_not_allowed",
        field,
        column,
        kind,
        f"此类信息不适用于“{kind}”类主体",
        f"this record type does not apply to subjects of kind {kind}",
    )
