"""Due-process commands: ``case``, ``objection``, ``repair``, ``outbox`` and ``contact``.

Thin commands over :class:`xinyong.workflows.DueProcess`: each parses its
arguments, calls one method and prints JSON lines. ``--actor`` names the person
acting (default: the operating-system user), because the four-eyes rule compares
who proposed with who decides; the web layer passes its authenticated user
instead. A refused step exits with status 1 and says why.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import getpass
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from xinyong.calendar import CalendarCoverageError
from xinyong.clock import clock_from
from xinyong.ledger import LedgerError, open_store
from xinyong.settings import SettingsError, load_settings
from xinyong.workflows import Case, CaseKind, CaseState, DueProcess

__all__ = ["register"]

case_app = typer.Typer(help="Listing cases and every case's deadlines.", no_args_is_help=True)
objection_app = typer.Typer(help="Objections (异议) to records.", no_args_is_help=True)
repair_app = typer.Typer(help="Credit repair (信用修复).", no_args_is_help=True)
outbox_app = typer.Typer(help="Notices to subjects and departments.", no_args_is_help=True)
contact_app = typer.Typer(help="Where notices go.", no_args_is_help=True)


def _default_actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


Actor = Annotated[
    str | None, typer.Option(help="Who is acting (default: cli:<user>); recorded on every step.")
]
Reason = Annotated[str, typer.Option(help="Why: recorded with the step and sent in notices.")]


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _emit(value: Any) -> None:
    typer.echo(json.dumps(_jsonable(value), ensure_ascii=False, sort_keys=True))


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=code)


@contextmanager
def _service() -> Iterator[DueProcess]:
    try:
        settings = load_settings()
        store = open_store(settings, clock_from(settings))
    except (SettingsError, LedgerError) as exc:
        raise _fail(str(exc), 2 if isinstance(exc, SettingsError) else 1) from None
    try:
        yield DueProcess.for_store(store)
    except (LedgerError, CalendarCoverageError) as exc:
        raise _fail(str(exc)) from None
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    finally:
        store.close()


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option} must be a date as YYYY-MM-DD, got {text!r}", 2) from None


def _with_deadline(dp: DueProcess, case: Case) -> dict[str, Any]:
    out: dict[str, Any] = _jsonable(case)
    today = dp.context.today()
    out["overdue"] = case.overdue(today)
    if case.kind is CaseKind.LISTING:
        # Whether its measures apply today: never while suspended.
        out["in_effect"] = case.in_effect(today)
        if case.state is CaseState.SUSPENDED:
            out["suspended_by"] = [
                h.get("objection")
                for h in case.data.get("suspended_for") or []
                if isinstance(h, dict)
            ]
    if case.is_open and case.due_on is not None:
        try:
            out["working_days_left"] = dp.context.calendar.working_days_between(today, case.due_on)
        except CalendarCoverageError:
            out["working_days_left"] = None
    return out


# case ----------------------------------------------------------------------------------------
@case_app.command("list")
def case_list(
    kind: Annotated[str | None, typer.Option(help="listing, objection or repair.")] = None,
    state: Annotated[list[str] | None, typer.Option(help="Only these states (repeatable).")] = None,
    subject: Annotated[int | None, typer.Option(help="Only this subject id.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only running cases.")] = False,
) -> None:
    """Cases with their deadlines (due_on, due_for, overdue, working days left).

    Listings also say whether they are ``in_effect`` today; a ``suspended`` one
    (a record it relies on is under objection) is not, and names the objections
    it waits for in ``suspended_by``.
    """
    try:
        kinds = None if kind is None else CaseKind(kind)
        states = None if not state else tuple(CaseState(s) for s in state)
    except ValueError as exc:
        raise _fail(str(exc), 2) from None
    with _service() as dp:
        for case in dp.cases(kind=kinds, states=states, subject_id=subject):
            if not open_only or case.is_open:
                _emit(_with_deadline(dp, case))


@case_app.command("show")
def case_show(case_id: int) -> None:
    """One case with its chained history and its notices."""
    with _service() as dp:
        out = _with_deadline(dp, dp.case(case_id))
        out["history"] = dp.history(case_id)
        out["notices"] = _jsonable(dp.notices(case_id=case_id))
        _emit(out)


@case_app.command("open")
def case_open(proposal_id: int, reason: Reason, actor: Actor = None) -> None:
    """Adopt a rule's proposal: open the listing case and queue the prior notice."""
    with _service() as dp:
        _emit(dp.open_listing(proposal_id, actor=actor or _default_actor(), reason=reason))


