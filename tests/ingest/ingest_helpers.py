"""Helpers for the ingest tests: stores, files in department formats, ground-truth scoring."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from xinyong.ids import ric, uscc
from xinyong.ingest import load_mapping
from xinyong.ingest.readers import open_table
from xinyong.ingest.transforms import Transform
from xinyong.ledger import Store
from xinyong.ledger.projection import fields_of, select_records
from xinyong.ledger.tables import events, records, sources, subjects
from xinyong.settings import Settings

PENALTY_HEADERS = [
    "行政相对人名称",
    "行政相对人类别",
    "行政相对人代码_1（统一社会信用代码）",
    "证件号码",
    "行政处罚决定书文号",
    "违法行为类型",
    "违法事实",
    "处罚依据",
    "处罚类别",
    "处罚内容",
    "罚款金额（万元）",
    "处罚决定日期",
    "公示截止期",
    "处罚机关",
    "处罚机关统一社会信用代码",
    "数据来源单位",
    "数据来源单位统一社会信用代码",
    "操作类型",
]
AUTHORITY = uscc.issue("1", "1", "110108", [900])[0]


def codes(count: int, kind: str = "1", start: int = 0) -> list[str]:
    """Distinct valid USCCs (kind "1": enterprise 9/1, "2": individual business 9/2)."""
    return uscc.issue("9", kind, "110108", range(start, start + count))


def person_number(serial: int) -> str:
    """A valid identity number."""
    body = f"11010519800101{serial:03d}"
    return body + ric.check_value(body)


def penalty_row(
    number: int,
    code: str,
    *,
    name: str | None = None,
    category: str = "法人及非法人组织",
    person: str = "",
    fine_yuan: int = 5000,
    amount: str | None = None,
    decided: str = "2025-01-06",
    until: str = "2026-01-06",
    op: str = "新增",
) -> list[str]:
    """One penalty row in the standard's layout (:data:`PENALTY_HEADERS`)."""
    wan = amount if amount is not None else f"{fine_yuan / 10_000:g}"
    return [
        name or f"北京测试{number}科技有限公司", category, code, person,
        f"京海市监罚〔2025〕{number}号", "无照经营", "经查，当事人未依法取得营业执照。",
        "依据《无证无照经营查处办法》第十三条", "罚款", f"罚款人民币{fine_yuan}元", wan,
        decided, until, "北京市海淀区市场监督管理局", AUTHORITY,
        "北京市海淀区市场监督管理局", AUTHORITY, op,
    ]  # fmt: skip


def write_csv(
    path: Path, headers: Sequence[str], rows: Iterable[Sequence[str]], encoding: str
) -> Path:
    """A CSV file as a department's system writes it."""
    with open(path, "w", encoding=encoding, newline="") as f:
        out = csv.writer(f)
        out.writerow(headers)
        out.writerows(rows)
    return path


def rejects_of(path: Path) -> dict[int, dict[str, Any]]:
    """The rejects file beside ``path``, by row number."""
    target = path.with_name(path.name + ".rejects.jsonl")
    if not target.exists():
        return {}
    lines = [json.loads(x) for x in target.read_text(encoding="utf-8").splitlines()]
    return {x["row"]: x for x in lines}


