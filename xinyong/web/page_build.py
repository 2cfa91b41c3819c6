"""Build every organisation's public page into the shared page store ahead of requests.

A page asked for the first time costs a build, and a portal's long tail is
mostly first times: an operator runs ``xinyong pages build`` after loading a
store (and, say, nightly) so that every request is a look-up. Pages already
good today are skipped, so a second run builds only what changed since the
first; the store's own catch-up keeps them right in between.

Work is split into chunks of codes; with ``jobs`` above one, each chunk is
built in one of that many processes (the build is CPU-bound Python), each
with its own connections to the store and the page file.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from xinyong.access import Access
from xinyong.catalog import load_catalog
from xinyong.clock import Clock
from xinyong.ledger import open_store
from xinyong.settings import Settings
from xinyong.web.page_store import Built, PageStore
from xinyong.web.pages import MAX_DELTA, fresh

#: Codes per chunk: one transaction of the page file, one unit of progress.
CHUNK = 1000


@dataclass(frozen=True)
class BuildSummary:
    """What one ``pages build`` did."""

    organisations: int
    built: int
    stored: int
    current: int
    seconds: float
    jobs: int


class _Builder:
    """One process's connections and the chunk job."""

    def __init__(self, access: Access, store: PageStore) -> None:
        self.access = access
        self.store = store

    def chunk(self, codes: Sequence[str]) -> tuple[int, int, int]:
        """(built, stored, already current) for ``codes``."""
        today = self.access.clock.today()
        current = self.store.current(codes, today)
        pages: list[Built] = []
        for code in codes:
            if code not in current and (built := fresh(self.access, code)) is not None:
                pages.append(built)
        stored = self.store.put_many(pages) if pages else 0
        return len(pages), stored, len(current)


_worker: _Builder | None = None


def _start_worker(settings: Settings, pinned: dt.date | None) -> None:
    global _worker
    store = open_store(settings, Clock(pinned=pinned))
    access = Access(store, load_catalog())
    path = settings.page_store_path
    assert path is not None
    _worker = _Builder(access, PageStore(path, access))


def _run_chunk(codes: Sequence[str]) -> tuple[int, int, int]:
    assert _worker is not None
    return _worker.chunk(codes)


def _chunks(codes: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(codes), CHUNK):
        yield codes[start : start + CHUNK]


def build_pages(
    settings: Settings,
    access: Access,
    *,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> BuildSummary:
    """Build and store the page of every organisation not already current today.

    ``access`` is the caller's (over the store the settings name); with
    ``jobs`` above one, that many processes open their own. ``progress`` is
    told (codes done, codes in all) after every chunk.
    """
    path = settings.page_store_path
    if path is None:
        raise ValueError("the page store is turned off (XINYONG_PAGE_STORE=off)")
    started = time.perf_counter()
    store = PageStore(path, access)
    try:
        store.catch_up(access.ledger_version(), MAX_DELTA)
        codes = access.subject_codes()
        totals = [0, 0, 0]
        done = 0

        def tally(result: tuple[int, int, int], size: int) -> None:
            nonlocal done
            for i, n in enumerate(result):
                totals[i] += n
            done += size
            if progress is not None:
                progress(done, len(codes))

        if jobs <= 1:
            builder = _Builder(access, store)
            for chunk in _chunks(codes):
                tally(builder.chunk(chunk), len(chunk))
        else:
            context = multiprocessing.get_context("spawn")
            pinned = access.clock.pinned  # the workers read the same calendar
            with context.Pool(jobs, _start_worker, (settings, pinned)) as pool:
                chunks = list(_chunks(codes))
                for chunk, result in zip(chunks, pool.imap(_run_chunk, chunks), strict=True):
                    tally(result, len(chunk))
    finally:
        store.close()
    built, stored, current = totals
    return BuildSummary(
        len(codes), built, stored, current, time.perf_counter() - started, max(jobs, 1)
    )


def default_jobs() -> int:
    """One process per core."""
    return os.cpu_count() or 1
