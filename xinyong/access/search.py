"""Public search for organisations by name or code, forgiving how people type.

Queries are folded before matching: full-width forms become half-width
(NFKC), spaces of every width vanish, common traditional characters become
simplified, and brackets match in either width (registered names use
full-width ones). Codes are recognised by shape; a code with a wrong check
character gets the corrected code as a suggestion. Names that match nothing
get the closest names sharing a two-character piece of the query.

Natural persons are never found by search: the public reaches a person's
records only where the catalog publishes them, never by typing a name.

Name matching is index-backed (migration 0006) but gives the same answer as
``name LIKE '%term%'`` for every term:

- SQLite: ``search_names``, an FTS5 ``trigram`` index over organisation names
  (brackets folded to half width, two U+001F characters appended), proposes
  candidates; the exact ``LIKE`` test then runs on those rows only. A term of
  three or more characters is a phrase query. Trigrams cannot answer a one-
  or two-character term directly, but the trigrams that *begin* with it (the
  appended U+001F make every piece of a name begin one) are a range of the
  index's terms: a search reads their occurrences' documents from a per-
  connection ``fts5vocab`` ``instance`` table.
  Suggestions still look such a term up in the vocabulary
  (``search_names_vocab``, at most ``_MAX_TOKENS`` trigrams become an ``OR``
  query), first trying it on a sample of ``_SAMPLE`` indexed names, because
  reading the vocabulary of a common short term is slow.
- A term that matches more than ``CANDIDATES`` names (``有限公司``, ``北京``)
  is not worth collecting: the names are read in result order through the
  ``(length(name), name)`` index and tested one by one until the page is full,
  which is quick precisely because matches are dense. If every term is that
  common but together they are rare, this read is as slow as a full scan.
- Dense is not enough when the shortest names hold none of the terms
  (``有限公司``), so that read starts at the length of the shortest name holding
  each term, found once per ledger version. Whether a term
  is common is judged once per store and remembered: it only picks a plan.
- PostgreSQL: a ``pg_trgm`` GIN index on ``subjects.name`` serves ``LIKE``
  directly and the planner chooses between it and the order index. pg_trgm
  extracts no trigram from a one- or two-character ``LIKE`` term, so a rare
  short term still scans the organisations there. Where the extension could
  not be created the migration logged so and the plain scan remains.

On SQLite the statements run on the driver itself
(:mod:`xinyong.access.search_names`); PostgreSQL builds them with SQLAlchemy.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from xinyong.access import driver_reads, search_names
from xinyong.access.hanzi import to_simplified
from xinyong.access.search_names import (
    LIKE_ESCAPE,
    MAX_QUERY,
    like_patterns,
    remember,
    statistics,
)
from xinyong.ids import uscc
from xinyong.ids.errors import ValidationError
from xinyong.ledger import NATURAL_PERSON
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.tables import subjects

_CODE_SHAPE = re.compile(r"[0-9A-Z]{15,18}")
_SAMPLE = 2000  # indexed names a short term is tried on to judge how common it is
_MAX_TOKENS = 300  # trigrams a short term may expand to before it counts as common
# A literal, not a parameter: the search indexes are partial on this condition.
_IS_ORGANISATION = subjects.c.kind != sa.literal_column(f"'{NATURAL_PERSON}'")
_SEARCH_NAMES = sa.table("search_names", sa.column("rowid", sa.Integer), sa.column("name"))
_VOCAB = sa.table("search_names_vocab", sa.column("term"), sa.column("doc", sa.Integer))


@dataclass(frozen=True)
class Hit:
    """One organisation found."""

    code: str | None
    name: str
    kind: str
    region: str | None


@dataclass(frozen=True)
class SearchResult:
    """A page of hits, whether more follow, and suggestions when little was found."""

    query: str
    normalised: str
    hits: tuple[Hit, ...]
    more: bool
    suggestions: tuple[Hit, ...] = ()
    code_suggestion: str | None = None


def terms(query: str) -> list[str]:
    """The query's words: widths folded, traditional mapped to simplified, split on spaces."""
    folded = to_simplified(unicodedata.normalize("NFKC", query[: MAX_QUERY * 2]))
    return folded.split()[:8]


def normalise(query: str) -> str:
    """The query as one word (codes and names are typed with stray spaces)."""
    return "".join(terms(query))[:MAX_QUERY]


def _organisations() -> sa.Select[tuple[str | None, str, str, str | None]]:
    return sa.select(subjects.c.code, subjects.c.name, subjects.c.kind, subjects.c.region).where(
        _IS_ORGANISATION
    )


def _hits(rows: object) -> list[Hit]:
    return [Hit(r.code, r.name, r.kind, r.region) for r in rows]  # type: ignore[attr-defined]


