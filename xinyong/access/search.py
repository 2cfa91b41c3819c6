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
  connection ``fts5vocab`` ``instance`` table (:func:`_short_candidates`).
  Suggestions still look such a term up in the vocabulary
  (``search_names_vocab``, at most ``_MAX_TOKENS`` trigrams become an ``OR``
  query), first trying it on a sample of ``_SAMPLE`` indexed names, because
  reading the vocabulary of a common short term is slow.
- A term that matches more than ``_CANDIDATES`` names (``有限公司``, ``北京``)
  is not worth collecting: the names are read in result order through the
  ``(length(name), name)`` index and tested one by one until the page is full,
  which is quick precisely because matches are dense. If every term is that
  common but together they are rare, this read is as slow as a full scan.
- Dense is not enough when the shortest names hold none of the terms
  (``有限公司``), so that read starts at the length of the shortest name holding
  each term, found once per ledger version (:func:`_shortest`). Whether a term
  is common is judged once per store and remembered: it only picks a plan.
- PostgreSQL: a ``pg_trgm`` GIN index on ``subjects.name`` serves ``LIKE``
  directly and the planner chooses between it and the order index. pg_trgm
  extracts no trigram from a one- or two-character ``LIKE`` term, so a rare
  short term still scans the organisations there. Where the extension could
  not be created the migration logged so and the plain scan remains.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
import weakref
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from xinyong.access.hanzi import to_simplified
from xinyong.ids import uscc
from xinyong.ids.errors import ValidationError
from xinyong.ledger import NATURAL_PERSON
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.tables import subjects

MAX_QUERY = 100
_CODE_SHAPE = re.compile(r"[0-9A-Z]{15,18}")
_LIKE_ESCAPE = str.maketrans({"%": r"\%", "_": r"\_", "\\": r"\\"})
_SAMPLE = 2000  # indexed names a short term is tried on to judge how common it is
_CANDIDATES = 2000  # more matches than this: read in result order instead
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


def _name_variants(text: str) -> list[str]:
    wide = text.replace("(", "（").replace(")", "）")
    return list(dict.fromkeys([text, wide]))


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
    stmt = (
        _organisations()
        .where(*(_contains(term) for term in words))
        .order_by(sa.func.length(subjects.c.name), subjects.c.name)
        .limit(limit + 1)
        .offset(offset)
    )
    params: dict[str, Any] = {}
    with read_transaction(engine) as conn:
        if conn.dialect.name == "sqlite":
            if (candidates := _rarest(conn, words)) is not None:
                stmt = stmt.where(subjects.c.id.in_(_CANDIDATE_IDS))
                params["candidates"] = json.dumps(candidates)
            elif (shortest := _shortest(conn, words)) is not None:
                stmt = stmt.where(sa.func.length(subjects.c.name) >= shortest)
        hits = _hits(conn.execute(stmt, params))
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
        if _statistics(conn).frequent.get(term):
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


@dataclass
class _Statistics:
    """What one store's searches learnt about terms, kept for the next searches.

    ``frequent`` is a planning guess only (either answer gives the same hits), so
    it is never invalidated. ``shortest`` is the length of the shortest name
    holding a term, with the ledger version it was read at: a name registered or
    renamed since moves the version, and the figure is read again.
    """

    frequent: dict[str, bool] = field(default_factory=dict)
    shortest: dict[str, tuple[int, int]] = field(default_factory=dict)


#: Per engine, so that two stores in one process never share figures.
_STATISTICS: weakref.WeakKeyDictionary[Engine, _Statistics] = weakref.WeakKeyDictionary()
_MAX_TERMS = 4096  # terms remembered per store before starting afresh


def _statistics(conn: Connection) -> _Statistics:
    found = _STATISTICS.get(conn.engine)
    if found is None:
        found = _STATISTICS[conn.engine] = _Statistics()
    return found


def _remember(table: dict[str, Any], term: str, value: Any) -> None:
    if len(table) >= _MAX_TERMS:
        table.clear()
    table[term] = value


_HEAD = sa.text("SELECT last_seq FROM chain_head WHERE id = 1")


def _shortest(conn: Connection, words: list[str]) -> int | None:
    """A length no matching name is shorter than, for a query of common terms only.

    Such a query reads names in (length, name) order until the page is full; when
    the shortest names hold none of the terms (``有限公司``: the 150,000 names of
    seven to nine characters never do), that read wades through all of them first.
    The length of the shortest name holding each term, read once per ledger
    version (one stop at the first match in that same order), lets the read start
    where matches can begin; the hits are the same.
    """
    stats = _statistics(conn)
    version = conn.execute(_HEAD).scalar_one_or_none() or 0
    bound = 0
    for term in words:
        known = stats.shortest.get(term)
        if known is None or known[0] != version:
            first = conn.execute(
                sa.select(sa.func.length(subjects.c.name))
                .where(_IS_ORGANISATION, _contains(term))
                .order_by(sa.func.length(subjects.c.name), subjects.c.name)
                .limit(1)
            ).scalar_one_or_none()
            if first is None:
                return None  # no name holds it: the query finds nothing at once anyway
            known = (version, int(first))
            _remember(stats.shortest, term, known)
        bound = max(bound, known[1])
    return bound or None


