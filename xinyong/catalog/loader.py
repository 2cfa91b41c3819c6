"""Loading the catalog from its directory of YAML files.

The platform must not start on a catalog that admits a record type without legal
basis, outside the national catalogue, or holding prohibited information, so loading
either returns a fully checked :class:`Catalog` or raises :class:`CatalogError`. The
shipped catalog is read once per process and cached; operators check a local copy
with ``xinyong catalog check PATH``.
"""

from __future__ import annotations

import functools
from pathlib import Path
from types import MappingProxyType

from xinyong.catalog.catalog import Catalog
from xinyong.catalog.checks import Context, check_record_type, check_references
from xinyong.catalog.errors import CatalogError
from xinyong.catalog.reader import Node, read_yaml
from xinyong.catalog.record import RecordType
from xinyong.catalog.records import read_record_type
from xinyong.catalog.regimes import read_publicity
from xinyong.catalog.tables import (
    read_categories,
    read_lists,
    read_measures,
    read_prohibited,
    read_purposes,
    read_subject_kinds,
)

#: The catalog shipped with the platform.
DEFAULT_SCHEMA = Path(__file__).resolve().parent.parent / "schema"


def _record_types(root: Path, ctx: Context) -> dict[str, RecordType]:
    folder = root / "record_types"
    if not folder.is_dir():
        raise CatalogError("record_types/: folder is missing")
    out: dict[str, RecordType] = {}
    for path in sorted(folder.glob("*.y*ml")):
        name = path.relative_to(root).as_posix()
        doc = read_yaml(path, root)
        where = f"record type {path.stem!r} in {name}"
        record = read_record_type(Node(doc.data, where), path.stem, name)
        out[record.id] = check_record_type(record, ctx)
    if not out:
        raise CatalogError("record_types/: no record type is defined")
    return out


def read_catalog(path: Path) -> Catalog:
    """Read and check the catalog in ``path`` without caching (for operators' checks)."""
    root = Path(path)
    if not root.is_dir():
        raise CatalogError(f"{root}: not a catalog directory")
    editions, categories = read_categories(read_yaml(root / "categories.yaml", root))
    subject_kinds = read_subject_kinds(read_yaml(root / "subject_kinds.yaml", root))
    purposes = read_purposes(read_yaml(root / "purposes.yaml", root))
    prohibited = read_prohibited(read_yaml(root / "prohibited.yaml", root))
    order, sectors, regimes = read_publicity(read_yaml(root / "publicity.yaml", root))
    lists = read_lists(read_yaml(root / "lists.yaml", root))
    groups, measures = read_measures(read_yaml(root / "measures.yaml", root))
    ctx = Context(
        categories=categories,
        subject_kinds=subject_kinds,
        purposes=purposes,
        prohibited=prohibited,
        lists=lists,
        measures=measures,
        sectors=sectors,
        regimes=regimes,
        tier_order=order,
    )
    check_references(ctx)
    record_types = _record_types(root, ctx)
    return Catalog(
        root=root,
        editions=MappingProxyType(editions),
        categories=MappingProxyType(categories),
        subject_kinds=MappingProxyType(subject_kinds),
        purposes=MappingProxyType(purposes),
        prohibited=prohibited,
        lists=MappingProxyType(lists),
        measure_groups=MappingProxyType(groups),
        measures=MappingProxyType(measures),
        sectors=MappingProxyType(sectors),
        tier_order=order,
        regimes=MappingProxyType(regimes),
        record_types=MappingProxyType(record_types),
    )


@functools.lru_cache(maxsize=8)
def _cached(root: Path) -> Catalog:
    return read_catalog(root)


def load_catalog(path: Path | None = None) -> Catalog:
    """The checked catalog in ``path`` (default: the shipped one), read once and cached.

    Raises :class:`CatalogError` naming the file, the item and the reason when the
    catalog is invalid.
    """
    return _cached((path or DEFAULT_SCHEMA).resolve())