@case_app.command("respond")
def case_respond(
    case_id: int,
    statement: Annotated[str, typer.Option(help="The subject's statement or defence.")],
    hearing: Annotated[bool, typer.Option(help="The subject asks for a hearing.")] = False,
    actor: Actor = None,
) -> None:
    """Record the subject's answer to a listing notice."""
    with _service() as dp:
        _emit(
            dp.respond(
                case_id,
                actor=actor or _default_actor(),
                statement=statement,
                hearing_requested=hearing,
            )
        )


@case_app.command("decide")
def case_decide(
    case_id: int,
    reason: Reason,
    approve: Annotated[bool, typer.Option("--approve/--reject", help="The decision.")],
    hearing: Annotated[
        str | None, typer.Option(help="Record of the hearing, if one was asked.")
    ] = None,
    ends_on: Annotated[
        str | None, typer.Option(help="Last day in force (default: the list's term).")
    ] = None,
    actor: Actor = None,
) -> None:
    """A second person's decision on a listing case (the proposer is refused)."""
    end = _date(ends_on, "--ends-on")
    with _service() as dp:
        _emit(
            dp.decide(
                case_id,
                actor=actor or _default_actor(),
                approve=approve,
                reason=reason,
                hearing=hearing,
                ends_on=end,
            )
        )


@case_app.command("lift")
def case_lift(
    case_id: int,
    ground: Annotated[str, typer.Option(help="expiry, repair, court_order or correction.")],
    reason: Reason,
    actor: Actor = None,
) -> None:
    """End an in-force or suspended listing early."""
    with _service() as dp:
        _emit(dp.lift(case_id, actor=actor or _default_actor(), ground=ground, reason=reason))


@case_app.command("sweep")
def case_sweep(actor: Actor = None) -> None:
    """Run today's automatic steps: expiry, lifted listings, escalations, overdue flags."""
    with _service() as dp:
        _emit(dp.sweep(actor=actor or "system:sweep").as_dict())


# objection -----------------------------------------------------------------------------------
@objection_app.command("file")
def objection_file(
    record_id: int,
    grounds: Annotated[str, typer.Option(help="What is wrong with the record.")],
    agent: Annotated[
        str | None, typer.Option(help="Authorised agent filing for the subject.")
    ] = None,
    statement: Annotated[
        str | None, typer.Option(help="A statement shown with the record.")
    ] = None,
    language: Annotated[str, typer.Option(help="zh or en (of the statement).")] = "zh",
    actor: Actor = None,
) -> None:
    """Object to a record: it is marked disputed and unused until the department answers.

    Listings in force that rely on the record are suspended at once.
    """
    with _service() as dp:
        _emit(
            dp.file_objection(
                record_id,
                actor=actor or _default_actor(),
                grounds=grounds,
                agent=agent,
                statement=statement,
                language=language,
            )
        )


def _fields(pairs: list[str] | None) -> dict[str, Any] | None:
    if not pairs:
        return None
    out: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name:
            raise _fail(f"--set takes FIELD=VALUE, got {pair!r}", 2)
        try:
            out[name] = json.loads(raw)
        except json.JSONDecodeError:
            out[name] = raw
    return out


@objection_app.command("answer")
def objection_answer(
    case_id: int,
    outcome: Annotated[str, typer.Option(help="confirm, correct or withdraw.")],
    reason: Reason,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="FIELD=VALUE corrected (repeatable).")
    ] = None,
    actor: Actor = None,
) -> None:
    """The furnishing department's answer to an objection."""
    fields = _fields(set_)
    with _service() as dp:
        _emit(
            dp.answer_objection(
                case_id,
                actor=actor or _default_actor(),
                outcome=outcome,
                reason=reason,
                fields=fields,
            )
        )


