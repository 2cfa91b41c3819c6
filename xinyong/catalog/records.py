"""Reader for one record type file (record_types/<id>.yaml).

It checks everything visible inside the file: field types and the options each type
allows, enum values, severity, disclosure and publicity shapes. References to other
files (categories, subject kinds, purposes, lists, regimes) are checked afterwards by
:mod:`xinyong.catalog.checks`.
"""

from __future__ import annotations

import re
from typing import cast

from xinyong.catalog.model import AUDIENCES, FIELD_TYPES, Audience, EnumValue, FieldSpec, FieldType
from xinyong.catalog.reader import Node
from xinyong.catalog.record import (
    Disclosure,
    ObjectionRule,
    PublicityRule,
    PurposeGrant,
    RecordType,
    SeverityRule,
)

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
UNITS = ("yuan", "10k_yuan", "days", "working_days", "months", "years", "percent")
SCHEMES = (
    "uscc",
    "orgcode",
    "regno",
    "tax_registration",
    "public_institution_cert",
    "social_org_cert",
    "identity_document",
    "division",
)
REFERENCES = ("lists", "measures")
_ONLY_FOR: dict[str, tuple[str, ...]] = {
    "values": ("enum",),
    "multiple": ("enum",),
    "refers_to": ("enum",),
    "unit": ("decimal", "integer"),
    "scale": ("decimal",),
    "minimum": ("decimal", "integer"),
    "maximum": ("decimal", "integer"),
    "max_length": ("string", "text", "code"),
    "scheme": ("code",),
}


def _choice(node: Node, key: str, allowed: tuple[str, ...]) -> str | None:
    value = node.opt_text(key)
    if value is not None and value not in allowed:
        raise node.error(f"{key} {value!r} is not one of: {', '.join(allowed)}")
    return value


def _values(node: Node, refers_to: str | None) -> tuple[EnumValue, ...]:
    values = []
    for index, item in enumerate(node.items("values", required=True), start=1):
        entry = Node(item, f"{node.where}, value #{index}")
        value = EnumValue(
            value=entry.text("value"),
            label=entry.opt_label() if refers_to else entry.label(),
            group=entry.opt_text("group"),
            note=entry.opt_text("note"),
        )
        entry.done()
        values.append(value)
    ids = [v.value for v in values]
    if len(set(ids)) != len(ids):
        raise node.error("an enum value is listed twice")
    return tuple(values)


def read_field(node: Node) -> FieldSpec:
    """One field; options that make no sense for its type are refused."""
    name = node.text("name")
    if not _NAME.match(name):
        raise node.error(f"field name {name!r} must be snake_case ASCII")
    kind = _choice(node, "type", FIELD_TYPES)
    if kind is None:
        raise node.error("'type' is required")
    for key, types in _ONLY_FOR.items():
        if node.has(key) and kind not in types:
            raise node.error(f"'{key}' is not allowed on a {kind} field")
    audience = _choice(node, "audience", AUDIENCES)
    if audience is None:
        raise node.error(f"'audience' is required ({', '.join(AUDIENCES)})")
    refers_to = _choice(node, "refers_to", REFERENCES)
    scheme = _choice(node, "scheme", SCHEMES)
    if kind == "code" and scheme is None:
        raise node.error(f"a code field needs a scheme ({', '.join(SCHEMES)})")
    spec = FieldSpec(
        name=name,
        type=cast(FieldType, kind),
        label=node.label(),
        audience=cast(Audience, audience),
        required=node.flag("required"),
        std_code=node.opt_text("std_code"),
        std_name=node.opt_text("std_name"),
        unit=_choice(node, "unit", UNITS),
        scale=node.integer("scale"),
        max_length=node.integer("max_length"),
        minimum=node.number("minimum"),
        maximum=node.number("maximum"),
        values=_values(node, refers_to) if kind == "enum" else (),
        multiple=node.flag("multiple"),
        refers_to=refers_to,
        scheme=scheme,
        personal=node.flag("personal"),
        concept=node.opt_text("concept"),
        provenance=node.provenance(),
    )
    node.done()
    return spec


