"""``xinyong synth``: options, JSON on stdout, errors with exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from xinyong.cli.synth import register


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def other() -> None:  # a second command keeps ``synth`` a named subcommand
        """Placeholder."""

    return app


def test_synth_writes_the_set_and_prints_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "set"
    args = ["synth", "--out", str(out), "--entities", "60", "--records", "900", "--seed", "4",
            "--error-rate", "0.05", "--region", "310115", "--as-of", "2025-12-31"]  # fmt: skip
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    manifest = json.loads(result.stdout)
    assert manifest["parameters"] == {
        "entities": 60, "records": 900, "seed": 4, "error_rate": 0.05, "region": "310115",
        "as_of": "2025-12-31", "chunk": 8192,
    }  # fmt: skip
    assert manifest == json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region"]["name"] == "上海市浦东新区"
    assert "records/s" in result.stderr


def test_synth_rejects_bad_parameters_with_exit_code_2(tmp_path: Path) -> None:
    runner = CliRunner()
    for bad in (["--region", "999999"], ["--entities", "3"], ["--error-rate", "0.9"]):
        result = runner.invoke(_app(), ["synth", "--out", str(tmp_path / "x"), *bad])
        assert result.exit_code == 2, bad
        assert "Error" in result.stderr
    result = runner.invoke(_app(), ["synth", "--entities", "50"])
    assert result.exit_code == 2  # --out is required


def test_synth_refuses_a_foreign_directory_with_exit_code_1(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(_app(), ["synth", "--out", str(tmp_path), "--records", "10"])
    assert result.exit_code == 1
