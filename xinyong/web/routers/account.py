"""Self-service pages: sign in and out, open an account with an activation code, see
everything held about you and who looked at it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from xinyong.access import Actor, AuthenticationError, InvalidInputError
from xinyong.web import shape
from xinyong.web.render import html_response, respond
from xinyong.web.routers.common import MAX_PAGE
from xinyong.web.security import csrf_ok, is_secure
from xinyong.web.state import SESSION_COOKIE, WebState, current_actor, limit, web_state

router = APIRouter(include_in_schema=False)

State = Annotated[WebState, Depends(web_state)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
Text = Annotated[str, Form(max_length=1024)]


def _check_csrf(request: Request, token: str) -> None:
    if not csrf_ok(request, token):
        raise HTTPException(403, "the form expired or came from another site: reload and retry")


def _signed_in(request: Request, state: WebState, token: str) -> Response:
    response = RedirectResponse("/me", status_code=303)
    secure = is_secure(request, state.settings.secure_cookies)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=state.settings.session_hours * 3600, httponly=True,
        samesite="lax", secure=secure, path="/",
    )  # fmt: skip
    return response


@router.get("/signin")
def sign_in_form(request: Request, actor: CurrentActor) -> Response:
    """The sign-in form."""
    return html_response(request, "signin.html", {"failed": None})


@router.post("/signin")
def sign_in(
    request: Request,
    state: State,
    username: Annotated[str, Form(max_length=64)],
    password: Text,
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Check the credentials (rate-limited) and set the session cookie."""
    _check_csrf(request, csrf_token)
    limit(state.sign_in_limit, request)
    try:
        _, token = state.access.sign_in(username, password)
    except AuthenticationError as exc:
        return html_response(request, "signin.html", {"failed": str(exc)}, status=401)
    return _signed_in(request, state, token)


@router.post("/signout")
def sign_out(
    request: Request, state: State, csrf_token: Annotated[str, Form(max_length=128)] = ""
) -> Response:
    """End the session."""
    _check_csrf(request, csrf_token)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        state.access.sign_out(token)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/activate")
def activate_form(request: Request, actor: CurrentActor) -> Response:
    """The form to open an account with an activation code."""
    return html_response(request, "activate.html", {"failed": None})


@router.post("/activate")
def activate(
    request: Request,
    state: State,
    activation_code: Annotated[str, Form(max_length=64)],
    username: Annotated[str, Form(max_length=64)],
    password: Text,
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Spend the code, create the account, sign in."""
    _check_csrf(request, csrf_token)
    limit(state.sign_in_limit, request)
    try:
        state.access.activate(activation_code, username, password)
        _, token = state.access.sign_in(username, password)
    except (AuthenticationError, InvalidInputError) as exc:
        field = getattr(exc, "field", None)
        failed = f"{field}: {exc}" if field else str(exc)
        status = 422 if isinstance(exc, InvalidInputError) else 401
        return html_response(request, "activate.html", {"failed": failed}, status=status)
    return _signed_in(request, state, token)


@router.get("/me")
@router.get("/me.json")
def me(
    request: Request,
    state: State,
    actor: CurrentActor,
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
) -> Response:
    """Everything held about the signed-in subject, and who looked at it."""
    view = state.access.own_view(actor)
    assert actor.subject_id is not None
    with_steps = state.access.own_cases_with_steps(actor)
    cases = [c for c, _ in with_steps]
    histories = {c.id: steps for c, steps in with_steps}
    per_page = 50
    log = state.access.access_log(actor, actor.subject_id, limit=per_page,
                                  offset=(page - 1) * per_page)  # fmt: skip
    data = {
        "subject": shape.subject(view),
        "cases": [{**shape.case(c), "steps": shape.steps(histories[c.id])} for c in cases],
        "access_log": [shape.audit_entry(e) for e in log],
        "page": page,
    }
    context = {
        "view": view, "log": log, "page": page, "cases": cases, "objection_forms": True,
        "purposes": state.catalog.purposes, "histories": histories,
    }  # fmt: skip
    return respond(request, data, "me.html", context)


@router.post("/me/objections")
def file_objection(
    request: Request,
    state: State,
    actor: CurrentActor,
    record_id: Annotated[int, Form(ge=1, le=2**62)],
    grounds: Annotated[str, Form(min_length=1, max_length=4000)],
    statement: Annotated[str, Form(max_length=4000)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Object to one of your own records; back to your page with the record marked."""
    _check_csrf(request, csrf_token)
    state.access.file_objection(actor, record_id, grounds, statement or None)
    return RedirectResponse(f"/me#record-{record_id}", status_code=303)


@router.post("/me/repairs")
def apply_for_repair(
    request: Request,
    state: State,
    actor: CurrentActor,
    record_id: Annotated[int, Form(ge=1, le=2**62)],
    proof: Annotated[str, Form(min_length=1, max_length=4000)],
    commitment: Annotated[str, Form(min_length=1, max_length=4000)],
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Apply for credit repair of one of your records; the outcome shows on your page."""
    _check_csrf(request, csrf_token)
    state.access.apply_for_repair(actor, record_id, proof, commitment)
    return RedirectResponse("/me#cases", status_code=303)
