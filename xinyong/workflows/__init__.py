"""Due process: notice before listing, objections, repair, expiry, and the notices they send.

Nothing takes effect against a subject without these procedures, and every
deadline is kept by the software on the official working-day calendar and the
one injectable clock. Each step is a chained ledger event with its actor, time
and reason. Start with :class:`DueProcess`.
"""

from xinyong.workflows.context import Context, Reevaluate
from xinyong.workflows.errors import CaseNotFoundError, ConflictError, ProcedureError, WorkflowError
from xinyong.workflows.expiry import SweepReport
from xinyong.workflows.model import TRANSITIONS, Case, CaseKind, CaseState, Notice, Statement
from xinyong.workflows.publicity import Window, shown_publicly, window_for
from xinyong.workflows.service import DueProcess
from xinyong.workflows.transports import FileTransport, SmtpTransport, Transport, transport_from

__all__ = [
    "TRANSITIONS",
    "Case",
    "CaseKind",
    "CaseNotFoundError",
    "CaseState",
    "ConflictError",
    "Context",
    "DueProcess",
    "FileTransport",
    "Notice",
    "ProcedureError",
    "Reevaluate",
    "SmtpTransport",
    "Statement",
    "SweepReport",
    "Transport",
    "Window",
    "WorkflowError",
    "shown_publicly",
    "transport_from",
    "window_for",
]
