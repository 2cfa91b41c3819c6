"""Readers for the catalog's reference tables: everything except record types and regimes.

Each reader checks what it can see alone (shape, keys, vocabularies); references
between files are checked by :mod:`xinyong.catalog.checks` once everything is read.
"""

from __future__ import annotations

import re

from xinyong.catalog.model import (
    GROUP_KINDS,
    LIST_KINDS,
    Category,
    Edition,
    ListType,
    Measure,
    MeasureGroup,
    ProhibitedConcept,
    Purpose,
    SubjectKind,
)
from xinyong.catalog.reader import Node

_USCC_PAIR = re.compile(r"^[0-9A-HJ-NP-RTUWXY]/([0-9A-HJ-NP-RTUWXY]|\*)$")


def _entries(doc: Node, key: str) -> list[Node]:
    """The mappings listed under ``key``, each named by its id for error messages."""
    out = []
    for index, item in enumerate(doc.items(key, required=True), start=1):
        probe = Node(item, f"{doc.where}, {key} #{index}")
        ident = probe.data.get("id")
        out.append(Node(item, f"{doc.where}, {key} {ident!r}" if ident else probe.where))
    return out


def _unique(nodes: list[Node], what: str, doc: Node) -> None:
    ids = [str(n.data.get("id")) for n in nodes]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise doc.error(f"{what} defined twice: {', '.join(twice)}")


def read_categories(doc: Node) -> tuple[dict[str, Edition], dict[str, Category]]:
    """Catalogue editions and their categories; each edition's count must add up."""
    editions: dict[str, Edition] = {}
    for node in _entries(doc, "editions"):
        ident = node.text("id")
        count = node.integer("category_count")
        if count is None:
            raise node.error("'category_count' is required")
        edition = Edition(ident, node.label(), node.text("issued"), count, node.provenance())
        editions[ident] = edition
        node.done()
    categories: dict[str, Category] = {}
    nodes = _entries(doc, "categories")
    _unique(nodes, "category", doc)
    for node in nodes:
        ident = node.text("id")
        label = node.label()
        in_editions = node.names("editions", required=True)
        labels_node = node.child("edition_labels") if node.has("edition_labels") else None
        node.raw("edition_labels")
        edition_labels = {}
        if labels_node is not None:
            edition_labels = {str(k): labels_node.label(str(k)) for k in labels_node.data}
            labels_node.done()
        for name in (*in_editions, *edition_labels):
            if name not in editions:
                raise node.error(f"unknown catalogue edition {name!r}")
        categories[ident] = Category(ident, label, in_editions, edition_labels, node.provenance())
        node.done()
    for edition in editions.values():
        count = sum(edition.id in c.editions for c in categories.values())
        if count != edition.category_count:
            raise doc.error(
                f"edition {edition.id} declares {edition.category_count} categories "
                f"but {count} are listed for it"
            )
    doc.done()
    return editions, categories


def read_subject_kinds(doc: Node) -> dict[str, SubjectKind]:
    """Subject kinds and the USCC (authority, entity type) pairs that map to each."""
    kinds: dict[str, SubjectKind] = {}
    owner: dict[str, str] = {}
    nodes = _entries(doc, "subject_kinds")
    _unique(nodes, "subject kind", doc)
    for node in nodes:
        ident = node.text("id")
        pairs = node.names("uscc")
        for pair in pairs:
            if not _USCC_PAIR.match(pair):
                raise node.error(
                    f"USCC pair {pair!r} is not 'authority/type' in GB 32100 characters"
                )
            if pair in owner:
                raise node.error(f"USCC pair {pair} already maps to {owner[pair]!r}")
            owner[pair] = ident
        if "organisation" not in node.data:
            raise node.error("'organisation' (true or false) is required")
        kinds[ident] = SubjectKind(
            ident, node.label(), node.flag("organisation"), pairs, node.provenance()
        )
        node.done()
    doc.done()
    return kinds


