"""The shipped catalog loads and carries what the issue promises."""

from __future__ import annotations

import pytest

from xinyong.catalog import (
    Catalog,
    Category,
    ListType,
    MeasureGroup,
    PublicityRegime,
    SubjectKind,
)

#: The record types the standard catalog must ship, with the catalogue category each belongs to.
REQUIRED = {
    "administrative_licence": "administrative",
    "administrative_penalty": "administrative",
    "court_judgment_defaulter": "judicial",
    "tax_credit_rating": "credit_evaluation",
    "abnormal_operation_entry": "abnormal_operation",
    "serious_dishonesty_entry": "serious_dishonesty_list",
    "credit_commitment": "credit_commitment",
    "honour": "honours",
    "contract_performance": "contract_performance",
    "professional_qualification": "qualifications",
}

#: Double-publicity penalty fields (field, code, Chinese name) from the data standard.
PENALTY_FIELDS = [
    ("counterpart_name", "CF_XDR_MC", "行政相对人名称"),
    ("uscc", "CF_XDR_SHDM", "行政相对人代码_1（统一社会信用代码）"),
    ("legal_representative", "CF_FDDB", "法定代表人"),
    ("decision_number", "CF_WSH", "行政处罚决定书文号"),
    ("violation_type", "CF_WFXW", "违法行为类型"),
    ("violation_facts", "CF_SY", "违法事实"),
    ("penalty_basis", "CF_YJ", "处罚依据"),
    ("penalty_types", "CF_CFLB", "处罚类别"),
    ("penalty_content", "CF_NR", "处罚内容"),
    ("fine_amount", "CF_NR_FK", "罚款金额（万元）"),
    ("confiscated_amount", "CF_NR_WFFF", "没收违法所得、没收非法财物的金额（万元）"),
    ("decision_date", "CF_JDRQ", "处罚决定日期"),
    ("deciding_authority", "CF_CFJG", "处罚机关"),
    ("deciding_authority_uscc", "CF_CFJGDM", "处罚机关统一社会信用代码"),
    ("data_source_unit", "CF_SJLY", "数据来源单位"),
]

LICENCE_FIELDS = [
    ("counterpart_name", "XK_XDR_MC", "行政相对人名称"),
    ("decision_document_title", "XK_XKWS", "行政许可决定文书名称"),
    ("decision_number", "XK_WSH", "行政许可决定文书号"),
    ("licence_category", "XK_XKLB", "许可类别"),
    ("certificate_name", "XK_XKZS", "许可证书名称"),
    ("licence_number", "XK_XKBH", "许可编号"),
    ("licence_content", "XK_NR", "许可内容"),
    ("decision_date", "XK_JDRQ", "许可决定日期"),
    ("valid_from", "XK_YXQZ", "有效期自"),
    ("valid_until", "XK_YXQZI", "有效期至"),
    ("licensing_authority", "XK_XKJG", "许可机关"),
    ("status", "XK_ZT", "当前状态"),
]


def test_catalogue_editions_have_11_12_and_13_categories(catalog: Catalog) -> None:
    counts = {
        edition: sum(edition in c.editions for c in catalog.categories.values())
        for edition in catalog.editions
    }
    assert counts == {"2021": 11, "2022": 12, "2024": 13}


def test_editions_add_compliance_then_intellectual_property(catalog: Catalog) -> None:
    assert catalog.categories["legal_compliance"].editions == ("2022", "2024")
    assert catalog.categories["intellectual_property"].editions == ("2024",)
    assert catalog.categories["administrative"].label_in("2024").zh == "行政管理信息"
    assert catalog.categories["administrative"].label_in("2021").zh.startswith("行政许可、行政处罚")


@pytest.mark.parametrize(("type_id", "category"), REQUIRED.items())
def test_required_type_has_category_and_legal_basis(
    catalog: Catalog, type_id: str, category: str
) -> None:
    rt = catalog.record_type(type_id)
    assert rt.category == category
    assert rt.editions
    assert all(e in catalog.categories[category].editions for e in rt.editions)
    assert rt.legal_basis
    for basis in rt.legal_basis:
        assert basis.instrument
        assert basis.article
        assert basis.url.startswith(("http://", "https://"))
    assert rt.label.zh
    assert rt.label.en


