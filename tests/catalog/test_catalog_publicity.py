"""Publicity periods: the regime in force on the decision date, tiers, sectors, lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xinyong.catalog import (
    Catalog,
    Duration,
    Period,
    PublicityError,
    UnknownItemError,
    parse_duration,
    read_catalog,
)

Editor = Callable[[str, Callable[[Any], Any]], None]
D = dt.date.fromisoformat
P = parse_duration

# (series, decision date, regime expected): the day before, of and after each start.
BOUNDARIES = [
    ("ndrc", "2019-07-01", "ndrc-2019-527"),
    ("ndrc", "2019-07-02", "ndrc-2019-527"),
    ("ndrc", "2023-04-30", "ndrc-2019-527"),
    ("ndrc", "2023-05-01", "ndrc-2023-order58"),
    ("ndrc", "2023-05-02", "ndrc-2023-order58"),
    ("ndrc", "2026-03-31", "ndrc-2023-order58"),
    ("ndrc", "2026-04-01", "ndrc-2026"),
    ("ndrc", "2026-04-02", "ndrc-2026"),
    ("samr", "2021-08-31", None),
    ("samr", "2021-09-01", "samr-2021"),
    ("samr", "2025-12-24", "samr-2021"),
    ("samr", "2025-12-25", "samr-2025-order107"),
    ("samr", "2025-12-26", "samr-2025-order107"),
]


@pytest.mark.parametrize(("series", "day", "regime"), BOUNDARIES)
def test_penalty_period_uses_the_regime_in_force(
    catalog: Catalog, series: str, day: str, regime: str | None
) -> None:
    if regime is None:
        with pytest.raises(PublicityError, match="no regime of series samr"):
            catalog.publicity_period("administrative_penalty", "general", D(day), series=series)
    else:
        period = catalog.publicity_period(
            "administrative_penalty", "general", D(day), series=series
        )
        assert period.regime == regime


def test_nothing_applies_before_the_first_ndrc_rule(catalog: Catalog) -> None:
    with pytest.raises(PublicityError, match="2019-06-30"):
        catalog.publicity_period("administrative_penalty", "general", D("2019-06-30"))


@pytest.mark.parametrize(
    ("day", "tier", "minimum", "maximum", "published"),
    [
        ("2020-01-01", "general", "P3M", "P1Y", True),
        ("2020-01-01", "serious", "P6M", "P3Y", True),
        (
            "2020-01-01",
            "minor",
            "P3M",
            "P1Y",
            True,
        ),  # 2019 has no minor tier: falls back to general
        ("2024-01-01", "general", "P3M", "P3Y", True),
        ("2024-01-01", "serious", "P3M", "P3Y", True),  # Order No. 58 does not split by severity
        ("2026-04-01", "minor", None, "P3M", False),
        ("2026-04-01", "general", "P3M", "P1Y", True),
        ("2026-04-01", "serious", "P1Y", "P3Y", True),
    ],
)
def test_ndrc_periods_by_tier(
    catalog: Catalog,
    day: str,
    tier: str,
    minimum: str | None,
    maximum: str,
    published: bool,
) -> None:
    period = catalog.publicity_period("administrative_penalty", tier, D(day))
    assert period.min == (P(minimum) if minimum else None)
    assert period.max == P(maximum)
    assert period.published is published


def test_samr_does_not_publish_warnings(catalog: Catalog) -> None:
    for day in ("2022-06-01", "2026-01-10"):
        period = catalog.publicity_period(
            "administrative_penalty", "warning", D(day), series="samr"
        )
        assert not period.published
        assert not period.repairable


def test_several_penalty_types_take_the_longest(catalog: Catalog) -> None:
    period = catalog.publicity_period_for_tiers(
        "administrative_penalty", ["general", "serious", "minor"], D("2026-05-01")
    )
    assert (period.tier, period.max) == ("serious", P("P3Y"))


def test_a_published_period_beats_an_unpublished_one(catalog: Catalog) -> None:
    period = catalog.publicity_period_for_tiers(
        "administrative_penalty", ["warning", "minor"], D("2026-01-10"), series="samr"
    )
    assert (period.tier, period.published, period.max) == ("minor", True, P("P3M"))


def test_record_tiers_feed_the_longest_rule(catalog: Catalog) -> None:
    rt = catalog.record_type("administrative_penalty")
    tiers = rt.severity.tiers_for({"penalty_types": ["fine", "licence_revocation"]})
    assert tiers == ("general", "serious")
    period = catalog.publicity_period_for_tiers(rt.id, tiers, D("2026-06-01"))
    assert period.min == P("P1Y")


def test_sector_minimum_applies_only_where_the_rule_has_one(catalog: Catalog) -> None:
    under_58 = catalog.publicity_period(
        "administrative_penalty", "general", D("2024-03-01"), sector="fire_safety"
    )
    assert under_58.min == P("P1Y")
    under_2026 = catalog.publicity_period(
        "administrative_penalty", "general", D("2026-06-01"), sector="fire_safety"
    )
    assert under_2026.min == P("P3M")


def test_court_terms_depend_on_the_rule_of_the_day(catalog: Catalog) -> None:
    fixed = catalog.publicity_period("court_judgment_defaulter", "fixed_term", D("2018-01-01"))
    assert (fixed.regime, fixed.max) == ("spc-2017-7", P("P2Y"))
    assert fixed.ends(D("2018-01-01")) == D("2019-12-31")
    before = catalog.publicity_period("court_judgment_defaulter", "fixed_term", D("2016-01-01"))
    assert (before.regime, before.max, before.ends(D("2016-01-01"))) == ("spc-2013", None, None)
    until = catalog.publicity_period("court_judgment_defaulter", "until_performed", D("2018-01-01"))
    assert until.max is None


def test_list_entries_take_the_list_term(catalog: Catalog) -> None:
    period = catalog.publicity_period(
        "serious_dishonesty_entry", "samr_serious_violation", D("2024-01-01")
    )
    lst = catalog.list_type("samr_serious_violation")
    assert period == Period(
        regime="list:samr_serious_violation",
        tier="samr_serious_violation",
        min=lst.early_removal_after,
        max=lst.default_duration,
        published=True,
        runs_from="decision",
        note=lst.provenance.note,
    )
    assert period.repairable


def test_multi_series_type_finds_each_tier(catalog: Catalog) -> None:
    kept = catalog.publicity_period("credit_commitment", "in_force", D("2024-01-01"))
    breached = catalog.publicity_period("credit_commitment", "general", D("2024-01-01"))
    assert (kept.regime, breached.regime) == ("in-force", "ndrc-2023-order58")


def test_tax_grades_b_m_c_are_not_published(catalog: Catalog) -> None:
    rt = catalog.record_type("tax_credit_rating")
    for grade, published in [("A", True), ("B", False), ("M", False), ("C", False), ("D", True)]:
        (tier,) = rt.severity.tiers_for({"grade": grade})
        assert catalog.publicity_period(rt.id, tier, D("2024-04-15")).published is published


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"tier": "catastrophic"}, UnknownItemError),
        ({"series": "court"}, UnknownItemError),
        ({"type_id": "nope"}, UnknownItemError),
    ],
)
def test_bad_questions_are_refused(
    catalog: Catalog, kwargs: dict[str, str], error: type[Exception]
) -> None:
    args: dict[str, Any] = {"type_id": "administrative_penalty", "tier": "general", **kwargs}
    series = args.pop("series", None)
    with pytest.raises(error):
        catalog.publicity_period(args["type_id"], args["tier"], D("2024-01-01"), series=series)


def test_a_new_regime_is_data_not_code(schema: Path, edit: Editor) -> None:
    def add_2030(data: Any) -> None:
        data["regimes"].append(
            {
                "id": "ndrc-2030",
                "series": "ndrc",
                "label": {"zh": "假想的2030年规则", "en": "a hypothetical 2030 rule"},
                "effective_from": "2030-01-01",
                "runs_from": "decision",
                "tiers": {"general": {"min": "P1M", "max": 6}},
            }
        )

    edit("publicity.yaml", add_2030)
    catalog = read_catalog(schema)
    assert catalog.regimes["ndrc-2026"].effective_to == D("2029-12-31")
    old = catalog.publicity_period("administrative_penalty", "general", D("2029-12-31"))
    new = catalog.publicity_period("administrative_penalty", "general", D("2030-01-01"))
    assert (old.regime, new.regime, new.max) == ("ndrc-2026", "ndrc-2030", Duration(months=6))
