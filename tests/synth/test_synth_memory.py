"""Streaming: memory stays flat as the number of records grows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_RUN = """
import resource, sys
from pathlib import Path
from xinyong.synth import generate
generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), seed=2)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_kib(out: Path, entities: int, records: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(out), str(entities), str(records)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


@pytest.mark.slow
def test_peak_memory_does_not_grow_with_records(tmp_path: Path) -> None:
    # From about 60,000 records on every large feed works on full chunks, so peak memory
    # should stay where it is however many more records follow.
    small = _peak_kib(tmp_path / "small", 2_000, 80_000)
    large = _peak_kib(tmp_path / "large", 2_000, 200_000)
    assert large < 200 * 1024  # a modest bound: 200 MiB for 200,000 records
    assert large < small * 1.15  # two and a half times the records, about the same memory
