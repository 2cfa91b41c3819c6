"""Reading the sections of a mapping that refer to its values: the document number,
the decision date, the subject, the operation column and the logical checks.

Each reference must name a field or an auxiliary value of the right type (a
date for date checks, an amount in 10,000 yuan for the unit check), so that a
misspelt name is an error when the mapping loads rather than a silently empty
check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

from xinyong.ingest.mapping import (
    CATEGORIES,
    AmountCheck,
    Mapping,
    MappingError,
    Operation,
    Rule,
    SubjectRule,
)

DEFAULT_CEILING = Decimal(1000)
_CHECKS = ("not_after_today", "order", "amount_unit")


class SectionReader:
    """Reads the referring sections of one mapping file (``data``) loaded from ``path``."""

    path: Path
    data: dict[str, Any]

    def fail(self, key: str, message: str) -> NoReturn:
        """Refuse the mapping, naming the file and the key."""
        where = f"key '{key}'" if key else "top level"
        raise MappingError(f"{self.path}: {where}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        """A top-level value, checked to be of ``kind`` (None when absent)."""
        value = self.data.get(key, default)
        if value is not None and not isinstance(value, kind):
            self.fail(key, f"expected {getattr(kind, '__name__', 'a value')}")
        return value

    def finish(self, mapping: Mapping, names: dict[str, Rule]) -> Mapping:
        """The mapping with its referring sections read and checked against ``names``."""

        def rule(
            key: str, name: Any, check: Callable[[Rule], bool] = lambda r: True, what: str = ""
        ) -> str:
            if not isinstance(name, str) or name not in names:
                self.fail(key, f"{name!r} is neither a field of the record type nor an aux value")
            if not check(names[name]):
                self.fail(key, f"{name!r} must be {what}")
            return name

        is_date = (lambda r: r.transform == "date"), "a date"
        doc = self.data.get("document_no") or self.fail(
            "document_no", "say which values form the document number"
        )
        doc_names = tuple(rule("document_no", n) for n in (doc if isinstance(doc, list) else [doc]))
        decision = self.data.get("decision_date")
        decision = rule("decision_date", decision, *is_date) if decision is not None else None
        checks = self.get("checks", dict, {}) or {}
        for key in checks:
            if key not in _CHECKS:
                self.fail(
                    f"checks.{key}", "unknown check (known: not_after_today, order, amount_unit)"
                )
        future = tuple(
            rule("checks.not_after_today", n, *is_date) for n in checks.get("not_after_today", [])
        )
        order = []
        for pair in checks.get("order", []):
            if not isinstance(pair, list) or len(pair) != 2:
                self.fail("checks.order", "each entry is a [start, end] pair")
            order.append(
                (rule("checks.order", pair[0], *is_date), rule("checks.order", pair[1], *is_date))
            )
        delivered = self.data.get("delivered_on")
        required = {*doc_names, *([decision] if decision else [])}
        rules = tuple(replace(r, required=r.required or r.name in required) for r in mapping.rules)
        return replace(
            mapping,
            rules=rules,
            document_no=doc_names,
            decision_date=decision,
            subject=self.subject(rule),
            operation=self.operation(),
            not_after_today=future,
            order=tuple(order),
            amount=self.amount(checks.get("amount_unit"), rule),
            delivered_on=rule("delivered_on", delivered, *is_date) if delivered else None,
        )

    def subject(self, rule: Callable[..., str]) -> SubjectRule:
        """How rows name their subject."""
        raw = self.get("subject", dict) or self.fail(
            "subject", "say which values identify the subject"
        )
        for key in raw:
            if key not in ("name", "uscc", "person_id", "category"):
                self.fail(f"subject.{key}", "unknown key (known: name, uscc, person_id, category)")
        if not raw.get("uscc") and not raw.get("person_id"):
            self.fail("subject", "give the subject's uscc, person_id or both")
        name = rule("subject.name", raw.get("name"))
        uscc = rule("subject.uscc", raw["uscc"]) if raw.get("uscc") else None
        person = rule("subject.person_id", raw["person_id"]) if raw.get("person_id") else None
        category = raw.get("category")
        if isinstance(category, dict):
            values = category.get("values") or {}
            bad = sorted(str(v) for v in values.values() if v not in CATEGORIES)
            if not category.get("column") or bad:
                self.fail(
                    "subject.category", f"needs a column and values in {', '.join(CATEGORIES)}"
                )
            return SubjectRule(
                name,
                uscc,
                person,
                None,
                str(category["column"]),
                {str(k): str(v) for k, v in values.items()},
            )
        if category is not None:
            category = rule(
                "subject.category", category, lambda r: r.transform == "enum", "an enum field"
            )
        return SubjectRule(name, uscc, person, category)

    def operation(self) -> Operation | None:
        """The operation column, if the feed has one."""
        raw = self.get("operation", dict)
        if raw is None:
            return None
        if not isinstance(raw.get("column"), str):
            self.fail("operation.column", "name the operation column")
        lists = {}
        for key in ("new", "amend", "revoke"):
            values = raw.get(key, [])
            if not isinstance(values, list):
                self.fail(f"operation.{key}", "expected a list of values")
            lists[key] = frozenset(str(v) for v in values)
        return Operation(raw["column"], lists["new"], lists["amend"], lists["revoke"])

    def amount(self, raw: Any, rule: Callable[..., str]) -> AmountCheck | None:
        """The 10,000-yuan unit check, if asked for."""
        if raw is None:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("fields"), list):
            self.fail("checks.amount_unit", "give fields: [...] and optionally text and ceiling")
        fields = tuple(
            rule(
                "checks.amount_unit.fields",
                n,
                lambda r: r.spec is not None and r.spec.unit == "10k_yuan",
                "an amount in 10,000 yuan",
            )
            for n in raw["fields"]
        )
        text = rule("checks.amount_unit.text", raw["text"]) if raw.get("text") else None
        try:
            ceiling = Decimal(str(raw.get("ceiling", DEFAULT_CEILING)))
        except InvalidOperation:
            self.fail("checks.amount_unit.ceiling", "expected a number")
        return AmountCheck(fields, text, ceiling)
