"""The fixture most web tests share: a portal over the access suite's populated store."""

from __future__ import annotations

import pytest
from web_helpers import TestClient, World, client_for

from xinyong.ledger import Store


@pytest.fixture
def web(store: Store) -> tuple[TestClient, World]:
    """A client of a portal over a populated world, on each backend."""
    return client_for(store)
