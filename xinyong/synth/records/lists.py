"""List entries from market regulation: the abnormal-operation list (经营异常名录) and
the serious-violation list (严重违法失信名单).

Each entry has a listing and, once the subject cures the cause, a removal: the window
that the ``date.end_before_start`` fault reverses. Most abnormal-operation listings come
in July and August, after the 30 June annual-report deadline, as they do in practice.
"""

from __future__ import annotations

import numpy as np

from xinyong.synth.dates import Cell, workdays
from xinyong.synth.layout import Layout
from xinyong.synth.records.common import (
    Batch,
    FeedContext,
    add_years,
    draw_days,
    draw_subjects,
    names_at,
    year_of,
)

_REPORT = 0
#: (reason for listing, reason for removal, share)
ABNORMAL = (
    (
        "未依照《企业信息公示暂行条例》第八条规定的期限公示年度报告",
        "补报未报年份的年度报告并公示",
        0.70,
    ),
    (
        "未在市场监督管理部门依照《企业信息公示暂行条例》第十条规定责令的期限内公示有关企业信息",
        "依法履行公示义务",
        0.08,
    ),
    ("公示企业信息隐瞒真实情况、弄虚作假", "更正其公示的信息", 0.04),
    ("通过登记的住所或者经营场所无法联系", "依法办理住所或者经营场所变更登记", 0.18),
)
SERIOUS = (
    ("被列入经营异常名录届满3年仍未履行相关义务", "", 0.6),
    ("实施食品安全领域严重违法失信行为，受到较重行政处罚", "", 0.15),
    ("提交虚假材料或者采取其他欺诈手段隐瞒重要事实，取得市场主体登记，受到撤销登记处罚", "", 0.15),
    ("拒不履行法定义务，严重影响市场监督管理部门公信力，受到较重行政处罚", "", 0.10),
)
_SERIOUS_REMOVAL = ("列入满三年，依法移出", "已履行行政处罚决定并公开作出信用承诺，申请提前移出")


def _layout(listing: str) -> Layout:
    return Layout(
        headers=(
            "统一社会信用代码",
            "企业名称",
            "法定代表人",
            f"列入{listing}原因",
            "列入日期",
            "列入决定机关",
            "列入决定书文号",
            f"移出{listing}原因",
            "移出日期",
            "移出决定机关",
            "操作类型",
        ),
        code=0,
        name=1,
        key=(6,),
        date=4,
        start=4,
        end=8,
        op=10,
        end_is_deadline=False,
    )


ABNORMAL_LAYOUT = _layout("经营异常名录")
SERIOUS_LAYOUT = _layout("严重违法失信名单")


def build_abnormal(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """``n`` abnormal-operation listings, about half of them since removed."""
    subject = draw_subjects(ctx, rng, n, skew=1.5)
    reason = rng.choice(len(ABNORMAL), n, p=[r[2] for r in ABNORMAL])
    days = draw_days(ctx, rng, subject)
    # Annual-report listings fall in July and August of the year after the report year.
    july = (
        days.astype("datetime64[D]")
        .astype("datetime64[Y]")
        .astype("datetime64[D]")
        .astype(np.int64)
        + 181
        + rng.integers(0, 60, n)
    )
    days = np.where(reason == _REPORT, np.minimum(workdays(july), ctx.today), days)
    gap = (20 + 880 * rng.random(n)).astype(np.int64)
    removed = (rng.random(n) < 0.55) & (days + gap <= ctx.today)
    end = np.where(removed, workdays(days + gap), -1)
    why = [(ABNORMAL[r][0], ABNORMAL[r][1]) for r in reason.tolist()]
    return _rows(ctx, subject, days, end, why, "异列", ABNORMAL_LAYOUT)


def build_serious(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """``n`` serious-violation listings; removal after three years or early on request."""
    subject = draw_subjects(ctx, rng, n, skew=1.0)
    reason = rng.choice(len(SERIOUS), n, p=[r[2] for r in SERIOUS]).tolist()
    days = draw_days(ctx, rng, subject)
    three = np.array([add_years(d, 3) for d in days.tolist()], dtype=np.int64)
    early = (rng.random(n) < 0.3) & (days + 366 <= ctx.today)
    early_day = (
        days + 366 + (rng.random(n) * np.maximum(0, ctx.today - days - 366)).astype(np.int64)
    )
    end = np.where(three <= ctx.today, three, np.where(early, workdays(early_day), -1))
    end = np.where(end > ctx.today, ctx.today, end)
    why = [
        (SERIOUS[r][0], _SERIOUS_REMOVAL[0] if e == t else _SERIOUS_REMOVAL[1])
        for r, e, t in zip(reason, end.tolist(), three.tolist(), strict=True)
    ]
    return _rows(ctx, subject, days, end, why, "严列", SERIOUS_LAYOUT)


def _rows(
    ctx: FeedContext,
    subject: np.ndarray,
    days: np.ndarray,
    end: np.ndarray,
    why: list[tuple[str, str]],
    series: str,
    layout: Layout,
) -> Batch:
    s, p = ctx.subjects, ctx.people
    names = names_at(ctx, subject, days)
    codes = s.code_list(subject)
    reps = p.name_list(s.rep[subject].astype(np.int64))
    prefix = ctx.department.doc_prefix(ctx.region) + series
    dates, dept = ctx.dates, ctx.dept_name
    rows: list[tuple[Cell, ...]] = []
    for k, (day, stop, year) in enumerate(
        zip(days.tolist(), end.tolist(), year_of(days), strict=True)
    ):
        listed, removal = why[k]
        rows.append(
            (
                codes[k],
                names[k],
                reps[k],
                listed,
                dates(day),
                dept,
                f"{prefix}〔{year}〕{ctx.number(prefix, year)}号",
                removal if stop >= 0 else "",
                dates(stop) if stop >= 0 else "",
                dept if stop >= 0 else "",
                layout.ops[0],
            )
        )
    return Batch(rows=rows, subject=subject, day=days, start=days.copy(), end=end)
