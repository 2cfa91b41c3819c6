#!/usr/bin/env bash
# Set up everything (scripts/setup.sh demo), then run the demo platform on the embedded store:
# load a generated region, evaluate the rules, walk demo cases, and serve the portal and API
# on http://127.0.0.1:8000/ until Ctrl-C. Extra arguments go to `xinyong demo` (--no-serve, ...).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash scripts/setup.sh demo
exec .venv/bin/xinyong demo "$@"
