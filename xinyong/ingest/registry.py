"""The subject register file (for the synthetic region, ``subjects.csv``).

A register lists organisations with their USCC, name and address division. It
is ingested like a feed (chunks, checkpoints, rejects, resumption) but writes
subjects instead of records: an unknown valid code is registered under the
subject kind its code implies (positions 1-2, through the catalog); a known
code whose name or region changed is amended (a renamed company keeps its code
and its history); an identical row changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xinyong.catalog import Catalog
from xinyong.ids import bulk
from xinyong.ingest.identity import id_fault
from xinyong.ingest.mapping import Bound
from xinyong.ingest.pipeline import Rejected
from xinyong.ingest.reasons import Fault, fault
from xinyong.ingest.summary import Tally
from xinyong.ledger import Transaction
from xinyong.ledger.bulk_subjects import NewSubject, register_subjects
from xinyong.ledger.lookups import subjects_by_code


@dataclass(frozen=True)
class Entry:
    """A valid register row."""

    number: int
    code: str
    kind: str
    name: str
    region: str | None


class RegistryProcessor:
    """Checks and writes chunks of a subject register."""

    def __init__(self, bound: Bound, catalog: Catalog) -> None:
        self.bound, self.catalog = bound, catalog
        self._kinds: dict[str, str] = {}

    def _kind(self, code: str) -> str:
        found = self._kinds.get(code[:2])
        if found is None:
            kind = self.catalog.subject_kind_for_uscc(code[0], code[1])
            found = self._kinds[code[:2]] = kind.id if kind is not None else "other_organisation"
        return found

    def check(self, rows: list[tuple[int, list[Any]]]) -> tuple[list[Entry], list[Rejected]]:
        """Validate codes (in bulk) and names; register rows need both."""
        n = len(rows)
        columns = list(zip(*(cells for _, cells in rows), strict=True)) if rows else []
        values: dict[str, list[Any]] = {}
        faults: dict[int, list[Fault]] = {}
        for index, target, transform, _ in self.bound.targets:
            if index is None:
                values[target.name] = [None] * n
                continue
            column = transform(columns[index])
            values[target.name] = column.values
            for i, item in column.faults.items():
                faults.setdefault(i, []).append(item)
        codes = values["code"]
        checked = bulk.check_uscc([c or "" for c in codes])
        code_column, name_column = self.bound.column_of("code"), self.bound.column_of("name")
        for i, code in enumerate(codes):
            if not code:
                faults.setdefault(i, []).append(fault("uscc.missing", "code", code_column, None))
            elif (error := checked.error(i)) is not None:
                faults.setdefault(i, []).append(id_fault("uscc", error, "code", code_column, code))
            if not values["name"][i]:
                faults.setdefault(i, []).append(fault("field.missing", "name", name_column, None))
        entries: list[Entry] = []
        rejected: list[Rejected] = []
        for i, (number, _) in enumerate(rows):
            if i in faults:
                rejected.append((number, faults[i], codes[i]))
                continue
            code = checked.compact[i]
            region = values["region"][i]
            entries.append(Entry(number, code, self._kind(code), values["name"][i], region))
        return entries, rejected

    def write(
        self, tx: Transaction, checked: tuple[Sequence[Entry], list[Rejected]], tally: Tally
    ) -> list[Rejected]:
        """Register new codes, amend changed names and regions, count the rest unchanged."""
        entries, rejected = checked
        for _, faults, _ in rejected:
            tally.add("rejected", faults[0].code)
        found = subjects_by_code(tx._conn, {e.code for e in entries})
        known = {c: s.id for c, s in found.items()}
        current = {c: (s.name, s.region) for c, s in found.items()}
        pending: dict[str, Entry] = {}

        def flush() -> None:
            items = list(pending.values())
            ids = register_subjects(
                tx, [NewSubject(e.code, e.kind, e.name, e.region) for e in items]
            )
            known.update({e.code: sid for e, sid in zip(items, ids, strict=True)})
            pending.clear()

        for entry in entries:
            state = current.get(entry.code)
            if state is None:
                pending[entry.code] = entry
                tally.add("accepted")
            elif state == (entry.name, entry.region):
                tally.add("unchanged")
                continue
            else:
                if entry.code in pending:
                    flush()
                tx.amend_subject(
                    known[entry.code],
                    name=entry.name if entry.name != state[0] else None,
                    region=entry.region if entry.region != state[1] else None,
                    reason=f"register row {entry.number}",
                )
                tally.add("amended")
            current[entry.code] = (entry.name, entry.region)
        flush()
        return rejected

    def committed(self) -> None:
        """Nothing is cached between chunks."""

    def rolled_back(self) -> None:
        """Nothing is cached between chunks."""