def count_rows(store: Store, table: sa.Table) -> int:
    """Rows in a ledger table."""
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def score(store: Store, data: Path) -> list[str]:
    """Every ground-truth line the store and reject files disagree with, explained."""
    manifest = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    feeds = {f["feed"]: f for f in manifest["feeds"]}
    problems: list[str] = []
    fields_of: dict[str, dict[str, tuple[str, Transform]]] = {}
    with store.engine.connect() as conn:
        for line in (data / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines():
            truth = json.loads(line)
            feed = feeds[truth["feed"]]
            path = data / truth["file"]
            if truth["file"] not in fields_of:
                fields_of[truth["file"]] = _columns(path, feed["mapping"])
            problem = _check(conn, truth, feed, path, fields_of[truth["file"]])
            if problem:
                problems.append(f"{truth['file']} row {truth['row']} ({truth['fault']}): {problem}")
    return problems


def _columns(path: Path, mapping_name: str) -> dict[str, tuple[str, Transform]]:
    """Header -> (field, transform): what the mapping makes of a value in that column."""
    mapping = load_mapping(mapping_name)
    with open_table(path, mapping.encoding, mapping.sheet) as table:
        bound = mapping.bind(table.headers, "SRC", "source")
    out: dict[str, tuple[str, Transform]] = {}
    for index, target, transform, _ in bound.targets:
        if index is not None and target.spec is not None:
            out.setdefault(target.column, (target.name, transform))
    return out


def _expected(fields: dict[str, tuple[str, Transform]], column: str, value: str) -> tuple[str, Any]:
    name, transform = fields[column]
    return name, transform([value]).values[0]


def _records(conn: sa.Connection, feed: dict[str, Any], truth: dict[str, Any]) -> list[Any]:
    mapping = load_mapping(feed["mapping"])
    key = [str(v) for v in truth["key"].values()]
    # the tax feed's document number joins code and year
    document_no = " / ".join(key) if len(mapping.document_no) > 1 else key[0]
    stmt = (
        select_records()
        .join(sources, sources.c.id == records.c.source_id)
        .where(
            sources.c.code == feed["department_uscc"],
            records.c.record_type == feed["record_type"],
            records.c.document_no == document_no,
        )
    )
    if truth.get("subject"):
        stmt = stmt.join(subjects, subjects.c.id == records.c.subject_id).where(
            subjects.c.code == truth["subject"]
        )
    return list(conn.execute(stmt))


def _events_mentioning(
    conn: sa.Connection, record_id: int, kind: str, row: int, file: str
) -> list[Any]:
    stmt = sa.select(events).where(
        events.c.entity == "record", events.c.entity_id == record_id, events.c.type == kind
    )
    marker = f"row {row} of {Path(file).name}"
    return [e for e in conn.execute(stmt) if marker in json.loads(e.payload).get("reason", "")]


def _check(
    conn: sa.Connection,
    truth: dict[str, Any],
    feed: dict[str, Any],
    path: Path,
    fields: dict[str, tuple[str, Transform]],
) -> str | None:
    expected, row = truth["expected"], truth["row"]
    rejected = rejects_of(path).get(row)
    if expected == "reject":
        if rejected is None:
            return "not rejected"
        if rejected["reason"] != truth["reason"]:
            return f"rejected as {rejected['reason']}, expected {truth['reason']}"
        if rejected["column"] != truth["column"]:
            return f"rejected on column {rejected['column']}, expected {truth['column']}"
        return None
    if rejected is not None:
        return f"rejected ({rejected['reason']}: {rejected['message_en']})"
    found = _records(conn, feed, truth)
    if len(found) != 1:
        return f"{len(found)} records with its natural key"
    record = found[0]
    stored = fields_of(record.fields, record.asserted_payload)
    if expected == "accept":
        for column, raw in truth["normalised"].items():
            name, value = _expected(fields, column, raw)
            if stored.get(name) != value:
                return f"{name} stored as {stored.get(name)!r}, expected {value!r}"
        return None
    if expected == "unchanged":
        if _events_mentioning(conn, record.id, "amended", row, truth["file"]):
            return "an amendment was recorded"
        return None
    if expected == "amended":
        found_events = _events_mentioning(conn, record.id, "amended", row, truth["file"])
        if len(found_events) != 1:
            return f"{len(found_events)} amended events for the row"
        changed = json.loads(found_events[0].payload)
        for column, raw in truth["changes"].items():
            name, value = _expected(fields, column, raw)
            now = changed.get("fields", {}).get(name, changed.get("decision_date"))
            if now != value:
                return f"amendment sets {name} to {now!r}, expected {value!r}"
        return None
    if expected == "withdrawn":
        if record.status != "withdrawn":
            return f"record is {record.status}"
        if len(_events_mentioning(conn, record.id, "withdrawn", row, truth["file"])) != 1:
            return "no withdrawn event for the row"
        return None
    return f"unknown expectation {expected}"


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process open the same store, on the same day."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env["XINYONG_HOME"] = str(settings.home)
    env["XINYONG_SECRET_KEY"] = settings.secret_key or ""
    env["XINYONG_DATABASE_URL"] = settings.database_url or ""
    if settings.today is not None:
        env["XINYONG_TODAY"] = settings.today.isoformat()
    return env


CLI = [sys.executable, "-c", "from xinyong.cli.main import run; run()"]


def run_cli(
    settings: Settings, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the real ``xinyong`` command in another process on the same store."""
    return subprocess.run(
        [*CLI, *args],
        env=settings_env(settings),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
