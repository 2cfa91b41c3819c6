"""The register of subjects (法人和其他组织) that every feed refers to.

Subjects are held column-wise in numpy arrays and one UTF-8 blob of names, about 100
bytes per subject, because record generation only ever needs "the code, name and legal
representative of subject i": a million subjects fit in memory while records stream past.
Codes are valid by construction and unique (see :mod:`xinyong.synth.codes`).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import numpy.typing as npt

from xinyong.ids import uscc
from xinyong.synth import names, words
from xinyong.synth.codes import (
    ISSUED_PREFIX,
    SERIAL_SPACE,
    affine,
    coprime_multiplier,
    make_uscc,
    serial_body,
)
from xinyong.synth.dates import epoch_day
from xinyong.synth.kinds import BRANCH_SHARE, KIND_INDEX, KINDS, RENAMED_SHARE, allocate
from xinyong.synth.people import People
from xinyong.synth.regions import Region

#: Registration status values (登记状态) by index.
STATUSES = ("存续", "注销", "吊销")
#: Sectors by index; industries map onto them, the other kinds get ``public`` or ``farm``.
SECTORS = tuple(dict.fromkeys([s for _, s in words.INDUSTRIES] + ["shop", "farm", "public"]))
NO_END = np.iinfo(np.int32).max
_OLD_STYLE_UNTIL = {"9/1": dt.date(2015, 10, 1), "9/2": dt.date(2016, 10, 1)}


@dataclass
class Subjects:
    """Column store of the register; index ``i`` is row ``i + 1`` of ``subjects.csv``."""

    codes: npt.NDArray[np.bytes_]  #: ``S18``
    blob: bytes  #: UTF-8 names, back to back
    offsets: npt.NDArray[np.int64]  #: name ``i`` is ``blob[offsets[i]:offsets[i + 1]]``
    kind: npt.NDArray[np.uint8]  #: index into :data:`KINDS`
    rep: npt.NDArray[np.int32]  #: person index of the legal representative
    industry: npt.NDArray[np.int16]  #: index into ``words.INDUSTRIES`` or -1
    sector: npt.NDArray[np.uint8]  #: index into :data:`SECTORS`
    reg: npt.NDArray[np.int32]  #: registration day (days since 1970-01-01)
    end: npt.NDArray[np.int32]  #: deregistration day, or :data:`NO_END`
    status: npt.NDArray[np.uint8]  #: index into :data:`STATUSES`
    parent: npt.NDArray[np.int32]  #: parent subject (branches, unions) or -1
    former: dict[int, tuple[str, int]] = field(default_factory=dict)  #: old name, change day

    def __len__(self) -> int:
        return len(self.codes)

    def name(self, i: int) -> str:
        """Current name of subject ``i``."""
        return self.blob[self.offsets[i] : self.offsets[i + 1]].decode()

    def name_list(self, index: npt.NDArray[np.int64]) -> list[str]:
        """Current names of the subjects at ``index``."""
        starts = self.offsets[index].tolist()
        ends = self.offsets[index + 1].tolist()
        blob = self.blob
        return [blob[s:e].decode() for s, e in zip(starts, ends, strict=True)]

    def code_list(self, index: npt.NDArray[np.int64]) -> list[str]:
        """Codes of the subjects at ``index``."""
        return self.codes[index].astype("U18").tolist()  # type: ignore[no-any-return]

    def pool(
        self,
        kinds: tuple[str, ...],
        sectors: tuple[str, ...] = (),
        among: npt.NDArray[np.bool_] | None = None,
    ) -> npt.NDArray[np.int64]:
        """Indices of subjects of these kinds (and sectors, when any match), in index order.

        ``among`` restricts the choice further, e.g. to subjects alive in a window.
        """
        wanted = np.isin(self.kind, [KIND_INDEX[k] for k in kinds])
        if among is not None:
            wanted &= among
        if sectors:
            narrowed = wanted & np.isin(self.sector, [SECTORS.index(s) for s in sectors])
            if narrowed.any():
                wanted = narrowed
        return np.flatnonzero(wanted)


def make_subjects(count: int, seed: int, reg: Region, as_of: dt.date, people: People) -> Subjects:
    """``count`` subjects of ``reg`` in the proportions of :data:`KINDS`."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, 1])))
    rnd = random.Random(seed * 7919 + 1)  # noqa: S311 - reproducible data, not secrets
    kind = rng.permutation(np.repeat(np.arange(len(KINDS), dtype=np.uint8), allocate(count)))
    today = epoch_day(as_of)
    since = np.array([epoch_day(dt.date(k.since, 1, 1)) for k in KINDS])[kind]
    # Registrations grow over time: bias towards recent years.
    reg_day = (today - (today - since) * rng.random(count) ** 1.5).astype(np.int32)
    status, end = _statuses(rng, kind, reg_day, today)
    subjects = Subjects(
        codes=np.empty(count, dtype="S18"),
        blob=b"",
        offsets=np.zeros(count + 1, dtype=np.int64),
        kind=kind,
        rep=_representatives(rng, people, reg_day),
        industry=np.full(count, -1, dtype=np.int16),
        sector=np.full(count, SECTORS.index("public"), dtype=np.uint8),
        reg=reg_day,
        end=end,
        status=status,
        parent=np.full(count, -1, dtype=np.int32),
    )
    branch = (kind == KIND_INDEX["9/1"]) & (rng.random(count) < BRANCH_SHARE)
    _name_all(subjects, rnd, reg, people, branch, today)
    _issue_codes(subjects, rnd, rng, reg)
    return subjects


