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

from xinyong.synth import words
from xinyong.synth.codes import affine, coprime_multiplier, make_ric

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


def _identity(slot: int, first: dt.date, last: dt.date) -> str:
    old_days = (last - first).days + 1
    old_capacity = len(OLD_AREAS) * old_days * 1000
    if slot < old_capacity:
        areas: tuple[str, ...] = OLD_AREAS
        start, days = first, old_days
    else:
        slot -= old_capacity
        start = max(first, dt.date(1983, 1, 1))
        areas, days = NEW_AREAS, (last - start).days + 1
    slot, area = divmod(slot, len(areas))
    sequence, day = divmod(slot, days)
    birth = start + dt.timedelta(days=day)
    return make_ric(areas[area], birth.strftime("%Y%m%d"), sequence)


def make_people(count: int, seed: int, as_of: dt.date) -> People:
    """``count`` distinct persons, aged 24 to 64 on ``as_of``, deterministic in ``seed``."""
    rnd = random.Random(seed)  # noqa: S311 - reproducible data, not secrets
    last = dt.date(as_of.year - 24, 12, 31)
    first = dt.date(as_of.year - 64, 1, 1)
    first_new = max(first, dt.date(1983, 1, 1))
    capacity = len(OLD_AREAS) * ((last - first).days + 1) * 1000
    capacity += len(NEW_AREAS) * max(0, (last - first_new).days + 1) * 1000
    if count > capacity:
        raise ValueError(f"at most {capacity} persons can be generated")
    a = coprime_multiplier(rnd, capacity)
    b = rnd.randrange(capacity)
    names = np.array([person_name(rnd) for _ in range(count)], dtype="U4")
    ids = np.array(
        [_identity(affine(i, capacity, a, b), first, last) for i in range(count)], dtype="S18"
    )
    return People(names=names, ids=ids)
