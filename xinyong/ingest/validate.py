"""Checking one chunk of rows: transforms, required values, identifiers and logic.

The chunk is turned into columns once, each column is transformed as a whole,
identifiers are validated in bulk, and only then does a single pass build the
records of the rows that passed. A row that fails anything gets every fault
found, the first of them deciding its reason code; nothing about it is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from xinyong.catalog import Catalog
from xinyong.ids import bulk
from xinyong.ingest import checks
from xinyong.ingest.checked import Checked
from xinyong.ingest.identity import Identities, Who, id_fault
from xinyong.ingest.mapping import Bound
from xinyong.ingest.reasons import Fault, fault


def _blank(cells: Sequence[Any]) -> bool:
    """Whether a whole column is empty (a common case: the standard's unused code columns)."""
    if any(cells):
        return all(c is None or (c.__class__ is str and not c.strip()) for c in cells)
    return True


class Validator:
    """Validates chunks of one file against its bound mapping."""

    def __init__(self, bound: Bound, catalog: Catalog, today: dt.date) -> None:
        mapping = bound.mapping
        if mapping.subject is None:  # pragma: no cover - loader guarantees it
            raise ValueError("a record mapping needs a subject rule")
        self.bound, self.mapping, self.today = bound, mapping, today
        self.subject = mapping.subject
        self.identities = Identities(bound, catalog, today)
        self.amounts = checks.AmountRule(mapping.amount) if mapping.amount else None
        self.identity_names = {self.subject.uscc, self.subject.person_id} - {None}
        self.stored = [
            t.name
            for _, t, _, _ in bound.targets
            if t.spec is not None and t.name != self.subject.person_id
        ]
        self.required = [
            t.name
            for r, (_, t, _, _) in zip(mapping.rules, bound.targets, strict=True)
            if r.required and t.name not in self.identity_names
        ]
        self.uscc_fields = [
            t.name
            for _, t, _, _ in bound.targets
            if t.spec is not None and t.spec.scheme == "uscc" and t.name not in self.identity_names
        ]

    def run(self, rows: Sequence[tuple[int, list[Any]]]) -> Checked:
        """Validate ``rows`` (number, cells); returns the candidates and the rejected rows."""
        n = len(rows)
        columns = list(zip(*(cells for _, cells in rows), strict=True)) if rows else []
        faults: dict[int, list[Fault]] = {}
        values, originals = self._transform(columns, n, faults)
        self._required(values, faults)
        self._usccs(values, faults)
        who, bad = self.identities.decide(
            values.get(self.subject.uscc or "", [None] * n),
            values.get(self.subject.person_id or "", [None] * n),
            self._categories(columns, values, n, faults),
        )
        for i, item in bad.items():
            faults.setdefault(i, []).append(item)
        self._logic(values, faults)
        ops = self._operations(columns, n, faults)
        return self._assemble(rows, values, originals, who, ops, faults)

    def _transform(
        self, columns: list[tuple[Any, ...]], n: int, faults: dict[int, list[Fault]]
    ) -> tuple[dict[str, list[Any]], dict[int, dict[str, str]]]:
        values: dict[str, list[Any]] = {}
        originals: dict[int, dict[str, str]] = {}
        empty: list[Any] = [None] * n
        for index, target, transform, default in self.bound.targets:
            cells = columns[index] if index is not None else None
            if default is None and (cells is None or _blank(cells)):
                values[target.name] = empty
                continue
            column = transform(cells if cells is not None else [default] * n)
            if default is not None and index is not None and None in column.values:
                filler = transform([default]).values[0]
                column.values = [filler if v is None else v for v in column.values]
            values[target.name] = column.values
            for i, item in column.faults.items():
                faults.setdefault(i, []).append(item)
            if target.spec is not None and target.name != self.subject.person_id:
                for i, raw in column.originals.items():
                    originals.setdefault(i, {})[target.name] = raw
        return values, originals

    def _required(self, values: dict[str, list[Any]], faults: dict[int, list[Fault]]) -> None:
        for name in self.required:
            if None not in values[name]:
                continue
            column = self.bound.column_of(name)
            for i, v in enumerate(values[name]):
                if v is None and not any(f.field == name for f in faults.get(i, ())):
                    faults.setdefault(i, []).append(fault("field.missing", name, column, None))

    def _usccs(self, values: dict[str, list[Any]], faults: dict[int, list[Fault]]) -> None:
        for name in self.uscc_fields:
            column = self.bound.column_of(name)
            distinct = sorted({v for v in values[name] if v is not None})
            result = bulk.check_uscc(distinct)
            bad = {distinct[k]: error for k, error in result.errors()}
            if not bad:
                continue
            for i, v in enumerate(values[name]):
                if v in bad:
                    faults.setdefault(i, []).append(id_fault("uscc", bad[v], name, column, v))

    def _categories(
        self,
        columns: list[tuple[Any, ...]],
        values: dict[str, list[Any]],
        n: int,
        faults: dict[int, list[Fault]],
    ) -> list[str | None]:
        if self.subject.category is not None:
            return list(values[self.subject.category])
        index = self.bound.category_index
        if index is None:
            return [None] * n
        table = self.subject.category_values
        out: list[str | None] = []
        for i, cell in enumerate(columns[index] if columns else ()):
            text = "" if cell is None else str(cell).strip()
            found = table.get(text)
            if text and found is None:
                faults.setdefault(i, []).append(
                    fault("field.invalid", None, self.subject.category_column, text)
                )
            out.append(found)
        return out

    def _logic(self, values: dict[str, list[Any]], faults: dict[int, list[Fault]]) -> None:
        mapping, column_of = self.mapping, self.bound.column_of
        today = self.today.isoformat()
        for name in mapping.not_after_today:
            checks.future(name, column_of(name), values[name], today, faults)
            checks.too_early(name, column_of(name), values[name], faults)
        for start, end in mapping.order:
            checks.order(
                (start, column_of(start), values[start]), (end, column_of(end), values[end]), faults
            )
        if self.amounts is not None and mapping.amount is not None:
            text = values.get(mapping.amount.text) if mapping.amount.text else None
            for name in mapping.amount.fields:
                self.amounts.run(name, column_of(name), values[name], text, faults)

    def _operations(
        self, columns: list[tuple[Any, ...]], n: int, faults: dict[int, list[Fault]]
    ) -> list[str]:
        operation, index = self.mapping.operation, self.bound.op_index
        if operation is None or index is None or not columns:
            return ["new"] * n
        out = []
        for i, cell in enumerate(columns[index]):
            kind = operation.kind("" if cell is None else str(cell))
            if kind is None:
                known = "、".join(sorted(operation.new | operation.amend | operation.revoke))
                faults.setdefault(i, []).append(
                    fault(
                        "operation.invalid",
                        None,
                        operation.column,
                        cell,
                        f"应为以下之一：{known}",
                        f"expected one of: {known}",
                    )
                )
                kind = "new"
            out.append(kind)
        return out

    def _dates_of(self, column: list[Any]) -> list[dt.date | None]:
        """ISO date texts as dates, each distinct text converted once."""
        table = {v: dt.date.fromisoformat(v) for v in set(column) if v is not None}
        get = table.get
        return [get(v) for v in column]

    def _assemble(
        self,
        rows: Sequence[tuple[int, list[Any]]],
        values: dict[str, list[Any]],
        originals: dict[int, dict[str, str]],
        who: list[Who | None],
        ops: list[str],
        faults: dict[int, list[Fault]],
    ) -> Checked:
        mapping = self.mapping
        n = len(rows)
        names = [k for k in self.stored if any(v is not None for v in values[k])]
        docs = [values[k] for k in mapping.document_no]
        if len(docs) == 1:
            doc_of: list[Any] = [d if d is None or d.__class__ is str else str(d) for d in docs[0]]
        else:
            doc_of = [
                None if None in parts else " / ".join(str(p) for p in parts)
                for parts in zip(*docs, strict=True)
            ]
        none: list[Any] = [None] * n
        return Checked.encode(
            rejected=[(rows[i][0], faults[i], doc_of[i]) for i in sorted(faults)],
            good=[i for i in range(n) if i not in faults],
            numbers=[number for number, _ in rows],
            ops=ops,
            documents=doc_of,
            names=names,
            columns=[values[k] for k in names],
            decided=self._dates_of(values[mapping.decision_date])
            if mapping.decision_date
            else none,
            originals=originals,
            who=who,
            subject_names=values[self.subject.name],
            arrived=self._dates_of(values[mapping.delivered_on]) if mapping.delivered_on else none,
            uscc_field=self.subject.uscc,
        )
