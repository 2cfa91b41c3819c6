"""The deterministic synthetic data set that the demo, the tests and the benchmarks use.

``generate(out_dir, entities, records, seed, error_rate, region_code, as_of)`` writes a
region's register (``subjects.csv``), one file per department feed under ``feeds/``
(GBK and UTF-8 CSV, XLSX, JSON lines, with the data standard's Chinese headers), a
ground-truth file for the faulty rows and a manifest. Same parameters, same bytes.
"""

from xinyong.synth.generate import DEFAULT_AS_OF, Summary, generate

__all__ = ["DEFAULT_AS_OF", "Summary", "generate"]
