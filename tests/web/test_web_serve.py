"""``xinyong serve`` itself: the real server, its worker processes, proxies and shutdown.

Everything else in the web suite talks to the application in process; these
tests start the command as a user would and talk to it over a socket.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from xinyong.ledger import open_store
from xinyong.settings import Settings

pytestmark = pytest.mark.timeout(120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _env(settings: Settings, **extra: str) -> dict[str, str]:
    env = {**os.environ, "XINYONG_HOME": str(settings.home), **extra}
    env["XINYONG_SECRET_KEY"] = settings.secret_key or ""
    env["XINYONG_DATABASE_URL"] = settings.database_url or ""
    if settings.today is not None:
        env["XINYONG_TODAY"] = settings.today.isoformat()
    return env


def _get(port: int, path: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers=headers, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            return response.status, {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}


@contextmanager
def _serving(
    settings: Settings, *args: str, **env: str
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = _free_port()
    xinyong = Path(sys.executable).with_name("xinyong")
    proc = subprocess.Popen(
        [str(xinyong), "serve", "--port", str(port), *args],
        env=_env(settings, **env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(port, "/api/v1/search?q=x")[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "the server did not come up within a minute"
            time.sleep(0.2)
        yield port, proc
    finally:
        if proc.poll() is None:
            proc.terminate()  # as a user stops it: the server then stops its workers
        proc.wait(30)
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture
def served(store_settings: Settings) -> Settings:
    open_store(store_settings, create=True).close()
    return store_settings


def test_workers_answer_and_stop_on_sigterm(served: Settings) -> None:
    with _serving(served, "--workers", "2") as (port, proc):
        statuses = {_get(port, "/api/v1/search?q=%E5%85%AC%E5%8F%B8")[0] for _ in range(20)}
        status, headers = _get(port, "/")
        assert statuses == {200}
        assert status == 200
        assert headers["x-frame-options"] == "DENY"
        assert _get(port, "/", "HEAD")[1]["content-length"] == headers["content-length"]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(30) == 0  # the workers shut down with it
        with pytest.raises(urllib.error.URLError, match="Connection refused"):
            _get(port, "/")


def _limited(port: int, forwarded_for: list[str]) -> list[int]:
    return [_get(port, "/api/v1/search?q=x", **{"X-Forwarded-For": ip})[0] for ip in forwarded_for]


def test_a_local_proxy_is_believed_so_the_limits_count_its_clients(served: Settings) -> None:
    with _serving(served, XINYONG_SEARCH_PER_MINUTE="3") as (port, _):
        # the readiness probe was the first search from the proxy's own address
        assert _limited(port, ["10.1.1.1"] * 4 + ["10.2.2.2"]) == [200, 200, 200, 429, 200]


def test_forwarding_headers_from_anyone_else_are_ignored(served: Settings) -> None:
    env = {"XINYONG_SEARCH_PER_MINUTE": "3", "XINYONG_TRUSTED_PROXIES": "192.0.2.0/24"}
    with _serving(served, **env) as (port, _):
        # one client on loopback, whatever it says: the probe, then two more, then refused
        assert _limited(port, ["10.1.1.1", "10.2.2.2", "10.3.3.3"]) == [200, 200, 429]
