"""Response models for the OpenAPI document.

Handlers build plain dicts (:mod:`xinyong.web.shape`) and do not re-validate
them on every request; a test validates real responses against these models,
so the document cannot drift from what the API sends.
"""

from __future__ import annotations

import builtins
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LabelOut(_Model):
    zh: str
    en: str


class FieldOut(_Model):
    name: str
    label: LabelOut
    value: Any
    value_labels: list[LabelOut]


class SourceRef(_Model):
    code: str
    name: str


class PublicityOut(_Model):
    starts: str | None
    ends: str | None
    published: bool
    regime: str | None
    repairable_from: str | None


class StatementOut(_Model):
    text: str
    language: str
    created_at: str


class RecordOut(_Model):
    id: int
    record_type: str
    type_label: LabelOut
    category: str
    category_label: LabelOut
    source: SourceRef
    legal_basis: list[str]
    document_no: str
    decision_date: str | None
    status: str
    under_verification: bool
    publicity: PublicityOut | None
    statements: list[StatementOut]
    fields: list[FieldOut]


class MeasureOut(_Model):
    id: str
    label: LabelOut
    authority: LabelOut


class EvidenceOut(_Model):
    record_id: int
    record_type: str
    document_no: str
    decision_date: str | None


class StandingOut(_Model):
    case_id: int
    kind: str
    target: str
    label: LabelOut
    list_kind: str | None
    authority: LabelOut | None
    legal_basis: list[str]
    starts_on: str | None
    ends_on: str | None
    rule: str
    rule_label: LabelOut | None
    policy: str
    measures: list[MeasureOut]
    evidence: list[EvidenceOut]
    explanation: str


class SubjectOut(_Model):
    code: str | None
    name: str
    kind: str
    kind_label: LabelOut
    region: str | None
    masked_id: str | None
    registered_at: str
    audience: str
    purpose: str | None
    standing: list[StandingOut]
    records: list[RecordOut]


class SubjectRef(_Model):
    code: str | None
    name: str
    kind: str
    region: str | None


class DecisionOut(_Model):
    subject: SubjectRef
    decision: StandingOut


class ListEntryOut(_Model):
    subject: SubjectRef
    entry: StandingOut


class ListInfo(_Model):
    id: str
    kind: str
    label: LabelOut
    authority: LabelOut
    legal_basis: list[str]
    default_duration: str | None


class ListPage(_Model):
    list: ListInfo
    region: str | None
    page: int
    per_page: int
    has_more: bool
    items: builtins.list[ListEntryOut]  # ``list`` is a field name here


class PublicityItem(_Model):
    subject: SubjectRef
    record: RecordOut


class PublicityPage(_Model):
    feed: str
    region: str | None
    items: list[PublicityItem]
    next: str | None


class RecordPage(_Model):
    subject: str | None
    page: int
    per_page: int
    total: int
    has_more: bool
    items: list[RecordOut]


class HitOut(_Model):
    code: str | None
    name: str
    kind: str
    kind_label: LabelOut
    region: str | None


class SearchOut(_Model):
    query: str
    normalised: str
    page: int
    per_page: int
    has_more: bool
    items: list[HitOut]
    suggestions: list[HitOut]
    code_suggestion: str | None


class SourceOut(_Model):
    code: str
    name: str
    kind: str
    region: str | None
    quality: dict[str, Any] | None


class SourcesOut(_Model):
    items: list[SourceOut]


class AuditEntryOut(_Model):
    seq: int
    recorded_at: str
    actor: str
    audience: str
    action: str
    outcome: str
    purpose: str | None
    subject_id: int | None
    detail: dict[str, Any]
    hash: str


class AuditPage(_Model):
    items: list[AuditEntryOut]
    next_after_seq: int | None


class ErrorDetail(_Model):
    status: int
    code: str
    message: str
    field: str | None = None
    errors: list[dict[str, str]] | None = None


class ErrorOut(_Model):
    error: ErrorDetail


class ActivationIn(_Model):
    subject_code: str = Field(min_length=1, max_length=64)


class ActivationOut(_Model):
    subject_code: str
    activation_code: str


class ApiKeyIn(_Model):
    agency: str = Field(min_length=1, max_length=64)
    purposes: list[str] = Field(max_length=20)


class ApiKeyOut(_Model):
    key_id: str
    agency: str
    purposes: list[str]
    token: str


class CaseOut(_Model):
    id: int
    kind: str
    state: str
    record_id: int | None
    opened_on: str | None
    due_on: str | None
    due_for: str | None
    open: bool
    refusals: list[str]


class StepOut(_Model):
    seq: int
    step: str
    on: str
    at: str
    actor: str
    detail: dict[str, Any]


class CaseHistoryOut(_Model):
    case: CaseOut
    steps: list[StepOut]


class CasesOut(_Model):
    items: list[CaseOut]


class ObjectionIn(_Model):
    record_id: int = Field(ge=1, le=2**62)
    grounds: str = Field(min_length=1, max_length=4000)
    statement: str | None = Field(default=None, max_length=4000)


class RepairIn(_Model):
    record_id: int = Field(ge=1, le=2**62)
    proof: str = Field(min_length=1, max_length=4000)
    commitment: str = Field(min_length=1, max_length=4000)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 403, 404, 422, 429)
}
