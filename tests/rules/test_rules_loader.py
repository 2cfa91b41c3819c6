"""The policy loader refuses what a published rule must not be, naming file, rule and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from xinyong.rules import PolicyError, load_policies, read_policy
from xinyong.rules.loader import STANDARD_DIR


def test_standard_policies_load_and_cite_every_rule() -> None:
    policies = load_policies()
    assert {p.id for p in policies} == {
        "enterprise_credit_risk",
        "samr_serious_violation_criteria",
        "tax_a_red_list",
        "court_defaulter_joint_measures",
    }
    for policy in policies:
        assert policy.legal_basis
        for rule in policy.rules:
            assert rule.legal_basis
            assert all(b.article for b in rule.legal_basis)


def _base() -> dict[str, object]:
    return yaml.safe_load((STANDARD_DIR / "enterprise_credit_risk.yaml").read_text("utf-8"))


def _rule(data: dict[str, object]) -> dict[str, object]:
    rules = data["rules"]
    assert isinstance(rules, list)
    first = rules[0]
    assert isinstance(first, dict)
    return first


def _drop_policy_basis(d: dict[str, object]) -> None:
    del d["legal_basis"]


def _drop_rule_basis(d: dict[str, object]) -> None:
    del _rule(d)["legal_basis"]


def _drop_article(d: dict[str, object]) -> None:
    _rule(d)["legal_basis"] = [{"instrument": "某规定", "url": "https://example.org/"}]


def _grade_persons(d: dict[str, object]) -> None:
    d["subject_kinds"] = ["enterprise", "natural_person"]


def _unknown_type(d: dict[str, object]) -> None:
    _rule(d)["when"] = {"count": {"record_type": "online_speech", "at_least": 1}}


def _unknown_field(d: dict[str, object]) -> None:
    _rule(d)["when"] = {
        "count": {
            "record_type": "administrative_penalty",
            "where": {"religion": "x"},
            "at_least": 1,
        }
    }


def _bad_enum(d: dict[str, object]) -> None:
    _rule(d)["when"] = {
        "count": {"record_type": "tax_credit_rating", "where": {"grade": "Z"}, "at_least": 1}
    }


def _bad_tier(d: dict[str, object]) -> None:
    _rule(d)["when"] = {
        "count": {
            "record_type": "administrative_penalty",
            "where": {"tier": "awful"},
            "at_least": 1,
        }
    }


def _multi_valued(d: dict[str, object]) -> None:
    _rule(d)["when"] = {
        "count": {
            "record_type": "administrative_penalty",
            "where": {"penalty_types": "fine"},
            "at_least": 1,
        }
    }


def _typo(d: dict[str, object]) -> None:
    _rule(d)["legal_bassis"] = []


def _bad_grade(d: dict[str, object]) -> None:
    _rule(d)["grade"] = "E"


def _history_for_burden(d: dict[str, object]) -> None:
    _rule(d)["when"] = {
        "count": {"record_type": "administrative_penalty", "history": True, "at_least": 1}
    }


def _no_bounds(d: dict[str, object]) -> None:
    _rule(d)["when"] = {"count": {"record_type": "administrative_penalty"}}


CASES = [
    (_drop_policy_basis, "has no legal_basis"),
    (_drop_rule_basis, "(serious_penalty): has no legal_basis"),
    (_drop_article, "'article' is required"),
    (_grade_persons, "grades are for organisations only"),
    (_unknown_type, "unknown record type 'online_speech'"),
    (_unknown_field, "has no field 'religion'"),
    (_bad_enum, "'Z' is not a value of field 'grade'"),
    (_bad_tier, "'awful' is not a tier"),
    (_multi_valued, "holds several values"),
    (_typo, "unknown key(s): legal_bassis"),
    (_bad_grade, "grade 'E' is not on the scale"),
    (_history_for_burden, "may only count towards a red list or a better grade"),
    (_no_bounds, "needs 'at_least' or 'at_most'"),
]


@pytest.mark.parametrize(("change", "message"), CASES, ids=[c[0].__name__ for c in CASES])
def test_refused(tmp_path: Path, change: object, message: str) -> None:
    data = _base()
    assert callable(change)
    change(data)
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        read_policy(path)
    assert message in str(info.value)
    assert "policy.yaml" in str(info.value)


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(_base(), allow_unicode=True), encoding="utf-8")
    assert read_policy(path).id == "enterprise_credit_risk"
