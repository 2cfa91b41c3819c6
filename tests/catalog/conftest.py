"""Fixtures for the catalog tests: the shipped catalog and editable copies of it.

Negative tests never touch the shipped schema: they copy it to a temporary folder,
change one thing with ``edit``, and load the copy.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from xinyong.catalog import DEFAULT_SCHEMA, Catalog, load_catalog

Editor = Callable[[str, Callable[[Any], Any]], None]


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog."""
    return load_catalog()


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    """A private copy of the shipped schema folder."""
    target = tmp_path / "schema"
    shutil.copytree(DEFAULT_SCHEMA, target)
    return target


@pytest.fixture
def edit(schema: Path) -> Editor:
    """Change one file of the copied schema: ``edit("lists.yaml", mutate)``.

    ``mutate`` receives the parsed YAML and changes it in place (its return value
    is ignored); the file is written back without its comments.
    """

    def apply(relative: str, mutate: Callable[[Any], Any]) -> None:
        path = schema / relative
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        mutate(data)
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")

    return apply
