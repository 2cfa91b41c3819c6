"""Administrative licence records (行政许可), in the double-publicity layout.

A licence has a decision date and a validity window (有效期自/至); registrations are
long-term and written as valid until 2099-12-31, the convention most feeds use. A
business-licence registration is dated on the subject's registration day, so the
register and the licence feed agree.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from xinyong.synth import terms
from xinyong.synth.dates import epoch_day, months_later
from xinyong.synth.layout import OP_HEADER, Layout
from xinyong.synth.records.common import (
    Batch,
    FeedContext,
    counterparts,
    draw_days,
    draw_subjects,
    year_of,
)
from xinyong.synth.records.vocab import LICENCES

LAYOUT = Layout.named(
    (*terms.headers("administrative_licence"), OP_HEADER),
    key=("行政许可决定文书号",),
    name="行政相对人名称",
    code="行政相对人代码_1（统一社会信用代码）",
    date="许可决定日期",
    start="有效期自",
    end="有效期至",
)
VALID, INVALID = "1", "2"  #: 当前状态 codes (catalog values of ``status``)
LONG_TERM = epoch_day(dt.date(2099, 12, 31))


def build(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """``n`` licence rows for the feed's department."""
    subject = draw_subjects(ctx, rng, n, skew=1.3)
    days = draw_days(ctx, rng, subject)
    kinds = LICENCES[ctx.feed.department]
    choice, on_reg_day = _registrations(ctx, subject, rng.integers(0, len(kinds), n))
    days = np.where(on_reg_day, ctx.subjects.reg[subject].astype(np.int64), days)
    who = counterparts(ctx, subject, np.full(n, -1, dtype=np.int64), days)
    codes, years, d_list = who["行政相对人代码_1（统一社会信用代码）"], year_of(days), days.tolist()
    prefix = ctx.department.doc_prefix(ctx.region)
    region, c_list = ctx.region.code, choice.tolist()
    serials = ctx.numbers(prefix + "许", years)
    numbers = []
    for k, c in enumerate(c_list):
        lic = kinds[c]
        numbers.append(
            lic.number.format(
                region=region,
                prefix=prefix,
                year=years[k],
                serial=ctx.number(lic.certificate, years[k]),
                code=codes[k],
                ymd=_ymd(d_list[k]) if "{ymd}" in lic.number else "",
            )
        )
    valid = np.array([k.years for k in kinds], dtype=np.int64)[choice]
    end = np.where(valid > 0, months_later(days, 12 * valid) - 1, LONG_TERM)
    decided = ctx.dates.many(days)
    dept, code = [ctx.dept_name] * n, [ctx.dept_code] * n
    rows = LAYOUT.rows(
        {
            **who,
            "行政许可决定文书名称": [kinds[c].title for c in c_list],
            "行政许可决定文书号": [
                f"{prefix}许〔{y}〕{s}号" for y, s in zip(years, serials, strict=True)
            ],
            "许可类别": [kinds[c].category for c in c_list],
            "许可证书名称": [kinds[c].certificate for c in c_list],
            "许可编号": numbers,
            "许可内容": [kinds[c].content for c in c_list],
            "许可决定日期": decided,
            "有效期自": decided,
            "有效期至": ctx.dates.many(end),
            "许可机关": dept,
            "许可机关统一社会信用代码": code,
            "当前状态": [VALID if e >= ctx.today else INVALID for e in end.tolist()],
            "数据来源单位": dept,
            "数据来源单位统一社会信用代码": code,
            "备注": [""] * n,
            OP_HEADER: [LAYOUT.ops[0]] * n,
        }
    )
    return Batch(rows=rows, subject=subject, day=days, start=days.copy(), end=end)


def _registrations(
    ctx: FeedContext, subject: npt.NDArray[np.int64], choice: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Keep a registration only for a subject registered in the window and not yet seen.

    A business-licence registration happens once, on the registration day: returns the
    licence kinds (other would-be registrations become the department's first kind) and
    which rows are registrations, to be dated on the registration day.
    """
    kinds = LICENCES[ctx.feed.department]
    is_reg = np.array([k.category == "登记" and "{code}" in k.number for k in kinds])
    on_reg_day = np.zeros(len(choice), dtype=bool)
    if not is_reg.any():
        return choice, on_reg_day
    if ctx.seen is None:
        ctx.seen = np.zeros(len(ctx.subjects), dtype=bool)
    want = is_reg[choice] & (ctx.subjects.reg[subject] >= ctx.today - 5 * 365)
    out = np.where(is_reg[choice], 0, choice)
    for k in np.flatnonzero(want).tolist():
        i = int(subject[k])
        if not ctx.seen[i]:
            ctx.seen[i] = True
            out[k], on_reg_day[k] = choice[k], True
    return out, on_reg_day


def _ymd(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).strftime("%Y%m%d")
