"""List entries from market regulation: the abnormal-operation list (经营异常名录) and
the serious-violation list (严重违法失信名单).

Each entry has a listing and, once the subject cures the cause, a removal: the window
that the ``date.end_before_start`` fault reverses. Most abnormal-operation listings come
in July and August, after the 30 June annual-report deadline, as they do in practice.
"""

from __future__ import annotations

import numpy as np

from xinyong.synth import terms
from xinyong.synth.dates import Cell, workdays
from xinyong.synth.layout import OP_HEADER, Layout
from xinyong.synth.records.common import (
    Batch,
    FeedContext,
    Ints,
    add_years,
    draw_days,
    draw_subjects,
    names_at,
    year_of,
)

_REPORT = 0
#: Listing reasons (catalog labels, in catalog order), their removal reasons and shares.
ABNORMAL = tuple(
    zip(
        terms.labels("abnormal_operation_entry", "listing_reason"),
        (
            "补报未报年份的年度报告并公示",
            "依法履行公示义务",
            "更正其公示的信息",
            "依法办理住所或者经营场所变更登记",
        ),
        (0.70, 0.08, 0.04, 0.18),
        strict=True,
    )
)
_ORDER44 = "《市场监督管理严重违法失信名单管理办法》"
#: (reason for listing, basis, share)
SERIOUS = (
    ("被列入经营异常名录届满3年仍未履行相关义务", f"{_ORDER44}第十三条", 0.6),
    ("实施食品安全领域严重违法失信行为，受到较重行政处罚", f"{_ORDER44}第二条", 0.15),
    (
        "提交虚假材料或者采取其他欺诈手段隐瞒重要事实，取得市场主体登记，受到撤销登记处罚",
        f"{_ORDER44}第十二条",
        0.15,
    ),
    (
        "拒不履行法定义务，严重影响市场监督管理部门公信力，受到较重行政处罚",
        f"{_ORDER44}第二条",
        0.10,
    ),
)
_SERIOUS_REMOVAL = ("列入满三年，依法移出", "已履行行政处罚决定并公开作出信用承诺，申请提前移出")


def _layout(listing: str, extra: tuple[str, ...] = ()) -> Layout:
    headers = (
        "统一社会信用代码",
        "企业名称",
        "法定代表人",
        f"列入{listing}原因",
        *extra,
        "列入日期",
        "列入决定机关",
        "列入决定书文号",
        f"移出{listing}原因",
        "移出日期",
        "移出决定机关",
        OP_HEADER,
    )
    return Layout.named(
        headers,
        key=("列入决定书文号",),
        code="统一社会信用代码",
        name="企业名称",
        date="列入日期",
        start="列入日期",
        end="移出日期",
        end_is_deadline=False,
    )


ABNORMAL_LAYOUT = _layout("经营异常名录")
SERIOUS_LAYOUT = _layout("严重违法失信名单", ("列入依据",))


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
    why = [(ABNORMAL[r][0], "", ABNORMAL[r][1]) for r in reason.tolist()]
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
        (SERIOUS[r][0], SERIOUS[r][1], _SERIOUS_REMOVAL[0] if e == t else _SERIOUS_REMOVAL[1])
        for r, e, t in zip(reason, end.tolist(), three.tolist(), strict=True)
    ]
    return _rows(ctx, subject, days, end, why, "严列", SERIOUS_LAYOUT)


def _rows(
    ctx: FeedContext,
    subject: Ints,
    days: Ints,
    end: Ints,
    why: list[tuple[str, str, str]],
    series: str,
    layout: Layout,
) -> Batch:
    s, n = ctx.subjects, len(subject)
    prefix = ctx.department.doc_prefix(ctx.region) + series
    years = year_of(days)
    removed = (end >= 0).tolist()
    dept = ctx.dept_name
    listing, removal = layout.headers[3], layout.headers[-4]
    columns: dict[str, list[Cell]] = {
        "统一社会信用代码": list(s.code_list(subject)),
        "企业名称": list(names_at(ctx, subject, days)),
        "法定代表人": list(ctx.people.name_list(s.rep[subject].astype(np.int64))),
        listing: [w[0] for w in why],
        "列入依据": [w[1] for w in why],
        "列入日期": ctx.dates.many(days),
        "列入决定机关": [dept] * n,
        "列入决定书文号": [
            f"{prefix}〔{y}〕{k}号" for y, k in zip(years, ctx.numbers(prefix, years), strict=True)
        ],
        removal: [w[2] if r else "" for w, r in zip(why, removed, strict=True)],
        "移出日期": ctx.dates.many(end),
        "移出决定机关": [dept if r else "" for r in removed],
        OP_HEADER: [layout.ops[0]] * n,
    }
    return Batch(rows=layout.rows(columns), subject=subject, day=days, start=days.copy(), end=end)
