#!/usr/bin/env bash
# Generation benchmark: runs the real app (Release) on its own PostgreSQL + Redis, presses START
# and measures what the product promises: exact count, schedule accuracy, time from START to
# the first invoice, and the process's peak memory. Appends the figures to docs/benchmarks.md.
#   scripts/bench.sh [RATE_PER_SECOND=5] [DURATION_SECONDS=300]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
RATE="${1:-5}"; DURATION="${2:-300}"; PORT="${BENCH_HTTP_PORT:-5090}"
trap 'kill "$app_pid" 2>/dev/null || true; scripts/services.sh down bench' EXIT
services_env="$(scripts/services.sh up bench 55492 56439)"
eval "$services_env"
export ASPNETCORE_ENVIRONMENT=Production Generation__RatePerSecond="$RATE" Generation__DurationSeconds="$DURATION"
# Production wants its accounts and the scraper's token; START is an Operator's.
export Seed__Admin__UserName=bench-admin Seed__Admin__Password=Bench-admin-password-1
export Seed__Operator__UserName=bench-operator Seed__Operator__Password=Bench-operator-password-1 Metrics__BearerToken=bench-metrics-token
dotnet build InvoiceMvc.Web/InvoiceMvc.Web.csproj -c Release -nologo -v q >/dev/null
dll=InvoiceMvc.Web/bin/Release/net10.0/InvoiceMvc.Web.dll
dotnet "$dll" --migrate >/dev/null
psql_() { PGPASSWORD="$(cat .data/bench/invoicemvc.password)" psql -h 127.0.0.1 -p 55492 -U invoicemvc invoicemvc -Atc "$1"; }
psql_ "TRUNCATE invoices, generation_runs, party_totals, invoice_lines, payments, journal_entries, journal_lines, open_balances CASCADE; UPDATE ledger_balances SET debit_total=0,credit_total=0; UPDATE invoice_stats SET invoice_count=0,total_amount=0,vat_amount=0,last_invoice_id=0"
(cd InvoiceMvc.Web && exec dotnet "../$dll" --urls "http://127.0.0.1:$PORT" >/tmp/invoicemvc-bench.log 2>&1) &
app_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/" >/dev/null 2>&1 && break; sleep 0.2; done
jar=$(mktemp)
token() { curl -s -b "$jar" -c "$jar" "http://127.0.0.1:$PORT$1" | grep -o 'name="__RequestVerificationToken" type="hidden" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }
curl -s -b "$jar" -c "$jar" -o /dev/null -d "UserName=bench-operator&Password=Bench-operator-password-1&ReturnUrl=&__RequestVerificationToken=$(token /account/login)" "http://127.0.0.1:$PORT/account/login"
t=$(token /)
status=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -H 'Accept: application/json' -H "RequestVerificationToken: $t" -d "__RequestVerificationToken=$t" "http://127.0.0.1:$PORT/generation/start")
[ "$status" = 202 ] || { echo "[bench] START answered $status" >&2; exit 1; }
target=$((RATE * DURATION))
echo "[bench] START pressed: $target invoices at $RATE/s"
until [ "$(psql_ "SELECT status FROM generation_runs ORDER BY id DESC LIMIT 1")" = "3" ]; do sleep 1; done
pid=$(pgrep -f "$dll --urls http://127.0.0.1:$PORT" | head -1)
peak_mb=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$pid/status")
row=$(psql_ "
  WITH c AS (SELECT id, pg_xact_commit_timestamp(xmin) t FROM invoices),
       f AS (SELECT min(t) t0 FROM c),
       g AS (SELECT extract(epoch FROM t - lag(t) OVER (ORDER BY id)) gap FROM c)
  SELECT (SELECT count(*) FROM invoices),
         (SELECT count(DISTINCT invoice_number) FROM invoices),
         round(extract(epoch FROM (SELECT max(t) - min(t) FROM c))::numeric, 3),
         round((SELECT max(abs(extract(epoch FROM c.t - f.t0) - (c.id - 1)::numeric / $RATE)) FROM c, f)::numeric * 1000, 1),
         round((SELECT extract(epoch FROM f.t0 - r.started_at) FROM f, generation_runs r)::numeric * 1000, 1),
         round((SELECT max(gap) FROM g)::numeric * 1000, 1),
         (SELECT (invoice_count = (SELECT count(*) FROM invoices) AND total_amount = (SELECT sum(total_amount) FROM invoices))::text FROM invoice_stats)")
IFS='|' read -r count distinct span dev start_ms max_gap stats_ok <<<"$row"
expected_span=$(python3 -c "print(round(($target - 1) / $RATE, 3))")
load=$(cut -d' ' -f1 /proc/loadavg)
line="| $(date -u +%F) | $RATE/s x ${DURATION}s, load average $load | $count / $target | $distinct | $span s (ideal $expected_span) | $dev ms | $start_ms ms | $max_gap ms | $stats_ok | $peak_mb MB |"
echo "$line"
if ! grep -q '^| date |' docs/benchmarks.md 2>/dev/null; then
  cat >> docs/benchmarks.md <<'MD'

## Generation (scripts/bench.sh)
Commit times are PostgreSQL's own (`track_commit_timestamp`). Deviation = worst |commit - (first
commit + (n-1)/rate)|. Start = first invoice's commit minus the moment START was accepted.

| date | settings | invoices | distinct numbers | first-to-last commit | worst deviation from schedule | start | longest gap | stats row = sums | peak RSS |
|---|---|---|---|---|---|---|---|---|---|
MD
fi
echo "$line" >> docs/benchmarks.md
