"""Spreading a pure function of a table's row slices over forked worker processes.

Explaining a million proposals is plain Python, one core's worth of work however
many cores there are. Forked workers inherit the inputs (the facts snapshot is
gigabytes) without copying or pickling them, and send back only compact tuples.
Where ``fork`` is unavailable, or the input is small, the work runs in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any, TypeVar

import pyarrow as pa

T = TypeVar("T")

#: Below this many rows forking costs more than it saves.
PARALLEL_FROM = 20_000

_JOB: list[tuple[Callable[[pa.Table], list[Any]], pa.Table]] = []


def processes_for(setting: int) -> int:
    """The worker count a setting means: 0 for one per core."""
    return setting if setting > 0 else (os.cpu_count() or 1)


def map_slices(
    fn: Callable[[pa.Table], list[T]],
    table: pa.Table,
    processes: int,
    *,
    parallel_from: int = PARALLEL_FROM,
) -> list[T]:
    """``fn`` over slices of ``table``, results concatenated in slice order.

    ``fn`` must be pure and its results picklable. Slices are several per worker so
    that a slice of unusually heavy rows does not leave the other workers idle.
    """
    rows = table.num_rows
    if (
        processes <= 1
        or rows < parallel_from
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return fn(table)
    pieces = processes * 4
    step = -(-rows // pieces)
    bounds = [(start, min(step, rows - start)) for start in range(0, rows, step)]
    _JOB.append((fn, table))  # forked workers see it; nothing big is pickled
    try:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            parts = pool.map(_run_slice, bounds, chunksize=1)
    finally:
        _JOB.pop()
    return [item for part in parts for item in part]


def _run_slice(bounds: tuple[int, int]) -> list[Any]:
    fn, table = _JOB[-1]
    return fn(table.slice(*bounds))
