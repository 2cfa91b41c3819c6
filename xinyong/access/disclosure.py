"""What each audience sees of a subject: plain view objects the portal, API and reports render.

The catalog decides everything here: whether a record type is public (for
this kind of subject), which fields each audience sees, how long a record
stays published. This module only applies those answers, and when an answer
cannot be found (no tier, no regime) it treats the record as not public:
publishing cannot be undone, so doubt means private.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from xinyong.access.standing import StandingView
from xinyong.catalog import Catalog, FieldSpec, Label, PublicityError, UnknownItemError
from xinyong.ledger import NATURAL_PERSON, Record, RecordStatus, Source, Subject
from xinyong.workflows.publicity import Window, shown_publicly, window_for


class FieldView(NamedTuple):
    """One field an audience may see, with its bilingual label.

    A named tuple rather than a frozen dataclass: a page builds one per field of
    every record shown, and a frozen dataclass costs several times more to make.
    """

    name: str
    label: Label
    value: Any
    #: Labels of an enum field's value(s), in order; empty for other fields.
    value_labels: tuple[Label, ...] = ()


@dataclass(frozen=True)
class Publicity:
    """The publicity window of a record: from its decision to ``ends`` (None: no end)."""

    starts: dt.date
    ends: dt.date | None
    published: bool
    regime: str | None
    repairable_from: dt.date | None = None


@dataclass(frozen=True)
class StatementView:
    """The subject's own words about a record, shown wherever the record is shown."""

    text: str
    language: str
    created_at: dt.datetime


@dataclass(frozen=True)
class RecordView:
    """A record as one audience may see it."""

    id: int
    record_type: str
    type_label: Label
    category: str
    category_label: Label
    source_code: str
    source_name: str
    legal_basis: tuple[str, ...]
    document_no: str
    decision_date: dt.date | None
    status: str
    disputed: bool
    publicity: Publicity | None
    fields: tuple[FieldView, ...]
    statements: tuple[StatementView, ...] = ()


@dataclass(frozen=True)
class SubjectView:
    """A subject's registration basics and the records ``audience`` may see."""

    id: int
    code: str | None
    name: str
    kind: str
    kind_label: Label
    region: str | None
    masked_id: str | None
    registered_at: dt.datetime
    audience: str
    purpose: str | None
    records: tuple[RecordView, ...]
    standing: tuple[StandingView, ...] = ()

    def by_category(self) -> list[tuple[str, Label, list[RecordView]]]:
        """Records grouped by catalog category, in order of first appearance."""
        groups: dict[str, tuple[Label, list[RecordView]]] = {}
        for r in self.records:
            groups.setdefault(r.category, (r.category_label, []))[1].append(r)
        return [(cid, label, items) for cid, (label, items) in groups.items()]


def _window(catalog: Catalog, record: Record) -> Window | None:
    try:
        return window_for(catalog, record)
    except PublicityError:  # no regime covers its decision date: unknown, so not public
        return None


def _publicity(window: Window | None) -> Publicity | None:
    if window is None or window.period is None or window.starts_on is None:
        return None
    return Publicity(
        window.starts_on, window.last_day, window.published, window.period.regime,
        window.repairable_from,
    )  # fmt: skip


def publicity_of(catalog: Catalog, record: Record) -> Publicity | None:
    """The record's publicity window (the workflows' one truth), or ``None`` if unknown."""
    return _publicity(_window(catalog, record))


def _shown(
    catalog: Catalog, kind: str, record: Record, window: Window | None, today: dt.date
) -> bool:
    # shown_publicly() with the window computed once per record and page.
    if record.status is not RecordStatus.ACTIVE or window is None:
        return False
    try:
        public = catalog.record_type(record.record_type).disclosure.is_public(kind)
    except UnknownItemError:
        return False
    return public and window.open_on(today)


def _may_show(catalog: Catalog, kind: str, record: Record) -> bool:
    """:func:`_shown`'s tests that need no window: live, of a type public for ``kind``."""
    if record.status is not RecordStatus.ACTIVE:
        return False
    try:
        return catalog.record_type(record.record_type).disclosure.is_public(kind)
    except UnknownItemError:
        return False


def is_published(catalog: Catalog, subject: Subject, record: Record, today: dt.date) -> bool:
    """Whether the public may see ``record`` today: live, public type, inside its window."""
    try:
        return shown_publicly(catalog, record, subject.kind, today)
    except PublicityError:  # no regime covers its decision date: doubt means private
        return False


def _kind_label(catalog: Catalog, kind: str) -> Label:
    found = catalog.subject_kinds.get(kind)
    return found.label if found is not None else Label(kind, kind)


_ENUM_LABELS: dict[int, dict[str, Label | None]] = {}


def _enum_labels(spec: FieldSpec, value: Any) -> tuple[Label, ...]:
    if not spec.values:
        return ()
    known = _ENUM_LABELS.get(id(spec))
    if known is None:  # catalogs are loaded once and live as long as the process
        known = _ENUM_LABELS[id(spec)] = {v.value: v.label for v in spec.values}
    if isinstance(value, (list, tuple)):
        return tuple([known.get(v) or Label(str(v), str(v)) for v in value])
    return (known.get(value) or Label(str(value), str(value)),)


