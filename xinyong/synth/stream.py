"""Streaming one feed: build a chunk, inject faults, write it, record ground truth.

A feed depends only on the seed, its own number and the subject register, so feeds can
be written one after another or by several worker processes at once with byte-identical
results. Each feed writes its ground truth to a part file; the caller joins the parts in
feed order.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from xinyong.synth.departments import DEPARTMENTS, Feed
from xinyong.synth.faults import Injector
from xinyong.synth.records import BUILDERS
from xinyong.synth.records.common import FeedContext
from xinyong.synth.writers import XLSX_PART_ROWS, CsvSink, JsonlSink, Sink, XlsxSink, part_names

#: Rows generated per chunk; part of the definition of the output, like the seed.
CHUNK = 8192
#: Random-stream purposes (the second SeedSequence word): records, then faults.
RECORDS, FAULTS = 2, 3


def rng(seed: int, purpose: int, feed: int, chunk: int) -> np.random.Generator:
    """The random stream for one purpose, feed and chunk: independent of all others."""
    sequence = np.random.SeedSequence([seed, purpose, feed, chunk])
    return np.random.Generator(np.random.PCG64(sequence))


def truth_part(out_dir: Path, feed: Feed) -> Path:
    """Where a feed's ground-truth lines wait to be joined into ``ground_truth.jsonl``."""
    return out_dir / f".ground_truth.{feed.key}.part"


def write_feed(
    out_dir: Path,
    ctx: FeedContext,
    number: int,
    total: int,
    seed: int,
    rate: float,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Write feed ``number`` with ``total`` rows; returns its manifest entry."""
    feed = ctx.feed
    part_rows = XLSX_PART_ROWS if feed.fmt == "xlsx" else None
    names = [f"feeds/{n}" for n in part_names(feed.key, feed.ext, total, part_rows)]
    sink = _sink(out_dir, feed, names, ctx.layout.headers, ctx.today)

    def locate(g: int) -> tuple[str, int]:
        """File and 1-based data row of the feed's row ``g`` (0-based)."""
        if part_rows is None:
            return names[0], g + 1
        return names[g // part_rows], g % part_rows + 1

    injector = Injector(ctx, rate, locate)
    build = BUILDERS[feed.builder].build
    faults: Counter[str] = Counter()
    with open(truth_part(out_dir, feed), "w", encoding="utf-8", newline="\n") as gt:
        for chunk, first in enumerate(range(0, total, CHUNK)):
            n = min(CHUNK, total - first)
            batch = build(ctx, rng(seed, RECORDS, number, chunk), n)
            truths = injector.apply(batch, first, rng(seed, FAULTS, number, chunk)) if rate else []
            sink.write(batch.rows)
            for t in truths:
                faults[str(t["fault"])] += 1
                gt.write(json.dumps({"feed": feed.key, **t}, ensure_ascii=False) + "\n")
            if progress:
                progress(n)
    files = sink.close()
    dept = DEPARTMENTS[feed.department]
    return {
        "feed": feed.key,
        "department": feed.department,
        "department_name": dept.name(ctx.region),
        "department_uscc": dept.uscc(ctx.region),
        "record_type": feed.record_type,
        "mapping": feed.mapping,
        "format": feed.fmt,
        "encoding": feed.encoding,
        "date_format": feed.date_style,
        "rows": total,
        "files": [{"path": p, "rows": r} for p, r in files],
        "columns": list(ctx.layout.headers),
        "key": [ctx.layout.headers[i] for i in ctx.layout.key],
        "operation": dict(
            zip(
                ("column", "new", "amend", "revoke"),
                (ctx.layout.headers[ctx.layout.op], *ctx.layout.ops),
                strict=True,
            )
        ),
        "faults": dict(sorted(faults.items())),
    }


def _sink(
    out_dir: Path, feed: Feed, names: list[str], headers: tuple[str, ...], today: int
) -> Sink:
    if feed.fmt == "csv":
        return CsvSink(out_dir, names[0], feed.encoding, headers)
    if feed.fmt == "jsonl":
        return JsonlSink(out_dir, names[0], headers)
    stamp = dt.datetime.combine(dt.date(1970, 1, 1) + dt.timedelta(days=today), dt.time(0, 0))
    return XlsxSink(out_dir, names, headers, "数据", stamp, XLSX_PART_ROWS)
