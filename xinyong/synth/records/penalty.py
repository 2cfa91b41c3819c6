"""Administrative penalty records (行政处罚), in the double-publicity layout.

Penalties span the three publicity tiers: minor (a warning, circulated criticism or a
fine within the simplified procedure, 公示 3 months), general (a fine, perhaps with
confiscation, 1 year) and serious (the top of the fine range with a heavier measure of
Administrative Penalty Law Art. 9, 3 years), so rules on tiers and publicity periods
have every case to work on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xinyong.synth import terms
from xinyong.synth.dates import months_later
from xinyong.synth.layout import OP_HEADER, Layout
from xinyong.synth.records.common import (
    Batch,
    FeedContext,
    Ints,
    counterparts,
    draw_days,
    draw_persons,
    draw_subjects,
    wan,
    year_of,
)
from xinyong.synth.records.vocab import VIOLATIONS, Violation

LAYOUT = Layout.named(
    (*terms.headers("administrative_penalty"), OP_HEADER),
    key=("行政处罚决定书文号",),
    name="行政相对人名称",
    kind="行政相对人类别",
    code="行政相对人代码_1（统一社会信用代码）",
    amount="罚款金额（万元）",
    date="处罚决定日期",
    start="处罚决定日期",
    end="公示截止期",
)
#: Probability of the minor, general and serious tier.
TIERS = (0.25, 0.65, 0.10)
#: Publicity period per tier, in months (2025 credit-repair measures: 3 months/1 year/3 years).
PUBLICITY_MONTHS = (3, 12, 36)
_MEASURE_TEXT = {
    "吊销许可证件": "吊销《{cert}》",
    "暂扣许可证件": "暂扣《{cert}》六个月",
    "责令停产停业": "责令停产停业三个月",
    "降低资质等级": "降低资质等级",
}
_MEASURE_MONTHS = {"暂扣许可证件": 6, "责令停产停业": 3}
#: Heavier measures by index; 0 is none.
_MEASURES = ("", *_MEASURE_TEXT)
_HELD_INDEX = (_MEASURES.index("吊销许可证件"), _MEASURES.index("暂扣许可证件"))
#: 处罚类别 of decisions without a heavier measure: warning, circulated criticism, fine.
_CATEGORIES = ("警告", "通报批评", "罚款")
_CERTS = {
    "mr": "食品经营许可证",
    "hc": "建筑业企业资质证书",
    "em": "安全生产许可证",
    "ee": "排污许可证",
    "cm": "营业执照",
}


def build(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """``n`` penalty rows for the feed's department."""
    subject = draw_subjects(ctx, rng, n)
    person = draw_persons(ctx, rng, subject)
    days = draw_days(ctx, rng, subject)
    who = counterparts(ctx, subject, person, days)
    violations = VIOLATIONS[ctx.feed.department]
    vio = rng.integers(0, len(violations), n).tolist()
    tier = rng.choice(3, n, p=TIERS)
    u = rng.random((n, 3))
    month = (days - 60).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64).tolist()
    prefix = ctx.department.doc_prefix(ctx.region) + "罚"
    years = year_of(days)
    serials = ctx.numbers(prefix, years)
    cert = _CERTS.get(ctx.feed.department, "许可证")
    d = _decide(violations, np.array(vio), tier, u, person >= 0)
    numbers = [f"{prefix}〔{y}〕{k}号" for y, k in zip(years, serials, strict=True)]
    when = _month_texts(month)
    breach = [f"{v.fact}，违反了{v.breached}的规定。" for v in violations]
    facts = [when[k] + breach[i] for k, i in enumerate(vio)]
    basis = ["依据" + v.basis for v in violations]
    six = ctx.feed.six_decimals
    fine, conf, measure = d.fine.tolist(), d.conf.tolist(), d.measure.tolist()
    heavy = [_MEASURE_TEXT[m].format(cert=cert) if m else "" for m in _MEASURES]
    contents = [
        _content(kind, f, c, heavy[m])
        for kind, f, c, m in zip(d.kind.tolist(), fine, conf, measure, strict=True)
    ]
    held = [
        f"{cert}（{no}）" if m in _HELD_INDEX else ""
        for no, m in zip(numbers, measure, strict=True)
    ]
    months = np.array([_MEASURE_MONTHS.get(m, 0) for m in _MEASURES])[d.measure]
    end = months_later(days, np.array(PUBLICITY_MONTHS)[tier])
    until = np.where(months > 0, months_later(days, months), -1)
    dept, code = [ctx.dept_name] * n, [ctx.dept_code] * n
    rows = LAYOUT.rows(
        {
            **who,
            "行政处罚决定书文号": numbers,
            "违法行为类型": [violations[i].kind for i in vio],
            "违法事实": facts,
            "处罚依据": [basis[i] for i in vio],
            "处罚类别": [
                _category(k, c, m) for k, c, m in zip(d.kind.tolist(), conf, measure, strict=True)
            ],
            "处罚内容": contents,
            "罚款金额（万元）": [wan(f, six) if f else "" for f in fine],
            "没收违法所得、没收非法财物的金额（万元）": [wan(c, six) if c else "" for c in conf],
            "暂扣或吊销证照名称及编号": held,
            "处罚决定日期": ctx.dates.many(days),
            "处罚有效期": ctx.dates.many(until),
            "公示截止期": ctx.dates.many(end),
            "处罚机关": dept,
            "处罚机关统一社会信用代码": code,
            "数据来源单位": dept,
            "数据来源单位统一社会信用代码": code,
            "备注": [""] * n,
            OP_HEADER: [LAYOUT.ops[0]] * n,
        }
    )
    return Batch(rows=rows, subject=subject, day=days, start=days.copy(), end=end)