def _severity(node: Node, fields: tuple[FieldSpec, ...]) -> SeverityRule:
    declared = node.opt_text("field")
    tiers = node.names("tiers")
    if not tiers and declared:
        tiers = next((f.value_ids() for f in fields if f.name == declared), ())
    if not tiers:
        raise node.error("'tiers' is required (or a 'field' whose values are the tiers)")
    derive = node.child("derive") if node.has("derive") else None
    node.raw("derive")
    rule = SeverityRule(tiers=tiers, declared_field=declared, provenance=node.provenance())
    if derive is not None:
        mapping_node = derive.child("mapping")
        mapping = {str(k): mapping_node.text(str(k)) for k in mapping_node.data}
        mapping_node.done()
        rule = SeverityRule(
            tiers=tiers,
            declared_field=declared,
            derive_field=derive.text("field"),
            mapping=mapping,
            provenance=derive.provenance(),
        )
        derive.done()
    node.done()
    return rule


def _grant(item: object, where: str) -> PurposeGrant:
    if isinstance(item, str):
        return PurposeGrant(item)
    node = Node(item, where)
    grant = PurposeGrant(
        node.text("purpose"), frozenset(node.names("subject_kinds", required=True))
    )
    node.done()
    return grant


def _disclosure(node: Node) -> Disclosure:
    public = node.raw("public")
    kinds: frozenset[str] | None = None
    if isinstance(public, dict):
        limit = Node(public, f"{node.where}, public")
        kinds = frozenset(limit.names("subject_kinds", required=True))
        note = limit.opt_text("note")
        limit.done()
    elif isinstance(public, bool):
        note = None
    else:
        raise node.error("'public' must be true, false or {subject_kinds: [...], note: ...}")
    grants = tuple(
        _grant(item, f"{node.where}, agency_purposes #{i}")
        for i, item in enumerate(node.items("agency_purposes"), start=1)
    )
    disclosure = Disclosure(
        public=public is not False,
        subject=node.flag("subject", default=True),
        grants=grants,
        public_subject_kinds=kinds,
        note=node.opt_text("note") or note,
    )
    node.done()
    return disclosure


def _publicity(node: Node) -> PublicityRule:
    series = node.names("series")
    list_field = node.opt_text("list_field")
    if bool(series) == bool(list_field):
        raise node.error(
            "give either 'series' (regime series) or 'list_field', not both or neither"
        )
    objection = ObjectionRule(20, "days")
    if node.has("objection"):
        sub = node.child("objection")
        within = sub.integer("reply_within")
        unit = _choice(sub, "unit", ("days", "working_days"))
        if within is None or within <= 0 or unit is None:
            raise sub.error(
                "needs 'reply_within' (a positive number) and 'unit' (days or working_days)"
            )
        objection = ObjectionRule(
            within, "days" if unit == "days" else "working_days", sub.opt_text("note")
        )
        sub.done()
    node.raw("objection")
    rule = PublicityRule(series, objection, list_field, node.opt_text("sector_field"))
    node.done()
    return rule


def _fields(doc: Node) -> tuple[FieldSpec, ...]:
    out = []
    for index, item in enumerate(doc.items("fields", required=True), start=1):
        name = item.get("name") if isinstance(item, dict) else None
        out.append(read_field(Node(item, f"{doc.where}, field {name or index!r}")))
    return tuple(out)


def read_record_type(doc: Node, stem: str, source_file: str) -> RecordType:
    """One record type; its id must match its file name so files are easy to find."""
    ident = doc.text("id")
    if ident != stem:
        raise doc.error(f"id {ident!r} must match the file name {stem!r}")
    fields = _fields(doc)
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise doc.error("a field name is used twice")
    record = RecordType(
        id=ident,
        label=doc.label(),
        description=doc.text("description"),
        category=doc.text("category"),
        editions=doc.names("editions"),
        legal_basis=doc.legal_basis(),
        subject_kinds=doc.names("subject_kinds", required=True),
        fields=fields,
        natural_key=doc.names("natural_key", required=True),
        severity=_severity(doc.child("severity"), fields),
        disclosure=_disclosure(doc.child("disclosure")),
        publicity=_publicity(doc.child("publicity")),
        source_file=source_file,
        list_type=doc.opt_text("list_type"),
        grade=doc.flag("grade"),
    )
    doc.done()
    return record
