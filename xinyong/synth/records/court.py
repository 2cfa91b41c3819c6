"""Judgment-defaulter entries (失信被执行人) as the court's JSON export writes them.

Field names follow the public list's JSON (caseCode, iname, cardNum, disruptTypeName
...); ``legalItem`` is the item of SPC provisions (2017) Art. 1 the listing rests on.
Debtors are organisations or adult natural persons (minors are never listed, Art. 4).
"""

from __future__ import annotations

import numpy as np

from xinyong.synth import terms
from xinyong.synth.dates import Cell
from xinyong.synth.layout import OPS_IUD, Layout
from xinyong.synth.records.common import (
    Batch,
    FeedContext,
    draw_days,
    draw_persons,
    draw_subjects,
    names_at,
    year_of,
)

#: SPC 2017 Art. 1 items and how often each is the ground for listing.
ITEMS = tuple(
    zip(
        terms.labels("court_judgment_defaulter", "listing_ground"),
        (0.35, 0.03, 0.05, 0.40, 0.15, 0.02),
        strict=True,
    )
)
NOT_PERFORMED, PARTLY = terms.labels("court_judgment_defaulter", "performance")
LAYOUT = Layout.named(
    (
        "caseCode",
        "iname",
        "partyTypeName",
        "cardNum",
        "sexName",
        "age",
        "businessEntity",
        "courtName",
        "areaName",
        "gistId",
        "gistUnit",
        "regDate",
        "duty",
        "performance",
        "disruptTypeName",
        "legalItem",
        "publishDate",
        "opType",
    ),
    key=("caseCode",),
    op="opType",
    name="iname",
    code="cardNum",
    date="publishDate",
    start="regDate",
    end="publishDate",
    end_is_deadline=False,
    choices={"performance": (NOT_PERFORMED, PARTLY)},
    ops=OPS_IUD,
)
_DUTIES = (
    "支付货款{amount}元及利息",
    "偿还借款本金{amount}元及逾期利息",
    "支付工程款{amount}元",
    "支付租金{amount}元及违约金",
    "支付劳动报酬{amount}元",
)


def build(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """``n`` defaulter entries; a share of them natural persons."""
    subject = draw_subjects(ctx, rng, n, skew=2.5)
    person = draw_persons(ctx, rng, subject)
    publish = draw_days(ctx, rng, subject)
    filed = publish - (30 + 370 * rng.random(n)).astype(np.int64)
    registered = ctx.subjects.reg[np.maximum(subject, 0)].astype(np.int64)
    filed = np.where(subject >= 0, np.maximum(filed, registered), filed)  # no case before birth
    item = rng.choice(len(ITEMS), n, p=[w for _, w in ITEMS]).tolist()
    duty = rng.integers(0, len(_DUTIES), n).tolist()
    amount = (np.exp(rng.normal(11, 1.5, n)) // 100 * 100 + 100).astype(np.int64).tolist()
    partial = (rng.random(n) < 0.15).tolist()
    arbitral = (rng.random(n) < 0.1).tolist()
    pub_years = year_of(publish)
    names = names_at(ctx, subject, publish)
    safe = np.maximum(subject, 0)
    codes = ctx.subjects.code_list(safe)
    reps = ctx.people.name_list(ctx.subjects.rep[safe].astype(np.int64))
    p_names = ctx.people.name_list(np.maximum(person, 0))
    p_ids = ctx.people.id_list(np.maximum(person, 0))
    reg, court = ctx.region, ctx.dept_name
    dates, is_person = ctx.dates, (person >= 0).tolist()
    rows: list[tuple[Cell, ...]] = []
    for k, (f_day, p_day, year) in enumerate(
        zip(filed.tolist(), publish.tolist(), year_of(filed), strict=True)
    ):
        if is_person[k]:
            card = p_ids[k]
            who = (
                p_names[k],
                "自然人",
                card,
                "男" if int(card[16]) % 2 else "女",
                str(pub_years[k] - int(card[6:10])),
                "",
            )
        else:
            who = (names[k], "法人或其他组织", codes[k], "", "", reps[k])
        gist = (f"（{year - 1}）{reg.court_code}民初{ctx.number('民初', year - 1)}号", court)
        if arbitral[k]:
            gist = (
                f"（{year - 1}）{reg.city_short}仲裁字第{ctx.number('仲', year - 1):04d}号",
                f"{reg.city_short}仲裁委员会",
            )
        rows.append(
            (
                f"（{year}）{reg.court_code}执{ctx.number('执', year)}号",
                who[0],
                who[1],
                who[2],
                who[3],
                who[4],
                who[5],
                court,
                reg.province,
                gist[0],
                gist[1],
                dates(f_day),
                "被执行人应" + _DUTIES[duty[k]].format(amount=amount[k]),
                PARTLY if partial[k] else NOT_PERFORMED,
                ITEMS[item[k]][0],
                str(item[k] + 1),
                dates(p_day),
                LAYOUT.ops[0],
            )
        )
    return Batch(rows=rows, subject=subject, day=publish, start=filed, end=publish.copy())
