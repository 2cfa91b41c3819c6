"""Name search on SQLite, read straight through the driver with fixed statements.

A search by name is three or four small statements (the rarest term's
candidates, the shortest name holding a common term, the page of hits). Built,
compiled and executed through SQLAlchemy Core, with its transaction and result
rows, they cost some five times what SQLite spends answering them, and that
overhead set the search rate under load. Here the statements are plain strings
run on the pooled driver connection inside one read transaction
(:func:`~xinyong.access.driver_reads.snapshot`), with the same conditions in
the same order as the SQLAlchemy statements they replace, so the partial
indexes on organisations serve them as before; the search tests compare both
backends against a plain ``LIKE`` scan. The plan is described in
:mod:`xinyong.access.search`.
"""

from __future__ import annotations

import json
import sqlite3
import weakref
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from xinyong.access import driver_reads
from xinyong.ledger import NATURAL_PERSON

MAX_QUERY = 100
CANDIDATES = 2000  # more matches than this: read in result order instead
LIKE_ESCAPE = str.maketrans({"%": r"\%", "_": r"\_", "\\": r"\\"})
#: A literal, not a parameter: the search indexes are partial on this condition.
ORGANISATION = f"kind != '{NATURAL_PERSON}'"
_MAX_TERMS = 4096  # terms remembered per store before starting afresh

#: (code, name, kind, region) of an organisation found.
Row = tuple[str | None, str, str, str | None]


def name_variants(text: str) -> list[str]:
    """``text`` as typed and with full-width brackets (registered names use those)."""
    wide = text.replace("(", "（").replace(")", "）")
    return list(dict.fromkeys([text, wide]))


def like_patterns(term: str) -> list[str]:
    """``LIKE`` patterns (escape ``\\``) for names containing ``term`` in either width."""
    return [f"%{v.translate(LIKE_ESCAPE)}%" for v in name_variants(term[:MAX_QUERY])]


def _contains(term: str) -> tuple[str, list[str]]:
    patterns = like_patterns(term)
    tests = " OR ".join(["name LIKE ? ESCAPE '\\'"] * len(patterns))
    return (f"({tests})" if len(patterns) > 1 else tests), patterns


@dataclass
class Statistics:
    """What one store's searches learnt about terms, kept for the next searches.

    ``frequent`` is a planning guess only (either answer gives the same hits), so
    it is never invalidated. ``shortest`` is the length of the shortest name
    holding a term, with the ledger version it was read at: a name registered or
    renamed since moves the version, and the figure is read again.
    """

    frequent: dict[str, bool] = field(default_factory=dict)
    shortest: dict[str, tuple[int, int]] = field(default_factory=dict)


#: Per engine, so that two stores in one process never share figures.
_STATISTICS: weakref.WeakKeyDictionary[Engine, Statistics] = weakref.WeakKeyDictionary()


def statistics(engine: Engine) -> Statistics:
    """The figures the searches of this store have learnt so far."""
    found = _STATISTICS.get(engine)
    if found is None:
        found = _STATISTICS[engine] = Statistics()
    return found


def remember(table: dict[str, Any], term: str, value: Any) -> None:
    """Keep ``value`` for ``term``, starting afresh once a table holds too many terms."""
    if len(table) >= _MAX_TERMS:
        table.clear()
    table[term] = value


