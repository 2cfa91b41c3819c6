"""Content negotiation: every page has a JSON twin, every response an ETag.

A page is JSON when its path ends in ``.json`` or the client prefers
``application/json``; otherwise HTML in the reader's language (``?lang=`` sets
the ``xy_lang`` cookie; Chinese by default). Both forms are built from the
same data, and both carry a weak ETag so unchanged pages cost one round trip.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from xinyong.web.i18n import DEFAULT_LANGUAGE, LANGUAGES, label_in, translator, value_in
from xinyong.web.security import CSRF_COOKIE, CSRF_FIELD, csrf_token, is_secure

LANG_COOKIE = "xy_lang"
TEMPLATES = Path(__file__).with_name("templates")

_env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(("html",)),
    trim_blocks=True,
    lstrip_blocks=True,
)


def wants_json(request: Request) -> bool:
    """Whether to answer with JSON: a ``.json`` path or an Accept header preferring it."""
    if request.url.path.endswith(".json") or request.url.path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def language(request: Request) -> str:
    """The reader's language: ``?lang=``, then the cookie, then Chinese."""
    asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


def json_bytes(data: Any) -> bytes:
    """Compact UTF-8 JSON (Chinese stays readable, not escaped); orjson is several times faster."""
    return orjson.dumps(data)


def _is_private(request: Request) -> bool:
    actor = getattr(request.state, "actor", None)
    return (actor is not None and not actor.is_public) or "authorization" in request.headers


def _cache_control(request: Request, response: Response) -> None:
    """Nothing non-public in shared caches; public pages revalidate by ETag."""
    response.headers["Cache-Control"] = "private, no-store" if _is_private(request) else "no-cache"


def etag_of(body: bytes) -> str:
    """The weak ETag of a response body."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _with_etag(request: Request, response: Response, body: bytes) -> Response:
    tag = etag_of(body)
    if tag in request.headers.get("if-none-match", ""):
        not_modified = Response(status_code=304, headers={"ETag": tag})
        _copy_vary(response, not_modified)
        return not_modified
    response.headers["ETag"] = tag
    return response


def _copy_vary(src: Response, dst: Response) -> None:
    for name in ("Vary", "Cache-Control"):
        if name in src.headers:
            dst.headers[name] = src.headers[name]


_JSON_VARY = "Accept, Cookie, Authorization"


def json_response(request: Request, data: Any, status: int = 200) -> Response:
    """A JSON response with an ETag (304 when the client has it already)."""
    body = json_bytes(data)
    response = Response(body, status_code=status, media_type="application/json")
    response.headers["Vary"] = _JSON_VARY
    _cache_control(request, response)
    return _with_etag(request, response, body) if status == 200 else response


def json_page_response(request: Request, body: bytes, etag: str) -> Response:
    """:func:`json_response` for a body whose ETag is known already (a cached page).

    Same headers, same 304, without encoding or hashing the body again.
    """
    headers = {
        "Vary": _JSON_VARY,
        "Cache-Control": "private, no-store" if _is_private(request) else "no-cache",
        "ETag": etag,
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, headers=headers, media_type="application/json")


def html_response(
    request: Request, template: str, context: dict[str, Any], status: int = 200
) -> Response:
    """A page in the reader's language, with the CSRF cookie set when a form needs it."""
    lang = language(request)
    query = dict(request.query_params)
    query["lang"] = "en" if lang == "zh" else "zh"
    page = _env.get_template(template).render(
        request=request,
        lang=lang,
        t=translator(lang),
        label=label_in(lang),
        tv=value_in(lang),
        switch_url=request.url.path + "?" + "&".join(f"{k}={v}" for k, v in _quoted(query)),
        csrf_field=CSRF_FIELD,
        csrf=lambda: csrf_token(request),
        actor=getattr(request.state, "actor", None),
        **context,
    )
    body = page.encode("utf-8")
    response = HTMLResponse(body, status_code=status)
    response.headers["Vary"] = "Accept, Cookie"
    _cache_control(request, response)
    secure = bool(request.app.state.web.settings.secure_cookies)
    new_csrf = getattr(request.state, "new_csrf", None)
    if new_csrf:
        response.set_cookie(CSRF_COOKIE, new_csrf, httponly=True, samesite="strict",
                            secure=is_secure(request, secure), path="/")  # fmt: skip
    if request.query_params.get("lang") in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax",
                            secure=is_secure(request, secure), path="/")  # fmt: skip
    if status == 200 and not new_csrf:
        return _with_etag(request, response, body)
    return response


def _quoted(query: dict[str, str]) -> list[tuple[str, str]]:
    from urllib.parse import quote

    return [(quote(k), quote(v)) for k, v in query.items()]


def respond(
    request: Request, data: Any, template: str, context: dict[str, Any] | None = None
) -> Response:
    """The page or its JSON twin, from the same ``data``."""
    if wants_json(request):
        return json_response(request, data)
    return html_response(request, template, {"data": data, **(context or {})})


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    field: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    """The error body, as JSON or as a page."""
    body: dict[str, Any] = {"status": status, "code": code, "message": message, "field": field}
    if errors:
        body["errors"] = errors
    if wants_json(request):
        return json_response(request, {"error": body}, status)
    return html_response(request, "error.html", {"error": body}, status)
