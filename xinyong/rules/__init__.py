"""Rules as code: versioned, legally cited policies that propose list entries, grades and measures.

Policies are data (:mod:`.loader`, :mod:`.model`); they compile once through Ibis to
SQL for DuckDB and Spark (:mod:`.compile`, :mod:`.engines`) over a columnar snapshot
of the ledger (:mod:`.facts`); results become proposals that explain themselves
(:mod:`.explain`) and are stored for the due-process workflow (:mod:`.service`).
Rules propose; people decide.
"""

from __future__ import annotations

from xinyong.rules.compare import compare
from xinyong.rules.errors import EngineUnavailableError, PolicyError
from xinyong.rules.explain import Proposal
from xinyong.rules.loader import find_policy, load_policies, read_policy
from xinyong.rules.model import Policy
from xinyong.rules.service import RunResult, evaluate, evaluate_subject, write_jsonl

__all__ = [
    "EngineUnavailableError",
    "Policy",
    "PolicyError",
    "Proposal",
    "RunResult",
    "compare",
    "evaluate",
    "evaluate_subject",
    "find_policy",
    "load_policies",
    "read_policy",
    "write_jsonl",
]