#: ``catalog.fields_visible_to`` answers, per record type object (kept in the value so
#: its id cannot be reused by another while the entry lives); catalogs do not change.
_VISIBLE: dict[tuple[int, str, str | None, str], tuple[object, tuple[FieldSpec, ...]]] = {}


def _visible(
    catalog: Catalog, rt: Any, audience: str, purpose: str | None, kind: str
) -> tuple[FieldSpec, ...]:
    key = (id(rt), audience, purpose, kind)
    known = _VISIBLE.get(key)
    if known is not None and known[0] is rt:
        return known[1]
    fields = catalog.fields_visible_to(rt.id, audience, purpose, kind)
    if len(_VISIBLE) > 10_000:
        _VISIBLE.clear()  # bounded even if catalogs were loaded over and over
    _VISIBLE[key] = (rt, fields)
    return fields


def record_view(
    catalog: Catalog,
    record: Record,
    source: Source | None,
    audience: str,
    subject_kind: str,
    purpose: str | None = None,
    statements: Sequence[StatementView] = (),
    publicity: Publicity | None = None,
) -> RecordView | None:
    """``record`` as ``audience`` may see it, or ``None`` if it may see none of it.

    ``publicity`` is the record's window (:func:`publicity_of`), passed in because
    the caller has usually computed it already to decide whether to show the record.
    """
    try:
        rt = catalog.record_type(record.record_type)
        visible = _visible(catalog, rt, audience, purpose, subject_kind)
    except UnknownItemError:
        return None
    if not visible:
        return None
    category = catalog.categories.get(rt.category)
    return RecordView(
        id=record.id,
        record_type=rt.id,
        type_label=rt.label,
        category=rt.category,
        category_label=category.label if category else Label(rt.category, rt.category),
        source_code=source.code if source else "",
        source_name=source.name if source else "",
        legal_basis=tuple(b.cite() for b in rt.legal_basis),
        document_no=record.document_no,
        decision_date=record.decision_date,
        status=record.status.value,
        disputed=record.disputed,
        publicity=publicity,
        fields=tuple(
            [
                FieldView(f.name, f.label, value, _enum_labels(f, value) if f.values else ())
                for f in visible
                if (value := record.fields.get(f.name)) not in (None, "")
            ]
        ),
        statements=tuple(statements),
    )


def subject_view(
    catalog: Catalog,
    subject: Subject,
    records: Sequence[Record],
    sources: Mapping[int, Source],
    *,
    audience: str,
    today: dt.date,
    purpose: str | None = None,
    statements: Mapping[int, Sequence[StatementView]] | None = None,
    standing: Sequence[StandingView] = (),
) -> SubjectView:
    """The subject as ``audience`` sees it; the public sees only published records.

    A natural person's identity number appears masked at most; the public view
    of a person names no number at all.
    """
    views = []
    public = audience == "public"
    for record in records:
        if public and not _may_show(catalog, subject.kind, record):
            continue  # decided without computing the window
        window = _window(catalog, record)
        if public and (window is None or not window.open_on(today)):
            continue  # with _may_show, exactly _shown()
        said = (statements or {}).get(record.id, ())
        view = record_view(catalog, record, sources.get(record.source_id), audience,
                           subject.kind, purpose, said, _publicity(window))  # fmt: skip
        if view is not None:
            views.append(view)
    person = subject.kind == NATURAL_PERSON
    return SubjectView(
        id=subject.id,
        code=subject.code,
        name=subject.name,
        kind=subject.kind,
        kind_label=_kind_label(catalog, subject.kind),
        region=subject.region,
        masked_id=None if (person and audience == "public") else subject.masked_id,
        registered_at=subject.created_at,
        audience=audience,
        purpose=purpose,
        records=tuple(views),
        standing=_standing_for(standing, audience, {v.id for v in views}),
    )


def public_view_until(
    catalog: Catalog,
    kind: str,
    records: Sequence[Record],
    standing: Sequence[StandingView],
    upcoming: dt.date | None,
    today: dt.date,
) -> dt.date | None:
    """The first day after ``today`` on which :func:`subject_view` for the public may differ.

    The dates that decide it, as :func:`subject_view` tests them: a record the
    public may see opens on its window's first day and leaves after its last;
    a listing in force leaves after its end; a decided one (``upcoming``) starts.
    Everything else a page shows changes only with an event in the ledger.
    """
    days: list[dt.date] = []
    for record in records:
        if not _may_show(catalog, kind, record):
            continue
        window = _window(catalog, record)
        if window is None or not window.published or window.starts_on is None:
            continue  # never shown, whatever the date
        if window.starts_on > today:
            days.append(window.starts_on)
        elif window.last_day is not None and window.last_day >= today:
            days.append(window.last_day + _DAY)
    days += [s.ends_on + _DAY for s in standing if s.ends_on is not None and s.ends_on >= today]
    if upcoming is not None and upcoming > today:
        days.append(upcoming)
    return min(days, default=None)


_DAY = dt.timedelta(days=1)


def _standing_for(
    standing: Sequence[StandingView], audience: str, shown: set[int]
) -> tuple[StandingView, ...]:
    """The public sees the evidence records it may see; other audiences see all of it."""
    if audience != "public":
        return tuple(standing)
    return tuple(
        replace(s, evidence=tuple(e for e in s.evidence if e.record_id in shown)) for s in standing
    )
