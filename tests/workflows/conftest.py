"""Fixtures of the workflow tests: a populated world on each backend."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from suite_support import ManualClock
from workflow_helpers import World, make_world

from xinyong.ledger import Store


@pytest.fixture
def world(store: Store, clock: ManualClock, tmp_path: Path) -> World:
    """A department, two companies and the due-process service on the test store.

    Built early in 2024 so that tests can travel forward to any date they need
    (transaction time never runs backwards along the chain).
    """
    clock.travel(START)
    return make_world(store, tmp_path)


START = dt.date(2024, 1, 2)
