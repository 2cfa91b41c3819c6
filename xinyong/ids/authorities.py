"""USCC registration authorities (position 1) and entity types (position 2).

GB 32100-2015 gives each registration authority a one-character code and, under
it, a closed list of entity types. The pair is data, not code: it lives in
``data/uscc-authorities.tsv`` with its provenance, and is read once.

>>> entity_type("9", "2").zh, entity_type("9", "2").authority.en
('个体工商户', 'industry and commerce (market regulation)')
>>> entity_type("N", "1").zh
'组级集体经济组织'
>>> entity_type("9", "9") is None, authority("0") is None
(True, True)
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

__all__ = ["Authority", "EntityType", "authorities", "authority", "entity_type"]


@dataclass(frozen=True)
class Authority:
    """A registration authority (登记管理部门) with its labels."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class EntityType:
    """An entity type (机构类别); its code only has meaning under its authority."""

    authority: Authority
    code: str
    zh: str
    en: str


@functools.cache
def authorities() -> Mapping[str, Mapping[str, EntityType]]:
    """Authority code -> entity-type code -> EntityType, read once from the data file."""
    raw = resources.files("xinyong.ids").joinpath("data/uscc-authorities.tsv").read_text("utf-8")
    table: dict[str, dict[str, EntityType]] = {}
    known: dict[str, Authority] = {}
    for row in csv.reader(io.StringIO(raw), delimiter="\t"):
        if not row or row[0].startswith("#") or row[0] == "authority":
            continue
        auth_code, auth_zh, auth_en, type_code, type_zh, type_en = row
        auth = known.setdefault(auth_code, Authority(auth_code, auth_zh, auth_en))
        if (auth.zh, auth.en) != (auth_zh, auth_en):
            raise ValueError(f"authority {auth_code!r} has two different labels")
        table.setdefault(auth_code, {})[type_code] = EntityType(auth, type_code, type_zh, type_en)
    return table


def authority(code: str) -> Authority | None:
    """The registration authority for a position-1 character, or None."""
    types = authorities().get(code)
    return next(iter(types.values())).authority if types else None


def entity_type(authority_code: str, type_code: str) -> EntityType | None:
    """The entity type for a (position 1, position 2) pair, or None if the pair does not exist."""
    return authorities().get(authority_code, {}).get(type_code)
