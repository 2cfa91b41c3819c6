"""Engines that run a compiled policy: DuckDB (embedded, the default) and Apache Spark.

Both receive the same facts and subjects tables and the same policy, compiled once by
Ibis into each engine's SQL, and return the same Arrow table. DuckDB gets the Arrow
tables directly; Spark reads them as Parquet from a directory that, on a cluster, must
be shared storage every executor can read (``XINYONG_SPARK_WORKDIR``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, Protocol

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from xinyong.rules.compile import CompiledPolicy
from xinyong.rules.errors import EngineUnavailableError
from xinyong.settings import Settings

ENGINES = ("duckdb", "spark")


class Engine(Protocol):
    """Runs compiled policies over facts."""

    name: str

    def run(self, compiled: CompiledPolicy, facts: pa.Table, subjects: pa.Table) -> pa.Table:
        """The rows of subjects for which some rule fires (see :mod:`.compile`)."""
        ...

    def close(self) -> None:
        """Release the engine's resources."""
        ...


class DuckDBEngine:
    """In-process DuckDB over Arrow tables: no copy into a database file."""

    name = "duckdb"

    def __init__(self, threads: int | None = None) -> None:
        self.con = duckdb.connect(config={"threads": threads or os.cpu_count() or 1})

    def run(self, compiled: CompiledPolicy, facts: pa.Table, subjects: pa.Table) -> pa.Table:
        """Register the tables and run the policy's DuckDB SQL."""
        self.con.register("facts", facts)
        self.con.register("subjects", subjects)
        try:
            result: pa.Table = self.con.sql(compiled.sql["duckdb"]).to_arrow_table()
        finally:
            self.con.unregister("facts")
            self.con.unregister("subjects")
        return result

    def close(self) -> None:
        """Close the connection."""
        self.con.close()


def _spark_session(master: str, workdir: Path, driver_memory: str) -> Any:
    """A Spark session configured for this platform (loopback, no UI, few partitions)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineUnavailableError(
            "the spark engine needs PySpark: pip install 'xinyong[spark]' (and a Java 17+ "
            "runtime, e.g. Debian's openjdk-17-jre-headless)"
        ) from exc
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise EngineUnavailableError(
            "the spark engine needs a Java 17+ runtime on PATH or in JAVA_HOME "
            "(e.g. Debian's openjdk-17-jre-headless)"
        )
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    builder = (
        SparkSession.builder.master(master)
        .appName("xinyong-evaluate")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.warehouse.dir", str(workdir / "warehouse"))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        # A million subjects' result rows come back to this process: with the default
        # 1 GiB driver they can be evicted before they are read ("TaskResultLost").
        .config("spark.driver.memory", driver_memory)
        .config("spark.driver.maxResultSize", "0")
    )
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """Apache Spark (PySpark): local mode on one machine, or a cluster via ``master``."""

    name = "spark"

    def __init__(
        self, master: str = "local[2]", workdir: Path | None = None, driver_memory: str = "4g"
    ) -> None:
        self._own_dir = workdir is None
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="xinyong-spark-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.session = _spark_session(master, self.workdir, driver_memory)
        self._written: list[Path] = []

    def _view(self, name: str, table: pa.Table) -> None:
        path = self.workdir / f"{name}-{uuid.uuid4().hex}.parquet"
        pq.write_table(table, path)
        self._written.append(path)
        self.session.read.parquet(str(path)).createOrReplaceTempView(name)

    def run(self, compiled: CompiledPolicy, facts: pa.Table, subjects: pa.Table) -> pa.Table:
        """Hand the tables over as Parquet and run the policy's Spark SQL."""
        self._view("facts", facts)
        self._view("subjects", subjects)
        result: pa.Table = self.session.sql(compiled.sql["spark"]).toArrow()
        return result

    def close(self) -> None:
        """Drop the temporary views and files (the session stays for reuse in-process)."""
        for name in ("facts", "subjects"):
            self.session.catalog.dropTempView(name)
        for path in self._written:
            path.unlink(missing_ok=True)
        self._written.clear()
        if self._own_dir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def make_engine(name: str, settings: Settings) -> Engine:
    """The engine called ``name`` (Spark as the settings place it); a clear error otherwise."""
    if name == "duckdb":
        return DuckDBEngine()
    if name == "spark":
        return SparkEngine(
            settings.spark_master, settings.spark_workdir, settings.spark_driver_memory
        )
    raise EngineUnavailableError(f"unknown engine {name!r} (one of: {', '.join(ENGINES)})")
