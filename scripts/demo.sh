#!/usr/bin/env bash
# Set up everything (scripts/setup.sh demo), then run the demo platform on the embedded store.
# Extra arguments go to `xinyong demo` (see `xinyong demo --help`).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh demo
exec .venv/bin/xinyong demo "$@"