def _frequent(conn: Connection, term: str) -> bool:
    """Whether ``term`` looks to be in more than ``_CANDIDATES`` names, judged on a sample.

    The judgement is remembered per store: it only chooses a plan.
    """
    stats = _statistics(conn)
    known = stats.frequent.get(term)
    if known is None:
        known = _judge(conn, term)
        _remember(stats.frequent, term, known)
    return known


def _judge(conn: Connection, term: str) -> bool:
    sample = sa.select(_SEARCH_NAMES.c.name).limit(_SAMPLE).subquery()
    pattern = f"%{term.translate(_LIKE_ESCAPE)}%"
    seen = conn.execute(
        sa.select(sa.func.count()).where(sample.c.name.like(pattern, escape="\\"))
    ).scalar_one()
    if not seen:
        return False
    total = conn.execute(sa.select(sa.func.max(_SEARCH_NAMES.c.rowid))).scalar_one() or 0
    return bool(seen * total > _CANDIDATES * _SAMPLE)


def _matches(match: str) -> sa.TextClause:
    return sa.text("search_names MATCH :match").bindparams(match=match)


#: The candidates as one JSON array parameter: a list of thousands of ids bound one by
#: one cost SQLAlchemy some 5 µs each to coerce and render, more than the query itself.
_CANDIDATE_IDS = sa.select(
    sa.func.json_each(sa.bindparam("candidates", type_=sa.String)).table_valued("value").c.value
)
_FTS_IDS = "SELECT rowid FROM search_names WHERE search_names MATCH ? LIMIT ?"


def _ids(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[int]:
    """The first column of a fixed statement's rows, read through the driver's cursor.

    Thousands of ids through SQLAlchemy's result rows cost more than reading them.
    """
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
    finally:
        cursor.close()


def _candidates(conn: Connection, match: str, cap: int) -> list[int] | None:
    """Row ids of names matching the FTS5 query ``match``; None if more than ``cap``."""
    ids = _ids(conn, _FTS_IDS, (match, cap + 1))
    return None if len(ids) > cap else ids


#: Every trigram occurrence in the index, one row each, read by term range. A TEMP
#: table: it lives in the connection, so the store's schema does not change.
_INSTANCES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_names_instance "
    "USING fts5vocab(main, search_names, 'instance')"
)
_SHORT = (
    "SELECT DISTINCT doc FROM temp.search_names_instance WHERE term >= ? AND term < ? LIMIT ?"
)


def _short_candidates(conn: Connection, term: str, cap: int) -> list[int] | None:
    """Row ids of names holding a one- or two-character ``term``; None if more than ``cap``.

    The trigrams that begin with the term (the appended U+001F make every piece of
    a name begin one) are a range of the index's terms, and their occurrences name
    the documents directly: a tenth of the cost of an ``OR`` query over them.
    """
    conn.exec_driver_sql(_INSTANCES)
    ids = _ids(conn, _SHORT, (term, term + "\U0010ffff", cap + 1))
    return None if len(ids) > cap else ids


def _rarest(conn: Connection, words: list[str]) -> list[int] | None:
    """Candidate row ids from the rarest term's trigrams; None if every term is common."""
    stats = _statistics(conn)
    best: list[int] | None = None
    for term in sorted(words, key=len, reverse=True):
        key = term[:MAX_QUERY].lower()
        cap = _CANDIDATES if best is None else len(best)
        if stats.frequent.get(key):
            continue  # an earlier search found too many candidates for it
        if len(key) < 3:
            ids = _short_candidates(conn, key, cap)
        else:
            ids = _candidates(conn, '"' + key.replace('"', '""') + '"', cap)
        if ids == []:
            return []  # no name holds it
        if ids is None and best is None:
            _remember(stats.frequent, key, True)
        if ids is not None:
            best = ids
            if len(best) < 50:
                break
    return best


def _contains(term: str, name: sa.ColumnElement[str] = subjects.c.name) -> sa.ColumnElement[bool]:
    """The name contains ``term`` (brackets in either width)."""
    likes = [
        name.like(f"%{v.translate(_LIKE_ESCAPE)}%", escape="\\")
        for v in _name_variants(term[:MAX_QUERY])
    ]
    return sa.or_(*likes)


def _by_code(engine: Engine, query: str, code: str) -> SearchResult:
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
    likes = [subjects.c.name.like(f"%{p.translate(_LIKE_ESCAPE)}%", escape="\\") for p in pieces]
    stmt = _organisations().where(sa.or_(*likes)).order_by(subjects.c.id).limit(pool)
    with read_transaction(engine) as conn:
        if conn.dialect.name == "sqlite":
            stmt = _suggestion_candidates(conn, stmt, pieces, pool)
        candidates = _hits(conn.execute(stmt))
    scored = [(difflib.SequenceMatcher(None, text, c.name).ratio(), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s >= 0.4]
    scored.sort(key=lambda sc: (-sc[0], sc[1].name))
    return [c for _, c in scored[:limit]]
