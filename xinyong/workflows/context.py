"""What every procedure needs: the store, the catalog, the calendar, and re-evaluation.

Re-evaluation (the rules engine recomputing one subject's proposals after a
correction, withdrawal or repair) is passed in as a plain callable, so the
procedures do not import the rules package and tests can pass a fake.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.calendar import WorkingCalendar, calendar_from
from xinyong.catalog import Catalog, load_catalog
from xinyong.ledger import Record, Store
from xinyong.ledger.reads import get_record
from xinyong.ledger.tables import sources, subjects
from xinyong.workflows.deadlines import Deadlines


class Reevaluate(Protocol):
    """Recompute one subject's proposals now (``xinyong.rules.evaluate_subject``)."""

    def __call__(self, subject_id: int, /) -> object: ...


@dataclass(frozen=True)
class Context:
    """The platform a procedure runs on."""

    store: Store
    catalog: Catalog
    calendar: WorkingCalendar
    reevaluate: Reevaluate | None = field(default=None)

    @classmethod
    def for_store(cls, store: Store, reevaluate: Reevaluate | None = None) -> Context:
        """The shipped catalog and the official calendar (plus the operator's calendar files)."""
        return cls(store, load_catalog(), calendar_from(store.settings.calendar_dir), reevaluate)

    @property
    def deadlines(self) -> Deadlines:
        """The deadline rules of this platform."""
        return Deadlines(self.calendar, self.catalog, self.store.settings)

    def today(self) -> dt.date:
        """The platform's date, from the one injectable clock."""
        return self.store.clock.today()

    def reevaluator(self) -> Reevaluate:
        """The re-evaluation to run after a change: the given one, or the rules engine's."""
        if self.reevaluate is not None:
            return self.reevaluate
        return _RulesEngine(self)


class _RulesEngine:
    """Calls ``xinyong.rules.evaluate_subject``, imported only when first needed."""

    def __init__(self, context: Context) -> None:
        self.context = context

    def __call__(self, subject_id: int, /) -> object:
        try:
            rules: Any = importlib.import_module("xinyong.rules")
            evaluate = rules.evaluate_subject
        except (ImportError, AttributeError):
            return {"reevaluated": False, "why": "the rules engine is not installed"}
        return evaluate(
            self.context.store,
            subject_id,
            as_of=self.context.today(),
            catalog=self.context.catalog,
        )


def record_in(conn: Connection, record_id: int) -> Record:
    """The record's current state, read in ``conn``'s transaction."""
    return get_record(conn, record_id)


def names(conn: Connection, *, subject_id: int, source_id: int | None = None) -> Mapping[str, str]:
    """Display names for notice templates."""
    out = {"subject_name": ""}
    row = conn.execute(sa.select(subjects.c.name).where(subjects.c.id == subject_id)).first()
    if row is not None:
        out["subject_name"] = row.name
    if source_id is not None:
        src = conn.execute(sa.select(sources.c.name).where(sources.c.id == source_id)).first()
        out["source_name"] = "" if src is None else src.name
    return out
