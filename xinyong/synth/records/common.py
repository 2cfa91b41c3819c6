"""What every record builder shares: the feed context, subject draws, dates, numbering.

Builders work on a chunk at a time: numpy draws for a whole chunk, then one Python pass
to assemble rows. A :class:`Batch` carries the rows plus the facts fault injection needs
(which subject each row is about, its main date, its validity window) so faults never
have to parse a row back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from xinyong.synth.dates import Cell, DateTable, day_of, workdays
from xinyong.synth.departments import DEPARTMENTS, Department, Feed
from xinyong.synth.kinds import INDIVIDUAL_BUSINESS, KINDS, LEGAL_PERSON, NATURAL_PERSON
from xinyong.synth.layout import Layout
from xinyong.synth.people import People
from xinyong.synth.regions import Region
from xinyong.synth.subjects import Subjects

Ints = npt.NDArray[np.int64]
#: Records are dated over the five years before the anchor date.
SPAN_DAYS = 5 * 365
_COUNTERPART = np.array(
    [INDIVIDUAL_BUSINESS if k.code == "9/2" else LEGAL_PERSON for k in KINDS], dtype=object
)


@dataclass
class Batch:
    """A chunk of rows and what fault injection needs to know about each."""

    rows: list[tuple[Cell, ...]]
    subject: Ints  #: subject index, or -1 for a natural person
    day: Ints  #: the row's main date (decision, listing, rating ...)
    start: Ints | None = None  #: start of a validity or listing window
    end: Ints | None = None  #: its end (-1 when open)


@dataclass
class FeedContext:
    """Everything a builder needs about its feed, built once per feed."""

    feed: Feed
    region: Region
    subjects: Subjects
    people: People
    today: int  #: the anchor date as a day number
    dates: DateTable  #: the feed's date style
    pool: Ints  #: subjects the department acts on
    layout: Layout
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    seen: npt.NDArray[np.bool_] | None = None  #: per-subject flag for once-only records

    @property
    def department(self) -> Department:
        """The furnishing department."""
        return DEPARTMENTS[self.feed.department]

    @property
    def dept_name(self) -> str:
        """Department name in this region."""
        return self.department.name(self.region)

    @property
    def dept_code(self) -> str:
        """Department's own USCC."""
        return self.department.uscc(self.region)

    def numbers(self, series: str, years: list[int]) -> list[int]:
        """Next serials for a column of years, each year counting on from its last serial."""
        out = [0] * len(years)
        counters = self.counters
        for k, year in enumerate(years):
            n = counters.get((series, year), 0) + 1
            counters[(series, year)] = n
            out[k] = n
        return out

    def number(self, series: str, year: int) -> int:
        """Next serial in a yearly series of document numbers (1, 2, 3 ... per year)."""
        n = self.counters.get((series, year), 0) + 1
        self.counters[(series, year)] = n
        return n


def draw_subjects(ctx: FeedContext, rng: np.random.Generator, n: int, skew: float = 2.0) -> Ints:
    """Subjects for ``n`` rows, heavy-tailed: a few subjects collect many records."""
    pool = ctx.pool
    pick = (len(pool) * rng.random(n) ** skew).astype(np.int64)
    return pool[np.minimum(pick, len(pool) - 1)]


def draw_persons(ctx: FeedContext, rng: np.random.Generator, subject: Ints) -> Ints:
    """Replace a share of rows with natural persons: returns person indices (-1 = none)."""
    person = np.full(len(subject), -1, dtype=np.int64)
    if ctx.feed.persons:
        chosen = rng.random(len(subject)) < ctx.feed.persons
        person[chosen] = rng.integers(0, len(ctx.people), int(chosen.sum()))
        subject[chosen] = -1
    return person


def draw_days(ctx: FeedContext, rng: np.random.Generator, subject: Ints) -> Ints:
    """Decision days in the last five years, within each subject's life, on workdays."""
    days = ctx.today - (SPAN_DAYS * rng.random(len(subject)) ** 1.3).astype(np.int64)
    known = subject >= 0
    s = ctx.subjects
    idx = np.where(known, subject, 0)
    lo = np.where(known, s.reg[idx].astype(np.int64) + 7, days)
    hi = np.where(known, np.minimum(s.end[idx], ctx.today), days)
    days = np.minimum(np.maximum(days, lo), hi)
    return np.minimum(workdays(days), ctx.today)


