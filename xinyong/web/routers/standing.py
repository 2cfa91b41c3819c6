"""List pages (red, black and watch lists by type and region), decision explanations and the
double-publicity feeds of licences and penalties.

Each has a ``.json`` twin; the API serves the same data under ``/api/v1``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from xinyong.access import Actor, InvalidInputError, RecordView
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


def parse_cursor(before: str | None) -> tuple[dt.date, int] | None:
    """``YYYY-MM-DD:ID`` (as ``next`` gives it) into a cursor; 422 naming ``before``."""
    if not before:
        return None
    day, _, rid = before.partition(":")
    try:
        return dt.date.fromisoformat(day), int(rid)
    except ValueError:
        raise InvalidInputError("expected YYYY-MM-DD:ID as given by next", field="before") from None


def publicity_items(
    state: WebState, feed: str, region: str | None, before: str | None
) -> tuple[dict[str, Any], list[RecordView]]:
    """One page of the latest published licences or penalties: (JSON data, record views)."""
    items, cursor = state.access.latest(
        strip_json(feed), region=region, limit=PER_PAGE, before=parse_cursor(before)
    )
    data = {
        "feed": strip_json(feed),
        "region": region,
        "items": [{"subject": subject_ref(s), "record": shape.record(r)} for s, r in items],
        "next": None if cursor is None else f"{cursor[0].isoformat()}:{cursor[1]}",
    }
    return data, [r for _, r in items]


def publicity_data(
    state: WebState, feed: str, region: str | None, before: str | None
) -> dict[str, Any]:
    """The JSON of :func:`publicity_items`."""
    return publicity_items(state, feed, region, before)[0]


@router.get("/publicity/{feed}")
def publicity_page(
    request: Request,
    feed: str,
    state: State,
    actor: CurrentActor,
    region: Region = None,
    before: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """Double publicity: the latest administrative licences or penalties, newest first."""
    data, views = publicity_items(state, feed, region, before)
    context = {"region": region, "items": data["items"], "views": views}
    return respond(request, data, "publicity.html", context)
