"""Prohibited information is refused by name, zh label, en label, enum value and tag.

One case per prohibited concept, and a set of near misses that must stay allowed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xinyong.catalog import Catalog, CatalogError, EnumValue, FieldSpec, Label, read_catalog
from xinyong.catalog.prohibited import find_prohibited, matches_en, matches_zh

Editor = Callable[[str, Callable[[Any], Any]], None]
TARGET = "record_types/administrative_licence.yaml"
NEUTRAL = Label(zh="附加信息", en="additional information")

#: concept id -> (a field name, a zh label, an en label) that each reveal it.
CASES: dict[str, tuple[str, str, str]] = {
    "religion": ("religion", "宗教信仰", "Religious belief"),
    "ethnicity": ("ethnic_group", "民族", "Ethnicity"),
    "political": ("political_affiliation", "政治面貌", "Political opinion"),
    "genetic": ("dna_profile", "基因检测结果", "Genetic test result"),
    "biometric": ("fingerprint_template", "人脸图像", "Fingerprints on file"),
    "blood_type": ("blood_type", "血型", "Blood group"),
    "health": ("health_status", "疾病和病史", "Medical history"),
    "sexual_life": ("sexual_orientation", "性取向", "Sexual orientation"),
    "speech": ("public_speeches", "网上言论摘录", "Speech at the meeting"),
    "online_activity": ("browsing_history", "浏览记录", "Social media posts"),
    "whereabouts": ("gps_track", "行踪轨迹", "Whereabouts last month"),
    "family_background": ("family_background", "家庭成员", "Relatives abroad"),
}


def _add_field(spec: dict[str, Any]) -> Callable[[Any], None]:
    def mutate(data: Any) -> None:
        data["fields"].append({"type": "string", "audience": "public", **spec})

    return mutate


def _refused(schema: Path, edit: Editor, spec: dict[str, Any]) -> str:
    edit(TARGET, _add_field(spec))
    with pytest.raises(CatalogError) as caught:
        read_catalog(schema)
    return str(caught.value)


def _assert_reason(message: str, catalog: Catalog, concept_id: str, field_name: str) -> None:
    concept = next(c for c in catalog.prohibited if c.id == concept_id)
    assert message.startswith("record type 'administrative_licence' in record_types/")
    assert f"field '{field_name}' is prohibited" in message
    assert concept.label.en in message
    assert concept.basis[0].cite() in message


def test_every_concept_has_a_case(catalog: Catalog) -> None:
    assert set(CASES) == {c.id for c in catalog.prohibited}


@pytest.mark.parametrize("concept_id", CASES)
def test_refused_by_name(schema: Path, edit: Editor, catalog: Catalog, concept_id: str) -> None:
    name = CASES[concept_id][0]
    message = _refused(schema, edit, {"name": name, "label": {"zh": NEUTRAL.zh, "en": NEUTRAL.en}})
    _assert_reason(message, catalog, concept_id, name)
    assert f"found in name '{name}'" in message


@pytest.mark.parametrize("concept_id", CASES)
def test_refused_by_zh_label(schema: Path, edit: Editor, catalog: Catalog, concept_id: str) -> None:
    zh = CASES[concept_id][1]
    message = _refused(schema, edit, {"name": "extra", "label": {"zh": zh, "en": NEUTRAL.en}})
    _assert_reason(message, catalog, concept_id, "extra")
    assert "zh label" in message


@pytest.mark.parametrize("concept_id", CASES)
def test_refused_by_en_label(schema: Path, edit: Editor, catalog: Catalog, concept_id: str) -> None:
    en = CASES[concept_id][2]
    message = _refused(schema, edit, {"name": "extra", "label": {"zh": NEUTRAL.zh, "en": en}})
    _assert_reason(message, catalog, concept_id, "extra")
    assert "en label" in message


def test_refused_by_concept_tag(schema: Path, edit: Editor, catalog: Catalog) -> None:
    spec = {
        "name": "extra",
        "label": {"zh": NEUTRAL.zh, "en": NEUTRAL.en},
        "concept": "blood_group",
    }
    message = _refused(schema, edit, spec)
    _assert_reason(message, catalog, "blood_type", "extra")


def test_refused_by_enum_value(schema: Path, edit: Editor, catalog: Catalog) -> None:
    spec = {
        "name": "extra",
        "type": "enum",
        "label": {"zh": NEUTRAL.zh, "en": NEUTRAL.en},
        "values": [
            {"value": "a", "label": {"zh": "甲", "en": "a"}},
            {"value": "b", "label": {"zh": "少数民族", "en": "b"}},
        ],
    }
    message = _refused(schema, edit, spec)
    _assert_reason(message, catalog, "ethnicity", "extra")
    assert "enum value 'b'" in message


def _spec(name: str, zh: str, en: str, values: tuple[EnumValue, ...] = ()) -> FieldSpec:
    if values:
        return FieldSpec(
            name=name, type="enum", label=Label(zh, en), audience="public", values=values
        )
    return FieldSpec(name=name, type="string", label=Label(zh, en), audience="public")


#: Fields that look close to a prohibited concept but are legitimate credit data.
ALLOWED = [
    _spec("region", "所在地区", "region"),
    _spec("penalty_content", "处罚内容", "penalty content"),
    _spec("sex", "性别", "sex"),
    _spec("farm_kind", "家庭农场", "family farm"),
    _spec("gmo_label", "转基因标识", "genetically modified food labelling"),
    _spec("authority", "卫生健康委员会", "health commission"),
    _spec("hygiene_licence", "公共场所卫生许可证", "public health licence"),
    _spec("device_number", "医疗器械注册证编号", "medical device registration number"),
    _spec("levy", "残疾人就业保障金缴纳情况", "disability employment security fund paid"),
    _spec("good_faith", "诚信承诺", "good-faith commitment"),
    _spec("registered_address", "住所", "registered address"),
    _spec("general_manager", "总经理", "general manager"),
    _spec("generation", "发电量", "power generation"),
    _spec("trace_id", "追溯码", "trace code"),
]


@pytest.mark.parametrize("spec", ALLOWED, ids=[s.name for s in ALLOWED])
def test_near_misses_are_allowed(catalog: Catalog, spec: FieldSpec) -> None:
    assert find_prohibited(spec, catalog.prohibited) is None


def test_shipped_types_are_clean(catalog: Catalog) -> None:
    for rt in catalog.record_types.values():
        for spec in rt.fields:
            assert find_prohibited(spec, catalog.prohibited) is None, f"{rt.id}.{spec.name}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fingerprints", True),
        ("FaceRecognition", False),
        ("face recognition log", True),
        ("online content moderation", True),
        ("content online", False),
        ("genetically modified crops", False),
        ("genetic and genetically modified", True),
    ],
)
def test_english_matching_is_by_whole_words(text: str, expected: bool) -> None:
    keywords = ["fingerprint", "face recognition", "online content", "genetic"]
    assert matches_en(text, keywords, ["genetically modified"]) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("基因检测", True), ("转基因标识", False), ("转基因与基因检测", True)],
)
def test_chinese_exceptions_are_taken_out_first(text: str, expected: bool) -> None:
    assert matches_zh(text, ["基因"], ["转基因"]) is expected
