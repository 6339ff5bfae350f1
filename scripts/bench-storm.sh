#!/usr/bin/env bash
# A reconnect storm (issue 11): N viewers, the web process killed and restarted under them; see scripts/bench_storm.py.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 scripts/bench_storm.py "$@"
