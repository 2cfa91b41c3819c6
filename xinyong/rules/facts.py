"""Facts: the ledger's records as one typed, columnar table an engine can evaluate.

Rules never read the ledger's JSON: they read *facts*, one row per record with the
attributes every rule needs already decided here, once, by the catalog: the record's
most severe publicity tier, the end of its publicity window (the longest period
applies when one decision carries several penalty types), whether its tier is
published at all, its status and whether it is disputed; and the fields the policies
test, typed as the catalog declares them. The same Arrow table goes to DuckDB or, as
Parquet, to Spark, so the engines cannot disagree about the data.

Whether a record may be *used* on a given date is not decided here but in the
compiled policy (see :mod:`xinyong.rules.compile`), so one snapshot serves any
evaluation date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from xinyong.catalog import Catalog
from xinyong.catalog.errors import PublicityError, UnknownItemError
from xinyong.ledger.model import NATURAL_PERSON
from xinyong.ledger.projection import fields_of, select_records
from xinyong.ledger.tables import records, subjects
from xinyong.rules.model import TIER, Count, Policy, Sum, atoms

#: Decimal fields are held with this precision (amounts in 10,000 yuan to 0.01 yuan).
DECIMAL = pa.decimal128(20, 6)
_ARROW = {
    "string": pa.string(),
    "text": pa.string(),
    "enum": pa.string(),
    "code": pa.string(),
    "integer": pa.int64(),
    "decimal": DECIMAL,
    "boolean": pa.bool_(),
    "date": pa.date32(),
}

CORE = pa.schema(
    [
        ("record_id", pa.int64()),
        ("subject_id", pa.int64()),
        ("record_type", pa.string()),
        ("source_id", pa.int64()),
        ("document_no", pa.string()),
        ("effective_date", pa.date32()),
        ("tier", pa.string()),
        ("published", pa.bool_()),
        ("public_until", pa.date32()),
        ("status", pa.string()),
        ("disputed", pa.bool_()),
    ]
)

SUBJECTS = pa.schema(
    [
        ("subject_id", pa.int64()),
        ("code", pa.string()),
        ("kind", pa.string()),
        ("region", pa.string()),
        ("organisation", pa.bool_()),
    ]
)


def column(field_name: str) -> str:
    """The facts column holding a record field (prefixed so it cannot shadow a core column)."""
    return f"f_{field_name}"


@dataclass(frozen=True)
class FactsLayout:
    """Which record fields the facts carry, and their Arrow types."""

    fields: tuple[tuple[str, pa.DataType], ...]

    @property
    def schema(self) -> pa.Schema:
        """The full facts schema: core columns, then one column per field."""
        return pa.schema(list(CORE) + [(column(n), t) for n, t in self.fields])


def layout_for(policies: Iterable[Policy], catalog: Catalog) -> FactsLayout:
    """The fields the given policies test, sum or count, typed from the catalog."""
    wanted: dict[str, pa.DataType] = {}
    for policy in policies:
        for rule in policy.rules:
            for atom in atoms(rule.when):
                names = [t.field for t in atom.records.tests]
                names += [atom.records.year_field] if atom.records.year_field else []
                if isinstance(atom, Count) and atom.distinct:
                    names.append(atom.distinct)
                if isinstance(atom, Sum):
                    names.append(atom.field)
                for name in names:
                    if name == TIER:
                        continue
                    for type_id in atom.records.record_types:
                        spec = next(
                            f for f in catalog.record_type(type_id).fields if f.name == name
                        )
                        wanted[name] = _ARROW[spec.type]
    return FactsLayout(tuple(sorted(wanted.items())))


def _typed(kind: pa.DataType, raw: object) -> object:
    """A JSON field value as the Arrow column wants it; unparseable values become null."""
    if raw is None or raw == "":
        return None
    try:
        if kind == DECIMAL:
            return Decimal(str(raw)).quantize(Decimal("0.000001"))
        if kind == pa.int64():
            return int(str(raw))
        if kind == pa.bool_():
            return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "是")
        if kind == pa.date32():
            return dt.date.fromisoformat(str(raw))
    except (InvalidOperation, ValueError):
        return None
    return str(raw)


class _Publicity:
    """The catalog's tier and publicity decisions for records, memoised per distinct input."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.period = lru_cache(maxsize=200_000)(self._period)

    def _period(
        self, type_id: str, tiers: tuple[str, ...], decided: dt.date, sector: str | None
    ) -> tuple[bool, dt.date | None]:
        """(published, last day of the window) for a record decided on ``decided``."""
        try:
            period = self.catalog.publicity_period_for_tiers(type_id, tiers, decided, sector=sector)
        except (PublicityError, UnknownItemError):
            # No regime sets a window for this tier and date: the record is not public,
            # so no rule may use it (the conservative reading).
            return False, None
        return period.published, period.ends(decided)

    def decide(
        self, type_id: str, values: Mapping[str, Any], effective: dt.date
    ) -> tuple[str | None, bool, dt.date | None]:
        """(most severe tier, published, public_until) of one record."""
        rt = self.catalog.record_type(type_id)
        tiers = rt.severity.tiers_for(values)
        if not tiers:
            return None, False, None
        order = rt.severity.tiers
        tiers = tuple(sorted(tiers, key=order.index))
        sector = values.get("sector")
        published, until = self.period(
            type_id, tiers, effective, sector if isinstance(sector, str) else None
        )
        return tiers[-1], published, until


