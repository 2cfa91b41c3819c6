"""Streaming: memory stays flat as the number of records grows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# The peak is read from VmHWM, the high-water mark of this process's own memory:
# ru_maxrss would carry over the spawning test worker's peak across exec on Linux.
_RUN = """
import sys
from pathlib import Path
from xinyong.synth import generate
generate(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), seed=2)
with open("/proc/self/status") as status:
    print(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""


def _peak_kib(out: Path, entities: int, records: int) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(out), str(entities), str(records)],
        capture_output=True, text=True, check=True, timeout=600,
    )  # fmt: skip
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.slow
def test_peak_memory_does_not_grow_with_records(tmp_path: Path) -> None:
    # From about 60,000 records on every large feed works on full chunks, so peak memory
    # should stay about where it is however many more records follow. Holding the records
    # instead of streaming them would take several KiB per record: far above these bounds.
    small = _peak_kib(tmp_path / "small", 2_000, 100_000)
    large = _peak_kib(tmp_path / "large", 2_000, 400_000)
    assert large < 512 * 1024  # 400,000 records held in memory would need over a GiB
    assert large < small * 1.35  # four times the records, about the same memory
