"""The access layer's one entry point: authenticate, authorise, log, then read.

The web layer and the CLI call :class:`Access` and nothing below it, so no
route can read non-public data without passing :func:`~xinyong.access.policy.authorise`
and leaving an audit entry first: a read that could not be logged does not happen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from xinyong.access import accounts, driver_reads, keys, sessions
from xinyong.access.accounts import Account
from xinyong.access.actors import Actor, Audience
from xinyong.access.audit import AuditEntry, AuditLog
from xinyong.access.disclosure import (
    RecordView,
    StatementView,
    SubjectView,
    public_view_until,
    subject_view,
)
from xinyong.access.errors import AccessError, ForbiddenError, InvalidInputError
from xinyong.access.policy import Action, Grant, authorise
from xinyong.access.publicity import FEEDS, latest
from xinyong.access.search import SearchResult, search
from xinyong.access.standing import (
    StandingView,
    decided_case,
    members_of,
    next_start,
    standing_from,
    standing_of,
)
from xinyong.catalog import Catalog
from xinyong.ingest import IngestSummary, ingest_file
from xinyong.ingest.mapping_load import builtin_names
from xinyong.ledger import (
    NATURAL_PERSON,
    Entity,
    IdentifierError,
    NotFoundError,
    Record,
    Source,
    Store,
    Subject,
    reads,
)
from xinyong.ledger.engine import is_sqlite, read_transaction
from xinyong.ledger.tables import GENESIS_HASH, chain_head, events
from xinyong.ledger.tables_workflows import wf_statements
from xinyong.ledger.write_registry import validate_uscc
from xinyong.workflows import Case, DueProcess
from xinyong.workflows.events import WorkflowEntity


@dataclass(frozen=True)
class Snapshot:
    """A subject, its records and the statements about them, read together.

    ``standing`` holds the listings in force on the day it was read;
    ``upcoming`` is the first later day one of its decided listings starts.
    """

    subject: Subject
    records: list[Record]
    statements: dict[int, list[StatementView]]
    standing: list[StandingView]
    upcoming: dt.date | None


#: Built once: composing a statement costs more than running it on a subject page.
_STATEMENTS = (
    sa.select(wf_statements.c.record_id, wf_statements.c.text,
              wf_statements.c.language, wf_statements.c.created_at)
    .where(wf_statements.c.record_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(wf_statements.c.id)
)  # fmt: skip


#: The ledger's last sequence number. Every change a subject page shows (registration,
#: records and their dispute mark, statements, cases in force) appends an event and
#: moves this number in the same transaction, so it versions every page.
_HEAD = sa.select(chain_head.c.last_seq).where(chain_head.c.id == 1)
_CHANGED_SUBJECTS = sa.text(driver_reads.CHANGED_SUBJECTS)
#: Entities whose events :data:`~.driver_reads.CHANGED_SUBJECTS` traces to one subject.
_TRACED = frozenset(
    e.value for e in (Entity.SUBJECT, Entity.RECORD, WorkflowEntity.CASE, WorkflowEntity.STATEMENT)
)
#: Entities whose events change no public page: an ingest batch's bookkeeping, and a
#: notice (what its delivery starts is a case event of its own, in the same transaction).
_NO_PAGE = frozenset(e.value for e in (Entity.BATCH, WorkflowEntity.NOTICE))


def _statements_in(conn: Connection, records: Iterable[Record]) -> dict[int, list[StatementView]]:
    ids = [r.id for r in records]
    if not ids:
        return {}
    found: dict[int, list[StatementView]] = {}
    for row in conn.execute(_STATEMENTS, {"ids": ids}):
        found.setdefault(row.record_id, []).append(
            StatementView(row.text, row.language, row.created_at)
        )
    return found


class Access:
    """Access-controlled reads and the credentials behind them, over one store."""

    def __init__(self, store: Store, catalog: Catalog) -> None:
        self.store = store
        self.catalog = catalog
        self.engine = store.engine
        self.clock = store.clock
        self.audit = AuditLog(store.engine, store.clock)
        self._sources: dict[int, Source] = {}
        self._due_process: DueProcess | None = None

    @property
    def due_process(self) -> DueProcess:
        """The platform's procedures (objections and the rest), built on first use."""
        if self._due_process is None:
            self._due_process = DueProcess.for_store(self.store)
        return self._due_process

    # -- authentication -------------------------------------------------------

    def actor_for_api_key(self, token: str) -> Actor:
        """The agency behind an API key (:class:`AuthenticationError` otherwise)."""
        return keys.authenticate_key(self.engine, token)

    def actor_for_session(self, token: str) -> Actor:
        """The account behind a session cookie (:class:`AuthenticationError` otherwise)."""
        return sessions.actor_for_session(self.engine, self.clock, token)

    def sign_in(self, username: str, password: str) -> tuple[Account, str]:
        """Open a session; the outcome is audited either way (without the password)."""
        try:
            account, token = sessions.sign_in(self.engine, self.clock, username, password)
        except AccessError as exc:
            self.audit.record(
                Actor(Audience.PUBLIC, "public"), "sign_in", "denied",
                detail={"username": username[:64], "reason": str(exc)},
            )  # fmt: skip
            raise
        actor = sessions.actor_for_account(account)
        self.audit.record(actor, "sign_in", "granted", subject_id=actor.subject_id)
        return account, token

    def sign_out(self, token: str) -> None:
        """End a session."""
        sessions.sign_out(self.engine, self.clock, token)

    def activate(self, code: str, username: str, password: str) -> Account:
        """Create a subject's account from an operator-issued activation code."""
        account = accounts.activate(self.engine, self.clock, code, username, password)
        actor = sessions.actor_for_account(account)
        self.audit.record(actor, "activate", "granted", subject_id=account.subject_id)
        return account

    # -- the gate ---------------------------------------------------------------

    def guard(
        self,
        actor: Actor,
        action: Action,
        *,
        subject_id: int | None = None,
        purpose: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> Grant:
        """Authorise and audit one action; refusals are audited too, then raised."""
        purpose = purpose or None
        try:
            grant = authorise(self.catalog, actor, action, subject_id=subject_id, purpose=purpose)
        except AccessError as exc:
            self.audit.record(
                actor, action.value, "denied", purpose=purpose, subject_id=subject_id,
                detail={**(detail or {}), "reason": str(exc)},
            )  # fmt: skip
            raise
        self.audit.record(
            actor, action.value, "granted", purpose=grant.purpose, subject_id=subject_id,
            detail=detail,
        )  # fmt: skip
        return grant

    # -- reads ----------------------------------------------------------------------

    def find_subject(self, code: str) -> Subject | None:
        """The organisation with this code; a malformed code is :class:`InvalidInputError`."""
        try:
            return self.store.find_subject(code)
        except IdentifierError as exc:
            raise InvalidInputError(str(exc), field="code") from None

    def sources(self) -> dict[int, Source]:
        """Every source by id (cached; refreshed when a new one appears)."""
        if not self._sources:
            self._sources = {s.id: s for s in self.store.list_sources()}
        return self._sources

    def _sources_for(self, ids: Iterable[int]) -> dict[int, Source]:
        known = self.sources()
        if any(i not in known for i in ids):
            self._sources = {}
            known = self.sources()
        return known

    def statements(self, records: Iterable[Record]) -> dict[int, list[StatementView]]:
        """The subject's statements about ``records``, by record id, in one query."""
        with read_transaction(self.engine) as conn:
            return _statements_in(conn, records)

    def snapshot(self, subject: Subject) -> Snapshot:
        """``subject`` with its records and statements, read in one snapshot."""
        with read_transaction(self.engine) as conn:
            return self._snapshot_in(conn, subject)

    def _snapshot_in(self, conn: Connection, subject: Subject) -> Snapshot:
        records = reads.records_of(conn, subject.id)
        today = self.clock.today()
        return Snapshot(
            subject, records, _statements_in(conn, records),
            standing_of(conn, self.catalog, subject.id, today),
            next_start(conn, subject.id, today),
        )  # fmt: skip

    def snapshot_by_code(self, code: str) -> Snapshot | None:
        """The organisation with ``code`` and all it needs for a page, in one transaction.

        One transaction instead of three is what makes the public subject page
        cheap; a malformed code is :class:`InvalidInputError` naming ``code``.
        """
        return self.versioned_snapshot(code)[1]

    def ledger_version(self) -> int:
        """The ledger's last sequence number now: it moves whenever any page could change.

        This runs before every cached page is served, so it must cost next to
        nothing (:meth:`~xinyong.ledger.Store.last_seq`).
        """
        return self.store.last_seq()

    def subject_codes(self) -> list[str]:
        """The code of every organisation, in code order: each has a public page."""
        with read_transaction(self.engine) as conn:
            return reads.subject_codes(conn)

    def organisation_count(self) -> int:
        """How many organisations there are (each has a public page)."""
        with read_transaction(self.engine) as conn:
            return reads.count_subject_codes(conn)

    def event_hash(self, seq: int) -> str | None:
        """The chain hash of event ``seq`` (the genesis hash for 0); ``None`` if there is none.

        A copy of anything derived from the ledger (the shared page store) keeps
        the hash of the last event it has seen: a ledger restored from a backup,
        or another ledger, then shows as a different hash at that number.
        """
        if seq == 0:
            return GENESIS_HASH
        with read_transaction(self.engine) as conn:
            found: str | None = conn.execute(
                sa.select(events.c.hash).where(events.c.seq == seq)
            ).scalar_one_or_none()
        return found

    def changed_subjects(self, since: int, until: int) -> frozenset[str] | None:
        """Codes of the organisations whose pages the events after ``since`` up to ``until`` touch.

        ``None`` when they may touch any page: an event about a source (pages
        show source names) or about an entity not traced to a subject here.
        Events about persons add no code (persons have no public page).
        """
        if is_sqlite(self.engine):
            with driver_reads.snapshot(self.engine) as driver:
                rows = driver_reads.changed_subjects(driver, since, until)
        else:
            with read_transaction(self.engine) as conn:
                bounds = {"since": since, "until": until}
                rows = [(r[0], r[1]) for r in conn.execute(_CHANGED_SUBJECTS, bounds)]
        codes = set()
        for entity, code in rows:
            if entity in _TRACED:
                if code is not None:
                    codes.add(code)
            elif entity not in _NO_PAGE:
                return None
        return frozenset(codes)

    def versioned_snapshot(self, code: str) -> tuple[int, Snapshot | None]:
        """:meth:`snapshot_by_code` with the ledger version it was read at (one snapshot).

        On SQLite the rows are read through the driver (:mod:`.driver_reads`),
        which is most of what a page not in the cache costs.
        """
        try:
            compact = validate_uscc(code)
        except IdentifierError as exc:
            raise InvalidInputError(str(exc), field="code") from None
        if not is_sqlite(self.engine):
            with read_transaction(self.engine) as conn:
                version = conn.execute(_HEAD).scalar_one_or_none() or 0
                subject = reads.find_subject(conn, compact)
                return version, None if subject is None else self._snapshot_in(conn, subject)
        with driver_reads.snapshot(self.engine) as driver:
            version = driver_reads.head(driver)
            subject = driver_reads.subject_by_code(driver, compact)
            if subject is None:
                return version, None
            records = driver_reads.records_of(driver, subject.id)
            statements = driver_reads.statements_of(driver, subject.id) if records else {}
            today = self.clock.today()
            cases = driver_reads.cases_in_force(driver, subject.id, today)
            upcoming = driver_reads.next_start(driver, subject.id, today)
        standing = standing_from(self.catalog, cases)
        return version, Snapshot(subject, records, statements, standing, upcoming)

    def _view(self, snap: Snapshot, audience: str, purpose: str | None) -> SubjectView:
        return subject_view(
            self.catalog, snap.subject, snap.records,
            self._sources_for(r.source_id for r in snap.records), audience=audience,
            today=self.clock.today(), purpose=purpose, statements=snap.statements,
            standing=snap.standing,
        )  # fmt: skip

    def public_view(self, subject: Subject | Snapshot) -> SubjectView:
        """What anyone may see of ``subject`` today (no audit: nothing non-public is read)."""
        snap = subject if isinstance(subject, Snapshot) else self.snapshot(subject)
        return self._view(snap, "public", None)

    def public_view_until(self, snap: Snapshot, today: dt.date) -> dt.date | None:
        """The first day after ``today`` on which the public view of ``snap`` may change.

        Nothing is written to the ledger when a publicity window opens or ends or
        a decided listing starts or ends: the date alone changes the page. A page
        kept across days (the shared page store) is good until this day, or until
        the ledger changes; ``None`` means the date alone never changes it.
        """
        return public_view_until(
            self.catalog, snap.subject.kind, snap.records, snap.standing, snap.upcoming, today
        )

    def disclosed_view(
        self, actor: Actor, subject: Subject | Snapshot, purpose: str | None
    ) -> SubjectView:
        """Non-public view for a subject itself or an agency with an allowed purpose.

        The read is authorised and logged before anything non-public is read.
        """
        who = subject.subject if isinstance(subject, Snapshot) else subject
        grant = self.guard(
            actor, Action.READ_RECORDS, subject_id=who.id, purpose=purpose,
            detail={"code": who.code} if who.code else None,
        )  # fmt: skip
        snap = subject if isinstance(subject, Snapshot) else self.snapshot(subject)
        if actor.audience is Audience.SUBJECT:
            return self._view(snap, "subject", None)
        return self._view(snap, "agency", grant.purpose)

    def own_view(self, actor: Actor) -> SubjectView:
        """Everything held about the signed-in subject, not public parts only."""
        if actor.subject_id is None:
            self.guard(actor, Action.READ_RECORDS)  # refused and audited
            raise AssertionError("unreachable")  # pragma: no cover
        return self.disclosed_view(actor, self.store.get_subject(actor.subject_id), None)

    def access_log(
        self, actor: Actor, subject_id: int, *, limit: int = 50, offset: int = 0
    ) -> list[AuditEntry]:
        """Who read the subject's data, when and for what purpose, newest first."""
        self.guard(actor, Action.READ_ACCESS_LOG, subject_id=subject_id)
        return self.audit.about(subject_id, limit=limit, offset=offset)

    def export_audit(
        self, actor: Actor, *, after_seq: int = 0, limit: int = 1000, subject_id: int | None = None
    ) -> list[AuditEntry]:
        """The audit trail in chain order, for an auditor."""
        self.guard(
            actor, Action.EXPORT_AUDIT, subject_id=subject_id,
            detail={"after_seq": after_seq, "limit": limit},
        )  # fmt: skip
        return self.audit.export(after_seq=after_seq, limit=limit, subject_id=subject_id)

    def decision(self, case_id: int) -> tuple[SubjectView, StandingView] | None:
        """A decision in force and its explanation, as the public may see it.

        Persons' decisions are not published here (their records are not
        browsable); the evidence lists only records the public may see.
        """
        with read_transaction(self.engine) as conn:
            found = decided_case(conn, self.catalog, case_id, self.clock.today())
            if found is None:
                return None
            subject = reads.get_subject(conn, found[0])
            if subject.kind == NATURAL_PERSON:
                return None
            snap = self._snapshot_in(conn, subject)
        view = self._view(snap, "public", None)
        return view, next(s for s in view.standing if s.case_id == case_id)

    def list_members(
        self, list_id: str, *, region: str | None = None, limit: int = 50, offset: int = 0
    ) -> list[tuple[Subject, StandingView]]:
        """Organisations on ``list_id`` today (newest entries first); never persons."""
        self.catalog.list_type(list_id)  # UnknownItemError for a list the catalog lacks
        with read_transaction(self.engine) as conn:
            rows = members_of(conn, self.catalog, list_id, self.clock.today(), region=region,
                              limit=limit, offset=offset)  # fmt: skip
            found = [(reads.get_subject(conn, sid), entry) for sid, entry in rows]
        return [(s, e) for s, e in found if s.kind != NATURAL_PERSON]

    def furnish(self, actor: Actor, source_code: str, path: Path, mapping: str) -> IngestSummary:
        """A department's pushed file, ingested as if delivered on disk.

        Only an agency key whose agency *is* the source may furnish for it, with
        one of the built-in mappings (never a path from the request).
        """
        detail = {"source": source_code, "mapping": mapping, "file": path.name}
        if actor.audience is not Audience.AGENCY:
            self.guard(actor, Action.FURNISH, detail=detail)  # refused and logged
        if actor.agency != source_code:
            self.audit.record(actor, Action.FURNISH.value, "denied", detail={
                **detail, "reason": "a key furnishes only for its own agency"})  # fmt: skip
            raise ForbiddenError(f"this key may not furnish records for {source_code!r}")
        if mapping not in builtin_names():
            known = ", ".join(builtin_names())
            raise InvalidInputError(
                f"unknown mapping {mapping!r} (known: {known})", field="mapping"
            )
        self.guard(actor, Action.FURNISH, detail=detail)
        return ingest_file(self.store, path, mapping, source_code, actor=actor.name,
                           catalog=self.catalog)  # fmt: skip

    def latest(
        self,
        feed: str,
        *,
        region: str | None = None,
        limit: int = 50,
        before: tuple[dt.date, int] | None = None,
    ) -> tuple[list[tuple[Subject, RecordView]], tuple[dt.date, int] | None]:
        """The latest published decisions of a double-publicity ``feed`` and the next cursor."""
        record_type = FEEDS.get(feed)
        if record_type is None:
            raise InvalidInputError(f"feed must be one of {', '.join(FEEDS)}", field="feed")
        with read_transaction(self.engine) as conn:
            return latest(conn, self.catalog, self.sources, record_type, self.clock.today(),
                          region=region, limit=limit, before=before)  # fmt: skip

    def own_cases(self, actor: Actor) -> list[Case]:
        """The signed-in subject's procedures (objections, repairs, listings) with deadlines."""
        self.guard(actor, Action.READ_CASES, subject_id=actor.subject_id)
        return self.due_process.cases(subject_id=actor.subject_id)

    def own_cases_with_steps(self, actor: Actor) -> list[tuple[Case, list[dict[str, Any]]]]:
        """:meth:`own_cases` with each case's chained steps (one audit entry for all)."""
        cases = self.own_cases(actor)
        return [(c, self.due_process.history(c.id)) for c in cases]

    def case_history(self, actor: Actor, case_id: int) -> tuple[Case, list[dict[str, Any]]]:
        """One of the subject's own cases with its chained steps (who did what, when)."""
        try:
            case: Case | None = self.due_process.case(case_id)
        except NotFoundError:
            case = None
        owner = case.subject_id if case is not None else None
        self.guard(actor, Action.READ_CASES, subject_id=owner, detail={"case_id": case_id})
        assert case is not None  # a missing case is refused above, like a stranger's
        return case, self.due_process.history(case_id)

    def file_objection(
        self, actor: Actor, record_id: int, grounds: str, statement: str | None = None
    ) -> Case:
        """The subject contests one of its own records; the record is inert at once.

        A record that does not exist is refused like someone else's (and logged),
        so record ids cannot be probed through this door.
        """
        self._guard_own_record(actor, Action.FILE_OBJECTION, record_id)
        return self.due_process.file_objection(
            record_id, actor=actor.name, grounds=grounds, statement=statement or None
        )

    def apply_for_repair(self, actor: Actor, record_id: int, proof: str, commitment: str) -> Case:
        """The subject asks to end a record's publicity early (信用修复).

        The procedure checks the conditions and refuses with every reason, or
        runs with its feedback deadline; either way the case is on the subject's page.
        """
        self._guard_own_record(actor, Action.APPLY_REPAIR, record_id)
        return self.due_process.apply_for_repair(
            record_id, actor=actor.name, proof=proof, commitment=commitment
        )

    def _guard_own_record(self, actor: Actor, action: Action, record_id: int) -> None:
        try:
            owner: int | None = self.store.get_record(record_id).subject_id
        except NotFoundError:
            owner = None
        self.guard(actor, action, subject_id=owner, detail={"record_id": record_id})

    def search(self, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
        """Public search (organisations only)."""
        return search(self.engine, query, limit=limit, offset=offset)

    # -- credentials, issued by operators --------------------------------------------

    def issue_activation(self, actor: Actor, subject_id: int) -> str:
        """An activation code for ``subject_id``, for an operator to send by letter."""
        self.guard(actor, Action.ISSUE_ACTIVATION, subject_id=subject_id)
        return accounts.issue_activation(self.engine, self.clock, subject_id, actor.name)

    def issue_api_key(
        self, actor: Actor, agency: str, purposes: Iterable[str]
    ) -> tuple[keys.ApiKey, str]:
        """An API key for ``agency`` limited to ``purposes``."""
        chosen = list(purposes)
        self.guard(actor, Action.ISSUE_API_KEY, detail={"agency": agency, "purposes": chosen})
        return keys.issue_key(self.engine, self.clock, self.catalog, agency, chosen, actor.name)