def names(
    driver: sqlite3.Connection, stats: Statistics, words: list[str], limit: int, offset: int
) -> list[Row]:
    """Up to ``limit + 1`` organisations whose name holds every word, in result order."""
    where = [ORGANISATION]
    params: list[Any] = []
    for term in words:
        test, patterns = _contains(term)
        where.append(test)
        params.extend(patterns)
    if (candidates := _rarest(driver, stats, words)) is not None:
        where.append("id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(candidates))
    elif (shortest := _shortest(driver, stats, words)) is not None:
        where.append("length(name) >= ?")
        params.append(shortest)
    # Fixed fragments only (the conditions above); every value is a parameter.
    sql = (
        f"SELECT code, name, kind, region FROM subjects WHERE {' AND '.join(where)} "  # noqa: S608
        "ORDER BY length(name), name LIMIT ? OFFSET ?"
    )
    return driver.execute(sql, (*params, limit + 1, offset)).fetchall()


_BY_CODE = f"SELECT code, name, kind, region FROM subjects WHERE {ORGANISATION} AND code = ?"  # noqa: S608


def by_code(driver: sqlite3.Connection, code: str) -> list[Row]:
    """The organisation registered under ``code`` (a list of one, or empty)."""
    return driver.execute(_BY_CODE, (code,)).fetchall()


def _shortest(driver: sqlite3.Connection, stats: Statistics, words: list[str]) -> int | None:
    """A length no matching name is shorter than, for a query of common terms only.

    Such a query reads names in (length, name) order until the page is full; when
    the shortest names hold none of the terms (``有限公司``: the 150,000 names of
    seven to nine characters never do), that read wades through all of them first.
    The length of the shortest name holding each term, read once per ledger
    version (one stop at the first match in that same order), lets the read start
    where matches can begin; the hits are the same.
    """
    version = driver_reads.head(driver)
    bound = 0
    for term in words:
        known = stats.shortest.get(term)
        if known is None or known[0] != version:
            test, patterns = _contains(term)
            first = driver.execute(
                f"SELECT length(name) FROM subjects WHERE {ORGANISATION} AND {test} "  # noqa: S608
                "ORDER BY length(name), name LIMIT 1",
                patterns,
            ).fetchone()
            if first is None:
                return None  # no name holds it: the query finds nothing at once anyway
            known = (version, int(first[0]))
            remember(stats.shortest, term, known)
        bound = max(bound, known[1])
    return bound or None


_FTS_IDS = "SELECT rowid FROM search_names WHERE search_names MATCH ? LIMIT ?"

#: Every trigram occurrence in the index, one row each, read by term range. A TEMP
#: table: it lives in the connection, so the store's schema does not change.
_INSTANCES = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_names_instance "
    "USING fts5vocab(main, search_names, 'instance')"
)
_SHORT = "SELECT DISTINCT doc FROM temp.search_names_instance WHERE term >= ? AND term < ? LIMIT ?"


def _ids(
    driver: sqlite3.Connection, sql: str, params: tuple[Any, ...], cap: int
) -> list[int] | None:
    ids = [row[0] for row in driver.execute(sql, (*params, cap + 1))]
    return None if len(ids) > cap else ids


def _short_candidates(driver: sqlite3.Connection, term: str, cap: int) -> list[int] | None:
    """Row ids of names holding a one- or two-character ``term``; None if more than ``cap``.

    The trigrams that begin with the term (the appended U+001F make every piece of
    a name begin one) are a range of the index's terms, and their occurrences name
    the documents directly: a tenth of the cost of an ``OR`` query over them.
    """
    driver.execute(_INSTANCES)
    return _ids(driver, _SHORT, (term, term + "\U0010ffff"), cap)


def _rarest(driver: sqlite3.Connection, stats: Statistics, words: list[str]) -> list[int] | None:
    """Candidate row ids from the rarest term's trigrams; None if every term is common."""
    best: list[int] | None = None
    for term in sorted(words, key=len, reverse=True):
        key = term[:MAX_QUERY].lower()
        cap = CANDIDATES if best is None else len(best)
        if stats.frequent.get(key):
            continue  # an earlier search found too many candidates for it
        if len(key) < 3:
            ids = _short_candidates(driver, key, cap)
        else:
            ids = _ids(driver, _FTS_IDS, ('"' + key.replace('"', '""') + '"',), cap)
        if ids == []:
            return []  # no name holds it
        if ids is None and best is None:
            remember(stats.frequent, key, True)
        if ids is not None:
            best = ids
            if len(best) < 50:
                break
    return best
