"""Per-source quality figures, worked out by hand across the 2024 National Day holiday.

2024-10-01 to 10-07 were holidays and Sunday 29 September and Saturday 12 October
make-up working days. From a decision on Monday 30 September, the working days
after it are 8, 9, 10, 11, 12 (Sat), 14 and 15 October: arrival on the 15th is
the 7th working day (on time), on the 16th the 8th (late). From Friday 27
September, 15 October is the 9th (29 September counts too).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa
from ingest_helpers import PENALTY_HEADERS, codes, penalty_row, run_cli, write_csv

from xinyong.calendar import WorkingCalendar
from xinyong.ingest import ingest_file
from xinyong.ingest.report import WorkingDayIndex, source_quality, timeliness
from xinyong.ledger import Store
from xinyong.ledger.tables import ingest_arrivals
from xinyong.settings import Settings

ORG = codes(8)
MAPPING = "double-publicity-penalty-cn"


def test_working_days_across_the_national_day_holiday() -> None:
    index = WorkingDayIndex(WorkingCalendar.official())
    assert index.between(dt.date(2024, 9, 30), dt.date(2024, 10, 15)) == 7
    assert index.between(dt.date(2024, 9, 30), dt.date(2024, 10, 16)) == 8
    assert index.between(dt.date(2024, 9, 27), dt.date(2024, 10, 15)) == 9
    assert index.between(dt.date(2024, 9, 30), dt.date(2024, 9, 30)) == 0
    assert index.between(dt.date(2026, 12, 30), dt.date(2027, 1, 4)) is None  # beyond the calendar
    assert index.between(dt.date(2024, 10, 2), dt.date(2024, 10, 1)) is None  # before the decision


def test_percentiles_are_nearest_rank_over_records() -> None:
    index = WorkingDayIndex(WorkingCalendar.official())
    monday = dt.date(2024, 9, 30)
    figures = timeliness(
        [
            (monday, dt.date(2024, 10, 8), 5),
            (monday, dt.date(2024, 10, 16), 4),
            (monday, dt.date(2024, 10, 31), 1),
        ],
        index,
    )
    assert (figures.measured, figures.on_time, figures.late) == (10, 5, 5)
    assert (figures.median_days, figures.p90_days) == (1, 8)


def test_source_figures_on_a_hand_made_case(store: Store, tmp_path: Path) -> None:
    rows = [
        penalty_row(1, ORG[0], decided="2024-09-30", until="2025-09-30"),
        penalty_row(2, ORG[1], decided="2024-09-30", until="2025-09-30"),
        penalty_row(3, ORG[2], decided="2024-09-27", until="2025-09-27"),
        penalty_row(4, ORG[3][:-1], decided="2024-09-27", until="2025-09-27"),
    ]
    first = write_csv(tmp_path / "oct.csv", PENALTY_HEADERS, rows, "gbk")
    ingest_file(
        store, first, MAPPING, "SAMR", source_name="市场监管", delivered_on=dt.date(2024, 10, 15)
    )
    late = [
        penalty_row(5, ORG[4], decided="2024-09-30", until="2025-09-30"),
        penalty_row(1, ORG[0], decided="2024-09-30", until="2025-09-30", fine_yuan=6000),
    ]
    second = write_csv(tmp_path / "late.csv", PENALTY_HEADERS, late, "gbk")
    ingest_file(store, second, MAPPING, "SAMR", delivered_on=dt.date(2024, 10, 16))
    beyond = [penalty_row(6, ORG[5]), penalty_row(7, ORG[6])]
    third = write_csv(tmp_path / "beyond.csv", PENALTY_HEADERS, beyond, "gbk")
    ingest_file(store, third, MAPPING, "SAMR", delivered_on=dt.date(2027, 1, 5))
    (samr,) = source_quality(store)
    figures = samr.as_dict()
    assert (figures["batches"], figures["received"], figures["accepted"]) == (3, 8, 6)
    assert (figures["rejected"], figures["amended"]) == (1, 1)
    assert figures["rejected_by_reason"] == {"uscc.length": 1}
    assert figures["timeliness"] == {
        "limit_working_days": 7,
        "measured": 4,
        "on_time": 2,
        "late": 2,
        "on_time_share": 0.5,
        "median_working_days": 7,
        "p90_working_days": 9,
        "unknown": 2,
    }


def test_the_report_command_prints_json_lines(
    store: Store, store_settings: Settings, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "p.csv", PENALTY_HEADERS, [penalty_row(1, ORG[7])], "gbk")
    ingest_file(store, path, MAPPING, "SAMR", source_name="市场监管")
    done = run_cli(store_settings, "sources", "report")
    assert done.returncode == 0, done.stderr
    (line,) = done.stdout.splitlines()
    figures = json.loads(line)
    assert figures["source"] == "SAMR"
    assert figures["accepted"] == 1
    assert figures["timeliness"]["measured"] == 1


def test_arrivals_add_up_across_chunks(store: Store, tmp_path: Path) -> None:
    """The same (decision, arrival) pair in several chunks counts every record once."""
    rows = [
        penalty_row(n, ORG[n], decided=day, until="2025-09-30")
        for n, day in enumerate(["2024-09-30"] * 5 + ["2024-09-27"] * 2)
    ]
    path = write_csv(tmp_path / "chunks.csv", PENALTY_HEADERS, rows, "gbk")
    ingest_file(
        store, path, MAPPING, "SAMR", source_name="市场监管",
        delivered_on=dt.date(2024, 10, 15), chunk_rows=2,
    )  # fmt: skip
    with store.engine.connect() as conn:
        found = conn.execute(
            sa.select(
                ingest_arrivals.c.decided_on, ingest_arrivals.c.arrived_on, ingest_arrivals.c.rows
            ).order_by(ingest_arrivals.c.decided_on)
        ).all()
    arrived = dt.date(2024, 10, 15)
    assert [tuple(r) for r in found] == [
        (dt.date(2024, 9, 27), arrived, 2),
        (dt.date(2024, 9, 30), arrived, 5),
    ]
