"""Hypothesis strategies and shared data for the identifier tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import strategies as st

from xinyong.ids import authorities, divisions, orgcode, ric, uscc

DATA = Path(__file__).parent / "data"

#: The platform's "today" in these tests, so date rules do not drift with the calendar.
TODAY = dt.date(2026, 6, 1)


def real_usccs() -> list[str]:
    """The real codes of the fixture file (comments and blank lines dropped)."""
    lines = (DATA / "uscc-real-stdnum.txt").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


PAIRS = sorted((a, t) for a, types in authorities.authorities().items() for t in types)
REGIONS = sorted(divisions.table())

pairs = st.sampled_from(PAIRS)
regions = st.sampled_from(REGIONS)
org_bodies = st.text(alphabet=uscc.ALPHABET, min_size=8, max_size=8)


@st.composite
def valid_usccs(draw: st.DrawFn) -> str:
    """A code built from a real authority/type pair, a known region and a valid org code."""
    auth, kind = draw(pairs)
    body = draw(org_bodies)
    partial = auth + kind + draw(regions) + body + orgcode.check_value(body)
    return partial + uscc.calc_check(partial)


@st.composite
def valid_rics(draw: st.DrawFn) -> str:
    """An 18-digit citizen number with a known region and a past birth date."""
    born = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
    body = draw(regions) + born.strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    return body + ric.calc_check(body)


def substitutions(code: str, alphabet: str) -> list[str]:
    """Every code that differs from ``code`` in exactly one position."""
    return [
        code[:i] + char + code[i + 1 :]
        for i in range(len(code))
        for char in alphabet
        if char != code[i]
    ]


noise = st.text(
    alphabet=st.sampled_from(uscc.ALPHABET + "IOSVZ -x#０９Ａ\u3000é"), min_size=0, max_size=20
)


@st.composite
def uscc_near_misses(draw: st.DrawFn) -> list[str]:
    """17 characters with at most one rule broken, completed with all 31 check characters.

    Exactly one completion passes the mod-31 check, so a batch of them tests
    each of the other rules on its own, whatever the validator does internally.
    """
    auth, kind = draw(pairs)
    region = draw(regions)
    body = draw(org_bodies)
    org_check = orgcode.check_value(body)
    fault = draw(st.sampled_from(["none", "pair", "region", "org", "alphabet"]))
    if fault == "pair":
        auth, kind = draw(st.sampled_from(uscc.ALPHABET)), draw(st.sampled_from(uscc.ALPHABET))
    elif fault == "region":
        region = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    elif fault == "org":
        org_check = draw(st.sampled_from("0123456789X"))
    partial = auth + kind + region + body + org_check
    if fault == "alphabet":
        position = draw(st.integers(0, 16))
        partial = partial[:position] + draw(st.sampled_from("IOSVZ#")) + partial[position + 1 :]
    return [partial + char for char in uscc.ALPHABET]


@st.composite
def ric_near_misses(draw: st.DrawFn) -> list[str]:
    """17 digits with edge-case dates and regions, completed with all 11 check characters."""
    region = draw(st.one_of(regions, st.text(alphabet="0123456789", min_size=6, max_size=6)))
    year = draw(st.one_of(st.integers(0, TODAY.year + 1), st.sampled_from([1900, 2000, 2024])))
    month = draw(st.integers(0, 13))
    day = draw(st.one_of(st.integers(0, 32), st.sampled_from([28, 29, 30, 31])))
    sequence = draw(st.integers(0, 999))
    body = f"{region}{year:04d}{month:02d}{day:02d}{sequence:03d}"
    return [body + char for char in "0123456789X"]
