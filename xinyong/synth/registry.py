"""The registry feed, ``subjects.csv``: every subject as the register holds it.

It is the ground truth for subject resolution: every code a feed mentions (correctly or
after normalisation) is one of these rows, and former names let a resolver match records
made before a rename. The file is clean; faults live only in department feeds.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from xinyong.synth import words
from xinyong.synth.dates import day_of
from xinyong.synth.kinds import KINDS
from xinyong.synth.people import People
from xinyong.synth.regions import Region
from xinyong.synth.subjects import NO_END, STATUSES, Subjects

HEADERS = (
    "统一社会信用代码",
    "主体名称",
    "登记管理部门代码",
    "机构类别代码",
    "主体类别",
    "法定代表人（负责人、经营者）",
    "法定代表人证件类型",
    "法定代表人证件号码",
    "成立日期",
    "登记状态",
    "注销或吊销日期",
    "住所所在行政区划代码",
    "行业",
    "曾用名",
    "名称变更日期",
    "隶属主体统一社会信用代码",
)
_CHUNK = 50_000


def write_registry(path: Path, s: Subjects, people: People, reg: Region) -> int:
    """Write ``subjects.csv`` (UTF-8, header first); returns the number of data rows."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(HEADERS)
        for lo in range(0, len(s), _CHUNK):
            idx = np.arange(lo, min(len(s), lo + _CHUNK), dtype=np.int64)
            out.writerows(_rows(s, people, reg, idx))
    return len(s)


def _rows(s: Subjects, people: People, reg: Region, idx: np.ndarray) -> list[tuple[str, ...]]:
    codes, names = s.code_list(idx), s.name_list(idx)
    reps = people.name_list(s.rep[idx].astype(np.int64))
    rep_ids = people.id_list(s.rep[idx].astype(np.int64))
    parents = s.parent[idx].tolist()
    parent_codes = s.code_list(np.maximum(s.parent[idx], 0).astype(np.int64))
    rows: list[tuple[str, ...]] = []
    for k, i in enumerate(idx.tolist()):
        kind = KINDS[s.kind[i]]
        end = int(s.end[i])
        old = s.former.get(i)
        industry = int(s.industry[i])
        rows.append(
            (
                codes[k],
                names[k],
                kind.authority,
                kind.entity_type,
                kind.label,
                reps[k],
                "身份证",
                rep_ids[k],
                day_of(int(s.reg[i])).isoformat(),
                STATUSES[s.status[i]],
                "" if end == NO_END else day_of(end).isoformat(),
                reg.code,
                words.INDUSTRIES[industry][0] if industry >= 0 else "",
                old[0] if old else "",
                day_of(old[1]).isoformat() if old else "",
                parent_codes[k] if parents[k] >= 0 else "",
            )
        )
    return rows
