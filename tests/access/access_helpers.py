"""A small populated store for the access and web tests: one department, two companies, a person."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from suite_support import TODAY, ManualClock

from xinyong.access import Access, Actor, Audience
from xinyong.catalog import load_catalog
from xinyong.ids import ric, uscc
from xinyong.ledger import Record, Source, Store, Subject
from xinyong.ledger.tables import evaluation_runs, proposals
from xinyong.workflows import FileTransport

OPERATOR = Actor(Audience.OPERATOR, "account:operator", account_id=0)
AUDITOR = Actor(Audience.AUDITOR, "account:auditor", account_id=0)
PASSWORD = "correct horse battery staple"
RECENT = TODAY - dt.timedelta(days=30)
LONG_AGO = dt.date(2015, 1, 5)


@dataclass(frozen=True)
class World:
    """What :func:`populate` registered."""

    access: Access
    source: Source
    company: Subject
    other: Subject
    person: Subject
    penalty: Record
    expired: Record
    private: Record
    withdrawn: Record


def penalty_fields(company: Subject, number: str) -> dict[str, object]:
    return {
        "counterpart_name": company.name,
        "uscc": company.code,
        "decision_number": number,
        "violation_type": "虚假宣传",
        "penalty_types": ["fine"],
        "legal_representative_id_type": "居民身份证",
    }


def populate(store: Store) -> World:
    """Register the world and return it with an :class:`Access` over the store."""
    first, second = uscc.issue("9", "1", "110108", range(2))
    source = store.register_source("SAMR-110108", "北京市海淀区市场监督管理局", region="110108")
    company = store.register_subject(
        first, "enterprise", "北京拓康商业管理有限公司", region="110108"
    )
    other = store.register_subject(second, "enterprise", "北京宁汇服装有限公司")
    body = "11010819800101123"
    person = store.register_person(body + ric.check_value(body), "张三")

    def penalty(subject: Subject, number: str, decided: dt.date) -> Record:
        return store.assert_record(
            source_id=source.id, subject_id=subject.id, record_type="administrative_penalty",
            document_no=number, fields=penalty_fields(subject, number), decision_date=decided,
        )  # fmt: skip

    live = penalty(company, "海市监罚〔2025〕1号", RECENT)
    expired = penalty(company, "海市监罚〔2015〕9号", LONG_AGO)
    withdrawn = penalty(company, "海市监罚〔2025〕2号", RECENT)
    store.withdraw_record(withdrawn.id, reason="决定撤销")
    penalty(other, "海市监罚〔2025〕3号", RECENT)
    private = store.assert_record(
        source_id=source.id, subject_id=person.id, record_type="professional_qualification",
        document_no="ZG-1", fields={"holder_name": person.name}, decision_date=RECENT,
    )  # fmt: skip
    access = Access(store, load_catalog())
    return World(access, source, company, other, person, live, expired, private, withdrawn)


def subject_actor(world: World, subject: Subject, username: str = "tuokang") -> Actor:
    """Activate an account for ``subject`` and return the actor its session stands for."""
    code = world.access.issue_activation(OPERATOR, subject.id)
    world.access.activate(code, username, PASSWORD)
    _, token = world.access.sign_in(username, PASSWORD)
    return world.access.actor_for_session(token)


def agency_actor(world: World, purposes: tuple[str, ...] = ("licensing_review",)) -> Actor:
    """An agency actor from a freshly issued API key."""
    _, token = world.access.issue_api_key(OPERATOR, "SAMR-110108", purposes)
    return world.access.actor_for_api_key(token)


def list_in_force(world: World, clock: ManualClock, outbox: Path, *, grade: bool = False) -> int:
    """Take the company's live penalty through a listing case to ``in_force``; the case id.

    The proposal has the shape the rules engine writes (a list entry, or with
    ``grade`` a downgrade to B); the case goes the whole way: opened by an officer,
    noticed, the window waited out, decided by another person.
    """
    store = world.access.store
    now = store.clock.now()
    record = world.penalty
    evidence = [{"record_id": record.id, "record_type": record.record_type,
                 "document_no": record.document_no, "decision_date": str(RECENT)}]  # fmt: skip
    explanation: dict[str, object] = {
        "kind": "list_entry",
        "target": "samr_serious_violation",
        "policy": {"id": "samr-listing", "version": "1"},
        "rule": {
            "id": "serious-violation", "version": "1",
            "label": {"zh": "严重违法失信", "en": "serious violation"},
            "legal_basis": [{"instrument": "市场监督管理严重违法失信名单管理办法",
                             "article": "Art. 2"}],
        },
        "evidence": evidence,
        "measures": [{"id": "legal_representative_ban"}],
    }  # fmt: skip
    kind, target = "list_entry", "samr_serious_violation"
    if grade:
        kind, target = "grade", "B"
        explanation = {
            "kind": "grade", "target": "B", "policy": {"id": "grading", "version": "2"},
            "grade": {"from": "A", "to": "B", "label": {"zh": "B级", "en": "grade B"}},
            "rules": [{
                "id": "penalty-downgrade", "version": "2", "decisive": True,
                "label": {"zh": "受到行政处罚", "en": "administrative penalty"},
                "legal_basis": [{"instrument": "某信用评价办法", "article": "第十条"}],
                "evidence": evidence,
            }],
        }  # fmt: skip
    with store.engine.begin() as conn:
        conn.execute(
            evaluation_runs.insert().values(
                id=1, policy_id="samr-listing", policy_version="1", policy_sha256="0" * 64,
                as_of=store.clock.today(), engine="duckdb", scope="subject", ledger_seq=0,
                actor="rules:engine", started_at=now, finished_at=now, counts="{}",
                digest="0" * 64,
            )
        )  # fmt: skip
        conn.execute(
            proposals.insert().values(
                id=1, run_id=1, subject_id=world.company.id, policy_id="samr-listing",
                policy_version="1", rule_id="serious-violation", kind=kind,
                target=target, as_of=store.clock.today(),
                starts_on=store.clock.today(), ends_on=None, fingerprint="1" * 64,
                status="proposed", explanation=json.dumps(explanation, ensure_ascii=False),
            )
        )  # fmt: skip
    dp = world.access.due_process
    case = dp.open_listing(1, actor="officer:wang", reason="serious violation")
    dp.deliver(FileTransport(outbox))
    clock.travel(clock.today() + dt.timedelta(days=30))
    dp.decide(case.id, actor="reviewer:li", approve=True, reason="criteria met")
    return case.id
