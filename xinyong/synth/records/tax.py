"""Tax credit ratings (纳税信用等级): one rating per taxpayer and evaluation year.

A taxpayer has at most one rating a year, so rows are drawn without replacement from
the (subject, year) pairs through a fixed permutation and a cursor that survives across
chunks. New enterprises mostly get M, as the 2018 amendment intends; established ones
get A/B/C/D in proportions close to published figures.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import numpy.typing as npt

from xinyong.synth.dates import Cell, day_of, epoch_day, workdays
from xinyong.synth.layout import OP_HEADER, Layout
from xinyong.synth.records.common import Batch, FeedContext, Ints, names_at

LEVELS = ("A", "B", "M", "C", "D")  # the catalog's grades, in published order
ESTABLISHED = (0.12, 0.62, 0.12, 0.09, 0.05)
NEW = (0.0, 0.15, 0.80, 0.03, 0.02)
LAYOUT = Layout.named(
    (
        "纳税人识别号",
        "纳税人名称",
        "法定代表人（负责人）",
        "评价年度",
        "纳税信用级别",
        "评价日期",
        "主管税务机关",
        OP_HEADER,
    ),
    key=("纳税人识别号", "评价年度"),
    code="纳税人识别号",
    name="纳税人名称",
    date="评价日期",
    choices={"纳税信用级别": LEVELS},
)
_MULTIPLIER = 2_654_435_761  # odd and prime: coprime to any pool size it is not a factor of


def years(today: int) -> list[int]:
    """Evaluation years whose results were published (in April) by ``today``."""
    last = day_of(today).year - (1 if day_of(today) >= dt.date(day_of(today).year, 4, 30) else 2)
    return list(range(last - 4, last + 1))


def _pairs(ctx: FeedContext, k: Ints) -> tuple[Ints, Ints, npt.NDArray[np.bool_]]:
    """The (subject, year) pairs at positions ``k`` of the feed's fixed order, and whether
    the subject existed in that year."""
    ys = np.array(years(ctx.today), dtype=np.int64)
    space = len(ctx.pool) * len(ys)
    a = _MULTIPLIER % space if math.gcd(_MULTIPLIER, space) == 1 else 1
    slot = (a * k + 7) % space
    subject = ctx.pool[slot // len(ys)]
    year = ys[slot % len(ys)]
    jan1 = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    s = ctx.subjects
    alive = (s.reg[subject] <= jan1 + 364) & (s.end[subject] >= jan1)
    return subject, year, alive


def capacity(ctx: FeedContext) -> int:
    """How many distinct ratings exist: the most rows this feed can carry."""
    total, step = 0, 1 << 20
    space = len(ctx.pool) * len(years(ctx.today))
    for lo in range(0, space, step):
        total += int(_pairs(ctx, np.arange(lo, min(space, lo + step)))[2].sum())
    return total


def build(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """The next ``n`` ratings in the feed's fixed order of (subject, year) pairs."""
    subjects: list[Ints] = []
    ys: list[Ints] = []
    cursor = ctx.counters.get(("tax-cursor", 0), 0)
    while sum(len(x) for x in subjects) < n:
        subject, year, alive = _pairs(ctx, np.arange(cursor, cursor + 2 * n, dtype=np.int64))
        need = n - sum(len(x) for x in subjects)
        used = np.flatnonzero(alive)[:need]
        subjects.append(subject[used])
        ys.append(year[used])
        cursor += int(used[-1]) + 1 if len(used) == need else 2 * n
    ctx.counters[("tax-cursor", 0)] = cursor
    subject, year = np.concatenate(subjects), np.concatenate(ys)
    april = np.array([epoch_day(dt.date(int(y) + 1, 4, 1)) for y in year.tolist()], dtype=np.int64)
    days = np.minimum(workdays(april + rng.integers(0, 25, n)), ctx.today)
    jan1 = april - 365
    new = ctx.subjects.reg[subject] >= jan1 - 365
    u = rng.random(n)
    level = np.where(
        new, np.searchsorted(np.cumsum(NEW), u), np.searchsorted(np.cumsum(ESTABLISHED), u)
    )
    level = np.minimum(level, len(LEVELS) - 1).tolist()
    names = names_at(ctx, subject, days)
    codes = ctx.subjects.code_list(subject)
    reps = ctx.people.name_list(ctx.subjects.rep[subject].astype(np.int64))
    dates, dept = ctx.dates, ctx.dept_name
    rows: list[tuple[Cell, ...]] = [
        (codes[k], names[k], reps[k], str(y), LEVELS[level[k]], dates(d), dept, LAYOUT.ops[0])
        for k, (y, d) in enumerate(zip(year.tolist(), days.tolist(), strict=True))
    ]
    return Batch(rows=rows, subject=subject, day=days)