def _rows(
    conn: sa.Connection,
    subject_ids: Sequence[int] | None,
    record_ids: Sequence[int] | None = None,
) -> Iterator[Any]:
    r = records.c
    stmt = select_records(
        r.id, r.subject_id, r.record_type, r.source_id, r.document_no, r.decision_date,
        r.valid_from, r.status, r.disputed, r.fields,
    ).order_by(r.id)  # fmt: skip
    if subject_ids is not None:
        stmt = stmt.where(r.subject_id.in_(list(subject_ids)))
    if record_ids is not None:
        for start in range(0, len(record_ids), 5_000):
            part = stmt.where(r.id.in_(list(record_ids[start : start + 5_000])))
            yield from conn.execute(part)
        return
    yield from conn.execution_options(yield_per=20_000).execute(stmt)


def build_facts(
    conn: sa.Connection,
    catalog: Catalog,
    layout: FactsLayout,
    *,
    subject_ids: Sequence[int] | None = None,
    record_ids: Sequence[int] | None = None,
    chunk: int = 50_000,
) -> pa.Table:
    """The facts of every record (or of some subjects', or some records'), as one Arrow table."""
    publicity = _Publicity(catalog)
    schema = layout.schema
    names = [n for n, _ in layout.fields]
    kinds = dict(layout.fields)
    batches: list[pa.RecordBatch] = []
    cols: dict[str, list[Any]] = {f.name: [] for f in schema}

    def flush() -> None:
        if cols["record_id"]:
            batches.append(pa.RecordBatch.from_pydict(cols, schema=schema))
            for values in cols.values():
                values.clear()

    for row in _rows(conn, subject_ids, record_ids):
        values = fields_of(row.fields, row.asserted_payload)
        effective = row.decision_date or row.valid_from
        tier, published, until = publicity.decide(row.record_type, values, effective)
        cols["record_id"].append(row.id)
        cols["subject_id"].append(row.subject_id)
        cols["record_type"].append(row.record_type)
        cols["source_id"].append(row.source_id)
        cols["document_no"].append(row.document_no)
        cols["effective_date"].append(effective)
        cols["tier"].append(tier)
        cols["published"].append(published)
        cols["public_until"].append(until)
        cols["status"].append(row.status)
        cols["disputed"].append(bool(row.disputed))
        for name in names:
            cols[column(name)].append(_typed(kinds[name], values.get(name)))
        if len(cols["record_id"]) >= chunk:
            flush()
    flush()
    return pa.Table.from_batches(batches, schema=schema)


def build_subjects(
    conn: sa.Connection, catalog: Catalog, subject_ids: Sequence[int] | None = None
) -> pa.Table:
    """Every subject (or some) with its kind, region and whether it is an organisation."""
    s = subjects.c
    stmt = sa.select(s.id, s.code, s.kind, s.region).order_by(s.id)
    if subject_ids is not None:
        stmt = stmt.where(s.id.in_(list(subject_ids)))
    organisation = {k: v.organisation for k, v in catalog.subject_kinds.items()}
    cols: dict[str, list[Any]] = {f.name: [] for f in SUBJECTS}
    for row in conn.execution_options(yield_per=50_000).execute(stmt):
        cols["subject_id"].append(row.id)
        cols["code"].append(row.code)
        cols["kind"].append(row.kind)
        cols["region"].append(row.region)
        cols["organisation"].append(
            row.kind != NATURAL_PERSON and organisation.get(row.kind, False)
        )
    return pa.Table.from_pydict(cols, schema=SUBJECTS)
