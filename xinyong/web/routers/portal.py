"""Portal pages: home, search, subject pages, data sources. Each has a ``.json`` twin."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from xinyong.access import Actor
from xinyong.ingest.report import source_quality
from xinyong.web import shape
from xinyong.web.render import respond, wants_json
from xinyong.web.routers.common import (
    MAX_PAGE,
    public_subject_json,
    public_view_asked,
    snapshot_or_404,
    strip_json,
    view_for,
)
from xinyong.web.state import WebState, current_actor, limit, purpose_of, web_state

router = APIRouter(include_in_schema=False)

State = Annotated[WebState, Depends(web_state)]
CurrentActor = Annotated[Actor, Depends(current_actor)]


@router.get("/")
@router.get("/index.json")
async def home(request: Request, state: State, actor: CurrentActor) -> Response:
    """The search box and what the platform offers."""
    data = {
        "search": "/search",
        "sources": "/sources",
        "api": "/api/v1",
        "openapi": "/openapi.json",
    }
    return respond(request, data, "home.html")


@router.get("/search")
@router.get("/search.json")
async def search_page(
    request: Request,
    state: State,
    actor: CurrentActor,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    per_page: Annotated[int, Query(ge=1, le=50)] = 20,
) -> Response:
    """Search by name or code."""
    if q.strip():
        limit(state.search_limit, request)
    result = state.access.search(q, limit=per_page, offset=(page - 1) * per_page)
    data = shape.search(result, state.catalog, page, per_page)
    return respond(request, data, "search.html", {"q": q, "page": page})


#: Records a subject page shows per category; the rest are a link away, a page at a time
#: (an organisation may have hundreds, too many for one page on a phone).
PER_CATEGORY = 20


@router.get("/subjects/{code}")
async def subject_page(
    request: Request,
    code: str,
    state: State,
    actor: CurrentActor,
    category: Annotated[str | None, Query(max_length=64)] = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """A subject's page: registration basics and public records by category.

    The HTML shows the first :data:`PER_CATEGORY` records of each category;
    ``?category=`` shows one category, a page at a time. The JSON twin always
    holds every record (``/api/v1/subjects/{code}/records`` pages and filters).
    """
    purpose = purpose_of(request)
    if wants_json(request) and public_view_asked(actor, purpose):
        return await public_subject_json(request, state.public_pages, code)
    snap = snapshot_or_404(state.access, code)
    view = view_for(state.access, actor, snap, purpose)
    context = {"view": view, "category": category, "page": page, "per_category": PER_CATEGORY}
    return respond(request, shape.subject(view), "subject.html", context)


@router.get("/sources/{code}")
def source_page(request: Request, code: str, state: State, actor: CurrentActor) -> Response:
    """One furnishing department and its data-quality figures."""
    wanted = strip_json(code)
    found = state.store.find_source(wanted)
    if found is None:
        raise HTTPException(404, f"no source {wanted!r}")
    quality = next((q for q in source_quality(state.store) if q.code == wanted), None)
    data = shape.source(found, quality)
    return respond(request, {"items": [data]}, "sources.html")


@router.get("/sources")
@router.get("/sources.json")
def sources_page(request: Request, state: State, actor: CurrentActor) -> Response:
    """Furnishing departments with their data-quality figures."""
    quality = {q.code: q for q in source_quality(state.store)}
    items = [shape.source(s, quality.get(s.code)) for s in state.store.list_sources()]
    items.sort(key=lambda s: s["code"])
    return respond(request, {"items": items}, "sources.html")
