"""A small world of subjects and records for the rules tests, built through the ledger."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xinyong.ids import ric, uscc
from xinyong.ledger import Store, Subject

#: Evaluation date of the tests: the suite's pinned "today".
AS_OF = dt.date(2025, 3, 14)


def days_ago(n: int) -> dt.date:
    """A date ``n`` days before :data:`AS_OF`."""
    return AS_OF - dt.timedelta(days=n)


@dataclass
class World:
    """A store with one source per department and helpers to add records."""

    store: Store
    sources: dict[str, int] = field(default_factory=dict)
    serial: int = 0

    def source(self, name: str) -> int:
        if name not in self.sources:
            code = f"SRC-{len(self.sources) + 1:03d}"
            self.sources[name] = self.store.register_source(code, name, region="110105").id
        return self.sources[name]

    def org(self, kind: str = "enterprise") -> Subject:
        self.serial += 1
        type_char = {"enterprise": "1", "individual_business": "2", "farmers_cooperative": "3"}
        authority = "9" if kind != "social_organisation" else "5"
        code = uscc.issue(authority, type_char.get(kind, "1"), "110105", [self.serial])[0]
        return self.store.register_subject(
            code, kind, f"测试主体{self.serial}有限公司", region="110105"
        )

    def person(self) -> Subject:
        self.serial += 1
        body = f"11010519800101{self.serial % 1000:03d}"
        return self.store.register_person(body + ric.check_value(body), "张三", region="110105")

    def record(
        self, subject: Subject, record_type: str, decided: dt.date, source: str, **values: Any
    ) -> int:
        self.serial += 1
        doc = f"DOC-{self.serial}"
        fields = {"decision_date": decided.isoformat(), **values}
        rec = self.store.assert_record(
            source_id=self.source(source),
            subject_id=subject.id,
            record_type=record_type,
            document_no=doc,
            fields=fields,
            decision_date=decided,
        )
        return rec.id

    def penalty(
        self, subject: Subject, decided: dt.date, types: Sequence[str] = ("fine",), fine: str = "1"
    ) -> int:
        return self.record(
            subject, "administrative_penalty", decided, "市场监督管理局",
            decision_number=f"罚{self.serial}", penalty_types=list(types), fine_amount=fine,
        )  # fmt: skip

    def tax(self, subject: Subject, year: int, grade: str) -> int:
        return self.record(
            subject, "tax_credit_rating", dt.date(year + 1, 1, 10), "税务局",
            rating_year=year, grade=grade, evaluating_authority="税务局",
        )  # fmt: skip

    def defaulter(self, subject: Subject, decided: dt.date) -> int:
        return self.record(
            subject, "court_judgment_defaulter", decided, "人民法院",
            listing_ground="evades_enforcement", performance="not_performed",
            case_number=f"执{self.serial}",
        )  # fmt: skip

    def abnormal(self, subject: Subject, decided: dt.date) -> int:
        return self.record(
            subject, "abnormal_operation_entry", decided, "市场监督管理局",
            listing_reason="annual_report_not_filed",
        )  # fmt: skip


def cli_env(store: Store) -> dict[str, str]:
    """Environment for a CLI invocation on the same store, as of :data:`AS_OF`."""
    s = store.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    env |= {"XINYONG_HOME": str(s.home), "XINYONG_SECRET_KEY": s.secret_key or ""}
    env |= {"XINYONG_DATABASE_URL": s.database_url or "", "XINYONG_TODAY": AS_OF.isoformat()}
    return env
