"""``ingest_file`` and ``ingest_directory``: the two calls the CLI, the demo and tests make.

Both are plain functions over a :class:`~xinyong.ledger.Store`; the command line
only parses options and prints what they return.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from xinyong.catalog import Catalog, load_catalog
from xinyong.ingest import batch, pipeline
from xinyong.ingest.apply import Applier
from xinyong.ingest.checked import Checked
from xinyong.ingest.mapping import Mapping
from xinyong.ingest.mapping_load import load_mapping
from xinyong.ingest.pipeline import Rejected
from xinyong.ingest.readers import open_table
from xinyong.ingest.registry import RegistryProcessor
from xinyong.ingest.resolve import Subjects
from xinyong.ingest.summary import IngestSummary, Tally
from xinyong.ingest.validate import Validator
from xinyong.ledger import Source, Store, Transaction
from xinyong.ledger.ingest_state import add_arrivals, hold_rows

#: Rows per committed chunk: large enough to amortise a commit, small enough to bound memory.
DEFAULT_CHUNK = 10_000
REGISTRY_MAPPING = "subject-registry-cn"


class IngestError(ValueError):
    """The file cannot be ingested as asked (unknown source, missing manifest...)."""


class RecordProcessor:
    """Department feeds: validate, resolve subjects, then assert, amend, withdraw or hold."""

    def __init__(
        self, job: batch.Job, validator: Validator, subjects: Subjects, applier: Applier
    ) -> None:
        self.job, self.validator, self.subjects, self.applier = job, validator, subjects, applier

    def check(self, rows: list[tuple[int, list[Any]]]) -> Checked:
        """Validate a chunk (no store access)."""
        return self.validator.run(rows)

    def write(self, tx: Transaction, checked: Checked, tally: Tally) -> list[Rejected]:
        """Resolve and write a validated chunk in ``tx``."""
        rejected = list(checked.rejected)
        for _, faults, _ in rejected:
            tally.add("rejected", faults[0].code)
        ids, unknown = self.subjects.resolve(tx, checked.candidates)
        for i, item in unknown.items():
            row = checked.candidates[i]
            rejected.append((row.number, [item], row.document_no))
            tally.add("rejected", item.code)
        tally.subjects_created += self.subjects.created
        plan = self.applier.apply(tx, checked.candidates, ids, tally)
        rejected += plan.rejected
        hold_rows(tx, self.applier.batch_id, self.applier.source_id, plan.held)
        add_arrivals(tx, self.applier.batch_id, plan.arrivals)
        return rejected

    def committed(self) -> None:
        """Keep the subject ids the chunk learnt."""
        self.subjects.committed()

    def rolled_back(self) -> None:
        """Forget them."""
        self.subjects.rolled_back()


def _source(store: Store, code: str, name: str | None, region: str | None) -> Source:
    found = store.find_source(code)
    if found is not None:
        return found
    if not name:
        raise IngestError(
            f"source {code!r} is not registered: register it (xinyong source add) "
            "or give its name so that it is registered now"
        )
    return store.register_source(code, name, region=region)


def ingest_file(
    store: Store,
    path: Path | str,
    mapping: Mapping | str | Path,
    source: str,
    *,
    source_name: str | None = None,
    source_region: str | None = None,
    rejects: Path | None = None,
    delivered_on: dt.date | None = None,
    chunk_rows: int = DEFAULT_CHUNK,
    register_subjects: bool = True,
    progress: Callable[[int], None] | None = None,
    actor: str = "ingest",
    catalog: Catalog | None = None,
    parallel: bool = False,
) -> IngestSummary:
    """Ingest one file from ``source`` with ``mapping``; resumes or skips it if seen before.

    ``rejects`` defaults to ``<file>.rejects.jsonl`` beside the file. Raises
    :class:`~xinyong.ingest.mapping.MappingError`, :class:`IngestError` or
    :class:`~xinyong.ingest.readers.ReaderError` before writing anything when the
    file cannot be ingested at all. ``parallel`` reads and checks rows in a forked
    worker while this process writes (where fork exists and there are two cores).
    """
    started = time.perf_counter()
    if chunk_rows < 1:
        raise ValueError("chunk_rows must be at least 1")
    catalog = catalog or load_catalog()
    loaded = mapping if isinstance(mapping, Mapping) else load_mapping(mapping, catalog)
    path = Path(path)
    src = _source(store, source, source_name, source_region)
    table = open_table(path, loaded.encoding, loaded.sheet)
    try:
        bound = loaded.bind(table.headers, src.code, src.name)
        job = batch.Job(
            store, path, src, loaded.name,
            loaded.record_type.id if loaded.record_type else None,
            rejects or path.with_name(path.name + ".rejects.jsonl"),
            delivered_on, chunk_rows, actor, progress,
            parallel and pipeline.can_fork(),
        )  # fmt: skip
        found, checkpoint, resumed = batch.begin(job, batch.file_sha256(path))
        if resumed and checkpoint.mapping != loaded.name:
            raise IngestError(
                f"{path.name}: batch {found.id} of this file was interrupted while ingesting "
                f"it with mapping {checkpoint.mapping!r}; finish it with that mapping"
            )
        if checkpoint.rejects_path:
            job.rejects = Path(checkpoint.rejects_path)
        if found.status == "committed":
            return batch.already(job, found, checkpoint, table)
        processor: batch.Processor
        if loaded.record_type is None:
            processor = RegistryProcessor(bound, catalog)
        else:
            applier = Applier(
                src.id, loaded.record_type.id, found.id, path.name,
                batch.arrival_day(found, checkpoint),
            )  # fmt: skip
            validator = Validator(bound, catalog, store.clock.today())
            processor = RecordProcessor(job, validator, Subjects(store, register_subjects), applier)
        summary = batch.run(job, table, processor, found, checkpoint, resumed, started)
    finally:
        table.close()
    return dataclasses.replace(summary, unmapped_columns=tuple(bound.unmapped))


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of a generated data set (``manifest.json``)."""
    path = directory / "manifest.json"
    if not path.is_file():
        raise IngestError(f"{directory}: no manifest.json, so not a data set to ingest")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def ingest_directory(
    store: Store,
    directory: Path | str,
    *,
    chunk_rows: int = DEFAULT_CHUNK,
    register_subjects: bool = True,
    progress: Callable[[int], None] | None = None,
    actor: str = "ingest",
    parallel: bool = False,
    done: Callable[[IngestSummary], None] | None = None,
) -> list[IngestSummary]:
    """Ingest a data set directory: the subject register first, then every feed file.

    Each feed's source is its department, registered under the department's
    own USCC and name as the manifest gives them; the register's source is
    ``register-<region code>``. ``done`` is told each file's summary as soon as
    that file is in: a large region takes many minutes, and a script reading the
    command's output should not wait for the last file to learn about the first.
    """
    directory = Path(directory)
    manifest = read_manifest(directory)
    catalog = load_catalog()
    region = manifest["region"]
    options: dict[str, Any] = {
        "chunk_rows": chunk_rows, "register_subjects": register_subjects,
        "progress": progress, "actor": actor, "catalog": catalog, "parallel": parallel,
    }  # fmt: skip
    files: list[tuple[Path, str, str, dict[str, Any]]] = [
        (directory / manifest["subjects"]["path"], REGISTRY_MAPPING, f"register-{region['code']}",
         {"source_name": f"{region['name']}主体登记信息"}),
    ]  # fmt: skip
    for feed in manifest["feeds"]:
        files += [
            (directory / part["path"], feed["mapping"], feed["department_uscc"],
             {"source_name": feed["department_name"]})
            for part in feed["files"]
        ]  # fmt: skip
    out = []
    for path, mapping, source, naming in files:
        summary = ingest_file(
            store, path, mapping, source, source_region=region["code"], **naming, **options
        )
        out.append(summary)
        if done is not None:
            done(summary)
    return out
