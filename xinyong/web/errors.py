"""One error body for every failure, in JSON and as a page.

``{"error": {"status", "code", "message", "field", "errors"}}``: ``code`` is
stable for programs, ``message`` is for people, ``field`` names the input
that was wrong and ``errors`` lists every field with its reason.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from xinyong.access import (
    AccessError,
    AuthenticationError,
    ConflictError,
    ForbiddenError,
    InvalidInputError,
)
from xinyong.ingest import IngestError
from xinyong.ingest.mapping import MappingError
from xinyong.ingest.readers import ReaderError
from xinyong.ledger import NotFoundError
from xinyong.web.render import error_response
from xinyong.workflows import WorkflowError

_STATUS = {
    AuthenticationError: 401,
    ForbiddenError: 403,
    InvalidInputError: 422,
    ConflictError: 409,
}
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
}


class RateLimited(HTTPException):
    """Too many requests from one client; carries the Retry-After seconds."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(429, "too many requests: slow down and try again shortly")
        self.retry_after = max(1, int(retry_after + 0.999))


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[-1] if loc else "")


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field(e.get("loc", ())), "reason": str(e.get("msg", ""))}
              for e in exc.errors()]  # fmt: skip
    first = errors[0] if errors else {"field": "", "reason": "invalid request"}
    message = f"{first['field']}: {first['reason']}"
    return error_response(request, 422, "invalid", message, first["field"], errors)


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, "error")
    response = error_response(request, exc.status_code, code, str(exc.detail))
    if isinstance(exc, RateLimited):
        response.headers["Retry-After"] = str(exc.retry_after)
    if exc.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="xinyong"'
    return response


async def _access(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, AccessError)
    status = next((s for t, s in _STATUS.items() if isinstance(exc, t)), 403)
    response = error_response(request, status, exc.code, str(exc), exc.field)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="xinyong"'
    return response


async def _workflow(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WorkflowError)
    if isinstance(exc, NotFoundError):
        return error_response(request, 404, "not_found", str(exc))
    return error_response(request, 409, "procedure", str(exc))


async def _ingest(request: Request, exc: Exception) -> Response:
    return error_response(request, 422, "invalid", f"file: {exc}", "file")


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(request, 404, "not_found", str(exc))


async def _unexpected(request: Request, exc: Exception) -> Response:
    return error_response(request, 500, "internal", "internal error: the operator has the log")


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(AccessError, _access)
    app.add_exception_handler(WorkflowError, _workflow)
    app.add_exception_handler(NotFoundError, _not_found)
    for refused in (IngestError, MappingError, ReaderError):
        app.add_exception_handler(refused, _ingest)
    app.add_exception_handler(Exception, _unexpected)
