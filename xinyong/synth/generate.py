"""``generate``: the whole data set for one region, streamed to a directory.

The output is a pure function of the parameters: every random stream is derived from
the seed with numpy's SeedSequence, keyed by purpose, feed and chunk, and nothing reads
the clock. Fault injection draws from its own streams, so the clean records are the same
whatever the error rate: a run at ``--error-rate 0`` is the answer key of a run at 0.05.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from xinyong.catalog import load_catalog
from xinyong.synth.dates import DateTable, epoch_day
from xinyong.synth.departments import FEEDS, Feed
from xinyong.synth.kinds import KINDS
from xinyong.synth.people import People, make_people
from xinyong.synth.records import BUILDERS
from xinyong.synth.records.common import SPAN_DAYS, FeedContext
from xinyong.synth.regions import Region, region
from xinyong.synth.registry import write_registry
from xinyong.synth.runner import run_feeds
from xinyong.synth.stream import CHUNK, truth_part
from xinyong.synth.subjects import Subjects, make_subjects

DEFAULT_AS_OF = dt.date(2026, 6, 30)
MAX_ENTITIES = 5_000_000
GROUND_TRUTH = "ground_truth.jsonl"


@dataclass(frozen=True)
class Summary:
    """What was written: the manifest, also saved as ``manifest.json``."""

    out_dir: Path
    manifest: dict[str, Any]


def generate(
    out_dir: Path,
    entities: int,
    records: int,
    seed: int = 1,
    error_rate: float = 0.02,
    region_code: str = "110108",
    as_of: dt.date = DEFAULT_AS_OF,
    progress: Callable[[int], None] | None = None,
    jobs: int = 1,
) -> Summary:
    """Write subjects, feeds, ground truth and manifest for one region into ``out_dir``.

    ``out_dir`` must be new, empty, or hold an earlier data set (whose files are
    replaced). ``jobs`` > 1 writes feeds in that many processes; the bytes are the same.
    """
    _check(entities, records, error_rate, as_of)
    reg = region(region_code)
    _prepare(out_dir)
    people = make_people(entities * 4 // 5 + 20, seed, as_of)
    subjects = make_subjects(entities, seed, reg, as_of, people)
    write_registry(out_dir / "subjects.csv", subjects, people, reg)
    contexts = [_context(f, reg, subjects, people, as_of) for f in FEEDS]
    counts = allocate(records, contexts)
    feeds = run_feeds(out_dir, contexts, counts, seed, error_rate, jobs, progress)
    truths = _join_truths(out_dir, contexts)
    manifest = _manifest(
        entities, records, seed, error_rate, reg, as_of, subjects, len(people), feeds, truths
    )
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return Summary(out_dir, manifest)


def _check(entities: int, records: int, error_rate: float, as_of: dt.date) -> None:
    if not 10 <= entities <= MAX_ENTITIES:
        raise ValueError(f"entities must be between 10 and {MAX_ENTITIES}")
    if records < 0:
        raise ValueError("records must not be negative")
    if not 0.0 <= error_rate <= 0.5:
        raise ValueError("error rate must be between 0 and 0.5")
    if not dt.date(2016, 1, 1) <= as_of <= dt.date(2090, 12, 31):
        raise ValueError("as-of date must lie between 2016 and 2090")


def _prepare(out_dir: Path) -> None:
    """Create ``out_dir``, or clear the files of an earlier data set; refuse anything else."""
    if out_dir.exists() and any(out_dir.iterdir()):
        manifest = out_dir / "manifest.json"
        if not manifest.exists():
            raise FileExistsError(f"{out_dir} is not empty and holds no generated data set")
        old = json.loads(manifest.read_text(encoding="utf-8"))
        paths = [old["subjects"]["path"], old["ground_truth"]["path"], "manifest.json"]
        paths += [f["path"] for feed in old["feeds"] for f in feed["files"]]
        root = out_dir.resolve()
        for path in paths:
            target = (out_dir / path).resolve()
            if root in target.parents:  # never follow a manifest out of the directory
                target.unlink(missing_ok=True)
    (out_dir / "feeds").mkdir(parents=True, exist_ok=True)


def _join_truths(out_dir: Path, contexts: list[FeedContext]) -> int:
    """Concatenate the feeds' ground-truth parts in feed order; returns the line count."""
    lines = 0
    with open(out_dir / GROUND_TRUTH, "wb") as out:
        for ctx in contexts:
            part = truth_part(out_dir, ctx.feed)
            with open(part, "rb") as src:
                for line in src:
                    out.write(line)
                    lines += 1
            part.unlink()
    return lines


