"""Reading policy files: strict, closed vocabulary, checked against the catalog.

A policy that cites nothing, names a record type, field, tier, list or measure the
catalog does not know, or grades a kind of subject that is not an organisation is
refused with a message naming the file, the rule and the field. Grades are for
organisations only: natural persons appear in lists solely through discrete legal
records (a court's judgment-defaulter entry), never through a grade or a score.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import cast

from xinyong.catalog import Catalog, load_catalog
from xinyong.catalog.errors import CatalogError
from xinyong.catalog.model import FieldSpec
from xinyong.catalog.reader import Node, read_yaml
from xinyong.rules.errors import PolicyError
from xinyong.rules.model import (
    TIER,
    All,
    AnyOf,
    Condition,
    Count,
    FieldTest,
    GradeOutcome,
    GradeScale,
    ListOutcome,
    Not,
    Op,
    Policy,
    RecordSet,
    Rule,
    Sum,
    atoms,
)

#: Where the standard policies live.
STANDARD_DIR = Path(__file__).parent / "policies"

_OPS: tuple[Op, ...] = ("eq", "ne", "in", "not_in", "gte", "gt", "lte", "lt")
_SCALAR_TYPES = {"string", "text", "enum", "code", "integer", "decimal", "boolean", "date"}
Value = str | int | Decimal | bool


def _value(spec: FieldSpec | None, raw: object, node: Node, name: str) -> Value:
    """A test value, typed as the field is; enum values must be the catalog's."""
    kind = "string" if spec is None else spec.type
    if kind == "boolean":
        if not isinstance(raw, bool):
            raise node.error(f"field {name!r} is true/false, got {raw!r}")
        return raw
    if kind == "integer":
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise node.error(f"field {name!r} takes whole numbers, got {raw!r}")
        return raw
    if kind == "decimal":
        try:
            return Decimal(str(raw))
        except InvalidOperation as exc:
            raise node.error(f"field {name!r} takes numbers, got {raw!r}") from exc
    if kind == "date":
        raise node.error(f"field {name!r} is a date: use 'within' for time windows")
    text = str(raw)
    if spec is not None and spec.type == "enum" and text not in spec.value_ids():
        allowed = ", ".join(spec.value_ids())
        raise node.error(f"{text!r} is not a value of field {name!r} (one of: {allowed})")
    return text


def _field(catalog: Catalog, types: tuple[str, ...], name: str, node: Node) -> FieldSpec | None:
    """The field ``name`` as every listed type declares it (None for the tier pseudo-field)."""
    if name == TIER:
        return None
    specs = []
    for type_id in types:
        rt = catalog.record_type(type_id)
        spec = next((f for f in rt.fields if f.name == name), None)
        if spec is None:
            raise node.error(f"record type {type_id!r} has no field {name!r}")
        if spec.multiple or spec.type not in _SCALAR_TYPES:
            raise node.error(
                f"field {name!r} of {type_id!r} holds several values; test 'tier' instead"
            )
        specs.append(spec)
    if len({s.type for s in specs}) > 1:
        raise node.error(f"field {name!r} has different types across {', '.join(types)}")
    return specs[0]


def _tests(catalog: Catalog, types: tuple[str, ...], node: Node) -> tuple[FieldTest, ...]:
    where = node.raw("where")
    if where is None:
        return ()
    spec_node = node.child("where")
    tests = []
    for key in sorted(map(str, spec_node.data)):
        spec = _field(catalog, types, key, spec_node)
        raw = spec_node.raw(key)
        if key == TIER:
            tiers = {t for ty in types for t in catalog.record_type(ty).severity.tiers}
            for value in raw if isinstance(raw, list) else [raw]:
                if value not in tiers:
                    raise spec_node.error(f"{value!r} is not a tier of {', '.join(types)}")
        if isinstance(raw, list):
            values = tuple(_value(spec, v, spec_node, key) for v in raw)
            tests.append(FieldTest(key, "in", values))
        elif isinstance(raw, dict):
            ops = Node(raw, f"{spec_node.where}, {key}")
            for op in _OPS:
                if ops.has(op):
                    operand = ops.raw(op)
                    operand_value: Value | tuple[Value, ...]
                    if op in ("in", "not_in"):
                        if not isinstance(operand, list) or not operand:
                            raise ops.error(f"'{op}' takes a non-empty list")
                        operand_value = tuple(_value(spec, v, ops, key) for v in operand)
                    else:
                        operand_value = _value(spec, operand, ops, key)
                    tests.append(FieldTest(key, op, operand_value))
            ops.done()
        else:
            tests.append(FieldTest(key, "eq", _value(spec, raw, spec_node, key)))
    spec_node.done()
    return tuple(tests)


