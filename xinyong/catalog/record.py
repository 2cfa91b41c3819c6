"""Record types: what a credit record of one kind holds and who may see it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from xinyong.catalog.errors import UnknownItemError
from xinyong.catalog.model import FieldSpec, Label, LegalBasis, Provenance


@dataclass(frozen=True)
class SeverityRule:
    """How a record's publicity tier is found.

    ``declared_field`` holds a tier declared by the data provider; when it is empty the tier is
    derived from ``derive_field`` through ``mapping`` (for example the penalty types of
    Administrative Penalty Law Art. 9). A type with a single tier needs neither.
    """

    tiers: tuple[str, ...]
    declared_field: str | None = None
    derive_field: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)

    def tiers_for(self, record: Mapping[str, object]) -> tuple[str, ...]:
        """The tiers a record falls in; several when one decision has several penalty types."""
        declared = record.get(self.declared_field) if self.declared_field else None
        if isinstance(declared, str) and declared:
            return (declared,)
        raw = record.get(self.derive_field) if self.derive_field else None
        values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list | tuple) else []
        tiers = [self.mapping[v] for v in values if isinstance(v, str) and v in self.mapping]
        if tiers:
            return tuple(dict.fromkeys(tiers))
        return self.tiers if len(self.tiers) == 1 else ()


@dataclass(frozen=True)
class PurposeGrant:
    """A purpose an agency may read the type for, optionally only for some subject kinds."""

    purpose: str
    subject_kinds: frozenset[str] | None = None

    def covers(self, subject_kind: str | None) -> bool:
        """Whether the grant reaches a subject of ``subject_kind`` (None: every kind)."""
        if self.subject_kinds is None:
            return True
        return subject_kind is not None and subject_kind in self.subject_kinds


@dataclass(frozen=True)
class Disclosure:
    """Who may see records of a type: the public, the subject, agencies by purpose."""

    public: bool
    subject: bool
    grants: tuple[PurposeGrant, ...]
    public_subject_kinds: frozenset[str] | None = None
    note: str | None = None

    def is_public(self, subject_kind: str | None = None) -> bool:
        """Whether a record about a subject of ``subject_kind`` may be published.

        When publication is limited to some kinds and no kind is given, the answer is
        no: publishing is the step that cannot be undone, so doubt means private.
        """
        if not self.public:
            return False
        if self.public_subject_kinds is None:
            return True
        return subject_kind is not None and subject_kind in self.public_subject_kinds

    def grants_purpose(self, purpose: str, subject_kind: str | None = None) -> bool:
        """Whether an agency acting for ``purpose`` may read a record about ``subject_kind``."""
        return any(g.purpose == purpose and g.covers(subject_kind) for g in self.grants)


@dataclass(frozen=True)
class ObjectionRule:
    """The time to reply to an objection, with its unit kept explicit."""

    reply_within: int
    unit: Literal["days", "working_days"]
    note: str | None = None


@dataclass(frozen=True)
class PublicityRule:
    """Which regime series set a type's publicity periods, or the list that does."""

    series: tuple[str, ...]
    objection: ObjectionRule
    list_field: str | None = None
    sector_field: str | None = None


@dataclass(frozen=True)
class RecordType:
    """A kind of credit record: category, legal basis, fields, disclosure and publicity."""

    id: str
    label: Label
    description: str
    category: str
    editions: tuple[str, ...]
    legal_basis: tuple[LegalBasis, ...]
    subject_kinds: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    natural_key: tuple[str, ...]
    severity: SeverityRule
    disclosure: Disclosure
    publicity: PublicityRule
    source_file: str
    list_type: str | None = None
    grade: bool = False

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``; raises :class:`UnknownItemError` if there is none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise UnknownItemError(f"record type {self.id!r} has no field {name!r}")

    def has_field(self, name: str) -> bool:
        """Whether the type has a field called ``name``."""
        return any(spec.name == name for spec in self.fields)