def names_at(ctx: FeedContext, subject: Ints, days: Ints) -> list[str]:
    """Subject names as they stood on ``days``: renamed subjects used their former name."""
    s = ctx.subjects
    safe = np.maximum(subject, 0)
    out = s.name_list(safe)
    if s.former:
        for k, i in enumerate(safe.tolist()):
            old = s.former.get(i)
            if old is not None and subject[k] >= 0 and days[k] < old[1]:
                out[k] = old[0]
    return out


def counterparts(ctx: FeedContext, subject: Ints, person: Ints, days: Ints) -> dict[str, list[str]]:
    """The counterpart columns of a double-publicity record, by standard column name.

    Name, category, the six code columns (only the USCC is filled), the legal
    representative with ID type and number, and the counterpart's own ID type and
    number (natural persons only).
    """
    s, p, n = ctx.subjects, ctx.people, len(subject)
    mask = (person >= 0).tolist()
    safe = np.maximum(subject, 0)
    who = np.maximum(person, 0) if any(mask) else person[:0]
    reps = s.rep[safe].astype(np.int64)
    blank = [""] * n
    pick = _pick
    return {
        "行政相对人名称": pick(mask, p.name_list(who), names_at(ctx, subject, days)),
        "行政相对人类别": pick(mask, [NATURAL_PERSON] * n, _COUNTERPART[s.kind[safe]].tolist()),
        "行政相对人代码_1（统一社会信用代码）": pick(mask, blank, s.code_list(safe)),
        "行政相对人代码_2（工商注册号）": blank,
        "行政相对人代码_3（组织机构代码）": blank,
        "行政相对人代码_4（税务登记号）": blank,
        "行政相对人代码_5（事业单位证书号）": blank,
        "行政相对人代码_6（社会组织登记证号）": blank,
        "法定代表人": pick(mask, blank, p.name_list(reps)),
        "法定代表人证件类型": pick(mask, blank, ["身份证"] * n),
        "法定代表人证件号码": pick(mask, blank, p.id_list(reps)),
        "证件类型": pick(mask, ["身份证"] * n, blank),
        "证件号码": pick(mask, p.id_list(who), blank),
    }


def _pick(mask: list[bool], yes: list[str], no: list[str]) -> list[str]:
    if not any(mask):  # most feeds have no natural persons: skip the per-row choice
        return no
    return [a if m else b for m, a, b in zip(mask, yes, no, strict=True)]


def year_of(days: Ints) -> list[int]:
    """Calendar years of day numbers (vectorised through numpy datetime64)."""
    years: list[int] = (
        days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    ).tolist()
    return years


def yuan_to_wan(yuan: int, six: bool) -> str:
    """An amount in yuan written in the standard's unit, 10,000 yuan (万元)."""
    whole, frac = divmod(yuan, 10_000)
    if six:
        return f"{whole}.{frac:04d}00"
    text = f"{whole}.{frac:04d}".rstrip("0")
    return text.rstrip(".")


_WAN: dict[tuple[int, bool], str] = {}


def wan(yuan: int, six: bool) -> str:
    """:func:`yuan_to_wan`, remembered: fines repeat, formatting them need not."""
    text = _WAN.get((yuan, six))
    if text is None:
        text = _WAN[(yuan, six)] = yuan_to_wan(yuan, six)
        if len(_WAN) > 100_000:
            _WAN.clear()
    return text


def iso(n: int) -> str:
    """Day ``n`` as YYYY-MM-DD, for ground truth."""
    return day_of(n).isoformat()


def add_years(n: int, years: int) -> int:
    """Day ``n`` plus whole years (29 February falls back to the 28th)."""
    d = day_of(n)
    try:
        shifted = d.replace(year=d.year + years)
    except ValueError:
        shifted = d.replace(year=d.year + years, day=28)
    return n + (shifted - d).days
