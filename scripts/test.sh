#!/usr/bin/env bash
# Set up everything (scripts/setup.sh test), then run the whole test suite: lint, format,
# types, and pytest on SQLite and on a real PostgreSQL server. Extra arguments go to pytest.
#
# PostgreSQL: set XINYONG_TEST_POSTGRES_URL to a server the tests may create databases on;
# otherwise this script starts a throw-away cluster from the installed server binaries on a
# free local port and removes it afterwards. The PostgreSQL tests never skip silently.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh test

pgdir=""
cleanup() {
  if [ -n "$pgdir" ]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ -z "${XINYONG_TEST_POSTGRES_URL:-}" ]; then
  pgver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pgbin=/usr/lib/postgresql/$pgver/bin
  pgdir=$(mktemp -d -t xinyong-pg.XXXXXX)
  trap cleanup EXIT
  [ "$(id -u)" = 0 ] && chown postgres: "$pgdir"
  port=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
    || { cat "$pgdir/initdb.log" >&2; exit 1; }
  as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w \
    -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
    start >/dev/null || { cat "$pgdir/server.log" >&2; exit 1; }
  export XINYONG_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
  echo "test: throw-away PostgreSQL $pgver on 127.0.0.1:$port" >&2
fi

echo "test: ruff" >&2
.venv/bin/ruff check xinyong tests bench
.venv/bin/ruff format --check xinyong tests bench
echo "test: mypy --strict" >&2
.venv/bin/mypy
echo "test: pytest" >&2
.venv/bin/python -m pytest -n 2 "$@"
