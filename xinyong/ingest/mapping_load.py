"""Loading a mapping file and checking it against the catalog.

A mistake in a mapping would otherwise show up as thousands of rejected rows,
or worse as values silently landing in the wrong field. So every key is
checked when the mapping is loaded (closed set of keys, catalog fields that
exist, transforms that exist, required fields covered, checks that name date or
amount fields) and an error names the mapping file and the key at fault.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from xinyong.catalog import Catalog, RecordType, load_catalog
from xinyong.ingest.mapping import Mapping, MappingError, Rule, header_key
from xinyong.ingest.mapping_sections import SectionReader
from xinyong.ingest.transforms import TRANSFORMS, default_for

_KEYS = {
    "name", "description", "record_type", "target", "encoding", "sheet", "standard_headers",
    "columns", "transforms", "defaults", "aux", "document_no", "decision_date", "subject",
    "operation", "checks", "delivered_on", "ignore",
}  # fmt: skip
_ENCODINGS = {"auto", "utf-8", "utf-8-sig", "gbk", "gb18030"}
#: What a subject register file can fill, and how each is read.
REGISTRY = {"code": "code", "name": "name", "region": "code"}


def builtin_names() -> list[str]:
    """Names of the mappings shipped with xinyong."""
    folder = resources.files("xinyong.ingest").joinpath("mappings")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".yaml"))


def mapping_path(name_or_path: str | Path) -> Path:
    """The file of a built-in mapping name, or the given path."""
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith((".yaml", ".yml")) or "/" in text:
        return Path(name_or_path)
    folder = resources.files("xinyong.ingest").joinpath("mappings")
    candidate = Path(str(folder.joinpath(f"{text}.yaml")))
    if not candidate.is_file():
        raise MappingError(
            f"no built-in mapping {text!r} (built-in: {', '.join(builtin_names())}); "
            "give a path to a mapping file for your own"
        )
    return candidate


def load_mapping(name_or_path: str | Path, catalog: Catalog | None = None) -> Mapping:
    """Load and check a mapping by built-in name or path; raises :class:`MappingError`."""
    path = mapping_path(name_or_path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from None
    return _Loader(path, data, catalog or load_catalog()).mapping()


class _Loader(SectionReader):
    def __init__(self, path: Path, data: Any, catalog: Catalog) -> None:
        self.path, self.catalog = path, catalog
        if not isinstance(data, dict):
            self.fail("", "a mapping file holds a YAML mapping (key: value lines)")
        self.data: dict[str, Any] = data
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            self.fail(unknown[0], f"unknown key (known keys: {', '.join(sorted(_KEYS))})")

    def mapping(self) -> Mapping:
        name = self.get("name", str) or self.fail("name", "every mapping needs a name")
        encoding = self.get("encoding", str, "auto")
        if encoding.lower() not in _ENCODINGS:
            self.fail("encoding", f"must be one of {', '.join(sorted(_ENCODINGS))}")
        common = {
            "name": name,
            "path": self.path,
            "encoding": encoding.lower(),
            "sheet": self.get("sheet", str),
            "description": self.get("description", str, ""),
            "ignore": frozenset(str(h) for h in self.get("ignore", list, [])),
        }
        if self.get("target", str, "records") == "subjects":
            return Mapping(target="subjects", record_type=None, rules=self.registry(), **common)
        type_id = self.get("record_type", str) or self.fail("record_type", "name a record type")
        if type_id not in self.catalog.record_types:
            self.fail("record_type", f"unknown record type {type_id!r} in the catalog")
        rtype = self.catalog.record_type(type_id)
        rules = self.field_rules(rtype) + self.aux_rules()
        names = {r.name: r for r in rules}
        return self.finish(
            Mapping(target="records", record_type=rtype, rules=tuple(rules), **common), names
        )

    def registry(self) -> tuple[Rule, ...]:
        columns = self.get("columns", dict, {})
        for key in columns:
            if key not in REGISTRY:
                self.fail(f"columns.{key}", f"a register maps only {', '.join(REGISTRY)}")
        for key in ("code", "name"):
            if key not in columns:
                self.fail("columns", f"a register mapping needs a column for {key!r}")
        return tuple(
            Rule(k, _headers(self, f"columns.{k}", v), REGISTRY[k], required=k in ("code", "name"))
            for k, v in columns.items()
        )

    def field_rules(self, rtype: RecordType) -> list[Rule]:
        columns = self.get("columns", dict, {})
        transforms = self.get("transforms", dict, {})
        defaults = self.get("defaults", dict, {})
        known = {f.name for f in rtype.fields}
        for section, table in (
            ("columns", columns),
            ("transforms", transforms),
            ("defaults", defaults),
        ):
            for key in table:
                if key not in known:
                    self.fail(f"{section}.{key}", f"unknown field of record type {rtype.id!r}")
        standard = self.get("standard_headers", bool, False)
        for spec in rtype.fields:
            covered = spec.name in columns or spec.name in defaults
            if (
                spec.required
                and not covered
                and not (standard and (spec.std_name or spec.std_code))
            ):
                self.fail(
                    "columns",
                    f"required field {spec.name!r} ({spec.label.zh}) of record type {rtype.id!r} "
                    f"has no column: add columns.{spec.name} (or defaults.{spec.name})",
                )
        automatic: dict[str, list[str]] = {}
        for spec in rtype.fields:
            aliases = [spec.name, spec.label.zh]
            if standard:
                aliases += [a for a in (spec.std_name, spec.std_code) if a]
            for alias in aliases:
                automatic.setdefault(header_key(alias), []).append(spec.name)
        subject = self.data.get("subject") or {}
        identity = (
            {subject.get("uscc"), subject.get("person_id")} if isinstance(subject, dict) else set()
        )
        rules = []
        for spec in rtype.fields:
            explicit = (
                _headers(self, f"columns.{spec.name}", columns[spec.name])
                if spec.name in columns
                else ()
            )
            aliases = [spec.name, spec.label.zh] + (
                [spec.std_name or "", spec.std_code or ""] if standard else []
            )
            unique = tuple(a for a in aliases if a and set(automatic[header_key(a)]) == {spec.name})
            transform, params = self.transform(f"transforms.{spec.name}", transforms.get(spec.name))
            if transform is None:
                transform = "code" if spec.name in identity else default_for(spec)
            default = defaults.get(spec.name)
            if default is not None and not isinstance(default, str | int | float | bool):
                self.fail(f"defaults.{spec.name}", "a default is a single value")
            rules.append(
                Rule(
                    spec.name,
                    tuple(dict.fromkeys(explicit + unique)),
                    transform,
                    params,
                    spec,
                    default,
                    spec.required,
                )
            )
        return rules

    def transform(self, key: str, raw: Any) -> tuple[str | None, dict[str, Any]]:
        if raw is None:
            return None, {}
        params: dict[str, Any] = {}
        if isinstance(raw, dict):
            params = {k: v for k, v in raw.items() if k != "transform"}
            raw = raw.get("transform")
        if not isinstance(raw, str) or raw not in TRANSFORMS:
            self.fail(key, f"unknown transform {raw!r} (known: {', '.join(sorted(TRANSFORMS))})")
        for param in params:
            if param not in ("values", "split"):
                self.fail(f"{key}.{param}", "unknown transform option (known: values, split)")
        return raw, params

    def aux_rules(self) -> list[Rule]:
        rules = []
        for name, raw in (self.get("aux", dict, {}) or {}).items():
            key = f"aux.{name}"
            if not isinstance(raw, dict) or "column" not in raw:
                self.fail(key, "an auxiliary value needs a column")
            transform, params = self.transform(
                key, {k: v for k, v in raw.items() if k != "column"} or None
            )
            rules.append(
                Rule(
                    str(name),
                    _headers(self, f"{key}.column", raw["column"]),
                    transform or "text",
                    params,
                )
            )
        return rules


def _headers(loader: _Loader, key: str, raw: Any) -> tuple[str, ...]:
    values = raw if isinstance(raw, list) else [raw]
    if not values or not all(isinstance(v, str) and v.strip() for v in values):
        loader.fail(key, "expected a column header or a list of headers")
    return tuple(values)
