"""Clients for the web tests, over the access suite's small populated store."""

from __future__ import annotations

import dataclasses
import re
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

# The access suite's builders describe the same little world the web tests browse.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "access"))

from access_helpers import OPERATOR, PASSWORD, World, list_in_force, populate, subject_actor

from xinyong.ledger import Store
from xinyong.web import create_app

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork; the pinned httpx works and is what we ship.
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

if TYPE_CHECKING:
    import httpx

__all__ = [
    "OPERATOR",
    "PASSWORD",
    "TestClient",
    "World",
    "agency_headers",
    "client_for",
    "list_in_force",
    "populate",
    "sign_in",
    "subject_actor",
]


def client_for(store: Store, **settings: Any) -> tuple[TestClient, World]:
    """A populated world and a client of a portal over it (settings overridable)."""
    world = populate(store)
    tuned = dataclasses.replace(store.settings, **settings)
    app = create_app(tuned, store=store, catalog=world.access.catalog)
    return TestClient(app, base_url="http://testserver"), world


def agency_headers(world: World, agency: str = "SAMR-110108") -> dict[str, str]:
    """The Authorization header of a new API key of ``agency`` (purpose: licensing review)."""
    _, token = world.access.issue_api_key(OPERATOR, agency, ["licensing_review"])
    return {"authorization": f"Bearer {token}"}


def csrf_of(client: TestClient, page: str = "/signin") -> str:
    """Load a form page and return the CSRF token it carries."""
    html = client.get(page).text
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "form without a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> httpx.Response:
    """Sign in through the form, as a browser would."""
    token = csrf_of(client)
    return client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def activate(client: TestClient, world: World, username: str = "tuokang") -> httpx.Response:
    """Open the company's account through the form with an operator-issued code."""
    code = world.access.issue_activation(OPERATOR, world.company.id)
    token = csrf_of(client, "/activate")
    return client.post(
        "/activate",
        data={"activation_code": code, "username": username, "password": PASSWORD,
              "csrf_token": token},
        follow_redirects=False,
    )  # fmt: skip
