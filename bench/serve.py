"""Serving speed: the public subject JSON of ``xinyong serve`` against datasette, same run.

Both servers read the same SQLite file: xinyong answers
``GET /api/v1/subjects/{code}`` (the subject with its public records, shaped by
the catalog), datasette answers ``GET /{db}/records.json?subject_id=N&_shape=array``
(the same subject's raw record rows, no disclosure rules), which is the least a
general SQLite server has to do for the same page. The load is 64 keep-alive
connections over loopback; every request draws its subject at random from
``--subjects`` sample organisations (5,000 by default), so no single URL is
measured. ``wrk`` is used when it is installed (a Lua script does the drawing and
reports p50/p95/p99), otherwise a small asyncio load generator in its own process
(it takes a core from the servers, so its figures are a lower bound). Search p95
is measured the same way on ``/api/v1/search``.

Caching: each xinyong worker keeps the public subject pages it has built (up to
8,192), valid while the ledger head and the date stay as they were. The servers
start cold and nothing warms them: the first request for each subject in each
worker builds the page from the store, so with 5,000 subjects, two workers and a
10 s run, a third to all of the requests are misses (as many as the servers
manage to build). ``--warm SECONDS`` runs the same load first, unmeasured, to
measure a warmed cache instead; a larger ``--subjects`` (beyond what a worker
keeps) measures mostly misses however long the run. Search keeps no results:
its five queries (``拓康``, ``北京 科技``, ``商贸``, an unknown code, ``有限公司``)
run against the store every time; what it remembers per term (whether the term
is common, the length of the shortest name holding it) only chooses the plan.

``--zipf S`` draws subjects by popularity instead: the sample, in its random
order, is ranked, and a list of a million requests is drawn with the subject of
rank r asked for in proportion to 1/r^S (S about 1 is the usual shape of what
people look up on the web: a few subjects often, most rarely). With
``--subjects`` as large as the store, this is a portal's long tail: the pages
the workers keep serve the popular subjects, and the rest are built.

``--page-cache 0`` keeps no pages at all (``XINYONG_PAGE_CACHE``): every request
builds its page from the store, the worst case of a portal whose readers never
ask for the same subject twice.

The shared page store (``XINYONG_PAGE_STORE``, a file beside the store that
every worker reads, kept across restarts) is what serves the long tail:
``--page-store built`` runs ``xinyong pages build`` first (its time is
reported) so that every organisation's page is stored; ``empty`` gives the
servers a new, empty page file (each page is stored the first time any worker
builds it); ``off`` turns it off (each worker's memory alone); ``as-is`` (the
default) uses the store's page file as earlier runs left it. The report gives
the file's state before the run.

``--amend-per-second R`` amends R random records a second (in a process of its
own, through the ledger) during the warm-up and the measured run, as a department
pushing corrections would: each amendment moves the ledger head, and the cache
drops only the page of the amended record's subject.

Usage::

    python bench/serve.py                      # a demo region (2,000 organisations), 5 s runs
    python bench/serve.py --home PATH          # an existing store (XINYONG_HOME) instead
    python bench/serve.py --entities 20000 --records 200000 --seconds 10 --workers 2

A run this short on a shared machine is an indication, not a measurement; the
figures the issue asks for need a dedicated machine and a store of a million subjects.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import quote

CONNECTIONS = 64
SETTLE_S = 3.0  # after the first answer, for the other workers to finish starting


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for(port: int, path: str, timeout: float = 120.0) -> None:
    """Until the server answers HTTP, then a settling pause for its other workers.

    A multi-worker server listens before its workers have started; measuring from
    the first open port would count their start-up as slow requests.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            url = f"http://127.0.0.1:{port}{path}"
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    time.sleep(SETTLE_S)
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing answers on port {port}")


#: Requests drawn for ``--zipf``: enough that the load generator never repeats a cycle.
ZIPF_DRAWS = 1_000_000


