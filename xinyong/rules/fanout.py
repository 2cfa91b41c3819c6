"""Spreading a pure function of a table's row slices over forked worker processes.

Explaining a million proposals is plain Python, one core's worth of work however
many cores there are. Forked workers inherit the inputs (the facts snapshot is
gigabytes) without copying or pickling them. What they make is a row of small
fields plus one large ``bytes`` payload (a proposal's canonical JSON): the small
fields come back pickled, the payloads as one file per slice in shared memory,
which costs two copies instead of a pickle round trip through a pipe.
Where ``fork`` is unavailable, or the input is small, the work runs in-process.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa

#: Below this many rows forking costs more than it saves.
PARALLEL_FROM = 20_000

#: Slices per process: small enough that one slice of unusually heavy rows
#: (subjects with hundreds of records) does not leave the other workers idle.
SLICES_PER_PROCESS = 16

Item = tuple[Any, ...]  # small picklable fields, then a bytes payload last

_JOB: list[tuple[Callable[[pa.Table], list[Item]], pa.Table, str]] = []


def processes_for(setting: int) -> int:
    """The worker count a setting means: 0 for one per core."""
    return setting if setting > 0 else (os.cpu_count() or 1)


def map_slices(
    fn: Callable[[pa.Table], list[Item]],
    table: pa.Table,
    processes: int,
    *,
    parallel_from: int = PARALLEL_FROM,
) -> list[Item]:
    """``fn`` over slices of ``table``, results concatenated in slice order.

    ``fn`` must be pure; each item it returns ends with a ``bytes`` payload and
    its other fields must be picklable.
    """
    rows = table.num_rows
    forkable = "fork" in multiprocessing.get_all_start_methods()
    if processes <= 1 or rows < parallel_from or not forkable:
        return fn(table)
    step = -(-rows // (processes * SLICES_PER_PROCESS))
    bounds = [(start, min(step, rows - start)) for start in range(0, rows, step)]
    with tempfile.TemporaryDirectory(prefix="xinyong-", dir=_shared_memory()) as folder:
        _JOB.append((fn, table, folder))  # forked workers see it; nothing big is pickled
        try:
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                parts = pool.map(_run_slice, bounds, chunksize=1)
        finally:
            _JOB.pop()
        out: list[Item] = []
        for path, heads, sizes in parts:
            payloads = Path(path).read_bytes()
            at = 0
            for head, size in zip(heads, sizes, strict=True):
                out.append((*head, payloads[at : at + size]))
                at += size
            del payloads
        return out


def _shared_memory() -> str | None:
    """A RAM-backed directory if the system has one (Linux), else the default."""
    shm = "/dev/shm"  # noqa: S108 - only a private mkdtemp directory is made in it
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _run_slice(bounds: tuple[int, int]) -> tuple[str, list[Item], list[int]]:
    fn, table, folder = _JOB[-1]
    items = fn(table.slice(*bounds))
    path = os.path.join(folder, f"{bounds[0]}.bin")
    with open(path, "wb") as f:
        f.write(b"".join(item[-1] for item in items))
    return path, [item[:-1] for item in items], [len(item[-1]) for item in items]