def _record_set(catalog: Catalog, node: Node) -> RecordSet:
    types = node.names("record_types") if node.has("record_types") else (node.text("record_type"),)
    node.raw("record_type")
    for type_id in types:
        try:
            catalog.record_type(type_id)
        except LookupError as exc:
            raise node.error(f"unknown record type {type_id!r}") from exc
    years = node.integer("years")
    year_field = node.opt_text("year_field")
    if (years is None) != (year_field is None):
        raise node.error("'years' and 'year_field' go together")
    if year_field is not None:
        spec = _field(catalog, types, year_field, node)
        if spec is None or spec.type != "integer":
            raise node.error(f"year_field {year_field!r} must be a whole-number field")
    if years is not None and years < 1:
        raise node.error("'years' must be at least 1")
    tests = _tests(catalog, types, node)
    return RecordSet(types, tests, node.duration("within"), years, year_field, node.flag("history"))


def _condition(catalog: Catalog, raw: object, where: str) -> Condition:
    node = Node(raw, where)
    keys = [str(k) for k in node.data]
    if len(keys) != 1:
        raise node.error("a condition has exactly one of: count, sum, all, any, not")
    key = keys[0]
    if key in ("all", "any"):
        parts = tuple(
            _condition(catalog, item, f"{where}, {key} #{i}")
            for i, item in enumerate(node.items(key, required=True), start=1)
        )
        return All(parts) if key == "all" else AnyOf(parts)
    if key == "not":
        return Not(_condition(catalog, node.raw("not"), f"{where}, not"))
    if key not in ("count", "sum"):
        raise node.error(f"unknown condition {key!r} (one of: count, sum, all, any, not)")
    body = node.child(key)
    records = _record_set(catalog, body)
    condition: Condition
    if key == "count":
        at_least, at_most = body.integer("at_least"), body.integer("at_most")
        if at_least is None and at_most is None:
            raise body.error("a count needs 'at_least' or 'at_most'")
        distinct = body.opt_text("distinct")
        if distinct is not None:
            _field(catalog, records.record_types, distinct, body)
        condition = Count(records, at_least, at_most, distinct)
    else:
        name = body.text("field")
        spec = _field(catalog, records.record_types, name, body)
        if spec is None or spec.type not in ("decimal", "integer"):
            raise body.error(f"field {name!r} is not a number and cannot be summed")
        condition = Sum(
            records, name, cast(Decimal, _value(spec, body.raw("at_least"), body, name))
        )
    body.done()
    return condition


def _outcome(
    catalog: Catalog, node: Node, scale: GradeScale | None, kinds: tuple[str, ...]
) -> ListOutcome | GradeOutcome:
    if scale is not None:
        grade = node.text("grade")
        if grade not in scale.grades:
            raise node.error(f"grade {grade!r} is not on the scale {', '.join(scale.grades)}")
        return GradeOutcome(grade)
    list_id = node.text("list")
    try:
        lst = catalog.list_type(list_id)
    except LookupError as exc:
        raise node.error(f"unknown list {list_id!r}") from exc
    outside = [k for k in kinds if k not in lst.subject_kinds]
    if outside:
        raise node.error(f"list {list_id!r} does not take subjects of kind {', '.join(outside)}")
    duration = node.duration("duration") if node.has("duration") else lst.default_duration
    node.raw("duration")
    if node.has("measures"):
        measures = node.names("measures")
        for measure_id in measures:
            try:
                catalog.measure(measure_id)
            except LookupError as exc:
                raise node.error(f"unknown measure {measure_id!r}") from exc
    else:
        measures = tuple(m.id for m in catalog.measures.values() if list_id in m.applies_to_lists)
    return ListOutcome(list_id, duration, measures)


def _rule(
    catalog: Catalog, raw: object, where: str, scale: GradeScale | None, kinds: tuple[str, ...]
) -> Rule:
    node = Node(raw, where)
    rule_id = node.text("id")
    node = Node(raw, f"{where} ({rule_id})")
    node.raw("id")
    rule = Rule(
        id=rule_id,
        version=node.text("version"),
        label=node.label(),
        legal_basis=node.legal_basis(),
        when=_condition(catalog, node.raw("when"), f"{node.where}, when"),
        outcome=_outcome(catalog, node, scale, kinds),
    )
    node.done()
    _check_history(catalog, rule, scale, node)
    return rule


