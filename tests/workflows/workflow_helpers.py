"""Builders for the workflow tests: a small world, proposals as the rules engine writes them."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from xinyong.ids import uscc
from xinyong.ledger import Record, Source, Store, Subject, counters
from xinyong.ledger.tables import evaluation_runs, proposals
from xinyong.workflows import Context, DueProcess, FileTransport, Notice
from xinyong.workflows.transports import Outgoing

RULES_ACTOR = "rules:engine"
OFFICER = "officer:wang"
REVIEWER = "reviewer:li"
DEPARTMENT = "dept:samr"
SUBJECT_ACTOR = "subject:company"


@dataclass
class Reevaluations:
    """A fake ``evaluate_subject`` that records which subjects it was asked about."""

    calls: list[int] = field(default_factory=list)

    def __call__(self, subject_id: int, /) -> object:
        self.calls.append(subject_id)
        return None


@dataclass
class World:
    """A store with one department, two companies and the due-process service."""

    store: Store
    dp: DueProcess
    source: Source
    company: Subject
    other: Subject
    reevaluations: Reevaluations
    outbox_dir: Path
    _serial: int = 0

    def penalty(
        self,
        decided: dt.date,
        *,
        tier: str = "general",
        subject: Subject | None = None,
        doc: str | None = None,
    ) -> Record:
        """Assert an administrative penalty of ``tier`` decided on ``decided``."""
        self._serial += 1
        return self.store.assert_record(
            source_id=self.source.id,
            subject_id=(subject or self.company).id,
            record_type="administrative_penalty",
            document_no=doc or f"京市监罚〔{decided.year}〕{self._serial}号",
            fields={"publicity_tier": tier, "penalty_types": ["fine"], "fine_amount": "1"},
            decision_date=decided,
        )

    def proposal(
        self,
        record_ids: list[int],
        *,
        target: str = "samr_serious_violation",
        kind: str = "list_entry",
        ends_on: dt.date | None = None,
        subject: Subject | None = None,
    ) -> int:
        """A proposal row as the rules engine writes it (with its run); returns its id."""
        today = self.store.clock.today()
        now = self.store.clock.now()
        with self.store.engine.begin() as conn:
            # Ids from the counters the rules engine uses, so its own runs never collide.
            run_id = counters.reserve(conn, "ledger.evaluation_runs", 1)[0]
            proposal_id = counters.reserve(conn, "ledger.proposals", 1)[0]
            conn.execute(
                evaluation_runs.insert().values(
                    id=run_id, policy_id="samr-listing", policy_version="1", policy_sha256="0" * 64,
                    as_of=today, engine="duckdb", scope="subject", ledger_seq=0,
                    actor=RULES_ACTOR, started_at=now, finished_at=now, counts="{}",
                    digest="0" * 64,
                )
            )  # fmt: skip
            # The shape xinyong.rules writes (see xinyong/rules/explain.py).
            explanation = {
                "kind": kind,
                "target": target,
                "rule": {
                    "id": "serious-violation",
                    "version": "1",
                    "legal_basis": [
                        {"instrument": "市场监督管理严重违法失信名单管理办法", "article": "Art. 2"}
                    ],
                },
                "evidence": [{"record_id": rid} for rid in record_ids],
            }
            conn.execute(
                proposals.insert().values(
                    id=proposal_id, run_id=run_id, subject_id=(subject or self.company).id,
                    policy_id="samr-listing", policy_version="1", rule_id="serious-violation",
                    kind=kind, target=target, as_of=today, starts_on=today, ends_on=ends_on,
                    fingerprint=f"{proposal_id:064d}", status="proposed",
                    explanation=json.dumps(explanation, ensure_ascii=False, sort_keys=True),
                )
            )  # fmt: skip
        return proposal_id

    def proposal_status(self, proposal_id: int) -> str:
        with self.store.engine.connect() as conn:
            return str(
                conn.execute(
                    sa.select(proposals.c.status).where(proposals.c.id == proposal_id)
                ).scalar_one()
            )

    def deliver(self) -> list[int]:
        """Deliver every due notice through the file transport; returns the delivered ids."""
        return self.dp.deliver(FileTransport(self.outbox_dir)).delivered

    def notice(self, key: str) -> Notice:
        (found,) = [n for n in self.dp.notices() if n.idempotency_key == key]
        return found


def make_world(store: Store, tmp_path: Path) -> World:
    """One department, two registered companies, a due-process service with a fake rules engine."""
    first, second = uscc.issue("9", "1", "110105", range(2))
    source = store.register_source("SAMR-110000", "北京市市场监督管理局", region="110000")
    company = store.register_subject(first, "enterprise", "北京某某科技有限公司")
    other = store.register_subject(second, "enterprise", "北京另一家有限公司")
    reevaluations = Reevaluations()
    dp = DueProcess(Context.for_store(store, reevaluations))
    return World(store, dp, source, company, other, reevaluations, tmp_path / "outbox")


class FlakyTransport:
    """Fails the first ``failures`` sends, then delivers (recording every call)."""

    name = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[str] = []
        self.calls = 0

    def send(self, message: Outgoing) -> str:
        from xinyong.workflows.transports import DeliveryError

        self.calls += 1
        if self.calls <= self.failures:
            raise DeliveryError(f"connection refused (call {self.calls})")
        self.sent.append(message.key)
        return f"ok {self.calls}"


def case_events(store: Store, case_id: int) -> list[dict[str, Any]]:
    """The chained events of one case."""
    return DueProcess.for_store(store).history(case_id)
