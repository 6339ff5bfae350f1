#!/usr/bin/env bash
# The explorer at scale: loads 10,000,000 invoices (BENCH_INVOICES) into a PostgreSQL of its own,
# times the explorer's requests through HTTP and writes the figures to docs/benchmarks.md.
# See scripts/bench_explorer.py for what is measured.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec python3 scripts/bench_explorer.py "$@"
