#!/usr/bin/env bash
# Starts or stops a private PostgreSQL 15 cluster and Redis server on 127.0.0.1 for this checkout.
#   scripts/services.sh up   NAME PG_PORT REDIS_PORT [--fast]   (idempotent; prints env to source)
#   scripts/services.sh down NAME
# Data lives under .data/NAME (git-ignored). Passwords are generated on first start and kept
# there, never in the repo. --fast turns off fsync for throwaway test clusters only.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cmd="${1:?usage: services.sh up|down NAME [PG_PORT REDIS_PORT] [--fast]}"
name="${2:?name}"
data="$root/.data/$name"
pgbin=/usr/lib/postgresql/15/bin
log() { echo "[services:$name] $*" >&2; }

ensure_packages() {
  local missing=()
  [ -x "$pgbin/initdb" ] || missing+=(postgresql-15)
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${missing[@]}" >/dev/null
    # The Debian package starts its own default Redis; ours runs on its own port.
    service redis-server stop >/dev/null 2>&1 || true
  fi
}

secret() { # $1 file: a random password, made once
  [ -s "$1" ] || head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24 > "$1"
  cat "$1"
}

pg_up() {
  local port="$1" fast="$2" pgdata="$data/pg"
  local sock="/tmp/imvc-$port"
  mkdir -p "$data" "$sock"
  chmod 755 "$root/.data" "$data"
  chown postgres:postgres "$sock"
  local pw; pw="$(secret "$data/postgres.password")"
  if [ ! -s "$pgdata/PG_VERSION" ]; then
    log "initdb $pgdata"
    mkdir -p "$pgdata" && chown postgres:postgres "$pgdata"
    local pwfile="$data/pwfile"; printf '%s\n' "$pw" > "$pwfile"; chown postgres "$pwfile"
    runuser -u postgres -- "$pgbin/initdb" -D "$pgdata" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
  fi
  if runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" status >/dev/null 2>&1; then
    log "PostgreSQL already running on $port"
  else
    # A quarter of the machine's memory for PostgreSQL's own cache, as its docs advise for a
    # dedicated server (at most 8 GB; touched only as pages are read): this VM keeps little in the
    # kernel's page cache, so what is not in shared buffers is read from disk again (docs/operations.md).
    local buffers_mb; buffers_mb=$(awk '/MemTotal/ { m = int($2 / 4096); print (m > 8192 ? 8192 : (m < 128 ? 128 : m)) }' /proc/meminfo)
    local opts="-c listen_addresses=127.0.0.1 -c port=$port -k $sock -c track_commit_timestamp=on -c max_connections=300 -c shared_buffers=${buffers_mb}MB"
    [ "$fast" = 1 ] && opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if ! runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdata" -l "$pgdata/server.log" -o "$opts" -w -t 30 start >/dev/null; then
      log "PostgreSQL did not start on port $port (is the port taken?); its log says:"
      tail -5 "$pgdata/server.log" >&2
      exit 1
    fi
    log "PostgreSQL started on 127.0.0.1:$port"
  fi
  local apppw; apppw="$(secret "$data/invoicemvc.password")"
  PGPASSWORD="$pw" psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'invoicemvc') THEN
    CREATE ROLE invoicemvc LOGIN CREATEDB PASSWORD '$apppw';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE invoicemvc OWNER invoicemvc' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'invoicemvc')\gexec
SQL
  echo "export ConnectionStrings__Postgres='Host=127.0.0.1;Port=$port;Database=invoicemvc;Username=invoicemvc;Password=$apppw;Maximum Pool Size=50'"
  echo "export INVOICEMVC_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Database=postgres;Username=invoicemvc;Password=$apppw'"
}

redis_up() {
  local port="$1" dir="$data/redis"
  mkdir -p "$dir"
  local pw; pw="$(secret "$data/redis.password")"
  if redis-cli -p "$port" -a "$pw" --no-auth-warning ping 2>/dev/null | grep -q PONG; then
    log "Redis already running on $port"
  else
    redis-server --port "$port" --bind 127.0.0.1 --requirepass "$pw" --save '' --appendonly no \
      --daemonize yes --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    for _ in $(seq 50); do redis-cli -p "$port" -a "$pw" --no-auth-warning ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
    log "Redis started on 127.0.0.1:$port"
  fi
  echo "export ConnectionStrings__Redis='127.0.0.1:$port,password=$pw'"
  echo "export INVOICEMVC_TEST_REDIS='127.0.0.1:$port,password=$pw'"
}

case "$cmd" in
  up)
    pg_port="${3:?pg port}"; redis_port="${4:?redis port}"; fast=0
    [ "${5:-}" = "--fast" ] && fast=1
    ensure_packages
    pg_up "$pg_port" "$fast"
    redis_up "$redis_port"
    ;;
  down)
    if [ -s "$data/pg/PG_VERSION" ]; then
      runuser -u postgres -- "$pgbin/pg_ctl" -D "$data/pg" -m fast -w stop >/dev/null 2>&1 && log "PostgreSQL stopped" || true
    fi
    if [ -s "$data/redis/redis.pid" ]; then
      kill "$(cat "$data/redis/redis.pid")" 2>/dev/null && log "Redis stopped" || true
      rm -f "$data/redis/redis.pid"
    fi
    ;;
  *) echo "usage: services.sh up|down NAME [PG_PORT REDIS_PORT] [--fast]" >&2; exit 2 ;;
esac
