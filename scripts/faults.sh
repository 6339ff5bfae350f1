#!/usr/bin/env bash
# Fault suite: runs the real app (Release) on its own PostgreSQL + Redis, injects one fault per
# scenario mid-run (kill -9, PostgreSQL stopped, Redis killed / paused, SIGTERM, two instances with
# the job owner killed) and counts invoices, duplicates, gaps, stats = SQL, Redis = SQL, rows an SSE
# viewer lost or got twice, and the time to recover. Prints the table, writes it to
# docs/reliability.md, exits non-zero if any invariant failed. Takes about 5 minutes.
#   scripts/faults.sh                      all scenarios, then docs/reliability.md is rewritten
#   FAULTS_ONLY=kill9,pgstop scripts/faults.sh   a subset (the doc is left alone)
# Settings (environment): FAULTS_RATE=20 FAULTS_DURATION=15 FAULTS_DISPLAY_RATE=50
# FAULTS_OUTAGE_SECONDS=10 FAULTS_MAX_DEVIATION_MS=500 FAULTS_WRITE_DOC=1; ports
# FAULTS_PG_PORT=55460 FAULTS_REDIS_PORT=56460 FAULTS_APP_PORT=5460 (instances use 5460, 5461).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export FAULTS_PG_PORT="${FAULTS_PG_PORT:-55460}" FAULTS_REDIS_PORT="${FAULTS_REDIS_PORT:-56460}"
export FAULTS_ROOT="$root" FAULTS_DATA="$root/.data/faults"
export FAULTS_DLL="$root/InvoiceMvc.Web/bin/Release/net10.0/InvoiceMvc.Web.dll"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

helper_pid=""
cleanup() {
  # The helper kills the app processes it started and resumes a paused Redis; this is the backstop.
  if [ -n "$helper_pid" ] && kill -0 "$helper_pid" 2>/dev/null; then kill "$helper_pid" 2>/dev/null || true; wait "$helper_pid" 2>/dev/null || true; fi
  if [ -s "$FAULTS_DATA/redis/redis.pid" ]; then kill -CONT "$(cat "$FAULTS_DATA/redis/redis.pid")" 2>/dev/null || true; fi
  scripts/services.sh down faults || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A few tries: on a busy machine an outgoing connection may hold the port for a moment (ephemeral range).
for attempt in 1 2 3 4 5; do
  if services_env="$(scripts/services.sh up faults "$FAULTS_PG_PORT" "$FAULTS_REDIS_PORT" --fast)"; then break; fi
  [ "$attempt" = 5 ] && { echo "[faults] could not start PostgreSQL/Redis" >&2; exit 1; }
  sleep 2
done
eval "$services_env"
export FAULTS_PG_PASSWORD="$(cat "$FAULTS_DATA/invoicemvc.password")"
export FAULTS_REDIS_PASSWORD="$(cat "$FAULTS_DATA/redis.password")"
unset ConnectionStrings__Postgres ConnectionStrings__Redis INVOICEMVC_TEST_POSTGRES INVOICEMVC_TEST_REDIS

echo "[faults] building the app (Release)"
dotnet build InvoiceMvc.Web/InvoiceMvc.Web.csproj -c Release -nologo -v q >/dev/null

python3 scripts/faults.py &
helper_pid=$!
set +e
wait "$helper_pid"
rc=$?
set -e
helper_pid=""
exit "$rc"
