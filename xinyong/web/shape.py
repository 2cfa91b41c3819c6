"""Domain views to JSON: one shape for the API and for every page's ``.json`` twin.

Labels travel in both languages (``{"zh": ..., "en": ...}``), so the JSON does
not depend on the reader's language and caches well.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinyong.access import AuditEntry, Hit, RecordView, SearchResult, SubjectView
from xinyong.access.standing import StandingView
from xinyong.catalog import Catalog, Label
from xinyong.ingest.report import SourceQuality
from xinyong.ledger import Source
from xinyong.workflows import Case


def label(value: Label) -> dict[str, str]:
    """A bilingual label."""
    return {"zh": value.zh, "en": value.en}


def _date(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_value(v) for v in value]
    return value


def record(view: RecordView) -> dict[str, Any]:
    """One record as an audience sees it."""
    window = view.publicity
    return {
        "id": view.id,
        "record_type": view.record_type,
        "type_label": label(view.type_label),
        "category": view.category,
        "category_label": label(view.category_label),
        "source": {"code": view.source_code, "name": view.source_name},
        "legal_basis": list(view.legal_basis),
        "document_no": view.document_no,
        "decision_date": _date(view.decision_date),
        "status": view.status,
        "under_verification": view.disputed,
        "publicity": None
        if window is None
        else {
            "starts": _date(window.starts),
            "ends": _date(window.ends),
            "published": window.published,
            "regime": window.regime,
            "repairable_from": _date(window.repairable_from),
        },
        "statements": [
            {"text": st.text, "language": st.language, "created_at": st.created_at.isoformat()}
            for st in view.statements
        ],
        # Written out for speed: a page not in the cache shapes some 14 fields per record.
        "fields": [
            {
                "name": f.name,
                "label": {"zh": f.label.zh, "en": f.label.en},
                "value": f.value if type(f.value) is str else _value(f.value),
                "value_labels": [label(v) for v in f.value_labels] if f.value_labels else [],
            }
            for f in view.fields
        ],
    }


def subject_basics(view: SubjectView) -> dict[str, Any]:
    """Registration basics without the records."""
    return {
        "code": view.code,
        "name": view.name,
        "kind": view.kind,
        "kind_label": label(view.kind_label),
        "region": view.region,
        "masked_id": view.masked_id,
        "registered_at": view.registered_at.isoformat(),
        "audience": view.audience,
        "purpose": view.purpose,
    }


def standing(view: StandingView) -> dict[str, Any]:
    """A list membership or grade in force, with its reasons and measures."""
    return {
        "case_id": view.case_id,
        "kind": view.kind,
        "target": view.target,
        "label": label(view.label),
        "list_kind": view.list_kind,
        "authority": None if view.authority is None else label(view.authority),
        "legal_basis": list(view.legal_basis),
        "starts_on": _date(view.starts_on),
        "ends_on": _date(view.ends_on),
        "rule": view.rule,
        "rule_label": None if view.rule_label is None else label(view.rule_label),
        "policy": view.policy,
        "measures": [
            {"id": m.id, "label": label(m.label), "authority": label(m.authority)}
            for m in view.measures
        ],
        "evidence": [
            {
                "record_id": e.record_id,
                "record_type": e.record_type,
                "document_no": e.document_no,
                "decision_date": e.decision_date,
            }
            for e in view.evidence
        ],
        "explanation": f"/decisions/{view.case_id}",
    }


def subject(view: SubjectView) -> dict[str, Any]:
    """A subject with the records its audience may see and its standing."""
    return {
        **subject_basics(view),
        "standing": [standing(s) for s in view.standing],
        "records": [record(r) for r in view.records],
    }


def hit(value: Hit, catalog: Catalog) -> dict[str, Any]:
    """One search hit."""
    kind = catalog.subject_kinds.get(value.kind)
    return {
        "code": value.code,
        "name": value.name,
        "kind": value.kind,
        "kind_label": label(kind.label) if kind else {"zh": value.kind, "en": value.kind},
        "region": value.region,
    }


def search(result: SearchResult, catalog: Catalog, page: int, per_page: int) -> dict[str, Any]:
    """A page of search results."""
    return {
        "query": result.query,
        "normalised": result.normalised,
        "page": page,
        "per_page": per_page,
        "has_more": result.more,
        "items": [hit(h, catalog) for h in result.hits],
        "suggestions": [hit(h, catalog) for h in result.suggestions],
        "code_suggestion": result.code_suggestion,
    }


def source(value: Source, quality: SourceQuality | None) -> dict[str, Any]:
    """A furnishing department and, once it has delivered files, its quality figures."""
    return {
        "code": value.code,
        "name": value.name,
        "kind": value.kind,
        "region": value.region,
        "quality": None if quality is None else quality.as_dict(),
    }


def audit_entry(entry: AuditEntry) -> dict[str, Any]:
    """One audit entry (the subject sees its own; auditors see all)."""
    return entry.as_dict()


def case(value: Case) -> dict[str, Any]:
    """One of the subject's procedures, with its deadline."""
    return {
        "id": value.id,
        "kind": value.kind.value,
        "state": value.state.value,
        "record_id": value.record_id,
        "opened_on": _date(value.opened_on),
        "due_on": _date(value.due_on),
        "due_for": value.due_for,
        "open": value.is_open,
        "refusals": [
            str(r.get("reason", "")) for r in value.data.get("refusals", []) if isinstance(r, dict)
        ],
    }


def steps(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A case's chained steps as the subject sees them (the workflows' own shape)."""
    return [
        {
            "seq": h["seq"],
            "step": h["step"],
            "on": h["on"],
            "at": h["at"],
            "actor": h["actor"],
            "detail": h["payload"] if isinstance(h["payload"], dict) else {},
        }
        for h in history
    ]
