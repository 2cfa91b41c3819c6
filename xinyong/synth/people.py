"""Synthetic natural persons: legal representatives, shop operators, individual debtors.

Persons are kept as two fixed-width numpy arrays (name, identity number), about 34 bytes
each, so a pool of a million costs tens of megabytes. Identity numbers are unique by
construction (an affine permutation over area x birth date x sequence) and carry a valid
check character and an area code that existed in the birth year. They are synthetic; a
number may still coincide with a real person's, so generated data must never be presented
as real.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from xinyong.ids import ric
from xinyong.synth import words
from xinyong.synth.codes import coprime_multiplier
from xinyong.synth.dates import epoch_day

#: Area codes valid for births since 1962 (long-standing urban districts).
OLD_AREAS = ("110101", "110102", "110105", "110108", "310104", "310110", "120101", "120104")
#: Area codes valid for births since 1983.
NEW_AREAS = (
    "130102",
    "370102",
    "410102",
    "420102",
    "320102",
    "440103",
    "330106",
    "440305",
    "210102",
    "610103",
    "350102",
    "430102",
)
_SURNAMES = tuple(dict.fromkeys(words.SURNAMES))
_GIVEN = tuple(dict.fromkeys(words.GIVEN))


@dataclass(frozen=True)
class People:
    """A pool of persons addressed by index."""

    names: npt.NDArray[np.str_]  #: dtype ``U4``
    ids: npt.NDArray[np.bytes_]  #: dtype ``S18``

    def __len__(self) -> int:
        return len(self.names)

    def name_list(self, index: npt.NDArray[np.int64]) -> list[str]:
        """Names of the persons at ``index``, as Python strings (vectorised gather)."""
        return self.names[index].tolist()  # type: ignore[no-any-return]

    def birth_days(self) -> npt.NDArray[np.int64]:
        """Birth dates as day numbers, read from positions 7-14 of the identity numbers."""
        digits = np.frombuffer(self.ids.tobytes(), dtype=np.uint8).reshape(-1, 18)[:, 6:14] - 48
        ymd = digits.astype(np.int64) @ (10 ** np.arange(7, -1, -1, dtype=np.int64))
        year, month, day = ymd // 10_000, ymd // 100 % 100, ymd % 100
        months = (year - 1970) * 12 + month - 1
        first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
        result: npt.NDArray[np.int64] = first + day - 1
        return result

    def id_list(self, index: npt.NDArray[np.int64]) -> list[str]:
        """Identity numbers of the persons at ``index``."""
        return self.ids[index].astype("U18").tolist()  # type: ignore[no-any-return]


def person_name(rnd: random.Random) -> str:
    """A Chinese personal name: surname plus one or two given-name characters."""
    if rnd.random() < 0.015:
        surname = rnd.choice(words.COMPOUND_SURNAMES)
        return surname + rnd.choice(_GIVEN)
    # Surnames are listed most frequent first; a power law imitates their skew.
    surname = _SURNAMES[int(len(_SURNAMES) * rnd.random() ** 2.2)]
    given = rnd.choice(_GIVEN)
    if rnd.random() < 0.7:
        given += rnd.choice(_GIVEN)
    return surname + given


def _identities(count: int, a: int, b: int, first: dt.date, last: dt.date) -> list[str]:
    """Identity numbers for persons 0..count-1: slot ``a*i + b`` of area x birth x sequence.

    Slots below the old areas' capacity fall in :data:`OLD_AREAS` (births since ``first``),
    the rest in :data:`NEW_AREAS` (births since 1983). The decomposition runs in numpy;
    only the check character is computed per person, by :mod:`xinyong.ids`.
    """
    new_first = max(first, dt.date(1983, 1, 1))
    old_days, new_days = (last - first).days + 1, (last - new_first).days + 1
    old_capacity = len(OLD_AREAS) * old_days * 1000
    space = old_capacity + len(NEW_AREAS) * new_days * 1000
    slot = (a * np.arange(count, dtype=np.int64) + b) % space
    old = slot < old_capacity
    slot = np.where(old, slot, slot - old_capacity)
    areas = np.where(old, len(OLD_AREAS), len(NEW_AREAS))
    area, slot = slot % areas, slot // areas
    days = np.where(old, old_days, new_days)
    day, sequence = slot % days, slot // days
    start = np.where(old, epoch_day(first), epoch_day(new_first))
    birth = np.datetime_as_string((start + day).astype("datetime64[D]"))
    area_codes = np.array(OLD_AREAS + NEW_AREAS)[np.where(old, area, len(OLD_AREAS) + area)]
    bodies = [
        f"{code}{born[:4]}{born[5:7]}{born[8:]}{seq:03d}"
        for code, born, seq in zip(
            area_codes.tolist(), birth.tolist(), sequence.tolist(), strict=True
        )
    ]
    return [body + ric.check_value(body) for body in bodies]


def capacity(as_of: dt.date) -> tuple[int, dt.date, dt.date]:
    """How many distinct persons can exist, and their birth-date range, for ``as_of``."""
    last = dt.date(as_of.year - 24, 12, 31)
    first = dt.date(as_of.year - 64, 1, 1)
    new_first = max(first, dt.date(1983, 1, 1))
    space = len(OLD_AREAS) * ((last - first).days + 1) * 1000
    space += len(NEW_AREAS) * ((last - new_first).days + 1) * 1000
    return space, first, last


def make_people(count: int, seed: int, as_of: dt.date) -> People:
    """``count`` distinct persons, aged 23 to 64 on ``as_of``, deterministic in ``seed``."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    space, first, last = capacity(as_of)
    if count > space:
        raise ValueError(f"at most {space} persons can be generated")
    a, b = coprime_multiplier(rnd, space), rnd.randrange(space)
    names = np.array([person_name(rnd) for _ in range(count)], dtype="U4")
    ids = np.array(_identities(count, a, b, first, last), dtype="S18")
    return People(names=names, ids=ids)