@objection_app.command("statement")
def objection_statement(
    record_id: int,
    text: Annotated[str, typer.Option(help="The subject's statement.")],
    language: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    actor: Actor = None,
) -> None:
    """Attach the subject's statement to a record (shown wherever the record is shown)."""
    with _service() as dp:
        _emit(
            dp.add_statement(
                record_id, actor=actor or _default_actor(), text=text, language=language
            )
        )


# repair --------------------------------------------------------------------------------------
@repair_app.command("apply")
def repair_apply(
    record_id: int,
    proof: Annotated[str, typer.Option(help="Proof that the obligations were performed.")],
    commitment: Annotated[str, typer.Option(help="The credit commitment (信用承诺).")],
    actor: Actor = None,
) -> None:
    """Apply for repair; a refusal is recorded at once with every reason."""
    with _service() as dp:
        _emit(
            dp.apply_for_repair(
                record_id, actor=actor or _default_actor(), proof=proof, commitment=commitment
            )
        )


@repair_app.command("forward")
def repair_forward(case_id: int, reason: Reason, actor: Actor = None) -> None:
    """The platform's feedback: forward the application to the deciding authority."""
    with _service() as dp:
        _emit(dp.forward_repair(case_id, actor=actor or _default_actor(), reason=reason))


@repair_app.command("decide")
def repair_decide(
    case_id: int,
    reason: Reason,
    approve: Annotated[bool, typer.Option("--approve/--refuse", help="The decision.")],
    actor: Actor = None,
) -> None:
    """The authority's decision (approval ends publicity at once)."""
    with _service() as dp:
        _emit(
            dp.decide_repair(
                case_id, actor=actor or _default_actor(), approve=approve, reason=reason
            )
        )


# outbox and contacts -------------------------------------------------------------------------
@outbox_app.command("send")
def outbox_send() -> None:
    """Deliver the notices that are due (transport from XINYONG_NOTICE_TRANSPORT)."""
    with _service() as dp:
        _emit(dp.deliver().as_dict())


@outbox_app.command("retry")
def outbox_retry(notice_id: int, reason: Reason, actor: Actor = None) -> None:
    """Queue a failed notice again (after fixing the contact address)."""
    with _service() as dp:
        _emit(dp.retry_notice(notice_id, actor=actor or _default_actor(), reason=reason))


@outbox_app.command("list")
def outbox_list(
    status: Annotated[str | None, typer.Option(help="pending, delivered or failed.")] = None,
    case: Annotated[int | None, typer.Option(help="Only this case's notices.")] = None,
) -> None:
    """Notices in the outbox, with their delivery attempts."""
    with _service() as dp:
        for notice in dp.notices(case_id=case, status=status):
            out = _jsonable(notice)
            out["attempts_made"] = _jsonable(dp.attempts(notice.id))
            _emit(out)


@contact_app.command("set")
def contact_set(
    party_kind: Annotated[str, typer.Argument(help="subject or source.")],
    party_id: int,
    address: str,
    language: Annotated[str, typer.Option(help="zh or en.")] = "zh",
    actor: Actor = None,
) -> None:
    """Where notices to a subject or a department go."""
    with _service() as dp:
        dp.set_contact(
            party_kind, party_id, address, actor=actor or _default_actor(), language=language
        )
        _emit(
            {
                "party_kind": party_kind,
                "party_id": party_id,
                "address": address,
                "language": language,
            }
        )


def register(app: typer.Typer) -> None:
    """Add the due-process commands to the ``xinyong`` application."""
    app.add_typer(case_app, name="case")
    app.add_typer(objection_app, name="objection")
    app.add_typer(repair_app, name="repair")
    app.add_typer(outbox_app, name="outbox")
    app.add_typer(contact_app, name="contact")
