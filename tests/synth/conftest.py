"""Generated data sets shared by the synth tests (generated once per session)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from xinyong.synth import generate

#: A small set with a high fault rate, so every fault kind occurs.
PARAMS = {"entities": 800, "records": 15_000, "seed": 11, "error_rate": 0.1}
AS_OF = dt.date(2026, 6, 30)


@pytest.fixture(scope="session")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data set written with :data:`PARAMS`."""
    root = tmp_path_factory.mktemp("synth") / "set"
    generate(root, **PARAMS)  # type: ignore[arg-type]
    return root