def _context(feed: Feed, reg: Region, s: Subjects, people: People, as_of: dt.date) -> FeedContext:
    """A feed's context; its pool holds only subjects that existed during the record window."""
    today = epoch_day(as_of)
    alive = (s.end >= today - SPAN_DAYS + 30) & (s.reg <= today - 30)
    pool = s.pool(feed.kinds, feed.sectors, alive)
    if len(pool) == 0:
        pool = np.flatnonzero(alive) if alive.any() else np.arange(len(s), dtype=np.int64)
    dates = DateTable(feed.date_style, today - 7 * 365, today + 7 * 365)
    return FeedContext(feed, reg, s, people, today, dates, pool, BUILDERS[feed.builder].layout)


def allocate(records: int, contexts: list[FeedContext]) -> list[int]:
    """Rows per feed: ``records`` split by share, capped by capacity, exactly summing up."""
    caps = [
        BUILDERS[c.feed.builder].capacity(c) if BUILDERS[c.feed.builder].capacity else None  # type: ignore[misc]
        for c in contexts
    ]
    counts = [0] * len(contexts)
    open_ = list(range(len(contexts)))
    left = records
    while left > 0 and open_:
        shares = np.array([contexts[i].feed.share for i in open_])
        exact = left * shares / shares.sum()
        add = np.floor(exact).astype(int)
        for j in np.argsort(add - exact, kind="stable")[: left - int(add.sum())]:
            add[j] += 1
        left = 0
        for j, i in enumerate(open_):
            cap = caps[i]
            room = add[j] if cap is None else min(add[j], cap - counts[i])
            counts[i] += int(room)
            left += int(add[j] - room)
        open_ = [i for i in open_ if caps[i] is None or counts[i] < caps[i]]  # type: ignore[operator]
    return counts


def _catalog_kind(code: str) -> str | None:
    found = load_catalog().subject_kind_for_uscc(*code.split("/"))
    return found.id if found else None


def _manifest(
    entities: int,
    records: int,
    seed: int,
    rate: float,
    reg: Region,
    as_of: dt.date,
    s: Subjects,
    persons: int,
    feeds: list[dict[str, Any]],
    truths: int,
) -> dict[str, Any]:
    by_kind = Counter(KINDS[k].code for k in s.kind.tolist())
    by_type: Counter[str] = Counter()
    for f in feeds:
        by_type[f["record_type"]] += f["rows"]
    return {
        "generator": "xinyong synth",
        "format_version": 1,
        "parameters": {
            "entities": entities,
            "records": records,
            "seed": seed,
            "error_rate": rate,
            "region": reg.code,
            "as_of": as_of.isoformat(),
            "chunk": CHUNK,
        },
        "region": {"code": reg.code, "name": reg.full_name},
        "subjects": {
            "path": "subjects.csv",
            "rows": len(s),
            "encoding": "utf-8",
            "by_kind": {k.code: by_kind.get(k.code, 0) for k in KINDS},
            "kinds": [
                {"code": k.code, "label": k.label, "catalog_kind": _catalog_kind(k.code)}
                for k in KINDS
            ],
            "branches": int((s.parent >= 0).sum()),
            "renamed": len(s.former),
            "persons_in_pool": persons,
        },
        "feeds": feeds,
        "records": {
            "total": sum(f["rows"] for f in feeds),
            "by_record_type": dict(sorted(by_type.items())),
        },
        "ground_truth": {
            "path": GROUND_TRUTH,
            "rows": truths,
            "row_numbering": "1-based data rows within each file, header excluded",
        },
    }