def _representatives(
    rng: np.random.Generator, people: People, reg_day: npt.NDArray[np.int32]
) -> npt.NDArray[np.int32]:
    """A legal representative for each subject, of age (18 or over) on its registration day.

    Persons are sorted by birth; each subject draws among those born 18 years or more
    before it was registered (among everyone, if nobody is that old).
    """
    born = people.birth_days()
    order = np.argsort(born, kind="stable")
    adult = np.searchsorted(born[order], reg_day.astype(np.int64) - 18 * 366, side="right")
    adult = np.where(adult > 0, adult, len(people))
    pick = (rng.random(len(reg_day)) * adult).astype(np.int64)
    return order[pick].astype(np.int32)


def _statuses(
    rng: np.random.Generator,
    kind: npt.NDArray[np.uint8],
    reg_day: npt.NDArray[np.int32],
    today: int,
) -> tuple[npt.NDArray[np.uint8], npt.NDArray[np.int32]]:
    market = np.isin(kind, [KIND_INDEX[k] for k in ("9/1", "9/2", "9/3")])
    u = rng.random(len(kind))
    status = np.zeros(len(kind), dtype=np.uint8)
    status[market & (u < 0.07)] = 1
    status[market & (u >= 0.07) & (u < 0.10)] = 2
    status[~market & (u < 0.01)] = 1
    life = today - reg_day
    end = (reg_day + np.maximum(90, life * (0.2 + 0.8 * rng.random(len(kind))))).astype(np.int32)
    end = np.minimum(end, today)
    return status, np.where(status > 0, end, NO_END).astype(np.int32)


def _name_all(
    s: Subjects,
    rnd: random.Random,
    reg: Region,
    people: People,
    branch: npt.NDArray[np.bool_],
    today: int,
) -> None:
    seen: set[str] = set()
    out = [""] * len(s)
    derived = branch | (s.kind == KIND_INDEX["8/1"])
    plain = np.flatnonzero(~derived).tolist()
    for i in plain:
        out[i] = _unique(seen, partial(_plain_name, s, rnd, reg, people, i))
    heads = np.flatnonzero(~derived & (s.kind == KIND_INDEX["9/1"])).tolist()
    for i in np.flatnonzero(derived).tolist():
        out[i] = _unique(seen, partial(_derived_name, s, rnd, reg, out, heads, i))
    renamed = [RENAMED_SHARE.get(k.code, 0.0) for k in KINDS]
    reg_days, ends = s.reg.tolist(), s.end.tolist()
    for i in plain:
        if rnd.random() < renamed[s.kind[i]] and today - reg_days[i] > 400:
            old = _unique(seen, partial(_former_name, s, rnd, reg, people, out[i], i))
            change = reg_days[i] + 365 + rnd.randrange(max(1, today - reg_days[i] - 365))
            s.former[i] = (old, min(change, ends[i], today))
    del seen
    # Byte lengths one name at a time, then one join: no list of a million bytes objects.
    s.offsets[1:] = np.cumsum([len(n.encode()) for n in out])
    s.blob = "".join(out).encode()


def _unique(seen: set[str], make: Callable[[int], str]) -> str:
    for attempt in range(200):
        name = make(attempt)
        if name not in seen:
            seen.add(name)
            return name
    raise RuntimeError("could not find an unused name")  # pragma: no cover


