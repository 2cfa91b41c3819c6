"""The JSON API under ``/api/v1``; its OpenAPI document is at ``/openapi.json``.

Agencies authenticate with ``Authorization: Bearer <API key>`` and declare a
purpose (``?purpose=`` or ``X-Purpose``) on every non-public read. Calls
authenticated by the portal's session cookie must repeat the CSRF cookie in
``X-CSRF-Token`` when they change anything.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import Response

from xinyong.access import Action, Actor, Audience
from xinyong.ingest.report import source_quality
from xinyong.web import schemas, shape
from xinyong.web.render import json_response
from xinyong.web.routers import standing
from xinyong.web.routers.common import (
    MAX_PAGE,
    MAX_PER_PAGE,
    public_subject_json,
    public_view_asked,
    snapshot_or_404,
    subject_or_404,
    view_for,
)
from xinyong.web.security import CSRF_HEADER, csrf_ok
from xinyong.web.state import (
    SESSION_COOKIE,
    WebState,
    current_actor,
    limit,
    purpose_of,
    web_state,
)

router = APIRouter(prefix="/api/v1", responses=schemas.ERROR_RESPONSES)

State = Annotated[WebState, Depends(web_state)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
Purpose = Annotated[
    str | None,
    Query(max_length=64, description="Purpose of a non-public read (closed list); or X-Purpose."),
]
Page = Annotated[int, Query(ge=1, le=MAX_PAGE)]
PerPage = Annotated[int, Query(ge=1, le=MAX_PER_PAGE)]


def _ok(model: type[Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"model": model}}


def _require_csrf_for_cookie_auth(request: Request) -> None:
    if "authorization" in request.headers or SESSION_COOKIE not in request.cookies:
        return
    if not csrf_ok(request, request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, "cookie-authenticated changes need the X-CSRF-Token header")


@router.get("/subjects/{code}", responses=_ok(schemas.SubjectOut))
async def get_subject(request: Request, code: str, purpose: Purpose = None) -> Response:
    """A subject and its records, as the caller's audience (and purpose) may see them."""
    # The state and the actor are fetched here rather than declared as dependencies:
    # resolving dependencies was nearly half of what a cached page cost. Neither
    # adds anything to the OpenAPI document.
    state = await web_state(request)
    actor = await current_actor(request)
    declared = purpose or purpose_of(request)
    if public_view_asked(actor, declared):
        return await public_subject_json(request, state.public_pages, code)
    snap = snapshot_or_404(state.access, code)
    view = view_for(state.access, actor, snap, declared)
    return json_response(request, shape.subject(view))


@router.get("/subjects/{code}/records", responses=_ok(schemas.RecordPage))
async def get_records(
    request: Request,
    code: str,
    state: State,
    actor: CurrentActor,
    purpose: Purpose = None,
    page: Page = 1,
    per_page: PerPage = 20,
    category: Annotated[str | None, Query(max_length=64)] = None,
    record_type: Annotated[str | None, Query(max_length=64)] = None,
    under_verification: bool | None = None,
) -> Response:
    """A page of a subject's records, filtered by category, type or verification mark."""
    snap = snapshot_or_404(state.access, code)
    view = view_for(state.access, actor, snap, purpose or purpose_of(request))
    chosen = [
        r for r in view.records
        if (category is None or r.category == category)
        and (record_type is None or r.record_type == record_type)
        and (under_verification is None or r.disputed == under_verification)
    ]  # fmt: skip
    start = (page - 1) * per_page
    items = [shape.record(r) for r in chosen[start : start + per_page]]
    data = {
        "subject": snap.subject.code, "page": page, "per_page": per_page, "total": len(chosen),
        "has_more": start + per_page < len(chosen), "items": items,
    }  # fmt: skip
    return json_response(request, data)


@router.get("/search", responses=_ok(schemas.SearchOut))
async def search(
    request: Request,
    state: State,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    page: Page = 1,
    per_page: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Response:
    """Organisations by name or code (widths, spaces, traditional characters forgiven)."""
    limit(state.search_limit, request)
    result = state.access.search(q, limit=per_page, offset=(page - 1) * per_page)
    return json_response(request, shape.search(result, state.catalog, page, per_page))


@router.get("/lists/{list_id}", responses=_ok(schemas.ListPage))
def list_members(
    request: Request,
    list_id: str,
    state: State,
    region: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]{2,12}$")] = None,
    page: Page = 1,
) -> Response:
    """Organisations on a red, black or watch list now (50 a page), optionally by region."""
    return json_response(request, standing.list_page(state, list_id, region, page))


