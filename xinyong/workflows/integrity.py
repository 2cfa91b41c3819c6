"""The reasons of a decision are tamper-evident: a case chains the hash of what it adopts.

The rules engine writes each proposal's explanation (the rule, its legal basis,
the records used) to ``proposals``, outside the hash chain: a run makes
millions of proposals and most are never acted on. An explanation starts to
matter when a person adopts it, because it is then the reason the portal and
the notice give for a listing. So a listing case's ``opened`` event, which is
chained, carries the SHA-256 of the explanation's stored text, and
``xinyong verify`` recomputes it for every case that adopted a proposal: an
explanation edited or deleted afterwards is reported like any other tampering,
at the event that chained its hash. Cases opened before the hash was chained
carry none and are not checked.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.ledger.model import VerifyReport
from xinyong.ledger.tables import events, proposals
from xinyong.workflows.events import CaseEvent, WorkflowEntity

#: The key of the explanation's hash in a case's ``data`` (and its ``opened`` event).
KEY = "explanation_sha256"

#: Proposals read per query while verifying.
_BATCH = 1000


def explanation_sha256(text: str) -> str:
    """The hash a case chains for the explanation text it adopts."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_explanations(conn: Connection, report: VerifyReport) -> VerifyReport:
    """Extend a verification ``report``: every adopted explanation still has its chained hash.

    The hashes are read from the chained events, not from the cases' projection,
    so they are what the chain walk has just checked.
    """
    if not report.ok:
        return report
    stmt = (
        sa.select(events.c.seq, events.c.entity_id, events.c.payload)
        .where(events.c.entity == WorkflowEntity.CASE.value)
        .where(events.c.type == CaseEvent.OPENED.value)
        .order_by(events.c.seq)
    )
    wanted: list[tuple[int, int, int, str]] = []  # (seq, case id, proposal id, hash)
    for seq, case_id, payload in conn.execute(stmt):
        body = json.loads(payload)
        digest = (body.get("data") or {}).get(KEY)
        if digest is not None and body.get("proposal_id") is not None:
            wanted.append((seq, case_id, int(body["proposal_id"]), digest))
    for start in range(0, len(wanted), _BATCH):
        batch = wanted[start : start + _BATCH]
        stmt_texts = sa.select(proposals.c.id, proposals.c.explanation).where(
            proposals.c.id.in_([pid for _, _, pid, _ in batch])
        )
        texts: dict[int, str] = {row.id: row.explanation for row in conn.execute(stmt_texts)}
        for seq, case_id, pid, digest in batch:
            text = texts.get(pid)
            if text is None:
                reason = f"proposal {pid}, adopted by case {case_id}, was deleted"
            elif explanation_sha256(text) != digest:
                reason = (
                    f"the explanation of proposal {pid} was changed after case {case_id} "
                    "adopted it: it no longer matches the hash chained when the case opened"
                )
            else:
                continue
            return replace(report, ok=False, bad_seq=seq, reason=reason)
    return replace(report, explanations=len(wanted))