def _plain_name(
    s: Subjects, rnd: random.Random, reg: Region, people: People, i: int, attempt: int
) -> str:
    code = KINDS[s.kind[i]].code
    if code == "9/1":
        ind = names.industry(rnd)
        s.industry[i] = ind
        s.sector[i] = SECTORS.index(words.INDUSTRIES[ind][1])
        return names.enterprise(rnd, reg, words.INDUSTRIES[ind][0], 2 if attempt < 5 else 3)
    if code == "9/2":
        s.sector[i] = SECTORS.index("shop")
        operator = str(people.names[s.rep[i]]) if attempt < 3 else ""
        return names.individual(rnd, reg, operator)
    if code in ("9/3", "N/2", "N/3"):
        s.sector[i] = SECTORS.index("farm")
    return names.BUILDERS[code](rnd, reg, "")


def _former_name(
    s: Subjects, rnd: random.Random, reg: Region, people: People, current: str, i: int, _: int
) -> str:
    code = KINDS[s.kind[i]].code
    if code == "9/1":
        return names.renamed(rnd, reg, current, words.INDUSTRIES[s.industry[i]][0])
    if code == "9/2":
        return names.individual(rnd, reg, str(people.names[s.rep[i]]))
    return names.BUILDERS[code](rnd, reg, "")


def _derived_name(
    s: Subjects,
    rnd: random.Random,
    reg: Region,
    out: list[str],
    heads: list[int],
    i: int,
    attempt: int,
) -> str:
    is_union = KINDS[s.kind[i]].code == "8/1"
    parent = heads[rnd.randrange(len(heads))] if heads and attempt < 8 else -1
    if parent >= 0 and not is_union and rnd.random() < 0.4:
        parent = -1  # a branch of an enterprise registered elsewhere
    s.parent[i] = parent
    parent_name = out[parent] if parent >= 0 else ""
    if is_union:
        return names.BUILDERS["8/1"](rnd, reg, parent_name)
    if parent >= 0:
        s.industry[i], s.sector[i] = s.industry[parent], s.sector[parent]
        s.reg[i] = min(max(s.reg[i], s.reg[parent] + 30), s.end[parent], s.end[i])
    return names.branch(rnd, reg, parent_name)


def _issue_codes(s: Subjects, rnd: random.Random, rng: np.random.Generator, reg: Region) -> None:
    """Give every subject its code; ``MA`` bodies through :func:`uscc.issue`, by group."""
    a, b = coprime_multiplier(rnd, SERIAL_SPACE), rnd.randrange(SERIAL_SPACE)
    digits_a, digits_b = coprime_multiplier(rnd, 90_000_000), rnd.randrange(90_000_000)
    county_only = np.isin(s.kind, [KIND_INDEX[k] for k in ("9/2", "1/1", "N/2", "N/3", "8/1")])
    city = (rng.random(len(s)) < 0.15) & ~county_only
    until = np.array([epoch_day(_OLD_STYLE_UNTIL.get(k.code, dt.date(1900, 1, 1))) for k in KINDS])
    old = s.reg < until[s.kind]
    index = np.arange(len(s), dtype=np.int64)
    issued = ~old & np.isin(s.kind, [i for i, k in enumerate(KINDS) if k.prefix == ISSUED_PREFIX])
    for k, kind in enumerate(KINDS):
        for at_city, region_code in ((False, reg.code), (True, reg.city_code)):
            members = index[issued & (s.kind == k) & (city == at_city)]
            if len(members):
                serials = ((a * members + b) % SERIAL_SPACE).tolist()
                codes = uscc.issue(kind.authority, kind.entity_type, region_code, serials)
                s.codes[members] = np.array(codes, dtype="S18")
    for i in index[~issued].tolist():
        kind = KINDS[s.kind[i]]
        if old[i] and kind.code == "9/1":
            body = str(10_000_000 + affine(i, 90_000_000, digits_a, digits_b))
        elif old[i]:
            body = serial_body(affine(i, 10_000_000, digits_a, digits_b), "L")
        else:
            body = serial_body(affine(i, SERIAL_SPACE, a, b), kind.prefix)
        region_code = reg.city_code if city[i] else reg.code
        s.codes[i] = make_uscc(kind.authority, kind.entity_type, region_code, body)
