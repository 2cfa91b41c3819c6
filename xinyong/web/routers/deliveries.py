"""The push endpoint: a department sends a file of its records through the API.

The file is kept under ``<home>/deliveries/<source>/`` (it is the department's
delivery, as a file on disk would be) and goes through the same ingestion as
``xinyong ingest``: mapping, checks, rejects with reasons, idempotency.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, HTTPException, Path, Request, UploadFile
from fastapi.responses import Response

from xinyong.access import AccessError, Actor
from xinyong.web import schemas
from xinyong.web.render import json_response
from xinyong.web.state import WebState, current_actor, web_state

router = APIRouter(prefix="/api/v1", responses=schemas.ERROR_RESPONSES)

State = Annotated[WebState, Depends(web_state)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
#: Largest file accepted in one push (a month of a big department's penalties is ~50 MB).
MAX_BYTES = 256 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx", ".jsonl", ".json", ".txt")
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _target(home: FilePath, source: str, name: str) -> FilePath:
    suffix = FilePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        raise HTTPException(422, f"file: expected one of {', '.join(SUFFIXES)}, got {suffix!r}")
    stem = _SAFE.sub("_", FilePath(name).stem)[:80] or "delivery"
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    folder = home / "deliveries" / _SAFE.sub("_", source)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder / f"{stamp}-{secrets.token_hex(4)}-{stem}{suffix}"


@router.post("/sources/{source_code}/deliveries", status_code=201)
def push_delivery(
    request: Request,
    state: State,
    actor: CurrentActor,
    source_code: Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")],
    file: Annotated[UploadFile, File(description="CSV, XLSX or JSON lines, as the mapping reads")],
    mapping: Annotated[str, Form(min_length=1, max_length=80)],
) -> Response:
    """Ingest a file the department pushes (its API key's agency must be the source)."""
    target = _target(state.settings.home, source_code, file.filename or "delivery.csv")
    size = 0
    with target.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            size += len(chunk)
            if size > MAX_BYTES:
                out.close()
                target.unlink(missing_ok=True)
                raise HTTPException(413, f"file: larger than {MAX_BYTES // (1 << 20)} MiB")
            out.write(chunk)
    try:
        summary = state.access.furnish(actor, source_code, target, mapping)
    except (AccessError, ValueError):  # refused before anything was written: keep nothing
        target.unlink(missing_ok=True)
        raise
    data = summary.as_dict()
    data.pop("rejects", None)  # a server path; the reasons are in the counts
    return json_response(request, data, status=201)
