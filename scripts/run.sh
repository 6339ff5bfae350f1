#!/usr/bin/env bash
# Runs the product: PostgreSQL and Redis (installed and started if needed), migrations, then the
# dashboard on http://127.0.0.1:5000. Idempotent; Ctrl+C stops the app, `scripts/run.sh stop`
# also stops the databases.
#   INSTANCES=3 scripts/run.sh   # three app instances (ports 5001-5003) behind nginx on 5000
# INVOICEMVC_HTTP_PORT (5000) and INVOICEMVC_DATA_NAME (app: .data/app) let a benchmark run its own copy.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PG_PORT="${INVOICEMVC_PG_PORT:-55432}"
REDIS_PORT="${INVOICEMVC_REDIS_PORT:-56379}"
HTTP_PORT="${INVOICEMVC_HTTP_PORT:-5000}"
NAME="${INVOICEMVC_DATA_NAME:-app}"
INSTANCES="${INSTANCES:-1}"
if ! [[ "$INSTANCES" =~ ^[1-9]$ ]]; then
  echo "[run] INSTANCES must be a whole number from 1 to 9 (got '$INSTANCES')" >&2
  exit 2
fi

if [ "${1:-}" = "stop" ]; then
  exec scripts/services.sh down "$NAME"
fi

services_env="$(scripts/services.sh up "$NAME" "$PG_PORT" "$REDIS_PORT")"
eval "$services_env"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The first Admin and Operator: random passwords made once and kept under .data/app (git-ignored).
# Production refuses to start without them; set Seed__* yourself to choose other accounts.
accounts="$root/.data/$NAME"
mkdir -p "$accounts"
seed_password() { # $1 file: made once, 24 random characters plus one of each class Identity asks for
  [ -s "$1" ] || { (umask 077; printf '%s-Aa1' "$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)" > "$1"); }
  cat "$1"
}
export Seed__Admin__UserName="${Seed__Admin__UserName:-admin}"
export Seed__Admin__Password="${Seed__Admin__Password:-$(seed_password "$accounts/admin.password")}"
export Seed__Operator__UserName="${Seed__Operator__UserName:-operator}"
export Seed__Operator__Password="${Seed__Operator__Password:-$(seed_password "$accounts/operator.password")}"
# The token Prometheus must send to /metrics (Authorization: Bearer ...), made once like the passwords.
export Metrics__BearerToken="${Metrics__BearerToken:-$(seed_password "$accounts/metrics.token")}"

dotnet build InvoiceMvc.Web/InvoiceMvc.Web.csproj -c Release -nologo -v q
echo "[run] applying database migrations"
dotnet InvoiceMvc.Web/bin/Release/net10.0/InvoiceMvc.Web.dll --migrate
echo "[run] dashboard on http://127.0.0.1:$HTTP_PORT (Hangfire at /hangfire, audit log at /admin/audit: Admin only)"
echo "[run] sign in at /account/login as '$Seed__Admin__UserName' (Admin) or '$Seed__Operator__UserName' (Operator);"
echo "[run] their first passwords are in $accounts/admin.password and $accounts/operator.password"
echo "[run] /metrics wants 'Authorization: Bearer <token>' with the token in $accounts/metrics.token"
cd InvoiceMvc.Web
# Each instance is two processes of the same app: the web process (pages and streams) and its generator
# (Hangfire's generation queue alone, on port +100; reniced and its tick thread real-time when we may), so no viewer shares a thread
# pool, a garbage collector or a turn on the CPU with a tick (docs/decisions/020-generation-thread.md).
# Every process's two pools fit inside the server's 297 connections: a generator's are 10 each, the
# web processes share the rest (docs/operations.md#database-outages-and-connection-pool-sizing).
GENERATOR_POOL=10
pool=$(( (280 - 2 * GENERATOR_POOL * INSTANCES) / (2 * INSTANCES) ))
[ "$pool" -gt 50 ] && pool=50
postgres="$ConnectionStrings__Postgres"
priority=()
realtime=false
[ "$(id -u)" = 0 ] && priority=(nice -n -10) && realtime=true
pids=()
stop_all() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop_all EXIT INT TERM
start_instance() { # $1 instance number, $2 its web port
  Hangfire__Queues=generation Generation__RealtimeTicks=$realtime \
    ConnectionStrings__Postgres="${postgres/Maximum Pool Size=50/Maximum Pool Size=$GENERATOR_POOL};Application Name=invoicemvc-$1-generator" \
    "${priority[@]}" dotnet bin/Release/net10.0/InvoiceMvc.Web.dll --urls "http://127.0.0.1:$(($2 + 100))" > "$accounts/generator-$1.log" 2>&1 &
  pids+=($!)
  echo $! > "$accounts/generator-$1.pid"
  ( # $3: the web process's log file; without one it logs to this terminal
    [ -n "${3:-}" ] && exec > "$3" 2>&1
    Hangfire__Queues=default \
      ConnectionStrings__Postgres="${postgres/Maximum Pool Size=50/Maximum Pool Size=$pool};Application Name=invoicemvc-$1" \
      exec dotnet bin/Release/net10.0/InvoiceMvc.Web.dll --urls "http://127.0.0.1:$2" ) &
  pids+=($!)
  echo $! > "$accounts/instance-$1.pid"
  echo "[run] instance $1 on http://127.0.0.1:$2 (pid $!, log ${3:-here}), its generator on port $(($2 + 100)) (log $accounts/generator-$1.log)"
}

if [ "$INSTANCES" = 1 ]; then
  start_instance 1 "$HTTP_PORT"
  # Until the web process stops (or Ctrl+C); the trap stops the generator with it.
  wait "${pids[-1]}"
  exit
fi

# Several instances behind nginx (Debian's, installed if missing): each on its own port, each with
# its own generator, all on the one PostgreSQL and Redis; nginx passes the streams through
# unbuffered and sends a reconnecting viewer to a live instance (docs/operations.md#several-instances).
if ! command -v nginx >/dev/null; then
  echo "[run] installing nginx"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null 2>&1 || {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }
fi
# The balancer's X-Forwarded-For is believed (rate limits and the audit log see the real client).
export ReverseProxy__KnownProxies__0=127.0.0.1
upstreams=""
for i in $(seq 1 "$INSTANCES"); do
  port=$((HTTP_PORT + i))
  upstreams="$upstreams server 127.0.0.1:$port max_fails=1 fail_timeout=2s;"
  start_instance "$i" "$port" "$accounts/instance-$i.log"
done
conf="$accounts/nginx.conf"
sed -e "s|@UPSTREAMS@|$upstreams|" -e "s|@PORT@|$HTTP_PORT|g" -e "s|@DATA@|$accounts|g" "$root/deploy/nginx.conf" > "$conf"
echo "[run] nginx on http://127.0.0.1:$HTTP_PORT in front of $INSTANCES instances"
nginx -c "$conf" -e "$accounts/nginx-error.log" &
pids+=($!)
# Until the balancer stops (or Ctrl+C): one instance dying leaves the others serving, as in production.
wait "${pids[-1]}"
