"""Bulk identifier validation against python-stdnum's scalar validators.

Generates N realistic codes deterministically (mostly valid, about 5% corrupted
the ways department feeds corrupt them), then times, ``--runs`` times each:

* USCC: ``stdnum.cn.uscc.is_valid`` in a loop (the baseline) against
  ``xinyong.ids.bulk.check_uscc``;
* citizen numbers: ``stdnum.cn.ric.is_valid`` in a loop against
  ``xinyong.ids.bulk.check_ric``.

It prints the median time, the time per code, the speed-up, how many inputs
each judged valid, and where they disagree. Disagreement is expected and by
design: stdnum accepts codes whose embedded organization code, authority/type
pair or region is wrong, and codes born in the future; it rejects letter-led
USCCs (authorities A, N, Y), legacy 15-digit citizen numbers, and citizen
numbers whose region was not in force in the birth year (numbers carry the
region where they were first issued, often years after birth). stdnum.cn.ric
also raises KeyError, instead of answering, for an unknown county code under a
known prefecture; the baseline counts that as "invalid" and reports how often.

Usage::

    python bench/ids.py                  # 1,000,000 codes of each kind, 3 runs
    python bench/ids.py --n 100000 --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from xinyong.ids import bulk, divisions, orgcode, ric, uscc

DIGITS = "0123456789"
#: Authority/type pairs with rough real-world weights: enterprises and individual
#: businesses dominate; letter-led authorities are rare but must not be lost.
PAIRS: list[tuple[str, float]] = [
    ("92", 55),
    ("91", 35),
    ("93", 3),
    ("12", 2),
    ("52", 1),
    ("51", 1),
    ("31", 1),
]
PAIRS += [("11", 1), ("N2", 0.5), ("N1", 0.2), ("A1", 0.1), ("Y1", 0.1)]


def _current_regions() -> list[str]:
    return [code for code, d in divisions.table().items() if d.valid_to is None]


def _uscc(rng: random.Random, regions: Sequence[str]) -> str:
    pair = rng.choices([p for p, _ in PAIRS], weights=[w for _, w in PAIRS])[0]
    if rng.random() < 0.6:  # bodies assigned since 2015 start with MA
        body = "MA" + "".join(rng.choices(uscc.ALPHABET, k=6))
    else:
        body = "".join(rng.choices(DIGITS, k=8))
    partial = pair + rng.choice(regions) + body + orgcode.check_value(body)
    return partial + uscc.check_value(partial)


def _corrupt_uscc(rng: random.Random, code: str) -> str:
    fault = rng.random()
    i = rng.randrange(18)
    if fault < 0.55:  # one character mistyped
        return code[:i] + rng.choice(uscc.ALPHABET.replace(code[i], "")) + code[i + 1 :]
    if fault < 0.70:  # adjacent characters swapped
        i = min(i, 16)
        return code[:i] + code[i + 1] + code[i] + code[i + 2 :]
    if fault < 0.80:  # a character lost
        return code[:i] + code[i + 1 :]
    if fault < 0.85:  # O for 0, I for 1
        return code.replace("0", "O", 1) if "0" in code else code.replace("1", "I", 1)
    # Checksum-valid but wrong inside: bad organization check or unknown pair.
    if fault < 0.95:
        bad = rng.choice(("0123456789X").replace(code[16], ""))
        partial = code[:16] + bad
    else:
        partial = rng.choice(["01", "99", "9A", "B1"]) + code[2:17]
    return partial + uscc.check_value(partial)


def _regions_by_year(last: int) -> dict[int, list[str]]:
    """Division codes in force in each year a number can have been first issued."""
    table = divisions.table()
    return {
        year: [code for code, d in table.items() if d.name_in(year) is not None]
        for year in range(1985, last + 1)
    }


def _ric(rng: random.Random, regions: dict[int, list[str]]) -> str:
    """A person's number: the region is where the number was first issued (1985 or
    later, by age 16 at the latest), so it may postdate the birth year."""
    born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(365 * 90))
    issued = min(max(born.year + rng.randrange(17), 1985), max(regions))
    body = rng.choice(regions[issued]) + born.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return body + ric.check_value(body)


def _corrupt_ric(rng: random.Random, number: str, today: dt.date) -> str:
    fault = rng.random()
    i = rng.randrange(17)
    if fault < 0.60:  # one digit mistyped
        return number[:i] + rng.choice(DIGITS.replace(number[i], "")) + number[i + 1 :]
    if fault < 0.75:  # adjacent digits swapped
        return number[:i] + number[i + 1] + number[i] + number[i + 2 :]
    if fault < 0.85:  # impossible date, correct check
        body = number[:10] + "0231" + number[14:17]
    elif fault < 0.95:  # legacy 15-digit form of the same person
        return number[:6] + number[8:17]
    else:  # born in the future, correct check
        body = number[:6] + (today + dt.timedelta(days=400)).strftime("%Y%m%d") + number[14:17]
    return body + ric.check_value(body)


def generate(
    n: int,
    seed: int,
    make: Callable[[random.Random], str],
    spoil: Callable[[random.Random, str], str],
) -> list[str]:
    """N codes from ``make``, about 5% passed through ``spoil``; the same for the same seed."""
    rng = random.Random(seed)
    return [
        spoil(rng, code) if rng.random() < 0.05 else code for code in (make(rng) for _ in range(n))
    ]


def tolerant(validate: Callable[[str], bool], crashes: Counter[str]) -> Callable[[str], bool]:
    """``validate``, counting an exception as "invalid" (stdnum.cn.ric raises KeyError
    instead of returning False for an unknown county under a known prefecture)."""

    def run(code: str) -> bool:
        try:
            return validate(code)
        except Exception as exc:
            crashes[type(exc).__name__] += 1
            return False

    return run


Verdicts = npt.NDArray[np.bool_]


def _time_interleaved(
    runs: int, first: Callable[[], Verdicts], second: Callable[[], Verdicts]
) -> tuple[float, Verdicts, float, Verdicts]:
    """Median seconds and last verdicts of each, alternating the two in every run so
    that load from other processes falls on both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    verdicts = [np.zeros(0, dtype=np.bool_), np.zeros(0, dtype=np.bool_)]
    for _ in range(runs):
        for slot, work in enumerate((first, second)):
            start = time.perf_counter()
            verdicts[slot] = work()
            times[slot].append(time.perf_counter() - start)
    medians = [statistics.median(t) for t in times]
    return medians[0], verdicts[0], medians[1], verdicts[1]


