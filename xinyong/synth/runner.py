"""Running the feeds, in this process or in worker processes.

XLSX feeds are far slower to write than CSV (openpyxl serialises cell by cell), so on a
machine with several cores the feeds are spread over forked workers, heaviest first.
Workers inherit the subject register by ``fork`` instead of receiving a copy; where
``fork`` does not exist the feeds run one after another. Either way the files are the
same, because a feed's content depends only on the seed and the feed.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xinyong.synth.records.common import FeedContext
from xinyong.synth.stream import write_feed

Progress = Callable[[int], None]
#: What forked workers need; set just before the pool starts, read in the child.
_SHARED: dict[str, Any] = {}


def run_feeds(
    out_dir: Path,
    contexts: list[FeedContext],
    counts: list[int],
    seed: int,
    rate: float,
    jobs: int,
    progress: Progress | None,
) -> list[dict[str, Any]]:
    """Write every feed; returns their manifest entries in feed order."""
    if jobs <= 1 or "fork" not in mp.get_all_start_methods():
        return [
            write_feed(out_dir, ctx, i, counts[i], seed, rate, progress)
            for i, ctx in enumerate(contexts)
        ]
    fork = mp.get_context("fork")
    done = fork.Value("q", 0)
    _SHARED.update(
        out_dir=out_dir, contexts=contexts, counts=counts, seed=seed, rate=rate, done=done
    )
    # Heaviest first: an XLSX row costs about thirty CSV rows.
    order = sorted(
        range(len(contexts)),
        key=lambda i: -counts[i] * (30 if contexts[i].feed.fmt == "xlsx" else 1),
    )
    try:
        with fork.Pool(jobs) as pool:
            pending = pool.map_async(_work, order, chunksize=1)
            reported = 0
            while not pending.ready():
                pending.wait(0.25)
                if progress and done.value > reported:
                    progress(done.value - reported)
                    reported = done.value
            results = dict(pending.get())
            if progress and done.value > reported:
                progress(done.value - reported)
    finally:
        _SHARED.clear()
    return [results[i] for i in range(len(contexts))]


def _work(number: int) -> tuple[int, dict[str, Any]]:
    shared = _SHARED
    done = shared["done"]

    def tick(n: int) -> None:
        """Count rows written, for the parent's progress bar."""
        with done.get_lock():
            done.value += n

    ctx = shared["contexts"][number]
    entry = write_feed(
        shared["out_dir"],
        ctx,
        number,
        shared["counts"][number],
        shared["seed"],
        shared["rate"],
        tick,
    )
    return number, entry