@router.get("/publicity/{feed}", responses=_ok(schemas.PublicityPage))
def publicity(
    request: Request,
    feed: Annotated[str, Path(pattern="^(penalties|licences)$")],
    state: State,
    region: Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]{2,12}$")] = None,
    before: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The latest published administrative penalties or licences (双公示), 50 a page."""
    return json_response(request, standing.publicity_data(state, feed, region, before))


@router.get("/decisions/{case_id}", responses=_ok(schemas.DecisionOut))
def decision(
    request: Request, case_id: Annotated[int, Path(ge=1, le=2**62)], state: State
) -> Response:
    """A list entry or grade in force, with its rule, legal basis, records used and measures."""
    return json_response(request, standing.decision_data(state, case_id))


@router.get("/sources", responses=_ok(schemas.SourcesOut))
def sources(request: Request, state: State) -> Response:
    """Furnishing departments with their data-quality figures."""
    quality = {q.code: q for q in source_quality(state.store)}
    items = [shape.source(s, quality.get(s.code)) for s in state.store.list_sources()]
    return json_response(request, {"items": items})


@router.get("/me", responses=_ok(schemas.SubjectOut))
def me(request: Request, state: State, actor: CurrentActor) -> Response:
    """Everything held about the signed-in subject."""
    return json_response(request, shape.subject(state.access.own_view(actor)))


@router.get("/me/access-log", responses=_ok(schemas.AuditPage))
def my_access_log(
    request: Request, state: State, actor: CurrentActor, page: Page = 1, per_page: PerPage = 50
) -> Response:
    """Who read the signed-in subject's data, when and for what purpose (newest first)."""
    if actor.subject_id is None:
        state.access.own_view(actor)  # refused and logged
    assert actor.subject_id is not None
    log = state.access.access_log(actor, actor.subject_id, limit=per_page,
                                  offset=(page - 1) * per_page)  # fmt: skip
    return json_response(
        request, {"items": [shape.audit_entry(e) for e in log], "next_after_seq": None}
    )


@router.get("/me/cases", responses=_ok(schemas.CasesOut))
def my_cases(request: Request, state: State, actor: CurrentActor) -> Response:
    """The signed-in subject's objections, repairs and listing procedures, with deadlines."""
    cases = state.access.own_cases(actor)
    return json_response(request, {"items": [shape.case(c) for c in cases]})


@router.get("/me/cases/{case_id}", responses=_ok(schemas.CaseHistoryOut))
def my_case(
    request: Request,
    case_id: Annotated[int, Path(ge=1, le=2**62)],
    state: State,
    actor: CurrentActor,
) -> Response:
    """One of your procedures with every chained step: who did what, when, and why."""
    case, steps = state.access.case_history(actor, case_id)
    return json_response(request, {"case": shape.case(case), "steps": shape.steps(steps)})


@router.post("/me/objections", status_code=201, responses=_ok(schemas.CaseOut))
def file_objection(
    request: Request, body: schemas.ObjectionIn, state: State, actor: CurrentActor
) -> Response:
    """Object to one of your own records: it is marked under verification at once."""
    _require_csrf_for_cookie_auth(request)
    case = state.access.file_objection(actor, body.record_id, body.grounds, body.statement)
    return json_response(request, shape.case(case), status=201)


@router.post("/me/repairs", status_code=201, responses=_ok(schemas.CaseOut))
def apply_for_repair(
    request: Request, body: schemas.RepairIn, state: State, actor: CurrentActor
) -> Response:
    """Apply for credit repair of one of your records (refused with reasons, or running)."""
    _require_csrf_for_cookie_auth(request)
    case = state.access.apply_for_repair(actor, body.record_id, body.proof, body.commitment)
    return json_response(request, shape.case(case), status=201)


@router.get("/audit", responses=_ok(schemas.AuditPage))
def export_audit(
    request: Request,
    state: State,
    actor: CurrentActor,
    after_seq: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit_: Annotated[int, Query(alias="limit", ge=1, le=5000)] = 1000,
    subject_code: Annotated[str | None, Query(max_length=32)] = None,
) -> Response:
    """The audit trail in chain order, for auditors; page on with ``after_seq``."""
    subject_id = None
    if subject_code is not None:
        subject_id = subject_or_404(state.access, subject_code).id
    entries = state.access.export_audit(
        actor, after_seq=after_seq, limit=limit_, subject_id=subject_id
    )
    more = len(entries) == limit_
    data = {
        "items": [shape.audit_entry(e) for e in entries],
        "next_after_seq": entries[-1].seq if entries and more else None,
    }
    return json_response(request, data)


@router.post("/activations", status_code=201, responses=_ok(schemas.ActivationOut))
def issue_activation(
    request: Request, body: schemas.ActivationIn, state: State, actor: CurrentActor
) -> Response:
    """Issue a one-time activation code for a subject's account (operators only)."""
    _require_csrf_for_cookie_auth(request)
    if actor.audience is not Audience.OPERATOR:
        state.access.guard(actor, Action.ISSUE_ACTIVATION)  # refused and logged, before look-up
    subject = subject_or_404(state.access, body.subject_code)
    code = state.access.issue_activation(actor, subject.id)
    return json_response(
        request, {"subject_code": subject.code, "activation_code": code}, status=201
    )


@router.post("/api-keys", status_code=201, responses=_ok(schemas.ApiKeyOut))
def issue_api_key(
    request: Request, body: schemas.ApiKeyIn, state: State, actor: CurrentActor
) -> Response:
    """Issue an API key bound to an agency and its purposes (operators only)."""
    _require_csrf_for_cookie_auth(request)
    key, token = state.access.issue_api_key(actor, body.agency, body.purposes)
    data = {"key_id": key.key_id, "agency": key.agency, "purposes": list(key.purposes),
            "token": token}  # fmt: skip
    return json_response(request, data, status=201)
