"""List pages (red, black and watch lists by type and region) and decision explanations.

Each has a ``.json`` twin; the API serves the same data under ``/api/v1``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from xinyong.access import Actor
from xinyong.catalog import Catalog, UnknownItemError
from xinyong.ledger import Subject
from xinyong.web import shape
from xinyong.web.render import respond
from xinyong.web.routers.common import MAX_PAGE, strip_json
from xinyong.web.state import WebState, current_actor, web_state

router = APIRouter(include_in_schema=False)

State = Annotated[WebState, Depends(web_state)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
Region = Annotated[str | None, Query(max_length=12, pattern=r"^[0-9]{2,12}$")]
PER_PAGE = 50


def subject_ref(subject: Subject) -> dict[str, Any]:
    """The few facts a list row shows about its subject."""
    return {"code": subject.code, "name": subject.name, "kind": subject.kind,
            "region": subject.region}  # fmt: skip


def list_info(catalog: Catalog, list_id: str) -> dict[str, Any]:
    """A list type as the catalog describes it."""
    try:
        lst = catalog.list_type(list_id)
    except UnknownItemError:
        raise HTTPException(404, f"no list {list_id!r} in the catalog") from None
    return {
        "id": lst.id, "kind": str(lst.kind), "label": shape.label(lst.label),
        "authority": shape.label(lst.authority),
        "legal_basis": [b.cite() for b in lst.legal_basis],
        "default_duration": None if lst.default_duration is None else str(lst.default_duration),
    }  # fmt: skip


def list_page(state: WebState, list_id: str, region: str | None, page: int) -> dict[str, Any]:
    """One page of a list's current entries (organisations only)."""
    info = list_info(state.catalog, list_id)
    rows = state.access.list_members(
        list_id, region=region, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE
    )
    items = [{"subject": subject_ref(s), "entry": shape.standing(e)} for s, e in rows[:PER_PAGE]]
    return {"list": info, "region": region, "page": page, "per_page": PER_PAGE,
            "has_more": len(rows) > PER_PAGE, "items": items}  # fmt: skip


def decision_data(state: WebState, case_id: int) -> dict[str, Any]:
    """A decision in force with its explanation, as the public may see it."""
    found = state.access.decision(case_id)
    if found is None:
        raise HTTPException(404, f"no decision {case_id} is in force and public")
    view, entry = found
    ref = {"code": view.code, "name": view.name, "kind": view.kind, "region": view.region}
    return {"subject": ref, "decision": shape.standing(entry)}


@router.get("/lists")
@router.get("/lists.json")
def lists_index(request: Request, state: State, actor: CurrentActor) -> Response:
    """Every list type the catalog knows: red, black and watch lists."""
    items = [list_info(state.catalog, lid) for lid in state.catalog.lists]
    return respond(request, {"items": items}, "lists.html")


@router.get("/lists/{list_id}")
def list_members(
    request: Request,
    list_id: str,
    state: State,
    actor: CurrentActor,
    region: Region = None,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """Organisations on one list now, optionally in one region (division code prefix)."""
    data = list_page(state, strip_json(list_id), region, page)
    return respond(request, data, "list.html", {"page": page, "region": region})


@router.get("/decisions/{case_id}")
def decision_page(request: Request, case_id: str, state: State, actor: CurrentActor) -> Response:
    """Why a list entry or grade is in force: rule, legal basis, records used, measures."""
    number = strip_json(case_id)
    if not number.isdigit() or len(number) > 18:
        raise HTTPException(404, f"no decision {number}")
    return respond(request, decision_data(state, int(number)), "decision.html")
