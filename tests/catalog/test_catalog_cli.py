"""The ``xinyong catalog`` commands."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from xinyong.catalog import Catalog
from xinyong.cli.catalog import app

runner = CliRunner(env={"COLUMNS": "200"})


def test_show_lists_types_kinds_lists_and_measures(catalog: Catalog) -> None:
    result = runner.invoke(app, ["show"])
    assert result.exit_code == 0, result.output
    for ident in [*catalog.record_types, *catalog.subject_kinds, *catalog.lists, *catalog.measures]:
        assert ident in result.output


def test_show_type_prints_fields_with_standard_codes() -> None:
    result = runner.invoke(app, ["show", "administrative_penalty"])
    assert result.exit_code == 0, result.output
    for text in ("CF_WSH", "行政处罚决定书文号", "CF_NR_FK", "10k_yuan", "行政处罚法", "Art. 48"):
        assert text in result.output


def test_show_type_json_keeps_chinese_readable(catalog: Catalog) -> None:
    result = runner.invoke(app, ["show", "court_judgment_defaulter", "--json"])
    assert result.exit_code == 0, result.output
    assert "失信被执行人" in result.output
    data = json.loads(result.output)
    assert data["id"] == "court_judgment_defaulter"
    assert [f["name"] for f in data["fields"]] == [
        f.name for f in catalog.record_type(data["id"]).fields
    ]
    assert {r["id"] for r in data["regimes"]} == {"spc-2013", "spc-2017-7"}


def test_show_json_has_the_whole_catalog(catalog: Catalog) -> None:
    result = runner.invoke(app, ["show", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data["record_types"]) == list(catalog.record_types)
    assert data["regimes"]["ndrc-2026"]["tiers"]["serious"]["max"] == "P3Y"


def test_show_unknown_type_exits_2_with_a_message() -> None:
    result = runner.invoke(app, ["show", "social_score"])
    assert result.exit_code == 2
    assert "unknown record type 'social_score'" in result.output


def test_check_reports_ok_for_a_valid_copy(schema: Path) -> None:
    result = runner.invoke(app, ["check", str(schema)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: ")
    assert "10 record types" in result.output


def test_check_reports_the_error_and_exits_1(schema: Path) -> None:
    path = schema / "record_types" / "honour.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("category: honours", "category: gossip"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(schema)])
    assert result.exit_code == 1
    assert "record type 'honour' in record_types/honour.yaml" in result.output
    assert "category 'gossip' is not in the national catalogue" in result.output


def test_show_reads_another_catalog(schema: Path) -> None:
    (schema / "record_types" / "honour.yaml").unlink()
    result = runner.invoke(app, ["show", "honour", "--catalog", str(schema)])
    assert result.exit_code == 2
