#!/usr/bin/env bash
# The README's test command, N times in a row (default 3), each from a fresh clone of a commit
# (default HEAD), while `stress-ng --cpu 2` keeps both cores busy beside it: the proof that the suite
# is robust on a busy machine. Prints and appends one line per run (commit, seconds, load average,
# summary) to artifacts/under-load.txt; exits non-zero if any run failed.
#   bash scripts/test-under-load.sh [runs] [commit]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
commit="$(git -C "$root" rev-parse "${2:-HEAD}")"
out="$root/artifacts/under-load.txt"
mkdir -p "$root/artifacts"

if ! command -v stress-ng >/dev/null; then
  echo "[under-load] installing stress-ng"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq stress-ng >/dev/null
fi

stress-ng --cpu 2 --quiet &
hog=$!
work="$(mktemp -d)"
chmod 755 "$work" # PostgreSQL runs as the postgres user: it must reach the clone's .data
trap 'kill $hog 2>/dev/null || true; rm -rf "$work"' EXIT

failed=0
for i in $(seq 1 "$runs"); do
  clone="$work/run$i"
  git clone -q "$root" "$clone"
  git -C "$clone" checkout -q "$commit"
  started=$(date +%s)
  set +e
  # Ports of their own, so a run beside scripts/run.sh or another test run does not clash.
  INVOICEMVC_TEST_PG_PORT=55480 INVOICEMVC_TEST_REDIS_PORT=56480 bash "$clone/scripts/test.sh" > "$clone.log" 2>&1
  rc=$?
  set -e
  [ $rc -ne 0 ] && failed=1
  summary="$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$clone.log" | tail -1 || true)"
  line="$(date -u +%FT%TZ) commit ${commit:0:7} run $i/$runs: rc=$rc, $(( $(date +%s) - started )) s, load $(cut -d' ' -f1-3 /proc/loadavg), ${summary:-no summary}"
  echo "$line" | tee -a "$out"
  if [ $rc -ne 0 ]; then
    cp "$clone.log" "$root/artifacts/under-load-run$i.log"
    echo "  log: artifacts/under-load-run$i.log" | tee -a "$out"
    grep -E '^\s+Failed ' "$clone.log" | tee -a "$out" || true
  fi
  rm -rf "$clone"
done
exit $failed