def _benefit(catalog: Catalog, rule: Rule, scale: GradeScale | None) -> bool:
    """Whether the rule's outcome can only confer a benefit (red list, better grade)."""
    if isinstance(rule.outcome, GradeOutcome):
        return scale is not None and scale.rank(rule.outcome.grade) < scale.rank(scale.default)
    return catalog.list_type(rule.outcome.list_id).kind == "red"


def _check_history(catalog: Catalog, rule: Rule, scale: GradeScale | None, node: Node) -> None:
    """Records past their publicity period may count towards benefits, never burdens."""
    for atom in atoms(rule.when):
        if not atom.records.history:
            continue
        positive = isinstance(atom, Count) and atom.at_least is not None and atom.at_most is None
        if not positive or not _benefit(catalog, rule, scale):
            raise node.error(
                "'history: true' (records past their publicity period) may only count "
                "towards a red list or a better grade, in an 'at_least' count"
            )


def _scale(node: Node, kinds: tuple[str, ...], catalog: Catalog) -> GradeScale | None:
    if not node.has("grades"):
        node.raw("grades")
        return None
    persons = [k for k in kinds if not catalog.subject_kind(k).organisation]
    if persons:
        raise node.error(
            f"grades are for organisations only; this policy would grade {', '.join(persons)}"
        )
    g = node.child("grades")
    grades = g.names("scale", required=True)
    default = g.text("default")
    if default not in grades:
        raise g.error(f"default grade {default!r} is not on the scale")
    labels = {}
    if g.has("labels"):
        lab = g.child("labels")
        for grade in grades:
            labels[grade] = lab.label(grade)
        lab.done()
    else:
        g.raw("labels")
    g.done()
    return GradeScale(grades, default, labels)


def read_policy(path: Path, catalog: Catalog | None = None) -> Policy:
    """Read and check one policy file; raises :class:`PolicyError` naming what is wrong."""
    catalog = catalog or load_catalog()
    try:
        node = read_yaml(path, path.parent)
        policy_id = node.text("id")
        kinds = node.names("subject_kinds", required=True)
        for kind in kinds:
            catalog.subject_kind(kind)
        scale = _scale(node, kinds, catalog)
        effective = node.child("effective")
        start = effective.date("from")
        if start is None:
            raise effective.error("'from' is required")
        end = effective.date("to")
        effective.done()
        if end is not None and end <= start:
            raise node.error("effective 'to' must come after 'from'")
        rules = tuple(
            _rule(catalog, raw, f"{path.name}, rule #{i}", scale, kinds)
            for i, raw in enumerate(node.items("rules", required=True), start=1)
        )
        ids = [r.id for r in rules]
        if len(set(ids)) != len(ids):
            raise node.error("two rules share an id")
        policy = Policy(
            id=policy_id,
            version=node.text("version"),
            label=node.label(),
            authority=node.label("authority"),
            legal_basis=node.legal_basis(),
            effective_from=start,
            effective_to=end,
            subject_kinds=kinds,
            rules=rules,
            scale=scale,
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            path=path.name,
        )
        node.provenance()
        node.done()
    except PolicyError:
        raise
    except (CatalogError, LookupError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        raise PolicyError(message if path.name in message else f"{path.name}: {message}") from exc
    return policy


@cache
def _standard() -> tuple[Policy, ...]:
    return tuple(read_policy(p) for p in sorted(STANDARD_DIR.glob("*.yaml")))


def load_policies(directory: Path | None = None, catalog: Catalog | None = None) -> list[Policy]:
    """The standard policies, or every ``*.yaml`` policy in ``directory``."""
    if directory is None and catalog is None:
        return list(_standard())
    folder = directory or STANDARD_DIR
    return [read_policy(p, catalog) for p in sorted(folder.glob("*.yaml"))]


def find_policy(name: str, directory: Path | None = None) -> Policy:
    """A policy by id among the loaded ones, or by path to a policy file."""
    path = Path(name)
    if path.suffix in (".yaml", ".yml") and path.exists():
        return read_policy(path)
    for policy in load_policies(directory):
        if policy.id == name:
            return policy
    known = ", ".join(p.id for p in load_policies(directory))
    raise PolicyError(f"no policy {name!r} (known: {known})")
