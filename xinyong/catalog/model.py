"""The catalog's items as frozen dataclasses.

The YAML files under ``xinyong/schema`` are the source of truth; these classes are the
checked, typed form the rest of the platform reads. They are frozen so that the one
cached catalog can be shared by every request without anyone changing it underneath
another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from xinyong.catalog.duration import Duration

Confidence = Literal["primary", "secondary", "unconfirmed"]
Audience = Literal["public", "subject", "agency"]
ListKind = Literal["red", "black", "watch"]
GroupKind = Literal["punishment", "incentive"]
FieldType = Literal["string", "text", "date", "decimal", "integer", "enum", "code", "boolean"]

CONFIDENCES: tuple[Confidence, ...] = ("primary", "secondary", "unconfirmed")
AUDIENCES: tuple[Audience, ...] = ("public", "subject", "agency")
LIST_KINDS: tuple[ListKind, ...] = ("red", "black", "watch")
GROUP_KINDS: tuple[GroupKind, ...] = ("punishment", "incentive")
FIELD_TYPES: tuple[FieldType, ...] = (
    "string",
    "text",
    "date",
    "decimal",
    "integer",
    "enum",
    "code",
    "boolean",
)


@dataclass(frozen=True)
class Label:
    """A name in Chinese and English; both are required so every page can be bilingual."""

    zh: str
    en: str


@dataclass(frozen=True)
class Provenance:
    """How sure a fact is and where to check it (unconfirmed facts must name a source)."""

    confidence: Confidence | None = None
    sources: tuple[str, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class LegalBasis:
    """One provision that authorises an item: instrument, article and where to read it."""

    instrument: str
    article: str
    url: str
    provenance: Provenance = field(default_factory=Provenance)

    def cite(self) -> str:
        """A short citation for messages and explanations, e.g. ``征信业管理条例 Art. 14``."""
        return f"{self.instrument} {self.article}"


@dataclass(frozen=True)
class Edition:
    """One edition of the national basic catalogue and the number of categories it has."""

    id: str
    label: Label
    issued: str
    category_count: int
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class Category:
    """A category of the national catalogue; a record type must name one."""

    id: str
    label: Label
    editions: tuple[str, ...]
    edition_labels: Mapping[str, Label] = field(default_factory=dict)
    provenance: Provenance = field(default_factory=Provenance)

    def label_in(self, edition: str) -> Label:
        """The category's wording in ``edition`` (editions renamed some categories)."""
        return self.edition_labels.get(edition, self.label)


@dataclass(frozen=True)
class SubjectKind:
    """A kind of subject; only organisations may be graded or scored."""

    id: str
    label: Label
    organisation: bool
    uscc: tuple[str, ...]
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class Purpose:
    """A purpose for reading non-public data, from the closed list in purposes.yaml."""

    id: str
    label: Label
    actor: Literal["agency", "subject"]
    description: str
    scoring: bool = False
    aggregated_only: bool = False


@dataclass(frozen=True)
class EnumValue:
    """One permitted value of an enum field; ``group`` carries e.g. the article item."""

    value: str
    label: Label | None = None
    group: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class FieldSpec:
    """A typed field of a record type, with its data-standard code and its audience."""

    name: str
    type: FieldType
    label: Label
    audience: Audience
    required: bool = False
    std_code: str | None = None
    std_name: str | None = None
    unit: str | None = None
    scale: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[EnumValue, ...] = ()
    multiple: bool = False
    refers_to: str | None = None
    scheme: str | None = None
    personal: bool = False
    concept: str | None = None
    provenance: Provenance = field(default_factory=Provenance)

    def value_ids(self) -> tuple[str, ...]:
        """The permitted values of an enum field, in catalog order."""
        return tuple(v.value for v in self.values)


@dataclass(frozen=True)
class ProhibitedConcept:
    """Information no record type may hold, with the words that reveal it."""

    id: str
    label: Label
    aliases: tuple[str, ...]
    keywords_zh: tuple[str, ...]
    keywords_en: tuple[str, ...]
    exceptions_zh: tuple[str, ...]
    exceptions_en: tuple[str, ...]
    basis: tuple[LegalBasis, ...]

    def reason(self) -> str:
        """Why the concept is barred, for the loader's refusal message."""
        cites = "; ".join(b.cite() for b in self.basis)
        return f"{self.label.en} ({self.label.zh}) may not be collected — {cites}"


@dataclass(frozen=True)
class ListType:
    """A red, black or watch list kept by an authority under its own legal basis."""

    id: str
    kind: ListKind
    label: Label
    authority: Label
    legal_basis: tuple[LegalBasis, ...]
    subject_kinds: tuple[str, ...]
    default_duration: Duration | None
    early_removal_after: Duration | None
    response_window_working_days: int | None
    repair_barred: bool
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class MeasureGroup:
    """A group of the basic list of measures (punishment groups, or incentives)."""

    id: str
    kind: GroupKind
    label: Label
    description: str
    provenance: Provenance = field(default_factory=Provenance)


@dataclass(frozen=True)
class Measure:
    """A punishment or incentive measure, the authority applying it and its triggers."""

    id: str
    group: str
    label: Label
    authority: Label
    legal_basis: tuple[LegalBasis, ...]
    applies_to_lists: tuple[str, ...]
    provenance: Provenance = field(default_factory=Provenance)
