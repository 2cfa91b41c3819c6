"""Reading and checking rows in a second process while this one writes to the ledger.

Writing is bound by the ledger (hash chain, two rows per record, the commit's
fsync); reading and validating is pure computation. On a machine with two
cores the two overlap: a forked worker reads the file, validates chunk after
chunk and sends each checked chunk through a pipe; this process resolves and
writes them in order. The worker runs at most one chunk ahead (a send waits
until it is received), so memory stays bounded. The worker never touches the
store: checkpoints, commits and therefore crash safety stay in this process.
If this process dies, the worker's next send fails and it exits.
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from xinyong.ingest.checked import Rejected
from xinyong.ingest.readers import Row
from xinyong.ingest.reasons import fault

__all__ = ["Checker", "Prepared", "Rejected", "can_fork", "chunks", "in_process", "in_worker"]


class Checker(Protocol):
    """The pure half of a processor: validation without any store access."""

    def check(self, rows: list[tuple[int, list[Any]]]) -> Any:
        """Validate rows."""


@dataclass
class Prepared:
    """A chunk ready to write: its size, its last row number, unreadable rows, checked rows."""

    rows: int
    last: int
    malformed: list[Rejected]
    checked: Any


def chunks(rows: Iterator[Row], skip: int, size: int) -> Iterator[list[Row]]:
    """Rows in chunks of ``size``, leaving out rows numbered ``skip`` or less (already done)."""
    chunk: list[Row] = []
    for row in rows:
        if row[0] <= skip:
            continue
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _problem_code(problem: str) -> str:
    return "row.encoding" if problem.startswith("bytes that are not") else "row.malformed"


def prepare(chunk: list[Row], checker: Checker) -> Prepared:
    """Split off unreadable rows and check the others."""
    good = [(n, cells) for n, cells, _ in chunk if cells is not None]
    malformed: list[Rejected] = [
        (n, [fault(_problem_code(p), None, None, None, detail_en=p)], None)
        for n, cells, p in chunk
        if cells is None and p is not None
    ]
    return Prepared(len(chunk), chunk[-1][0], malformed, checker.check(good))


def in_process(rows: Iterator[Row], checker: Checker, skip: int, size: int) -> Iterator[Prepared]:
    """Prepared chunks computed here, one at a time."""
    for chunk in chunks(rows, skip, size):
        yield prepare(chunk, checker)


def can_fork() -> bool:
    """Whether a worker process can be forked here (and is worth it: two cores or more)."""
    return "fork" in mp.get_all_start_methods() and (os.cpu_count() or 1) > 1


def _work(
    send: Any, receive: Any, rows: Iterator[Row], checker: Checker, skip: int, size: int
) -> None:
    receive.close()
    code = 0
    try:
        for chunk in chunks(rows, skip, size):
            send.send(prepare(chunk, checker))
        send.send(None)
    except (BrokenPipeError, EOFError, KeyboardInterrupt):
        code = 1
    except BaseException as exc:  # report it to the writer, which raises it
        try:
            send.send(exc)
        except OSError:
            code = 1
    finally:
        send.close()
        os._exit(code)  # no finalisers: the store's connections belong to the parent


def in_worker(rows: Iterator[Row], checker: Checker, skip: int, size: int) -> Iterator[Prepared]:
    """Prepared chunks computed by a forked worker, received in file order."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_work, args=(send, receive, rows, checker, skip, size))
    worker.daemon = True
    worker.start()
    send.close()
    try:
        while True:
            try:
                message = receive.recv()
            except EOFError:
                raise RuntimeError("the reading worker stopped without finishing") from None
            if message is None:
                return
            if isinstance(message, BaseException):
                raise message
            yield message
    finally:
        receive.close()
        worker.join(timeout=5)
        if worker.is_alive():  # pragma: no cover - only if the worker hangs
            worker.kill()
            worker.join()
