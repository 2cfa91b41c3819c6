"""A subject's standing: list memberships and grades in force, with why and what follows.

Only decided cases count: a rule's proposal becomes a membership when a second
person decided it after notice (a listing case ``in_force``), and it shows only
between its start and end dates. The reasons come from the proposal's stored
explanation (rule, legal basis, the records used), the measures from the catalog.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.catalog import Catalog, Label, UnknownItemError
from xinyong.ledger.tables import proposals
from xinyong.ledger.tables_workflows import wf_cases


@dataclass(frozen=True)
class MeasureView:
    """A joint incentive or sanction measure that follows from a list entry."""

    id: str
    label: Label
    authority: Label


@dataclass(frozen=True)
class EvidenceView:
    """A record a decision relied on."""

    record_id: int
    record_type: str
    document_no: str
    decision_date: str | None


@dataclass(frozen=True)
class StandingView:
    """One list membership or grade in force, with its reasons."""

    case_id: int
    kind: str  # "list_entry" or "grade"
    target: str
    label: Label
    list_kind: str | None  # red, black or watch (list entries)
    authority: Label | None
    legal_basis: tuple[str, ...]
    starts_on: dt.date | None
    ends_on: dt.date | None
    rule: str
    rule_label: Label | None
    policy: str
    measures: tuple[MeasureView, ...]
    evidence: tuple[EvidenceView, ...]
    decided_by: str | None


def _label(raw: Any, fallback: str) -> Label:
    if isinstance(raw, Mapping) and "zh" in raw and "en" in raw:
        return Label(str(raw["zh"]), str(raw["en"]))
    return Label(fallback, fallback)


def _cites(items: Any) -> tuple[str, ...]:
    if not isinstance(items, Sequence):
        return ()
    return tuple(
        f"{b.get('instrument', '')} {b.get('article', '')}".strip()
        for b in items
        if isinstance(b, Mapping)
    )


def _measures(catalog: Catalog, explanation: Mapping[str, Any]) -> tuple[MeasureView, ...]:
    out = []
    for item in explanation.get("measures") or ():
        mid = item.get("id") if isinstance(item, Mapping) else item
        try:
            m = catalog.measure(str(mid))
        except UnknownItemError:
            continue
        out.append(MeasureView(m.id, m.label, m.authority))
    return tuple(out)


def _evidence(explanation: Mapping[str, Any], kind: str) -> tuple[EvidenceView, ...]:
    items: list[Any] = list(explanation.get("evidence") or ())
    if kind == "grade":
        for rule in explanation.get("rules") or ():
            if isinstance(rule, Mapping) and rule.get("decisive"):
                items.extend(rule.get("evidence") or ())
    seen: dict[int, EvidenceView] = {}
    for e in items:
        if isinstance(e, Mapping) and isinstance(e.get("record_id"), int):
            seen.setdefault(
                e["record_id"],
                EvidenceView(e["record_id"], str(e.get("record_type", "")),
                             str(e.get("document_no", "")), e.get("decision_date")),
            )  # fmt: skip
    return tuple(seen.values())


def _decisive_rule(explanation: Mapping[str, Any]) -> Mapping[str, Any]:
    """The rule behind a list entry, or the decisive rules of a grade folded into one."""
    rule = explanation.get("rule")
    if isinstance(rule, Mapping):
        return rule
    decisive = [r for r in explanation.get("rules") or ()
                if isinstance(r, Mapping) and r.get("decisive")]  # fmt: skip
    if not decisive:
        return {}
    return {
        "id": "+".join(str(r.get("id", "")) for r in decisive),
        "version": "+".join(str(r.get("version", "")) for r in decisive),
        "label": decisive[0].get("label"),
        "legal_basis": [b for r in decisive for b in r.get("legal_basis") or ()],
    }


def standing_view(catalog: Catalog, case: Any, explanation: Mapping[str, Any]) -> StandingView:
    """A membership from its case row and its proposal's explanation."""
    kind = str(explanation.get("kind") or "list_entry")
    target = str(case.target or explanation.get("target") or "")
    rule = _decisive_rule(explanation)
    policy = explanation.get("policy") if isinstance(explanation.get("policy"), Mapping) else {}
    assert isinstance(policy, Mapping)
    label, list_kind, authority, basis = (
        Label(target, target),
        None,
        None,
        _cites(rule.get("legal_basis")),
    )
    if kind == "list_entry":
        try:
            lst = catalog.list_type(target)
            label, list_kind, authority = lst.label, str(lst.kind), lst.authority
            basis = tuple(dict.fromkeys(basis + tuple(b.cite() for b in lst.legal_basis)))
        except UnknownItemError:
            pass
    else:
        grade = explanation.get("grade") if isinstance(explanation.get("grade"), Mapping) else {}
        assert isinstance(grade, Mapping)
        label = _label(grade.get("label"), target)
    data = json.loads(case.data) if isinstance(case.data, str) else dict(case.data or {})
    return StandingView(
        case_id=int(case.id), kind=kind, target=target, label=label, list_kind=list_kind,
        authority=authority, legal_basis=basis, starts_on=case.starts_on, ends_on=case.ends_on,
        rule=f"{rule.get('id', case.rule_id)}@{rule.get('version', '')}".rstrip("@"),
        rule_label=_label(rule["label"], "") if rule.get("label") else None,
        policy=f"{policy.get('id', case.policy_id)}@{policy.get('version', case.policy_version)}",
        measures=_measures(catalog, explanation), evidence=_evidence(explanation, kind),
        decided_by=data.get("decided_by"),
    )  # fmt: skip