def read_purposes(doc: Node) -> dict[str, Purpose]:
    """The closed list of purposes for reading non-public data."""
    purposes: dict[str, Purpose] = {}
    nodes = _entries(doc, "purposes")
    _unique(nodes, "purpose", doc)
    for node in nodes:
        ident = node.text("id")
        actor = node.text("actor")
        if actor not in ("agency", "subject"):
            raise node.error(f"actor must be agency or subject, got {actor!r}")
        purposes[ident] = Purpose(
            ident,
            node.label(),
            "agency" if actor == "agency" else "subject",
            node.text("description"),
            node.flag("scoring"),
            node.flag("aggregated_only"),
        )
        node.done()
    doc.done()
    return purposes


def read_prohibited(doc: Node) -> tuple[ProhibitedConcept, ...]:
    """The concepts no record type may hold, with keywords, exceptions and legal reasons."""
    concepts = []
    nodes = _entries(doc, "concepts")
    _unique(nodes, "concept", doc)
    for node in nodes:
        keywords = node.child("keywords")
        exceptions = node.child("exceptions") if node.has("exceptions") else None
        node.raw("exceptions")
        concept = ProhibitedConcept(
            id=node.text("id"),
            label=node.label(),
            aliases=node.names("aliases"),
            keywords_zh=keywords.names("zh", required=True),
            keywords_en=tuple(k.lower() for k in keywords.names("en", required=True)),
            exceptions_zh=exceptions.names("zh") if exceptions else (),
            exceptions_en=tuple(k.lower() for k in exceptions.names("en")) if exceptions else (),
            basis=node.legal_basis("basis"),
        )
        keywords.done()
        if exceptions:
            exceptions.done()
        concepts.append(concept)
        node.done()
    doc.done()
    return tuple(concepts)


def read_lists(doc: Node) -> dict[str, ListType]:
    """Red, black and watch list types with terms, windows and repair rules."""
    lists: dict[str, ListType] = {}
    nodes = _entries(doc, "lists")
    _unique(nodes, "list", doc)
    for node in nodes:
        ident = node.text("id")
        kind = node.text("kind")
        if kind not in LIST_KINDS:
            raise node.error(f"kind must be red, black or watch, got {kind!r}")
        window = node.integer("response_window_working_days")
        if window is not None and window < 0:
            raise node.error("response_window_working_days cannot be negative")
        lists[ident] = ListType(
            id=ident,
            kind=kind,
            label=node.label(),
            authority=node.label("authority"),
            legal_basis=node.legal_basis(),
            subject_kinds=node.names("subject_kinds", required=True),
            default_duration=node.duration("default_duration"),
            early_removal_after=node.duration("early_removal_after"),
            response_window_working_days=window,
            repair_barred=node.flag("repair_barred"),
            provenance=node.provenance(),
        )
        node.done()
    doc.done()
    return lists


def read_measures(doc: Node) -> tuple[dict[str, MeasureGroup], dict[str, Measure]]:
    """Measure groups and measures, each measure with its legal basis and triggers."""
    groups: dict[str, MeasureGroup] = {}
    for node in _entries(doc, "groups"):
        ident = node.text("id")
        kind = node.text("kind")
        if kind not in GROUP_KINDS:
            raise node.error(f"kind must be punishment or incentive, got {kind!r}")
        groups[ident] = MeasureGroup(
            ident,
            kind,
            node.label(),
            node.text("description"),
            node.provenance(),
        )
        node.done()
    measures: dict[str, Measure] = {}
    nodes = _entries(doc, "measures")
    _unique(nodes, "measure", doc)
    for node in nodes:
        ident = node.text("id")
        group = node.text("group")
        if group not in groups:
            raise node.error(f"unknown measure group {group!r}")
        measures[ident] = Measure(
            ident,
            group,
            node.label(),
            node.label("authority"),
            node.legal_basis(),
            node.names("applies_to_lists"),
            node.provenance(),
        )
        node.done()
    doc.done()
    return groups, measures
