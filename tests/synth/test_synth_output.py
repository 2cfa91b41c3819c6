"""The data set as files: determinism, counts, formats, encodings and headers."""

from __future__ import annotations

import filecmp
import hashlib
import json
from pathlib import Path

import pytest
from conftest import PARAMS
from synth_read import feed_tables, manifest, read_table, truths

from xinyong.catalog import load_catalog
from xinyong.synth import generate
from xinyong.synth.regions import REGIONS


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_parameters_give_identical_bytes(dataset: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    generate(again, **PARAMS)  # type: ignore[arg-type]
    assert _digest(again) == _digest(dataset)


def test_worker_processes_write_the_same_bytes(dataset: Path, tmp_path: Path) -> None:
    parallel = tmp_path / "parallel"
    generate(parallel, jobs=2, **PARAMS)  # type: ignore[arg-type]
    assert _digest(parallel) == _digest(dataset)


def test_another_seed_gives_another_data_set(dataset: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    generate(other, **{**PARAMS, "seed": 12})  # type: ignore[arg-type]
    assert not filecmp.cmp(other / "subjects.csv", dataset / "subjects.csv", shallow=False)


def test_rerun_into_the_same_directory_replaces_the_old_set(tmp_path: Path) -> None:
    root = tmp_path / "set"
    generate(root, 50, 2_000, seed=1)
    first = _digest(root)
    generate(root, 50, 300, seed=1)
    generate(root, 50, 2_000, seed=1)
    assert _digest(root) == first


def test_refuses_a_directory_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError):
        generate(tmp_path, 50, 100)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_counts_in_files_match_the_manifest(dataset: Path) -> None:
    m = manifest(dataset)
    tables = feed_tables(dataset)
    total = 0
    for feed, _, files in tables.values():
        for f in feed["files"]:
            assert len(files[f["path"]]) == f["rows"], f["path"]
        assert sum(f["rows"] for f in feed["files"]) == feed["rows"]
        total += feed["rows"]
    assert total == m["records"]["total"] == PARAMS["records"]
    by_type: dict[str, int] = {}
    for feed, _, _ in tables.values():
        by_type[feed["record_type"]] = by_type.get(feed["record_type"], 0) + feed["rows"]
    assert by_type == m["records"]["by_record_type"]
    subjects = read_table(dataset, "subjects.csv", "csv", "utf-8")
    assert len(subjects) - 1 == m["subjects"]["rows"] == PARAMS["entities"]
    lines = (dataset / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == m["ground_truth"]["rows"]
    assert sum(sum(f["faults"].values()) for f in m["feeds"]) == len(lines)


def test_every_feed_and_format_is_present(dataset: Path) -> None:
    feeds = manifest(dataset)["feeds"]
    assert {(f["format"], f["encoding"]) for f in feeds} >= {
        ("csv", "gbk"), ("csv", "utf-8"), ("csv", "utf-8-sig"), ("xlsx", "utf-8"),
        ("jsonl", "utf-8"),
    }  # fmt: skip
    assert all(f["rows"] > 0 for f in feeds)


def test_record_types_and_standard_headers_come_from_the_catalog(dataset: Path) -> None:
    catalog = load_catalog()
    for feed, header, _ in feed_tables(dataset).values():
        record_type = catalog.record_type(feed["record_type"])  # raises if unknown
        assert header == feed["columns"]
        if feed["mapping"].startswith("double-publicity"):
            standard = [f.std_name for f in record_type.fields if f.std_name]
            assert header == [*standard, "操作类型"], feed["feed"]


def test_gbk_feeds_decode_as_gbk_and_carry_chinese_headers(dataset: Path) -> None:
    gbk = [f for f in manifest(dataset)["feeds"] if f["encoding"] == "gbk"]
    assert {f["feed"] for f in gbk} >= {"mr-penalty", "mr-licence", "mr-abnormal", "cm-penalty"}
    for feed in gbk:
        raw = (dataset / feed["files"][0]["path"]).read_bytes()
        with pytest.raises(UnicodeDecodeError):
            raw.decode("utf-8")  # really GBK, not UTF-8 that happens to be ASCII
        first = raw.decode("gbk").splitlines()[0]
        assert first.split(",")[0] in ("行政相对人名称", "统一社会信用代码")


def test_utf8_sig_feeds_start_with_a_byte_order_mark(dataset: Path) -> None:
    for feed in manifest(dataset)["feeds"]:
        raw = (dataset / feed["files"][0]["path"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == (feed["encoding"] == "utf-8-sig"), feed["feed"]


def test_xlsx_feeds_open_and_hold_excel_dates(dataset: Path) -> None:
    tables = feed_tables(dataset)
    _, header, files = tables["em-penalty"]
    rows = next(iter(files.values()))
    serials = [r[header.index("处罚决定日期")] for r in rows]
    assert sum(isinstance(v, int) for v in serials) > 0.9 * len(rows)  # bare serial numbers
    _feed, header, files = tables["tax-rating"]
    rows = next(iter(files.values()))
    dated = [r[header.index("评价日期")] for r in rows]
    assert sum(hasattr(v, "year") for v in dated) > 0.9 * len(rows)  # date-formatted cells


def test_xlsx_feeds_split_into_parts_below_the_row_limit(tmp_path: Path) -> None:
    from xinyong.synth import writers

    names = writers.part_names("tax-rating", "xlsx", 450_001, writers.XLSX_PART_ROWS)
    assert names == ["tax-rating-001.xlsx", "tax-rating-002.xlsx", "tax-rating-003.xlsx"]
    assert writers.part_names("tax-rating", "xlsx", 10, writers.XLSX_PART_ROWS) == [
        "tax-rating.xlsx"
    ]


def test_record_keys_are_unique_among_new_records(dataset: Path) -> None:
    copies = {(t["file"], t["row"]) for t in truths(dataset)}  # duplicates, missing codes ...
    for feed, header, files in feed_tables(dataset).values():
        op = header.index(feed["operation"]["column"])
        key = [header.index(k) for k in feed["key"]]
        seen: set[tuple[str, ...]] = set()
        for path, rows in files.items():
            for number, row in enumerate(rows, 1):
                if row[op] == feed["operation"]["new"] and (path, number) not in copies:
                    value = tuple(str(row[i]) for i in key)
                    assert value not in seen, (feed["feed"], value)
                    seen.add(value)
        assert seen, feed["feed"]


@pytest.mark.parametrize("code", sorted(REGIONS))
def test_every_region_writes_a_set_whose_names_carry_the_region(code: str, tmp_path: Path) -> None:
    # GBK feeds refuse unencodable text, so writing them proves every name fits.
    summary = generate(tmp_path, 120, 1_500, seed=3, region_code=code)
    reg = REGIONS[code]
    assert summary.manifest["region"] == {"code": code, "name": reg.full_name}
    penalties = read_table(tmp_path, "feeds/mr-penalty.csv", "csv", "gbk")
    number = penalties[0].index("行政处罚决定书文号")
    assert all(row[number].startswith(reg.doc_prefix + "市监罚〔") for row in penalties[1:])
    register = read_table(tmp_path, "subjects.csv", "csv", "utf-8")
    assert (
        sum(reg.city_short in row[1] or reg.district in row[1] for row in register[1:]) > 0.8 * 120
    )


def test_a_tampered_manifest_cannot_delete_outside_the_directory(tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep", encoding="utf-8")
    root = tmp_path / "set"
    generate(root, 20, 50)
    m = manifest(root)
    m["subjects"]["path"] = "../precious.txt"
    (root / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    generate(root, 20, 50)
    assert outside.read_text(encoding="utf-8") == "keep"
