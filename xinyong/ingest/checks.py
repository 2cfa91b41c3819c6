"""Logical checks across fields: dates in the future or before the Republic, windows
ending before they start, and amounts entered in the wrong unit.

Format checks catch typos; these catch rows that are well formed but cannot be
true. A decision cannot be dated after today (the platform's clock, so tests and
simulations can move it), nor before 1 October 1949 (:data:`EARLIEST_ACT`), when
no authority of the People's Republic existed to take it: such a date is a
typing slip, most often a bare year in a date column ("2024"), which reads as
Excel serial day 2024, 16 July 1905. A validity or publicity window cannot end before it
starts. And an amount in a 10,000-yuan (万元) column is suspect when it is in fact
yuan, the most common unit error in double-publicity data:

* the decision text (for penalties, 处罚内容) states an amount in yuan, such as
  罚款人民币1300元, and the column holds that same figure (1300) rather than the
  same amount in 万元 (0.13); or
* the column value is at least the mapping's ceiling (default 1,000 万元, i.e.
  ten million yuan) and the text does not confirm it, neither as that many 万元
  nor as the equivalent number of yuan.

A genuinely large fine is accepted when its text confirms it; a suspect one is
rejected with ``amount.unit_suspect`` for the department to correct.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from xinyong.ingest.mapping import AmountCheck
from xinyong.ingest.reasons import Fault, fault

#: The founding of the People's Republic: the earliest day a decision, listing, award or
#: commitment recorded here can bear.
EARLIEST_ACT = "1949-10-01"
_MONEY = re.compile(r"(\d[\d,，]*(?:\.\d+)?)\s*(万)?元")
_WAN = Decimal(10_000)
Values = Sequence[object]


def future(
    name: str, column: str, values: Values, today: str, faults: dict[int, list[Fault]]
) -> None:
    """``date.future`` for ISO dates after ``today`` (also ISO, so text order is date order)."""
    for i, v in enumerate(values):
        if v is not None and v > today:  # type: ignore[operator]
            faults.setdefault(i, []).append(
                fault(
                    "date.future",
                    name,
                    column,
                    v,
                    f"晚于今天（{today}）",
                    f"after today ({today})",
                )
            )


def too_early(name: str, column: str, values: Values, faults: dict[int, list[Fault]]) -> None:
    """``date.too_early`` for ISO dates before :data:`EARLIEST_ACT`."""
    for i, v in enumerate(values):
        if v is not None and v < EARLIEST_ACT:  # type: ignore[operator]
            faults.setdefault(i, []).append(
                fault(
                    "date.too_early",
                    name,
                    column,
                    v,
                    f"早于{EARLIEST_ACT}（单独的年份会被读作Excel日期序号）",
                    f"before {EARLIEST_ACT} (a bare year is read as an Excel serial day)",
                )
            )


def order(
    start: tuple[str, str, Values],
    end: tuple[str, str, Values],
    faults: dict[int, list[Fault]],
) -> None:
    """``date.end_before_start`` where ``end`` is earlier than ``start`` (blamed on the start)."""
    s_name, s_column, s_values = start
    _, e_column, e_values = end
    for i, (s, e) in enumerate(zip(s_values, e_values, strict=True)):
        if s is not None and e is not None and e < s:  # type: ignore[operator]
            faults.setdefault(i, []).append(
                fault(
                    "date.end_before_start",
                    s_name,
                    s_column,
                    s,
                    f"{e_column}（{e}）早于{s_column}（{s}）",
                    f"{e_column} ({e}) is before {s_column} ({s})",
                )
            )


def _amounts(text: str) -> tuple[set[Decimal], set[Decimal]]:
    yuan: set[Decimal] = set()
    wan: set[Decimal] = set()
    for number, unit in _MONEY.findall(text):
        try:
            value = Decimal(number.replace(",", "").replace("，", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
            continue
        (wan if unit else yuan).add(value)
    return yuan, wan


class AmountRule:
    """The 万元 plausibility rule above, for the fields and text a mapping names."""

    def __init__(self, check: AmountCheck) -> None:
        self.check = check
        self._texts: dict[str, tuple[set[Decimal], set[Decimal]]] = {}

    def suspect(self, value: str, text: str | None) -> bool:
        """Whether ``value`` (canonical decimal text, in 万元) looks like yuan."""
        amount = Decimal(value)
        if amount <= 0:
            return False
        yuan, wan = self._stated(text)
        if amount in wan or amount * _WAN in yuan:
            return False  # the text confirms the amount in 万元
        return amount in yuan or amount >= self.check.ceiling

    def _stated(self, text: str | None) -> tuple[set[Decimal], set[Decimal]]:
        if not text:
            return set(), set()
        found = self._texts.get(text)
        if found is None:
            if len(self._texts) > 100_000:
                self._texts.clear()
            found = self._texts[text] = _amounts(text)
        return found

    def run(
        self,
        name: str,
        column: str,
        values: Values,
        texts: Values | None,
        faults: dict[int, list[Fault]],
    ) -> None:
        """Add ``amount.unit_suspect`` faults for the suspect values of one amount column."""
        seen: dict[tuple[object, object], bool] = {}
        for i, v in enumerate(values):
            if v is None:
                continue
            text = texts[i] if texts is not None else None
            verdict = seen.get((v, text))
            if verdict is None:
                verdict = seen[(v, text)] = self.suspect(
                    str(v), text if isinstance(text, str) else None
                )
            if verdict:
                faults.setdefault(i, []).append(
                    fault(
                        "amount.unit_suspect",
                        name,
                        column,
                        v,
                        f"{column}以万元为单位，{v}万元与处罚内容所载金额不符，疑似以元填报",
                        f"{column} is in 10,000 yuan; {v} does not match the amount the text "
                        "states and looks like a figure in yuan",
                    )
                )
