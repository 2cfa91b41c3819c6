"""Administrative penalty records (行政处罚), in the double-publicity layout.

Penalties span the three publicity tiers: minor (a warning, circulated criticism or a
fine within the simplified procedure, 公示 3 months), general (a fine, perhaps with
confiscation, 1 year) and serious (the top of the fine range with a heavier measure of
Administrative Penalty Law Art. 9, 3 years), so rules on tiers and publicity periods
have every case to work on.
"""

from __future__ import annotations

import numpy as np

from xinyong.synth import terms
from xinyong.synth.dates import months_later
from xinyong.synth.layout import OP_HEADER, Layout
from xinyong.synth.records.common import (
    Batch,
    FeedContext,
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
_HELD = ("吊销许可证件", "暂扣许可证件")
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
    u = rng.random((n, 3)).tolist()
    month = (days - 60).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64).tolist()
    prefix = ctx.department.doc_prefix(ctx.region) + "罚"
    years = year_of(days)
    serials = ctx.numbers(prefix, years)
    cert = _CERTS.get(ctx.feed.department, "许可证")
    six, is_person, tiers = ctx.feed.six_decimals, (person >= 0).tolist(), tier.tolist()
    cols: list[list[str]] = [[] for _ in range(8)]
    numbers, kinds, facts, bases, cats, contents, fines, held = cols
    measures = np.zeros(n, dtype=np.int64)
    when = _month_texts(month)
    breach = [f"{v.fact}，违反了{v.breached}的规定。" for v in violations]
    basis = ["依据" + v.basis for v in violations]
    for k in range(n):
        v: Violation = violations[vio[k]]
        category, content, fine, conf, measure = _decide(v, tiers[k], u[k], is_person[k], cert)
        number = f"{prefix}〔{years[k]}〕{serials[k]}号"
        numbers.append(number)
        kinds.append(v.kind)
        facts.append(when[k] + breach[vio[k]])
        bases.append(basis[vio[k]])
        cats.append(category)
        contents.append(content)
        fines.append(wan(fine, six) if fine else "")
        fines.append(wan(conf, six) if conf else "")
        if measure:
            held.append(f"{cert}（{number}）" if measure in _HELD else "")
            measures[k] = _MEASURE_MONTHS.get(measure, 0)
        else:
            held.append("")
    end = months_later(days, np.array(PUBLICITY_MONTHS)[tier])
    until = np.where(measures > 0, months_later(days, measures), -1)
    dept, code = [ctx.dept_name] * n, [ctx.dept_code] * n
    rows = LAYOUT.rows(
        {
            **who,
            "行政处罚决定书文号": numbers,
            "违法行为类型": kinds,
            "违法事实": facts,
            "处罚依据": bases,
            "处罚类别": cats,
            "处罚内容": contents,
            "罚款金额（万元）": fines[0::2],
            "没收违法所得、没收非法财物的金额（万元）": fines[1::2],
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


def _decide(
    v: Violation, tier: int, u: list[float], person: bool, cert: str
) -> tuple[str, str, int, int, str]:
    """Category, content, fine and confiscation (yuan) and heavier measure of one penalty."""
    if tier == 0:
        if v.warning and u[0] < 0.85:
            kind = "通报批评" if u[1] < 0.1 else "警告"
            return kind, kind, 0, 0, ""
        fine = (50, 100, 200)[int(u[1] * 3)] if person else (500, 1000, 2000, 3000)[int(u[1] * 4)]
        return "罚款", f"罚款人民币{fine}元", fine, 0, ""
    if tier == 1:
        fine = _round(v.low * (v.high / v.low) ** (u[1] * 0.8))
        if u[0] < 0.2:
            conf = max(100, _round(fine * u[2]))
            return (
                "罚款;没收违法所得",
                f"没收违法所得{conf}元，并处罚款人民币{fine}元",
                fine,
                conf,
                "",
            )
        return "罚款", f"罚款人民币{fine}元", fine, 0, ""
    fine = _round(v.high * (0.6 + 0.4 * u[1]))
    if v.heavy and not person:
        text = _MEASURE_TEXT[v.heavy].format(cert=cert)
        return f"{v.heavy};罚款", f"{text}，并处罚款人民币{fine}元", fine, 0, v.heavy
    return "罚款", f"罚款人民币{fine}元", fine, 0, ""


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


def _round(yuan: float) -> int:
    """Fines are set in round hundreds of yuan."""
    return max(100, round(yuan / 100.0) * 100)
