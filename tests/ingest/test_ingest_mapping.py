"""Mappings: built-ins load, mistakes are refused with the file and key named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from ingest_helpers import PENALTY_HEADERS, write_csv

from xinyong.ingest import MappingError, builtin_names, ingest_file, load_mapping
from xinyong.ingest.mapping import header_key
from xinyong.ledger import Store

MINIMAL = {
    "name": "mine",
    "record_type": "honour",
    "columns": {
        "recipient_name": "单位",
        "recipient_uscc": "代码",
        "award_date": "日期",
        "honour_name": "荣誉",
        "awarding_body": "授予单位",
    },
    "document_no": "award_document_number",
    "decision_date": "award_date",
    "subject": {"name": "recipient_name", "uscc": "recipient_uscc"},
}


def write(tmp_path: Path, data: dict[str, object]) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_every_built_in_mapping_loads() -> None:
    names = builtin_names()
    assert {
        "double-publicity-penalty-cn",
        "double-publicity-licence-cn",
        "subject-registry-cn",
    } <= set(names)
    for name in names:
        assert load_mapping(name).name == name


def test_a_minimal_mapping_of_ones_own(tmp_path: Path) -> None:
    mapping = load_mapping(write(tmp_path, MINIMAL))
    assert mapping.record_type is not None
    assert mapping.record_type.id == "honour"
    assert mapping.rule("recipient_name").headers[0] == "单位"


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"colums": {}}, "colums", "unknown key"),
        ({"record_type": "horoscope"}, "record_type", "unknown record type"),
        ({"columns": {"star_sign": "星座"}}, "columns.star_sign", "unknown field"),
        (
            {"transforms": {"recipient_name": "shout"}},
            "transforms.recipient_name",
            "unknown transform",
        ),
        (
            {"transforms": {"honour_level": {"transform": "enum", "colour": 1}}},
            "transforms.honour_level.colour",
            "unknown transform option",
        ),
        ({"document_no": "nothing"}, "document_no", "neither a field"),
        ({"decision_date": "recipient_name"}, "decision_date", "must be a date"),
        (
            {"checks": {"not_after_today": ["honour_name"]}},
            "checks.not_after_today",
            "must be a date",
        ),
        (
            {"checks": {"amount_unit": {"fields": ["award_date"]}}},
            "checks.amount_unit.fields",
            "10,000 yuan",
        ),
        ({"checks": {"sanity": []}}, "checks.sanity", "unknown check"),
        ({"subject": {"name": "recipient_name"}}, "subject", "uscc, person_id or both"),
        ({"encoding": "latin-1"}, "encoding", "must be one of"),
        ({"columns": {"recipient_name": "单位"}}, "columns", "required field 'honour_name'"),
    ],
)
def test_mistakes_name_the_file_and_the_key(
    tmp_path: Path, change: dict[str, object], key: str, words: str
) -> None:
    path = write(tmp_path, {**MINIMAL, **change})
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    message = str(caught.value)
    assert str(path) in message
    assert f"key '{key}'" in message
    assert words in message


def test_an_unknown_built_in_lists_the_known_ones() -> None:
    with pytest.raises(MappingError, match="double-publicity-penalty-cn"):
        load_mapping("no-such-mapping")


def test_a_file_without_a_required_column_is_refused_before_anything_is_written(
    store: Store, tmp_path: Path
) -> None:
    headers = [h for h in PENALTY_HEADERS if h != "行政处罚决定书文号"]
    path = write_csv(tmp_path / "p.csv", headers, [["x"] * len(headers)], "utf-8")
    with pytest.raises(MappingError, match=r"no column for required value\(s\) decision_number"):
        ingest_file(store, path, "double-publicity-penalty-cn", "S", source_name="s")
    assert store.chain_head().seq == 1  # only the source's registration


def test_headers_match_across_widths_spaces_and_case() -> None:
    assert header_key("行政相对人代码_1（统一社会信用代码）") == header_key(
        " 行政相对人代码_1(统一社会信用代码) "
    )
    assert header_key("cf_xdr_shdm") == header_key("CF_XDR_SHDM")
