"""Small helpers shared by the routers: finding a subject, paging."""

from __future__ import annotations

from fastapi import HTTPException, Request
from fastapi.responses import Response

from xinyong.access import Access, Actor, Audience, SubjectView
from xinyong.access.service import Snapshot
from xinyong.ledger import Subject
from xinyong.web.pages import PublicSubjectPages
from xinyong.web.render import json_page_response

MAX_PAGE = 1000
MAX_PER_PAGE = 100


def strip_json(value: str) -> str:
    """``value`` without a ``.json`` suffix (the JSON twin of a page)."""
    return value[: -len(".json")] if value.endswith(".json") else value


def subject_or_404(access: Access, code: str) -> Subject:
    """The organisation with ``code``; 422 naming ``code`` if malformed, 404 if unknown."""
    found = access.find_subject(strip_json(code))
    if found is None:
        raise HTTPException(404, f"no organisation is registered under code {strip_json(code)}")
    return found


def snapshot_or_404(access: Access, code: str) -> Snapshot:
    """The organisation with ``code`` and its records, read in one transaction."""
    found = access.snapshot_by_code(strip_json(code))
    if found is None:
        raise HTTPException(404, f"no organisation is registered under code {strip_json(code)}")
    return found


def public_view_asked(actor: Actor, purpose: str | None) -> bool:
    """Whether the request gets the public view: no agency, no declared purpose.

    The one test :func:`view_for` and the cached public page both use, so the
    cache can never answer a read that must pass the gate (and its log).
    """
    return actor.audience is not Audience.AGENCY and purpose is None


async def public_subject_json(request: Request, pages: PublicSubjectPages, code: str) -> Response:
    """The public subject JSON from the page cache; 404 if no organisation has ``code``.

    A kept page is answered on the event loop; how one is built is the cache's
    business (:meth:`PublicSubjectPages.page`).
    """
    page = await pages.page(strip_json(code))
    if page is None:
        raise HTTPException(404, f"no organisation is registered under code {strip_json(code)}")
    return json_page_response(request, page.body, page.etag)


def view_for(access: Access, actor: Actor, subject: Snapshot, purpose: str | None) -> SubjectView:
    """The view of ``subject`` the request asks for; non-public views are guarded.

    Agencies always go through the gate (and its log), with their purpose; anyone
    else sees the public view unless they declare a purpose (a subject declares
    ``subject_access`` for its own full record, which ``/me`` shows too). The
    owner therefore sees its public page as everybody else does.
    """
    if public_view_asked(actor, purpose):
        return access.public_view(subject)
    return access.disclosed_view(actor, subject, purpose)


def page_offset(request: Request, page: int, per_page: int) -> int:
    """Offset of ``page`` (1-based)."""
    return (page - 1) * per_page
