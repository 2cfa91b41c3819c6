#!/usr/bin/env bash
# Idempotent set-up of everything xinyong needs, for a profile:
#   scripts/setup.sh demo   the platform itself
#   scripts/setup.sh test   the platform, the development tools, PostgreSQL's server binaries,
#                           Chromium for the portal tests, and Apache Spark (PySpark and a Java
#                           runtime) for the second rules engine
# Installs Debian packages only when missing (as root, or through sudo), creates .venv with the
# pinned packages of requirements.lock, and installs xinyong into it in editable mode.
set -euo pipefail
profile=${1:-demo}
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

apt_packages=()
case "$profile" in
  demo) ;;
  test) apt_packages+=(postgresql chromium fonts-noto-cjk)
        command -v java >/dev/null 2>&1 || apt_packages+=(openjdk-17-jre-headless) ;;
  *) echo "usage: scripts/setup.sh [demo|test]" >&2; exit 2 ;;
esac

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null 2>&1; then sudo "$@";
  else echo "setup: need root to run: $*" >&2; return 1; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup: please install these packages with your system's package manager: ${missing[*]}" >&2
    return 1
  fi
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# Run a command quietly; show its output only when it fails.
quiet() {
  local log; log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"
    echo "setup: failed: $*" >&2
    return 1
  fi
  rm -f "$log"
}

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: xinyong needs Python 3.11 or newer as '$python' (set PYTHON=... to choose another)" >&2
  exit 1
fi

if [ ${#apt_packages[@]} -gt 0 ]; then apt_install "${apt_packages[@]}"; fi

if [ ! -x .venv/bin/python ]; then
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    pyver=$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    apt_install "python${pyver}-venv" || apt_install python3-venv
    "$python" -m venv .venv
  fi
fi

# Reinstall only when the pins or the project metadata changed.
stamp=.venv/.xinyong-installed
locks=(requirements.lock)
if [ "$profile" = test ]; then locks+=(requirements-spark.lock); fi
want=$(cat "${locks[@]}" pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages into .venv" >&2
  quiet .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip
  for lock in "${locks[@]}"; do
    quiet .venv/bin/python -m pip install --disable-pip-version-check -r "$lock"
  done
  quiet .venv/bin/python -m pip install --disable-pip-version-check --no-deps -e .
  quiet .venv/bin/python -m pip check
  echo "$want" > "$stamp"
fi