def search(engine: Engine, query: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
    """Organisations whose code is ``query`` or whose name contains it."""
    text = normalise(query)
    if not text:
        return SearchResult(query, text, (), False)
    code = text.upper()
    if _CODE_SHAPE.fullmatch(code):
        return _by_code(engine, query, code)
    words = terms(query)
    if engine.dialect.name == "sqlite":
        with driver_reads.snapshot(engine) as driver:
            rows = search_names.names(driver, statistics(engine), words, limit, offset)
        hits = [Hit(*row) for row in rows]
    else:
        stmt = (
            _organisations()
            .where(*(_contains(term) for term in words))
            .order_by(sa.func.length(subjects.c.name), subjects.c.name)
            .limit(limit + 1)
            .offset(offset)
        )
        with read_transaction(engine) as conn:
            hits = _hits(conn.execute(stmt))
    more = len(hits) > limit
    hits = hits[:limit]
    suggestions: tuple[Hit, ...] = ()
    if not hits and offset == 0:
        suggestions = tuple(suggest(engine, text))
    return SearchResult(query, text, tuple(hits), more, suggestions)


def _match(conn: Connection, term: str) -> str | None:
    """An FTS5 query for names that may contain ``term``: "" if none can, None if too many."""
    term = term[:MAX_QUERY].lower()
    if len(term) >= 3:
        if statistics(conn.engine).frequent.get(term):
            return None  # an earlier search collected too many candidates for it
        return '"' + term.replace('"', '""') + '"'
    if _frequent(conn, term):
        return None
    stmt = (
        sa.select(_VOCAB.c.term)
        .where(_VOCAB.c.term >= term, _VOCAB.c.term < term + "\U0010ffff")
        .limit(_MAX_TOKENS + 1)
    )
    tokens = [t for (t,) in conn.execute(stmt) if t.startswith(term)]
    if len(tokens) > _MAX_TOKENS:
        return None
    if not tokens:
        return ""  # no name contains it
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def _frequent(conn: Connection, term: str) -> bool:
    """Whether ``term`` looks to be in more than ``_CANDIDATES`` names, judged on a sample.

    The judgement is remembered per store: it only chooses a plan.
    """
    stats = statistics(conn.engine)
    known = stats.frequent.get(term)
    if known is None:
        known = _judge(conn, term)
        remember(stats.frequent, term, known)
    return known


def _judge(conn: Connection, term: str) -> bool:
    sample = sa.select(_SEARCH_NAMES.c.name).limit(_SAMPLE).subquery()
    pattern = f"%{term.translate(LIKE_ESCAPE)}%"
    seen = conn.execute(
        sa.select(sa.func.count()).where(sample.c.name.like(pattern, escape="\\"))
    ).scalar_one()
    if not seen:
        return False
    total = conn.execute(sa.select(sa.func.max(_SEARCH_NAMES.c.rowid))).scalar_one() or 0
    return bool(seen * total > search_names.CANDIDATES * _SAMPLE)


def _matches(match: str) -> sa.TextClause:
    return sa.text("search_names MATCH :match").bindparams(match=match)


def _contains(term: str, name: sa.ColumnElement[str] = subjects.c.name) -> sa.ColumnElement[bool]:
    """The name contains ``term`` (brackets in either width)."""
    return sa.or_(*(name.like(pattern, escape="\\") for pattern in like_patterns(term)))


def _by_code(engine: Engine, query: str, code: str) -> SearchResult:
    if engine.dialect.name == "sqlite":
        with driver_reads.snapshot(engine) as driver:
            hits = [Hit(*row) for row in search_names.by_code(driver, code)]
    else:
        with read_transaction(engine) as conn:
            hits = _hits(conn.execute(_organisations().where(subjects.c.code == code)))
    fixed = None
    if not hits and len(code) in (17, 18):
        try:
            candidate = code[:17] + uscc.calc_check(code)
            fixed = uscc.validate(candidate) if candidate != code else None
        except ValidationError:
            fixed = None
    return SearchResult(query, code, tuple(hits), False, code_suggestion=fixed)


def _suggestion_candidates(
    conn: Connection, stmt: sa.Select[Any], pieces: list[str], pool: int
) -> sa.Select[Any]:
    """``stmt`` narrowed to the first ``pool`` names holding a piece, found by trigram."""
    matches = [_match(conn, p) for p in pieces]
    if any(m is None for m in matches):
        return stmt  # a common piece: the plain scan fills the pool at once
    query = " OR ".join(f"({m})" for m in matches if m)
    if not query:
        return stmt.where(sa.false())
    found = sa.select(_SEARCH_NAMES.c.rowid).where(_matches(query)).limit(pool)
    return stmt.where(subjects.c.id.in_(list(conn.execute(found).scalars())))


def suggest(engine: Engine, text: str, *, limit: int = 5, pool: int = 200) -> list[Hit]:
    """Names close to ``text``: candidates share a two-character piece, ranked by similarity."""
    pieces = list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))[:8]
    if not pieces:
        return []
    likes = [subjects.c.name.like(f"%{p.translate(LIKE_ESCAPE)}%", escape="\\") for p in pieces]
    stmt = _organisations().where(sa.or_(*likes)).order_by(subjects.c.id).limit(pool)
    with read_transaction(engine) as conn:
        if conn.dialect.name == "sqlite":
            stmt = _suggestion_candidates(conn, stmt, pieces, pool)
        candidates = _hits(conn.execute(stmt))
    scored = [(difflib.SequenceMatcher(None, text, c.name).ratio(), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s >= 0.4]
    scored.sort(key=lambda sc: (-sc[0], sc[1].name))
    return [c for _, c in scored[:limit]]
