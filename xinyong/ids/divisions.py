"""GB/T 2260 administrative-division codes (行政区划代码), versioned, history kept.

Three identifiers embed a 6-digit division code: the USCC (positions 3-8, the
registering authority's region), the citizen identity number (positions 1-6,
where the person was first registered) and the legacy 15-digit business
registration number. Codes are created, renamed and abolished every year, but a
number issued under an old code stays valid for life, so this table keeps every
code that ever existed with the years it was in force.

The table is built, once and lazily, from two sources:

* ``loc.dat`` bundled with python-stdnum (``stdnum.cn``), compiled from the
  Chinese Wikipedia lists of division codes. Its format: a province line
  ``11 province="北京市"`` followed by indented lines ``  0103 county="[-2010]崇文区"``
  whose value is a comma-separated list of names, each optionally prefixed by the
  inclusive year range ``[from-to]`` in which it applied (an open end means
  "before records" or "still in force").
* ``data/divisions-supplement.tsv``, our own list of codes that library lacks:
  the national-level code 100000 and functional-zone codes that registration
  authorities really use (each row names its source).

>>> lookup("110103").name, lookup("110103").valid_to
('崇文区', 2010)
>>> is_known("110103"), is_known("110103", 2015), is_known("990000")
(True, False, False)
>>> lookup("120110").name_in(1985), lookup("120110").name_in(2000)
('东郊区', '东丽区')
>>> lookup("100000").province
'中华人民共和国'
>>> bool(known_mask()[110108]), bool(known_mask()[990426])
(True, False)
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

__all__ = ["Division", "Period", "is_known", "known_mask", "lookup", "table"]

_NAMED_PERIOD = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.+)$")
_LINE = re.compile(r'^(\s*)(\d+) (?:province|county)="([^"]*)"\s*$')
_NATIONAL_PROVINCE = "中华人民共和国"
SUPPLEMENT = "data/divisions-supplement.tsv"


@dataclass(frozen=True)
class Period:
    """One name a code carried, in force from ``valid_from`` to ``valid_to`` inclusive."""

    name: str
    valid_from: int | None
    valid_to: int | None

    def covers(self, year: int) -> bool:
        """Whether the name applied in ``year`` (open ends mean unbounded)."""
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )


@dataclass(frozen=True)
class Division:
    """A division code with every name it carried; ``name`` is the latest one."""

    code: str
    province: str
    periods: tuple[Period, ...]

    @property
    def name(self) -> str:
        """The most recent name, which is what a reader today expects to see."""
        return self.periods[-1].name

    @property
    def valid_from(self) -> int | None:
        """First year in force, or None when it predates the records."""
        starts = [p.valid_from for p in self.periods]
        return None if None in starts else min(s for s in starts if s is not None)

    @property
    def valid_to(self) -> int | None:
        """Last year in force, or None while it is still in force."""
        ends = [p.valid_to for p in self.periods]
        return None if None in ends else max(e for e in ends if e is not None)

    def name_in(self, year: int) -> str | None:
        """The name in force in ``year``, or None if the code was not in use then."""
        for period in reversed(self.periods):
            if period.covers(year):
                return period.name
        return None


def _year(text: str) -> int | None:
    return int(text) if text else None


def _periods(value: str) -> list[Period]:
    periods = []
    for part in value.split(","):
        match = _NAMED_PERIOD.match(part.strip())
        if match is None:  # pragma: no cover - every non-empty text matches
            raise ValueError(f"unreadable division name {part!r}")
        start, end, name = match.groups()
        periods.append(Period(name, _year(start or ""), _year(end or "")))
    return periods


def _parse_loc_dat(text: str) -> Iterator[tuple[str, str, list[Period]]]:
    """Yield (code, province name, periods) from python-stdnum's loc.dat text."""
    prefix = province = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"unreadable loc.dat line {line!r}")
        indent, digits, value = match.groups()
        if not indent:
            prefix, province = digits, value
            continue
        yield prefix + digits, province, _periods(value)


def _read_supplement() -> Iterator[tuple[str, Period]]:
    """Yield (code, period) rows of our supplement file, skipping comments."""
    raw = resources.files("xinyong.ids").joinpath(SUPPLEMENT).read_text("utf-8")
    rows = csv.reader(io.StringIO(raw), delimiter="\t")
    for row in rows:
        if not row or row[0].startswith("#") or row[0] == "code":
            continue
        code, name, start, end = (cell.strip() for cell in row[:4])
        if not re.fullmatch(r"\d{6}", code):
            raise ValueError(f"divisions supplement: bad code {code!r}")
        yield code, Period(name, _year(start), _year(end))


@functools.cache
def table() -> Mapping[str, Division]:
    """Every known code, historical ones included; built on first use, then cached."""
    raw = resources.files("stdnum.cn").joinpath("loc.dat").read_text("utf-8")
    periods: dict[str, list[Period]] = {}
    provinces: dict[str, str] = {}
    for code, province, found in _parse_loc_dat(raw):
        provinces[code[:2]] = province
        periods.setdefault(code, []).extend(found)
    for code, period in _read_supplement():
        periods.setdefault(code, []).append(period)
    return {
        code: Division(code, provinces.get(code[:2], _NATIONAL_PROVINCE), tuple(found))
        for code, found in sorted(periods.items())
    }


def lookup(code: str) -> Division | None:
    """The division for a 6-digit code, or None; historical codes are found too."""
    return table().get(code)


def is_known(code: str, year: int | None = None) -> bool:
    """Whether ``code`` ever existed, or, given ``year``, was in force that year.

    Validators call it without a year: a number keeps the code it was issued
    under after the division is renamed or abolished.
    """
    division = lookup(code)
    if division is None:
        return False
    return year is None or division.name_in(year) is not None


@functools.cache
def known_mask() -> npt.NDArray[np.bool_]:
    """A boolean array over 0..999999: True where the integer is a known code.

    Bulk validators index it with a whole column of region codes at once.
    Treat it as read-only; it is shared.
    """
    mask = np.zeros(1_000_000, dtype=np.bool_)
    mask[np.fromiter((int(code) for code in table()), dtype=np.int64)] = True
    mask.flags.writeable = False
    return mask
