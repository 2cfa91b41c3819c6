"""Department data exchange: ingest feeds fast, give a reason for every rejected row,
never duplicate, never lose a batch.

``ingest_file(store, path, mapping, source)`` reads one CSV, XLSX or JSON-lines
file through a mapping (built-in name or YAML path), validates every row,
rejects the faulty ones with a reason code into ``<file>.rejects.jsonl``, and
asserts, amends or withdraws records by their natural key, in chunks that each
commit with the batch's checkpoint. ``ingest_directory(store, dir)`` ingests a
generated data set (register first, then every feed). ``source_quality(store)``
gives each furnishing department's figures. See ``docs/ingest.md``.
"""

from xinyong.ingest.core import DEFAULT_CHUNK, IngestError, ingest_directory, ingest_file
from xinyong.ingest.mapping import Mapping, MappingError
from xinyong.ingest.mapping_load import builtin_names, load_mapping
from xinyong.ingest.readers import ReaderError
from xinyong.ingest.reasons import REASONS, Reason
from xinyong.ingest.report import SourceQuality, Timeliness, source_quality
from xinyong.ingest.summary import IngestSummary, Tally

__all__ = [
    "DEFAULT_CHUNK",
    "REASONS",
    "IngestError",
    "IngestSummary",
    "Mapping",
    "MappingError",
    "ReaderError",
    "Reason",
    "SourceQuality",
    "Tally",
    "Timeliness",
    "builtin_names",
    "ingest_directory",
    "ingest_file",
    "load_mapping",
    "source_quality",
]