@pytest.mark.parametrize(("name", "code", "std_name"), PENALTY_FIELDS)
def test_penalty_carries_double_publicity_fields(
    catalog: Catalog, name: str, code: str, std_name: str
) -> None:
    spec = catalog.record_type("administrative_penalty").field(name)
    assert (spec.std_code, spec.std_name) == (code, std_name)


def test_fine_amount_is_in_units_of_ten_thousand_yuan(catalog: Catalog) -> None:
    fine = catalog.record_type("administrative_penalty").field("fine_amount")
    assert (fine.type, fine.unit) == ("decimal", "10k_yuan")


@pytest.mark.parametrize(("name", "code", "std_name"), LICENCE_FIELDS)
def test_licence_carries_double_publicity_fields(
    catalog: Catalog, name: str, code: str, std_name: str
) -> None:
    spec = catalog.record_type("administrative_licence").field(name)
    assert (spec.std_code, spec.std_name) == (code, std_name)


def test_penalty_categories_follow_article_9(catalog: Catalog) -> None:
    spec = catalog.record_type("administrative_penalty").field("penalty_types")
    groups = {v.group for v in spec.values}
    assert groups == {"1", "2", "3", "4", "5", "6"}
    assert spec.multiple


def test_no_grade_or_scoring_purpose_reaches_a_natural_person(catalog: Catalog) -> None:
    people = {k.id for k in catalog.subject_kinds.values() if not k.organisation}
    assert people == {"natural_person"}
    for rt in catalog.record_types.values():
        if rt.grade:
            assert not people & set(rt.subject_kinds), rt.id
        for grant in rt.disclosure.grants:
            if catalog.purpose(grant.purpose).scoring:
                reached = grant.subject_kinds or frozenset(rt.subject_kinds)
                assert not people & reached, rt.id


def test_personal_identifiers_are_marked(catalog: Catalog) -> None:
    for rt in catalog.record_types.values():
        for spec in rt.fields:
            if spec.scheme == "identity_document":
                assert spec.personal, f"{rt.id}.{spec.name}"


@pytest.mark.parametrize(
    ("authority", "entity_type", "kind"),
    [
        ("9", "1", "enterprise"),
        ("9", "2", "individual_business"),
        ("9", "3", "farmers_cooperative"),
        ("5", "1", "social_organisation"),
        ("5", "2", "social_organisation"),
        ("5", "3", "social_organisation"),
        ("1", "2", "public_institution"),
        ("1", "1", "government_body"),
        ("N", "1", "rural_collective"),
        ("N", "9", "rural_collective"),
        ("n", "3", "rural_collective"),
        ("A", "1", "public_institution"),
        ("Y", "1", "other_organisation"),
        ("3", "1", "other_organisation"),
    ],
)
def test_uscc_pairs_map_to_subject_kinds(
    catalog: Catalog, authority: str, entity_type: str, kind: str
) -> None:
    found = catalog.subject_kind_for_uscc(authority, entity_type)
    assert found is not None
    assert found.id == kind


@pytest.mark.parametrize(("authority", "entity_type"), [("0", "1"), ("9", "4"), ("Z", "1")])
def test_unknown_uscc_pairs_map_to_nothing(
    catalog: Catalog, authority: str, entity_type: str
) -> None:
    assert catalog.subject_kind_for_uscc(authority, entity_type) is None


def test_lists_and_measures_are_sourced(catalog: Catalog) -> None:
    assert {"red", "black", "watch"} == {lst.kind for lst in catalog.lists.values()}
    for measure in catalog.measures.values():
        assert measure.legal_basis
        assert measure.applies_to_lists
        assert catalog.measure_groups[measure.group]
    punishment_groups = [g for g in catalog.measure_groups.values() if g.kind == "punishment"]
    assert len(punishment_groups) == 3
    assert all(g.provenance.confidence == "unconfirmed" for g in punishment_groups)


def test_unconfirmed_facts_name_a_source(catalog: Catalog) -> None:
    items: list[Category | ListType | PublicityRegime | MeasureGroup | SubjectKind] = [
        *catalog.categories.values(),
        *catalog.lists.values(),
        *catalog.regimes.values(),
        *catalog.measure_groups.values(),
        *catalog.subject_kinds.values(),
    ]
    unconfirmed = [i for i in items if i.provenance.confidence == "unconfirmed"]
    assert unconfirmed
    assert all(i.provenance.sources for i in unconfirmed)