@dataclass(frozen=True)
class _Decisions:
    """A chunk's penalties: kind of decision, fine and confiscation in yuan, measure."""

    kind: Ints  #: 0 warning, 1 circulated criticism, 2 fine, 3 heavier measure and fine
    fine: Ints
    conf: Ints
    measure: Ints  #: index into _MEASURES (0: none)


def _decide(
    violations: tuple[Violation, ...],
    vio: Ints,
    tier: Ints,
    u: npt.NDArray[np.float64],
    person: npt.NDArray[np.bool_],
) -> _Decisions:
    """Decide a chunk of penalties at once, tier by tier (see the module docstring)."""
    low = np.array([v.low for v in violations], dtype=np.float64)[vio]
    high = np.array([v.high for v in violations], dtype=np.float64)[vio]
    may_warn = np.array([v.warning for v in violations])[vio]
    heavy = np.array([_MEASURES.index(v.heavy) for v in violations])[vio]
    warn = (tier == 0) & may_warn & (u[:, 0] < 0.85)
    small = np.where(
        person,
        np.array([50, 100, 200])[(u[:, 1] * 3).astype(np.int64)],
        np.array([500, 1000, 2000, 3000])[(u[:, 1] * 4).astype(np.int64)],
    )
    general = _round(low * (high / low) ** (u[:, 1] * 0.8))
    serious = _round(high * (0.6 + 0.4 * u[:, 1]))
    fine = np.select([warn, tier == 0, tier == 1], [0, small, general], serious)
    conf = np.where((tier == 1) & (u[:, 0] < 0.2), _round(fine * u[:, 2]), 0)
    measure = np.where((tier == 2) & ~person, heavy, 0)
    kind = np.where(warn, np.where(u[:, 1] < 0.1, 1, 0), np.where(measure > 0, 3, 2))
    return _Decisions(kind, fine.astype(np.int64), conf.astype(np.int64), measure)


def _category(kind: int, conf: int, measure: int) -> str:
    """处罚类别: the catalog's penalty types, several joined by ``;``."""
    if kind == 3:
        return f"{_MEASURES[measure]};罚款"
    return "罚款;没收违法所得" if conf else _CATEGORIES[kind]


def _content(kind: int, fine: int, conf: int, heavy: str) -> str:
    """处罚内容 as a decision states it."""
    if kind < 2:
        return _CATEGORIES[kind]
    text = f"罚款人民币{fine}元"
    if conf:
        return f"没收违法所得{conf}元，并处{text}"
    return f"{heavy}，并处{text}" if kind == 3 else text


def _month_texts(months: list[int]) -> list[str]:
    """``经查，当事人于2025年3月`` for each month number (months since 1970-01)."""
    cache: dict[int, str] = {}
    out = []
    for m in months:
        text = cache.get(m)
        if text is None:
            year, mon = divmod(m, 12)
            text = cache[m] = f"经查，当事人于{1970 + year}年{mon + 1}月"
        out.append(text)
    return out


def _round(yuan: npt.NDArray[np.float64]) -> Ints:
    """Fines are set in round hundreds of yuan."""
    rounded: Ints = np.maximum(100, np.round(yuan / 100.0).astype(np.int64) * 100)
    return rounded
