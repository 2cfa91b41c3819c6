"""The national public credit information catalog, as data.

Record types, subject kinds, lists, measures, purposes, prohibited concepts and dated
publicity regimes live in YAML under ``xinyong/schema``; this package loads them,
refuses anything outside the closed catalog, and answers questions about them.

>>> catalog = load_catalog()
>>> catalog.record_type("administrative_penalty").field("fine_amount").unit
'10k_yuan'
"""

from xinyong.catalog.catalog import Catalog
from xinyong.catalog.duration import Duration, parse_duration
from xinyong.catalog.errors import CatalogError, PublicityError, UnknownItemError
from xinyong.catalog.loader import DEFAULT_SCHEMA, load_catalog, read_catalog
from xinyong.catalog.model import (
    Category,
    Edition,
    EnumValue,
    FieldSpec,
    Label,
    LegalBasis,
    ListType,
    Measure,
    MeasureGroup,
    ProhibitedConcept,
    Provenance,
    Purpose,
    SubjectKind,
)
from xinyong.catalog.publicity import Period, PublicityRegime, Sector, Tier
from xinyong.catalog.record import (
    Disclosure,
    ObjectionRule,
    PublicityRule,
    PurposeGrant,
    RecordType,
    SeverityRule,
)

__all__ = [
    "DEFAULT_SCHEMA",
    "Catalog",
    "CatalogError",
    "Category",
    "Disclosure",
    "Duration",
    "Edition",
    "EnumValue",
    "FieldSpec",
    "Label",
    "LegalBasis",
    "ListType",
    "Measure",
    "MeasureGroup",
    "ObjectionRule",
    "Period",
    "ProhibitedConcept",
    "Provenance",
    "PublicityError",
    "PublicityRegime",
    "PublicityRule",
    "Purpose",
    "PurposeGrant",
    "RecordType",
    "Sector",
    "SeverityRule",
    "SubjectKind",
    "Tier",
    "UnknownItemError",
    "load_catalog",
    "parse_duration",
    "read_catalog",
]