def zipf_draws(picked: list[tuple[str, int]], exponent: float) -> list[tuple[str, int]]:
    """``ZIPF_DRAWS`` subjects drawn from ``picked`` with weight 1/rank^``exponent``."""
    weights = [1.0 / (rank**exponent) for rank in range(1, len(picked) + 1)]
    return random.Random(13).choices(picked, weights=weights, k=ZIPF_DRAWS)


def samples(db: Path, count: int) -> list[tuple[str, int]]:
    """(code, subject id) of organisations with records, a fixed random sample."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT s.code, s.id FROM subjects s WHERE s.code IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM records r WHERE r.subject_id = s.id) ORDER BY s.id"
        ).fetchall()
    random.Random(7).shuffle(rows)
    return [(code, sid) for code, sid in rows[:count]]


async def _body(reader: asyncio.StreamReader, head: bytes) -> None:
    """Read one response body: Content-Length or chunked."""
    for line in head.split(b"\r\n"):
        if line.startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":", 1)[1]))
            return
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip() or b"0", 16)
        await reader.readexactly(size + 2)
        if size == 0:
            return


async def _worker(port: int, paths: list[str], stop: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors, i = 0, random.randrange(len(paths))
    while time.perf_counter() < stop:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        await _body(reader, head.lower())
        latencies.append(time.perf_counter() - started)
        errors += status != 200
    writer.close()
    return errors


async def _load(port: int, paths: list[str], seconds: float) -> dict[str, Any]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    started = time.perf_counter()
    errors = await asyncio.gather(
        *(_worker(port, paths, stop, latencies) for _ in range(CONNECTIONS))
    )
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / elapsed,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p95_ms": 1000 * ordered[int(len(ordered) * 0.95)],
        "p99_ms": 1000 * ordered[int(len(ordered) * 0.99)],
        "non_200": sum(errors),
    }


def load(port: int, paths: list[str], seconds: float) -> dict[str, Any]:
    """Drive ``paths`` round-robin with 64 connections for ``seconds`` (own process)."""
    code = (
        "import asyncio, json, sys; sys.path.insert(0, sys.argv[1]); import serve; "
        "print(json.dumps(asyncio.run(serve._load(int(sys.argv[2]), json.load(sys.stdin), "
        "float(sys.argv[3])))))"
    )
    out = subprocess.run(  # the paths on stdin: a million of them exceed any command line
        [sys.executable, "-c", code, str(Path(__file__).parent), str(port), str(seconds)],
        input=json.dumps(paths), capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        raise RuntimeError(f"load generator failed: {out.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(out.stdout)
    result["generator"] = "asyncio"
    return result


#: wrk script: each connection draws its next path at random from the file named by
#: the first script argument, so no single URL (nor a short cycle) is measured, and
#: the percentiles are printed as JSON by ``done`` (wrk's ``--latency`` has no p95).
WRK_SCRIPT = r"""
local paths = {}
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(os.time() + id * 7919)
end
function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
function done(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %f, "non_2xx": %d, "errors": %d, ' ..
    '"p50_ms": %f, "p95_ms": %f, "p99_ms": %f, "max_ms": %f}\n',
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def wrk_load(port: int, paths: list[str], seconds: float) -> dict[str, Any]:
    """``paths`` drawn at random per request through ``wrk`` (64 connections, 2 threads)."""
    with tempfile.TemporaryDirectory(prefix="xinyong-wrk-") as tmp:
        script, listing = Path(tmp, "rotate.lua"), Path(tmp, "paths.txt")
        script.write_text(WRK_SCRIPT)
        listing.write_text("\n".join(paths) + "\n")
        out = subprocess.run(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "-s", str(script),
             f"http://127.0.0.1:{port}", "--", str(listing)],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    figures: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures.pop("seconds")
    figures["non_200"] = figures.pop("non_2xx")
    figures["generator"] = "wrk"
    return figures


def run(port: int, paths: list[str], seconds: float) -> dict[str, Any]:
    if shutil.which("wrk"):
        return wrk_load(port, paths, seconds)
    return load(port, paths, seconds)


def start(cmd: list[str], env: dict[str, str], port: int, ready: str) -> subprocess.Popen[bytes]:
    """Start a server and wait until ``ready`` answers (datasette's home page counts
    every table's rows, which takes half a minute on a large file: not a readiness test)."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(port, ready)
    except RuntimeError:
        proc.kill()
        raise
    return proc


#: Record types whose catalog entry has a ``remarks`` field (备注) to amend.
REMARKED = ("administrative_penalty", "administrative_licence")


def amend_steadily(home: Path, per_second: float, stop: Any, done: Any) -> None:
    """Amend random records at ``per_second`` until ``stop`` is set (a department pushing
    corrections while the portal is read); puts the number of amendments on ``done``."""
    from xinyong.ledger import NotFoundError, RecordStatus, open_store
    from xinyong.settings import load_settings

    rng = random.Random(11)
    count = 0
    with open_store(load_settings(home=home), actor="bench") as store:
        with sqlite3.connect(f"file:{home / 'xinyong.sqlite3'}?mode=ro", uri=True) as conn:
            high = conn.execute("SELECT max(id) FROM records WHERE status = 'active'").fetchone()[0]
        next_at = time.monotonic()
        while not stop.is_set():
            try:
                record = store.get_record(rng.randint(1, high))
            except NotFoundError:  # an id of another kind of row: draw again
                continue
            if (
                record.record_type not in REMARKED
                or record.status is not RecordStatus.ACTIVE
                or record.disputed
            ):
                continue
            store.amend_record(record.id, {"remarks": f"bench correction {count}"}, reason="bench")
            count += 1
            next_at += 1 / per_second
            stop.wait(max(0.0, next_at - time.monotonic()))
    done.put(count)


def prepare(args: argparse.Namespace) -> Path:
    if args.home:
        return Path(args.home)
    from xinyong.demo import DemoOptions, run_demo
    from xinyong.settings import Settings

    home = Path(tempfile.mkdtemp(prefix="xinyong-bench-serve-"))
    run_demo(Settings(home=home), DemoOptions(entities=args.entities, records=args.records))
    return home


def page_store(mode: str, env: dict[str, str], scratch: Path) -> dict[str, object]:
    """Set up the shared page file as ``mode`` asks; its state (and build time) for the report."""
    if mode == "off":
        env["XINYONG_PAGE_STORE"] = "off"
        return {"mode": mode}
    if mode == "empty":
        env["XINYONG_PAGE_STORE"] = str(scratch / "pages.sqlite3")
    xinyong = str(Path(sys.executable).parent / "xinyong")
    report: dict[str, object] = {"mode": mode}
    if mode == "built":
        started = time.perf_counter()
        out = subprocess.run([xinyong, "pages", "build"], env=env, check=True,
                             capture_output=True, text=True).stdout  # fmt: skip
        report["build"] = json.loads(out)
        report["build_wall_seconds"] = round(time.perf_counter() - started, 1)
    out = subprocess.run([xinyong, "pages", "status"], env=env, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    report["before"] = json.loads(out)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", help="an existing store's XINYONG_HOME")
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--subjects", type=int, default=5_000, help="sample subjects to draw from")
    parser.add_argument(
        "--warm", type=float, default=0.0,
        help="seconds of the same subject load, unmeasured, before the measured run",
    )  # fmt: skip
    parser.add_argument(
        "--zipf", type=float, default=None, metavar="S",
        help="draw subjects by popularity 1/rank^S from the sample instead of uniformly",
    )  # fmt: skip
    parser.add_argument(
        "--page-cache", type=int, default=None,
        help="public pages each worker keeps (XINYONG_PAGE_CACHE; 0: every request is a miss)",
    )  # fmt: skip
    parser.add_argument(
        "--page-store", choices=["as-is", "built", "empty", "off"], default="as-is",
        help="the shared page file: as earlier runs left it, built for every organisation "
        "first, new and empty, or turned off",
    )  # fmt: skip
    parser.add_argument(
        "--amend-per-second", type=float, default=0.0,
        help="amend this many random records a second while the subject JSON is measured "
        "(warm-up included): the store is changed, so use a copy",
    )  # fmt: skip
    args = parser.parse_args()

    home = prepare(args)
    db = home / "xinyong.sqlite3"
    picked = samples(db, args.subjects)
    if args.zipf is not None:
        picked = zipf_draws(picked, args.zipf)
    env = {**os.environ, "XINYONG_HOME": str(home), "XINYONG_SEARCH_PER_MINUTE": "100000000"}
    if args.page_cache is not None:
        env["XINYONG_PAGE_CACHE"] = str(args.page_cache)
    scratch = Path(tempfile.mkdtemp(prefix="xinyong-bench-pages-"))
    pages = page_store(args.page_store, env, scratch)
    bin_dir = Path(sys.executable).parent
    ours, theirs = free_port(), free_port()
    ours_cmd = [str(bin_dir / "xinyong"), "serve", "--port", str(ours),
                "--workers", str(args.workers)]  # fmt: skip
    theirs_cmd = [str(bin_dir / "datasette"), "serve", "-i", str(db), "--port", str(theirs),
                  "--setting", "num_sql_threads", str(max(3, args.workers * 2))]  # fmt: skip
    servers: list[subprocess.Popen[bytes]] = []
    try:  # started inside: a server that fails to start must not leave the other running
        servers.append(start(ours_cmd, env, ours, "/"))
        servers.append(start(theirs_cmd, env, theirs, "/-/versions.json"))
        subject_paths = [f"/api/v1/subjects/{code}" for code, _ in picked]
        writer = None
        if args.amend_per_second:
            ctx = multiprocessing.get_context("spawn")
            stop, done = ctx.Event(), ctx.Queue()
            writer = ctx.Process(
                target=amend_steadily, args=(home, args.amend_per_second, stop, done)
            )
            writer.start()
        if args.warm:
            run(ours, subject_paths, args.warm)  # unmeasured: fills the workers' page caches
        xinyong = run(ours, subject_paths, args.seconds)
        if writer is not None:
            stop.set()
            xinyong["amendments"] = done.get(timeout=60)
            writer.join()
        datasette = run(
            theirs,
            [f"/{db.stem}/records.json?subject_id={sid}&_shape=array" for _, sid in picked],
            args.seconds,
        )
        queries = ["拓康", "北京 科技", "商贸", "911101089594066093", "有限公司"]
        search = run(ours, [f"/api/v1/search?q={quote(q)}" for q in queries], args.seconds)
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.home:  # the demo region this run generated
            shutil.rmtree(home, ignore_errors=True)
    report = {
        "store": str(db),
        "workers": args.workers,
        "connections": CONNECTIONS,
        "seconds": args.seconds,
        "warm_seconds": args.warm,
        "amend_per_second": args.amend_per_second,
        "page_cache": env.get("XINYONG_PAGE_CACHE", "default"),
        "subjects": args.subjects,
        "zipf": args.zipf,
        "distinct_subjects_requested": len(set(picked)),
        "page_store": pages,
        "subject_json": xinyong,
        "datasette_records_json": datasette,
        "ratio_rps": xinyong["rps"] / datasette["rps"],
        "search": search,
        "targets": {"rps": 3000, "p99_ms": 25, "ratio": 1.5, "search_p95_ms": 100},
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        f"subject JSON {xinyong['rps']:.0f} req/s (p99 {xinyong['p99_ms']:.1f} ms), "
        f"datasette {datasette['rps']:.0f} req/s: ratio {report['ratio_rps']:.2f}; "
        f"search p95 {search['p95_ms']:.1f} ms",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
