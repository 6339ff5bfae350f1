#!/usr/bin/env bash
# Three app instances behind nginx, one killed mid-run (issue 11): see scripts/bench_instances.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 scripts/bench_instances.py "$@"
