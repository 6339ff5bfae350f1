#!/usr/bin/env bash
# The live stream at scale (issue 11): N raw SSE viewers on the product and on a bare Kestrel SSE
# writer in the same run, the servers on core 0 and the load client on core 1. Writes the figures to
# docs/benchmarks.md. See scripts/bench_stream.py for what is measured.
#   bash scripts/bench-stream.sh [N ...]      (default: 1000 5000 10000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 scripts/bench_stream.py "$@"
