"""Who sees which fields, tiers of a record, and look-ups of unknown items."""

from __future__ import annotations

import pytest

from xinyong.catalog import Catalog, UnknownItemError


def _names(
    catalog: Catalog,
    type_id: str,
    audience: str,
    purpose: str | None = None,
    subject_kind: str | None = None,
) -> set[str]:
    return {f.name for f in catalog.fields_visible_to(type_id, audience, purpose, subject_kind)}


def test_public_sees_a_company_penalty_without_identity_numbers(catalog: Catalog) -> None:
    seen = _names(catalog, "administrative_penalty", "public", subject_kind="enterprise")
    assert {"decision_number", "fine_amount", "counterpart_name"} <= seen
    assert not {"counterpart_id_number", "legal_representative_id_number"} & seen


def test_public_sees_nothing_of_a_persons_penalty(catalog: Catalog) -> None:
    assert (
        catalog.fields_visible_to("administrative_penalty", "public", subject_kind="natural_person")
        == ()
    )
    assert catalog.fields_visible_to("administrative_penalty", "public") == ()


def test_subject_sees_its_own_identity_numbers(catalog: Catalog) -> None:
    seen = _names(catalog, "administrative_penalty", "subject")
    assert "counterpart_id_number" in seen
    public = _names(catalog, "administrative_penalty", "public", subject_kind="enterprise")
    assert public < seen


def test_agency_sees_all_fields_only_for_a_granted_purpose(catalog: Catalog) -> None:
    rt = catalog.record_type("administrative_penalty")
    everything = {f.name for f in rt.fields}
    assert _names(catalog, rt.id, "agency", purpose="licensing_review") == everything
    assert _names(catalog, rt.id, "agency", purpose="subject_access") == set()
    assert _names(catalog, rt.id, "agency", purpose="judicial_enforcement") == set()


def test_scoring_purpose_reaches_organisations_but_never_persons(catalog: Catalog) -> None:
    rt = catalog.record_type("administrative_penalty")
    assert catalog.fields_visible_to(rt.id, "agency", "credit_evaluation", "enterprise")
    assert catalog.fields_visible_to(rt.id, "agency", "credit_evaluation", "natural_person") == ()
    assert catalog.fields_visible_to(rt.id, "agency", "credit_evaluation") == ()


def test_qualifications_of_persons_are_not_public(catalog: Catalog) -> None:
    rt = "professional_qualification"
    assert catalog.fields_visible_to(rt, "public", subject_kind="natural_person") == ()
    assert _names(catalog, rt, "subject") >= {"qualification_name", "certificate_number"}


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("administrative_penalty", "everyone"), ValueError),
        (("administrative_penalty", "agency"), ValueError),
        (("administrative_penalty", "agency", "marketing"), UnknownItemError),
        (("no_such_type", "public"), UnknownItemError),
    ],
)
def test_bad_visibility_questions_are_refused(
    catalog: Catalog, args: tuple[str, ...], error: type[Exception]
) -> None:
    with pytest.raises(error):
        catalog.fields_visible_to(*args)


def test_declared_tier_wins_over_the_derived_one(catalog: Catalog) -> None:
    severity = catalog.record_type("administrative_penalty").severity
    assert severity.tiers_for({"penalty_types": ["fine"], "publicity_tier": "minor"}) == ("minor",)
    assert severity.tiers_for({"penalty_types": ["warning"]}) == ("warning",)
    assert severity.tiers_for({}) == ()


def test_court_tier_follows_the_listing_ground(catalog: Catalog) -> None:
    severity = catalog.record_type("court_judgment_defaulter").severity
    assert severity.tiers_for({"listing_ground": "refuses_despite_ability"}) == ("until_performed",)
    assert severity.tiers_for({"listing_ground": "evades_enforcement"}) == ("fixed_term",)


def test_single_tier_types_need_no_input(catalog: Catalog) -> None:
    assert catalog.record_type("administrative_licence").severity.tiers_for({}) == ("in_force",)


def test_unknown_items_name_what_exists(catalog: Catalog) -> None:
    with pytest.raises(UnknownItemError, match="known: abnormal_operation_entry"):
        catalog.record_type("social_score")
    with pytest.raises(UnknownItemError, match="no field 'religion'"):
        catalog.record_type("honour").field("religion")
    with pytest.raises(UnknownItemError):
        catalog.list_type("nope")
    with pytest.raises(UnknownItemError):
        catalog.measure("nope")


def test_objection_deadlines_keep_their_unit(catalog: Catalog) -> None:
    court = catalog.record_type("court_judgment_defaulter").publicity.objection
    abnormal = catalog.record_type("abnormal_operation_entry").publicity.objection
    assert (court.reply_within, court.unit) == (15, "days")
    assert (abnormal.reply_within, abnormal.unit) == (20, "working_days")


def test_catalog_is_cached(catalog: Catalog) -> None:
    from xinyong.catalog import load_catalog

    assert load_catalog() is catalog
