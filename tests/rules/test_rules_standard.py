# ruff: noqa: E501 - the case tables read best one case per line
"""Each standard rule, table-driven: cases that must fire and cases that must not.

Every case builds its records through the ledger (SQLite and PostgreSQL), evaluates
the standard policies on DuckDB as of the suite's date, and checks the outcome and
its explanation: rule, version, legal basis and the records behind it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from rules_helpers import AS_OF, World, days_ago

from xinyong.ledger import Store, Subject
from xinyong.rules import Proposal, evaluate, load_policies
from xinyong.rules.service import RunResult

Build = Callable[[World, Subject], list[int]]


def run(store: Store, policy: str, **kw: object) -> RunResult:
    chosen = [p for p in load_policies() if p.id == policy]
    return evaluate(store, as_of=AS_OF, policies=chosen, persist=False, **kw)[0]  # type: ignore[arg-type]


@dataclass(frozen=True)
class Case:
    name: str
    build: Build
    grade: str | None  # None: the default grade, no proposal
    rule: str | None = None
    kind: str = "enterprise"


GRADE_CASES = [
    Case("no records", lambda w, s: [], None),
    Case("serious penalty a year ago", lambda w, s: [w.penalty(s, days_ago(365), ["licence_revocation"])], "D", "serious_penalty"),
    Case("serious penalty four years ago", lambda w, s: [w.penalty(s, days_ago(4 * 365 + 30), ["licence_revocation"])], None),
    Case("judgment defaulter", lambda w, s: [w.defaulter(s, days_ago(100))], "D", "judgment_defaulter"),
    Case("tax D for the last completed year", lambda w, s: [w.tax(s, 2024, "D")], "D", "tax_d_grade"),
    Case("tax D two years back", lambda w, s: [w.tax(s, 2023, "D")], None),
    Case("two general penalties in two years", lambda w, s: [w.penalty(s, days_ago(100)), w.penalty(s, days_ago(500))], "C", "repeated_penalties"),
    Case("one general penalty", lambda w, s: [w.penalty(s, days_ago(100))], None),
    Case("two general penalties, one three years ago", lambda w, s: [w.penalty(s, days_ago(100)), w.penalty(s, days_ago(3 * 365))], None),
    Case("fines of 600,000 yuan", lambda w, s: [w.penalty(s, days_ago(200), fine="60")], "C", "heavy_fines"),
    Case("fines of 400,000 yuan", lambda w, s: [w.penalty(s, days_ago(200), fine="40")], None),
    Case("warnings are not published", lambda w, s: [w.penalty(s, days_ago(10), ["warning"]), w.penalty(s, days_ago(20), ["warning"])], None),
    Case("abnormal operations list", lambda w, s: [w.abnormal(s, days_ago(30))], "C", "abnormal_operation"),
    Case("tax A two years, no penalties", lambda w, s: [w.tax(s, 2023, "A"), w.tax(s, 2024, "A")], "A", "tax_a_and_clean"),
    Case("tax A two years but a penalty", lambda w, s: [w.tax(s, 2023, "A"), w.tax(s, 2024, "A"), w.penalty(s, days_ago(50))], None),
    Case("tax A one year only", lambda w, s: [w.tax(s, 2024, "A")], None),
    Case("worst grade wins", lambda w, s: [w.abnormal(s, days_ago(30)), w.defaulter(s, days_ago(10))], "D", "judgment_defaulter"),
    Case("natural person is never graded", lambda w, s: [w.penalty(s, days_ago(30), ["licence_revocation"])], None, kind="natural_person"),
]  # fmt: skip


def _subject(world: World, kind: str) -> Subject:
    return world.person() if kind == "natural_person" else world.org(kind)


def _grades(result: RunResult, subject: Subject) -> list[Proposal]:
    return [p for p in result.proposals if p.subject_id == subject.id and p.kind == "grade"]


@pytest.mark.parametrize("case", GRADE_CASES, ids=lambda c: c.name)
def test_enterprise_credit_risk(store: Store, case: Case) -> None:
    world = World(store)
    subject = _subject(world, case.kind)
    ids = case.build(world, subject)
    found = _grades(run(store, "enterprise_credit_risk"), subject)
    if case.grade is None:
        assert found == []
        return
    (proposal,) = found
    assert proposal.target == case.grade
    body = proposal.body
    decisive = [r for r in body["rules"] if r["decisive"]]
    assert case.rule in [r["id"] for r in decisive]
    for rule in decisive:
        assert rule["version"]
        assert rule["legal_basis"], "every rule cites its basis"
        assert rule["legal_basis"][0]["instrument"]
        assert rule["legal_basis"][0]["article"]
    used = {e["record_id"] for r in decisive for e in r["evidence"]}
    assert used
    assert used <= set(ids)
    assert body["grade"]["from"] == "B"
    assert body["policy"] == {
        "id": "enterprise_credit_risk",
        "version": "2025.1",
        "sha256": body["policy"]["sha256"],
    }


@dataclass(frozen=True)
class ListCase:
    name: str
    policy: str
    build: Build
    listed: str | None
    measures: int = 0
    kind: str = "enterprise"


LIST_CASES = [
    ListCase("serious penalty this year", "samr_serious_violation_criteria", lambda w, s: [w.penalty(s, days_ago(60), ["suspension_of_business"])], "samr_serious_violation", 3),
    ListCase("serious penalty two years ago", "samr_serious_violation_criteria", lambda w, s: [w.penalty(s, days_ago(730), ["suspension_of_business"])], None),
    ListCase("general penalty", "samr_serious_violation_criteria", lambda w, s: [w.penalty(s, days_ago(60))], None),
    ListCase("tax A three years", "tax_a_red_list", lambda w, s: [w.tax(s, y, "A") for y in (2022, 2023, 2024)], "tax_a_grade", 2),
    ListCase("tax A with a gap", "tax_a_red_list", lambda w, s: [w.tax(s, y, "A") for y in (2021, 2023, 2024)], None),
    ListCase("tax A three years but a defaulter", "tax_a_red_list", lambda w, s: [*(w.tax(s, y, "A") for y in (2022, 2023, 2024)), w.defaulter(s, days_ago(5))], None),
    ListCase("court entry, enterprise", "court_defaulter_joint_measures", lambda w, s: [w.defaulter(s, days_ago(20))], "court_judgment_defaulters", 3),
    ListCase("court entry, natural person", "court_defaulter_joint_measures", lambda w, s: [w.defaulter(s, days_ago(20))], "court_judgment_defaulters", 3, "natural_person"),
    ListCase("no court entry", "court_defaulter_joint_measures", lambda w, s: [w.penalty(s, days_ago(20))], None),
]  # fmt: skip


@pytest.mark.parametrize("case", LIST_CASES, ids=lambda c: c.name)
def test_list_policies(store: Store, case: ListCase) -> None:
    world = World(store)
    subject = _subject(world, case.kind)
    ids = case.build(world, subject)
    result = run(store, case.policy)
    mine = [p for p in result.proposals if p.subject_id == subject.id]
    entries = [p for p in mine if p.kind == "list_entry"]
    if case.listed is None:
        assert mine == []
        return
    (entry,) = entries
    assert entry.target == case.listed
    assert entry.body["list"]["legal_basis"]
    assert {e["record_id"] for e in entry.body["evidence"]} <= set(ids)
    assert [p.kind for p in mine] == ["list_entry"]
    measures = entry.body["measures"]
    assert len(measures) == case.measures
    for m in measures:
        assert m["legal_basis"]
        assert m["authority"]["zh"]
    assert entry.ends_on is not None
    assert entry.ends_on > AS_OF


def test_a_disputed_record_never_fires_and_never_changes_a_grade(store: Store) -> None:
    world = World(store)
    subject = world.org()
    record = world.penalty(subject, days_ago(30), ["licence_revocation"])
    world.penalty(subject, days_ago(60))
    assert _grades(run(store, "enterprise_credit_risk"), subject)[0].target == "D"
    store.mark_disputed(record, reason="objection filed")
    after = run(store, "enterprise_credit_risk")
    assert _grades(after, subject) == [], "the other penalty alone leaves the default grade"
    assert not any(
        p.subject_id == subject.id for p in run(store, "samr_serious_violation_criteria").proposals
    )
    for p in after.proposals:
        assert record not in json.dumps(p.body)


def test_withdrawn_and_repaired_records_are_not_used(store: Store) -> None:
    world = World(store)
    a, b = world.org(), world.org()
    ra = world.penalty(a, days_ago(30), ["licence_revocation"])
    rb = world.penalty(b, days_ago(30), ["closure"])
    store.withdraw_record(ra, reason="decision revoked")
    store.mark_repaired(rb, reason="credit repair approved")
    assert run(store, "enterprise_credit_risk").proposals == []


def test_natural_persons_never_receive_a_grade(store: Store) -> None:
    world = World(store)
    people = [world.person() for _ in range(3)]
    for person in people:
        world.penalty(person, days_ago(10), ["licence_revocation"])
        world.defaulter(person, days_ago(10))
    for policy in load_policies():
        result = evaluate(store, as_of=AS_OF, policies=[policy], persist=False)[0]
        for p in result.proposals:
            if p.subject_id in {x.id for x in people}:
                assert p.kind != "grade"
                assert policy.scale is None


def test_explanation_says_when_the_rule_stops_firing(store: Store) -> None:
    world = World(store)
    subject = world.org()
    world.penalty(subject, days_ago(100))
    world.penalty(subject, days_ago(500))
    (p,) = _grades(run(store, "enterprise_credit_risk"), subject)
    (rule,) = p.body["rules"]
    # The older of the two penalties leaves the two-year window first.
    left = days_ago(500)
    assert rule["stops_firing_on"] == left.replace(year=left.year + 2).isoformat()
    assert p.body["what_would_change"]["grade_without_these_rules"] == "B"
