"""The loader refuses catalogs outside the closed taxonomy, naming file, item and reason."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xinyong.catalog import CatalogError, read_catalog

Mutation = Callable[[Any], Any]
Editor = Callable[[str, Mutation], None]

PENALTY = "record_types/administrative_penalty.yaml"
LICENCE = "record_types/administrative_licence.yaml"
TAX = "record_types/tax_credit_rating.yaml"
SERIOUS = "record_types/serious_dishonesty_entry.yaml"
COURT = "record_types/court_judgment_defaulter.yaml"


def _drop(key: str) -> Mutation:
    return lambda d: d.pop(key)


def _set(key: str, value: object) -> Mutation:
    return lambda d: d.__setitem__(key, value)


def _first_basis(key: str, value: object | None) -> Mutation:
    def mutate(d: Any) -> None:
        if value is None:
            d["legal_basis"][0].pop(key)
        else:
            d["legal_basis"][0][key] = value

    return mutate


def _field(name: str, key: str, value: object) -> Mutation:
    def mutate(d: Any) -> None:
        spec = next(f for f in d["fields"] if f["name"] == name)
        if value is None:
            spec.pop(key)
        else:
            spec[key] = value

    return mutate


def _regime(ident: str, key: str, value: object) -> Mutation:
    def mutate(d: Any) -> None:
        regime = next(r for r in d["regimes"] if r["id"] == ident)
        if value is None:
            regime.pop(key)
        else:
            regime[key] = value

    return mutate


def _penalty_scores_everyone(d: Any) -> None:
    grants = d["disclosure"]["agency_purposes"]
    grants[:] = [g for g in grants if not isinstance(g, dict)] + ["credit_evaluation"]


def _drop_category(d: Any) -> None:
    d["categories"] = [c for c in d["categories"] if c["id"] != "honours"]


# (case id, file, mutation, words the message must contain)
CASES: list[tuple[str, str, Mutation, tuple[str, ...]]] = [
    (
        "no legal basis",
        PENALTY,
        _drop("legal_basis"),
        ("administrative_penalty.yaml", "has no legal_basis"),
    ),
    ("empty legal basis", PENALTY, _set("legal_basis", []), ("legal_basis", "non-empty list")),
    (
        "no article",
        PENALTY,
        _first_basis("article", None),
        ("legal_basis #1", "'article' is required"),
    ),
    (
        "blank article",
        LICENCE,
        _first_basis("article", " "),
        ("legal_basis #1", "'article' is required"),
    ),
    ("no instrument", LICENCE, _first_basis("instrument", None), ("'instrument' is required",)),
    (
        "url not http",
        LICENCE,
        _first_basis("url", "see the gazette"),
        ("url must be an http(s) address",),
    ),
    (
        "category outside the catalogue",
        PENALTY,
        _set("category", "social_morality"),
        ("administrative_penalty", "category 'social_morality' is not in the national catalogue"),
    ),
    (
        "category not in the claimed edition",
        LICENCE,
        lambda d: d.update(category="intellectual_property", editions=["2021"]),
        ("category 'intellectual_property' is not in the 2021 catalogue edition",),
    ),
    ("unknown top-level key", PENALTY, _set("colour", "red"), ("unknown key(s): colour",)),
    (
        "unknown field key",
        PENALTY,
        _field("decision_number", "colour", "red"),
        ("field 'decision_number'", "unknown key(s): colour"),
    ),
    (
        "unknown subject kind",
        PENALTY,
        lambda d: d["subject_kinds"].append("martian"),
        ("administrative_penalty", "unknown subject kind 'martian'"),
    ),
    (
        "unknown purpose",
        PENALTY,
        lambda d: d["disclosure"]["agency_purposes"].append("marketing"),
        ("unknown purpose 'marketing'",),
    ),
    (
        "unknown regime series",
        LICENCE,
        lambda d: d["publicity"].__setitem__("series", ["lunar"]),
        ("unknown regime series 'lunar'",),
    ),
    (
        "unknown list in a list field",
        SERIOUS,
        _field("list_type", "values", [{"value": "samr_serious_violation"}, {"value": "nope"}]),
        ("field 'list_type'", "unknown list 'nope'"),
    ),
    (
        "unknown measure",
        SERIOUS,
        _field("measures", "values", [{"value": "public_shaming"}]),
        ("field 'measures'", "unknown measure 'public_shaming'"),
    ),
    ("unknown list type", COURT, _set("list_type", "nope"), ("unknown list 'nope'",)),
    (
        "grade about natural persons",
        TAX,
        lambda d: d["subject_kinds"].append("natural_person"),
        ("tax_credit_rating", "a grade may concern organisations only, not natural_person"),
    ),
    (
        "scoring purpose reaching natural persons",
        PENALTY,
        _penalty_scores_everyone,
        ("natural persons are never scored", "credit_evaluation", "natural_person"),
    ),
    ("id differs from file name", PENALTY, _set("id", "penalty"), ("must match the file name",)),
    (
        "natural key not a field",
        PENALTY,
        _set("natural_key", ["case_number"]),
        ("natural_key field 'case_number' must be a required field",),
    ),
    (
        "severity mapping incomplete",
        PENALTY,
        lambda d: d["severity"]["derive"]["mapping"].pop("fine"),
        ("severity mapping must map every value of 'penalty_types'",),
    ),
    (
        "unknown field type",
        PENALTY,
        _field("remarks", "type", "blob"),
        ("type 'blob' is not one of",),
    ),
    (
        "field without audience",
        PENALTY,
        _field("remarks", "audience", None),
        ("'audience' is required",),
    ),
    (
        "enum without values",
        PENALTY,
        _field("sector", "values", None),
        ("'values' must be a non-empty list",),
    ),
    (
        "option for another type",
        PENALTY,
        _field("remarks", "unit", "yuan"),
        ("'unit' is not allowed on a text field",),
    ),
    (
        "unconfirmed without sources",
        "publicity.yaml",
        _regime("samr-2025-order107", "sources", None),
        ("publicity.yaml", "samr-2025-order107", "must name its sources"),
    ),
    (
        "overlapping regimes",
        "publicity.yaml",
        _regime("ndrc-2019-527", "effective_to", "2023-06-30"),
        ("'ndrc-2019-527' and 'ndrc-2023-order58'", "overlap"),
    ),
    (
        "edition count",
        "categories.yaml",
        _drop_category,
        ("edition 2021 declares 11 categories but 10",),
    ),
    (
        "measure names unknown list",
        "measures.yaml",
        lambda d: d["measures"][0]["applies_to_lists"].append("nope"),
        ("measures.yaml", "high_consumption_restriction", "unknown list 'nope'"),
    ),
    (
        "duplicate USCC pair",
        "subject_kinds.yaml",
        lambda d: d["subject_kinds"][0]["uscc"].append("9/2"),
        ("USCC pair 9/2 already maps to",),
    ),
]


@pytest.mark.parametrize(
    ("file", "mutate", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_loader_refuses(
    schema: Path, edit: Editor, file: str, mutate: Mutation, expected: tuple[str, ...]
) -> None:
    edit(file, mutate)
    with pytest.raises(CatalogError) as caught:
        read_catalog(schema)
    message = str(caught.value)
    for words in expected:
        assert words in message


def test_unmodified_copy_loads(schema: Path) -> None:
    assert read_catalog(schema).record_types


def test_duplicate_yaml_keys_are_refused(schema: Path) -> None:
    path = schema / "record_types" / "honour.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\ncategory: honours\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"honour\.yaml: line \d+: duplicate key 'category'"):
        read_catalog(schema)


def test_missing_file_is_named(schema: Path) -> None:
    (schema / "lists.yaml").unlink()
    with pytest.raises(CatalogError, match=r"lists\.yaml: cannot be read"):
        read_catalog(schema)


def test_a_local_record_type_can_be_added(schema: Path, edit: Editor) -> None:
    source = schema / "record_types" / "honour.yaml"
    (schema / "record_types" / "local_award.yaml").write_text(
        source.read_text(encoding="utf-8").replace("id: honour", "id: local_award"),
        encoding="utf-8",
    )
    assert "local_award" in read_catalog(schema).record_types