def _in_force(today: dt.date | sa.BindParameter[dt.date]) -> sa.ColumnElement[bool]:
    # ``Case.in_effect`` as SQL: in force and inside its dates (suspended ones have no effect).
    return sa.and_(
        wf_cases.c.kind == "listing",
        wf_cases.c.state == "in_force",
        sa.or_(wf_cases.c.starts_on.is_(None), wf_cases.c.starts_on <= today),
        sa.or_(wf_cases.c.ends_on.is_(None), wf_cases.c.ends_on >= today),
    )


def _select() -> sa.Select[Any]:
    return sa.select(
        wf_cases.c.id, wf_cases.c.target, wf_cases.c.starts_on, wf_cases.c.ends_on,
        wf_cases.c.data, wf_cases.c.subject_id, proposals.c.explanation, proposals.c.rule_id,
        proposals.c.policy_id, proposals.c.policy_version,
    ).join(proposals, proposals.c.id == wf_cases.c.proposal_id)  # fmt: skip


_BY_SUBJECT = (
    _select()
    .where(wf_cases.c.subject_id == sa.bindparam("sid"), _in_force(sa.bindparam("today")))
    .order_by(wf_cases.c.id)
)


def standing_of(
    conn: Connection, catalog: Catalog, subject_id: int, today: dt.date
) -> list[StandingView]:
    """The subject's memberships and grades in force today."""
    return standing_from(catalog, conn.execute(_BY_SUBJECT, {"sid": subject_id, "today": today}))


def next_start(conn: Connection, subject_id: int, today: dt.date) -> dt.date | None:
    """The first day after ``today`` one of the subject's listing cases comes into effect.

    A decided listing may start later than the decision; the public page must
    show it from that day on, with no event on the day to say so.
    """
    c = wf_cases.c
    stmt = sa.select(sa.func.min(c.starts_on)).where(
        c.subject_id == subject_id, c.kind == "listing", c.state == "in_force",
        c.starts_on > today,
    )  # fmt: skip
    found: dt.date | None = conn.execute(stmt).scalar_one_or_none()
    return found


def standing_from(catalog: Catalog, rows: Iterable[Any]) -> list[StandingView]:
    """Memberships from case rows joined to their proposals (SQLAlchemy's or the driver's)."""
    return [standing_view(catalog, row, json.loads(row.explanation)) for row in rows]


def decided_case(
    conn: Connection, catalog: Catalog, case_id: int, today: dt.date
) -> tuple[int, StandingView] | None:
    """(subject id, membership) of one case in force today, for its explanation page."""
    stmt = _select().where(wf_cases.c.id == case_id, _in_force(today))
    row = conn.execute(stmt).one_or_none()
    if row is None:
        return None
    return int(row.subject_id), standing_view(catalog, row, json.loads(row.explanation))


def members_of(
    conn: Connection, catalog: Catalog, list_id: str, today: dt.date, *,
    region: str | None = None, limit: int = 50, offset: int = 0,
) -> list[tuple[int, StandingView]]:  # fmt: skip
    """(subject id, entry) of everyone on ``list_id`` today, newest first."""
    stmt = _select().where(wf_cases.c.target == list_id, _in_force(today))
    if region:
        from xinyong.ledger.tables import subjects

        stmt = stmt.join(subjects, subjects.c.id == wf_cases.c.subject_id).where(
            subjects.c.region.like(f"{region.rstrip('0') or region}%")
        )
    stmt = stmt.order_by(wf_cases.c.starts_on.desc(), wf_cases.c.id.desc()).limit(limit)
    return [
        (int(row.subject_id), standing_view(catalog, row, json.loads(row.explanation)))
        for row in conn.execute(stmt.offset(offset))
    ]