def compare(
    name: str,
    codes: list[str],
    baseline: Callable[[str], bool],
    ours: Callable[[list[str]], bulk.BulkResult],
    runs: int,
) -> None:
    """Time both validators on ``codes`` and report speed, verdicts and disagreements."""
    n = len(codes)
    crashes: Counter[str] = Counter()
    checked = tolerant(baseline, crashes)
    result: list[bulk.BulkResult] = []

    def run_ours() -> Verdicts:
        result[:] = [ours(codes)]
        return result[0].valid

    base_s, base_ok, ours_s, ours_ok = _time_interleaved(
        runs, lambda: np.fromiter(map(checked, codes), dtype=np.bool_, count=n), run_ours
    )
    print(f"{name}: {n:,} codes, median of {runs} runs")
    for label, seconds, ok in (("stdnum loop", base_s, base_ok), ("xinyong bulk", ours_s, ours_ok)):
        per_code = seconds / n * 1e6
        print(f"  {label:13} {seconds:8.3f} s  {per_code:6.3f} µs/code  valid {int(ok.sum()):,}")
    print(f"  speed-up      {base_s / ours_s:8.1f}x")
    for error, count in crashes.items():
        print(f"  stdnum raised {error} instead of answering on {count // runs:,} inputs")
    stdnum_only = np.flatnonzero(base_ok & ~ours_ok).tolist()
    ours_only = np.flatnonzero(ours_ok & ~base_ok).tolist()
    print(f"  disagreements {len(stdnum_only) + len(ours_only):,} (by design, see --help)")
    reasons = Counter(_why(result[0], i) for i in stdnum_only)
    print(f"    stdnum accepts, xinyong rejects: {len(stdnum_only):,}")
    for reason, count in reasons.most_common():
        print(f"      {count:8,}  {reason}")
    shapes = Counter(_shape(codes[i]) for i in ours_only)
    print(f"    xinyong accepts, stdnum rejects: {len(ours_only):,}")
    for shape, count in shapes.most_common():
        print(f"      {count:8,}  {shape}")


def _why(result: bulk.BulkResult, index: int) -> str:
    error = result.error(index)
    return "?" if error is None else f"{error.code} ({error.field})"


def _shape(code: str) -> str:
    if len(code) == 15:
        return "legacy 15-digit citizen number"
    if not code[0].isdigit():
        return f"letter-led authority {code[0]}"
    if len(code) == 18 and code[:17].isdigit():
        return "region not in force in the birth year (stdnum's rule)"
    return "other"


def main() -> None:
    """Parse arguments, generate the inputs and run both comparisons."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="codes of each kind")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per validator")
    parser.add_argument("--seed", type=int, default=20151001, help="generator seed")
    args = parser.parse_args()
    today = dt.date.today()
    current = _current_regions()
    by_year = _regions_by_year(today.year)
    codes = generate(args.n, args.seed, lambda rng: _uscc(rng, current), _corrupt_uscc)
    compare("USCC", codes, stdnum_uscc.is_valid, bulk.check_uscc, args.runs)
    numbers = generate(
        args.n,
        args.seed + 1,
        lambda rng: _ric(rng, by_year),
        lambda rng, x: _corrupt_ric(rng, x, today),
    )
    compare(
        "Citizen number",
        numbers,
        stdnum_ric.is_valid,
        lambda xs: bulk.check_ric(xs, today),
        args.runs,
    )


if __name__ == "__main__":
    main()
