"""Reading a generated data set back, the way an ingester would, for the synth tests."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

EXCEL_EPOCH = dt.date(1899, 12, 30)
_CN = re.compile(r"^(\d{4})年(\d{2})月(\d{2})日$")


def manifest(root: Path) -> dict[str, Any]:
    """The data set's manifest."""
    return json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def read_table(root: Path, path: str, fmt: str, encoding: str) -> list[list[Any]]:
    """Header and data rows of one file, as an ingester sees them."""
    file = root / path
    if fmt == "csv":
        with open(file, encoding=encoding, newline="") as f:
            return [list(row) for row in csv.reader(f)]
    if fmt == "jsonl":
        lines = file.read_text(encoding="utf-8").splitlines()
        objects = [json.loads(line) for line in lines]
        keys = list(objects[0]) if objects else []
        return [keys] + [[o[k] for k in keys] for o in objects]
    book = load_workbook(file, read_only=True)
    rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    book.close()
    return [["" if v is None else v for v in row] for row in rows]


def feed_tables(root: Path) -> dict[str, tuple[dict[str, Any], list[str], dict[str, list[Any]]]]:
    """Every feed: its manifest entry, header, and rows by file path."""
    out = {}
    for feed in manifest(root)["feeds"]:
        files = {}
        header: list[str] = []
        for f in feed["files"]:
            table = read_table(root, f["path"], feed["format"], feed["encoding"])
            header, files[f["path"]] = [str(h) for h in table[0]], table[1:]
        out[feed["feed"]] = (feed, header, files)
    return out


def parse_date(cell: Any, style: str) -> dt.date | None:
    """The date a cell holds in a feed's style, or None if it holds no real date."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, int) and style == "excel-serial":
        return EXCEL_EPOCH + dt.timedelta(days=cell)
    text = str(cell)
    try:
        if style in ("iso", "excel-serial", "excel-date"):
            return dt.date.fromisoformat(text)
        if style == "compact":
            return dt.datetime.strptime(text, "%Y%m%d").date()
        if style == "slash":
            y, m, d = (int(x) for x in text.split("/"))
            return dt.date(y, m, d)
        match = _CN.match(text)
        return dt.date(*(int(x) for x in match.groups())) if match else None
    except ValueError:
        return None


def truths(root: Path) -> list[dict[str, Any]]:
    """The ground-truth lines."""
    text = (root / "ground_truth.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]
