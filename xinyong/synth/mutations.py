"""How each fault changes a row, and what ground truth records about the change.

A mutator edits the row in place and returns the ground-truth fields it owes: the
column touched, the value an ingester should end up with (``normalised`` for faults
that are accepted after normalisation, ``intended`` for rejected rows, ``changes`` for
an amendment). Dates in ground truth are always YYYY-MM-DD, whatever the feed's style:
they are the values an ingester should end up with, not cell text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from xinyong.synth.codes import corrupt_check, id_error, to_fullwidth
from xinyong.synth.dates import Cell, day_of, impossible, plain
from xinyong.synth.kinds import INDIVIDUAL_BUSINESS, LEGAL_PERSON, NATURAL_PERSON
from xinyong.synth.records.common import Batch, FeedContext, add_years, iso, yuan_to_wan
from xinyong.synth.records.licence import LONG_TERM

Row = list[Cell]
Truth = dict[str, object]


@dataclass(frozen=True)
class Facts:
    """What the generator knows about a row: its main date and window, as day numbers."""

    day: int
    start: int = -1
    end: int = -1  #: -1 when the row has no end date

    @classmethod
    def of(cls, batch: Batch, k: int) -> Facts:
        """The facts of row ``k`` of ``batch``."""
        start = -1 if batch.start is None else int(batch.start[k])
        end = -1 if batch.end is None else int(batch.end[k])
        return cls(int(batch.day[k]), start, end)


Mutator = Callable[[FeedContext, Facts, Row, float], Truth]


def _col(ctx: FeedContext, index: int | None) -> tuple[int, str]:
    if index is None:  # pragma: no cover - guarded by applicability checks
        raise ValueError("fault applied to a feed without that column")
    return index, ctx.layout.headers[index]


def _code(change: Callable[[str, float], str]) -> Mutator:
    def mutate(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
        """Replace the code by ``change(code, u)``; say what it was and what ids says."""
        i, name = _col(ctx, ctx.layout.code)
        good = str(row[i])
        bad = row[i] = change(good, u)
        truth: Truth = {"column": name, "value": bad, "intended": {name: good}}
        if bad:  # what the identifier validator says about it
            truth["id_error"] = id_error(bad)
        return truth

    return mutate


def _fullwidth_code(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.code)
    good = str(row[i])
    row[i] = to_fullwidth(good)
    return {"column": name, "value": row[i], "normalised": {name: good}}


def _name_space(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.name)
    good = str(row[i])
    row[i] = good + "\u3000" if u < 0.5 else "\u3000" + good
    return {"column": name, "value": row[i], "normalised": {name: good}}


def _name_brackets(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.name)
    good = str(row[i])
    row[i] = good.replace("（", "(").replace("）", ")")
    return {"column": name, "value": row[i], "normalised": {name: good}}


def _date_fullwidth(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.date)
    row[i] = to_fullwidth(str(row[i]))
    return {"column": name, "value": row[i], "normalised": {name: iso(f.day)}}


def _date_impossible(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.date)
    row[i] = impossible(day_of(f.day), ctx.dates.style, int(u * 10))
    return {"column": name, "value": row[i], "intended": {name: iso(f.day)}}


def _date_future(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    lay, style = ctx.layout, ctx.dates.style
    i, name = _col(ctx, lay.date)
    shift = ctx.today + 1 + int(u * 365) - f.day
    intended = {name: iso(f.day)}
    row[i] = ctx.dates(f.day + shift)
    if lay.end is not None and lay.end != lay.date and f.end >= 0 and f.end != LONG_TERM:
        # Keep the window in order, so that the row carries this one fault only.
        intended[lay.headers[lay.end]] = iso(f.end)
        row[lay.end] = ctx.dates(f.end + shift)
    return {"column": name, "value": plain(row[i], style), "intended": intended}


def _swap(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    s, start = _col(ctx, ctx.layout.start)
    e, end = _col(ctx, ctx.layout.end)
    row[s], row[e] = row[e], row[s]
    value = plain(row[s], ctx.dates.style)
    return {"column": start, "value": value, "intended": {start: iso(f.start), end: iso(f.end)}}


def _unit(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.amount)
    good = str(row[i])
    yuan = int(Decimal(good) * 10_000)
    row[i] = f"{yuan}.000000" if ctx.feed.six_decimals else str(yuan)
    return {"column": name, "value": row[i], "intended": {name: good}}


def _kind(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.kind)
    good = str(row[i])
    row[i] = LEGAL_PERSON if good == INDIVIDUAL_BUSINESS else NATURAL_PERSON
    return {"column": name, "value": row[i], "intended": {name: good}}


def _duplicate(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    return {}


def _revoke(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    i, name = _col(ctx, ctx.layout.op)
    row[i] = ctx.layout.ops[2]
    return {"column": name, "value": row[i]}


def _amend(ctx: FeedContext, f: Facts, row: Row, u: float) -> Truth:
    lay, style = ctx.layout, ctx.dates.style
    row[lay.op] = lay.ops[1]
    if lay.amount is not None and row[lay.amount]:
        old = int(Decimal(str(row[lay.amount])) * 10_000)
        new = max(100, round(old * (0.5 + 0.4 * u) / 100) * 100)
        new = new if new != old else old + 100
        row[lay.amount] = yuan_to_wan(new, ctx.feed.six_decimals)
        for c, cell in enumerate(row):  # the decision text quotes the fine in yuan
            if isinstance(cell, str) and f"人民币{old}元" in cell:
                row[c] = cell.replace(f"人民币{old}元", f"人民币{new}元")
        changed = lay.amount
    elif lay.choices:
        changed, values = lay.choices[0]
        others = [v for v in values if v != row[changed]]
        row[changed] = others[int(u * len(others))]
    elif lay.end is not None and lay.end != lay.date and 0 <= f.end != LONG_TERM:
        changed, day = lay.end, add_years(f.end, 1)  # a validity extended by a year
        row[changed] = ctx.dates(day)
        return {"column": lay.headers[changed], "changes": {lay.headers[changed]: iso(day)}}
    else:
        changed, day = lay.date if lay.date is not None else lay.key[0], f.day - 1 - int(u * 5)
        row[changed] = ctx.dates(day)
        return {"column": lay.headers[changed], "changes": {lay.headers[changed]: iso(day)}}
    return {
        "column": lay.headers[changed],
        "changes": {lay.headers[changed]: plain(row[changed], style)},
    }


MUTATORS: dict[str, Mutator] = {
    "uscc.checksum": _code(lambda c, u: corrupt_check(c, 1 + int(u * 30))),
    "uscc.missing": _code(lambda c, u: ""),
    "uscc.length": _code(lambda c, u: c[: int(u * 18)] + c[int(u * 18) + 1 :]),
    "code.fullwidth": _fullwidth_code,
    "name.fullwidth_space": _name_space,
    "name.halfwidth_brackets": _name_brackets,
    "date.fullwidth": _date_fullwidth,
    "date.impossible": _date_impossible,
    "date.future": _date_future,
    "date.end_before_start": _swap,
    "amount.unit_suspect": _unit,
    "subject.kind_mismatch": _kind,
    "duplicate": _duplicate,
    "amendment": _amend,
    "revocation": _revoke,
}
