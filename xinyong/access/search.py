"""Public search for organisations by name or code, forgiving how people type.

Queries are folded before matching: full-width forms become half-width
(NFKC), spaces of every width vanish, common traditional characters become
simplified, and brackets match in either width (registered names use
full-width ones). Codes are recognised by shape; a code with a wrong check
character gets the corrected code as a suggestion. Names that match nothing
get the closest names sharing a two-character piece of the query.

Natural persons are never found by search: the public reaches a person's
records only where the catalog publishes them, never by typing a name.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from xinyong.access.hanzi import to_simplified
from xinyong.ids import uscc
from xinyong.ids.errors import ValidationError
from xinyong.ledger import NATURAL_PERSON
from xinyong.ledger.engine import read_transaction
from xinyong.ledger.tables import subjects

MAX_QUERY = 100
_CODE_SHAPE = re.compile(r"[0-9A-Z]{15,18}")
_LIKE_ESCAPE = str.maketrans({"%": r"\%", "_": r"\_", "\\": r"\\"})


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
        subjects.c.kind != NATURAL_PERSON
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
    stmt = (
        _organisations()
        .where(*(_contains(term) for term in terms(query)))
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


def _contains(term: str) -> sa.ColumnElement[bool]:
    """The name contains ``term`` (brackets in either width)."""
    likes = [
        subjects.c.name.like(f"%{v.translate(_LIKE_ESCAPE)}%", escape="\\")
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


def suggest(engine: Engine, text: str, *, limit: int = 5, pool: int = 200) -> list[Hit]:
    """Names close to ``text``: candidates share a two-character piece, ranked by similarity."""
    pieces = list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))[:8]
    if not pieces:
        return []
    likes = [subjects.c.name.like(f"%{p.translate(_LIKE_ESCAPE)}%", escape="\\") for p in pieces]
    stmt = _organisations().where(sa.or_(*likes)).limit(pool)
    with read_transaction(engine) as conn:
        candidates = _hits(conn.execute(stmt))
    scored = [(difflib.SequenceMatcher(None, text, c.name).ratio(), c) for c in candidates]
    scored = [(s, c) for s, c in scored if s >= 0.4]
    scored.sort(key=lambda sc: (-sc[0], sc[1].name))
    return [c for _, c in scored[:limit]]
