"""Credit commitments (信用承诺) and honours (诚实守信相关荣誉).

Both are catalog categories that reward or bind good conduct. Commitments carry their
performance status (履约状态), which credit repair depends on; honours carry a validity
window, after which a grade rule must stop counting them.
"""

from __future__ import annotations

import numpy as np

from xinyong.synth import terms
from xinyong.synth.dates import Cell
from xinyong.synth.departments import DEPARTMENTS
from xinyong.synth.layout import OP_HEADER, Layout
from xinyong.synth.records.common import (
    Batch,
    FeedContext,
    add_years,
    draw_days,
    draw_subjects,
    names_at,
    year_of,
)

_C = "credit_commitment"
#: (catalog commitment type, matter)
COMMITMENTS = (
    (terms.label(_C, "commitment_type", "notify_and_commit"), "食品经营许可告知承诺"),
    (terms.label(_C, "commitment_type", "notify_and_commit"), "建设工程规划许可告知承诺"),
    (terms.label(_C, "commitment_type", "missing_documents"), "企业开办容缺受理承诺"),
    (terms.label(_C, "commitment_type", "voluntary"), "诚信经营公开承诺"),
    (terms.label(_C, "commitment_type", "self_discipline"), "行业协会会员诚信自律承诺"),
    (terms.label(_C, "commitment_type", "credit_repair"), "失信行为纠正后的信用修复承诺"),
)
PLEDGE = (
    "本单位承诺所提交材料真实有效，严格遵守相关法律法规，"
    "如有违反，愿意承担相应法律责任并接受失信惩戒。"
)
#: Performance status labels: in progress, kept, breached.
IN_PROGRESS, KEPT, BREACHED = (
    terms.label(_C, "performance_status", v) for v in ("in_progress", "kept", "breached")
)
COMMITMENT_LAYOUT = Layout.named(
    (
        "承诺书编号",
        "承诺主体名称",
        "统一社会信用代码",
        "法定代表人",
        "承诺类型",
        "承诺事项",
        "承诺内容",
        "承诺日期",
        "承诺有效期至",
        "承诺受理单位",
        "承诺受理单位统一社会信用代码",
        "履约状态",
        OP_HEADER,
    ),
    key=("承诺书编号",),
    name="承诺主体名称",
    code="统一社会信用代码",
    date="承诺日期",
    start="承诺日期",
    end="承诺有效期至",
    choices={"履约状态": (IN_PROGRESS, KEPT, BREACHED)},
)
_LEVEL = {v: terms.label("honour", "honour_level", v) for v in ("national", "municipal", "county")}
#: (honour, level, granting body as a pattern over the region)
HONOURS = (
    ("守合同重信用企业", _LEVEL["municipal"], "{city}市场监督管理局"),
    ("全国守合同重信用企业", _LEVEL["national"], "国家市场监督管理总局"),
    ("诚信示范企业", _LEVEL["county"], "{full}发展和改革委员会"),
    ("诚信经营示范店", _LEVEL["county"], "{full}商务局"),
    ("安全生产标准化二级达标企业", _LEVEL["municipal"], "{city}应急管理局"),
    ("先进社会组织", _LEVEL["county"], "{full}民政局"),
)
HONOUR_LAYOUT = Layout.named(
    (
        "honourNo",
        "subjectName",
        "uscc",
        "honourName",
        "level",
        "grantUnit",
        "grantDate",
        "validUntil",
        "opType",
    ),
    key=("honourNo",),
    op="opType",
    name="subjectName",
    code="uscc",
    date="grantDate",
    start="grantDate",
    end="validUntil",
)


def build_commitments(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """``n`` commitments, received by the DRC, market regulation or housing."""
    subject = draw_subjects(ctx, rng, n, skew=1.2)
    days = draw_days(ctx, rng, subject)
    end = np.array(
        [
            add_years(d, y) - 1
            for d, y in zip(days.tolist(), rng.integers(1, 4, n).tolist(), strict=True)
        ],
        dtype=np.int64,
    )
    kind = rng.integers(0, len(COMMITMENTS), n).tolist()
    broken = (rng.random(n) < 0.08).tolist()
    receiver = rng.choice(3, n, p=(0.5, 0.35, 0.15)).tolist()
    units = [DEPARTMENTS[k] for k in ("drc", "mr", "hc")]
    unit_names = [u.name(ctx.region) for u in units]
    unit_codes = [u.uscc(ctx.region) for u in units]
    names, codes = names_at(ctx, subject, days), ctx.subjects.code_list(subject)
    reps = ctx.people.name_list(ctx.subjects.rep[subject].astype(np.int64))
    prefix = ctx.department.doc_prefix(ctx.region) + "承诺"
    dates = ctx.dates
    rows: list[tuple[Cell, ...]] = []
    for k, (day, stop, year) in enumerate(
        zip(days.tolist(), end.tolist(), year_of(days), strict=True)
    ):
        status = IN_PROGRESS if stop >= ctx.today else (BREACHED if broken[k] else KEPT)
        rows.append(
            (
                f"{prefix}〔{year}〕{ctx.number(prefix, year)}号",
                names[k],
                codes[k],
                reps[k],
                *COMMITMENTS[kind[k]],
                PLEDGE,
                dates(day),
                dates(stop),
                unit_names[receiver[k]],
                unit_codes[receiver[k]],
                status,
                COMMITMENT_LAYOUT.ops[0],
            )
        )
    return Batch(rows=rows, subject=subject, day=days, start=days.copy(), end=end)


def build_honours(ctx: FeedContext, rng: np.random.Generator, n: int) -> Batch:
    """``n`` honours, each valid for two years from its grant."""
    subject = draw_subjects(ctx, rng, n, skew=1.0)
    days = draw_days(ctx, rng, subject)
    end = np.array([add_years(d, 2) - 1 for d in days.tolist()], dtype=np.int64)
    honour = rng.integers(0, len(HONOURS), n).tolist()
    names, codes = names_at(ctx, subject, days), ctx.subjects.code_list(subject)
    reg = ctx.region
    prefix = ctx.department.doc_prefix(reg) + "荣"
    dates = ctx.dates
    rows: list[tuple[Cell, ...]] = []
    for k, (day, stop, year) in enumerate(
        zip(days.tolist(), end.tolist(), year_of(days), strict=True)
    ):
        title, level, unit = HONOURS[honour[k]]
        rows.append(
            (
                f"{prefix}〔{year}〕{ctx.number(prefix, year)}号",
                names[k],
                codes[k],
                title,
                level,
                unit.format(city=reg.city, full=reg.full_name),
                dates(day),
                dates(stop),
                HONOUR_LAYOUT.ops[0],
            )
        )
    return Batch(rows=rows, subject=subject, day=days, start=days.copy(), end=end)
