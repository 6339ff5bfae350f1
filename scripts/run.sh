#!/usr/bin/env bash
# Runs the product: PostgreSQL and Redis (installed and started if needed), migrations, then the
# dashboard on http://127.0.0.1:5000. Idempotent; Ctrl+C stops the app, `scripts/run.sh stop`
# also stops the databases.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PG_PORT="${INVOICEMVC_PG_PORT:-55432}"
REDIS_PORT="${INVOICEMVC_REDIS_PORT:-56379}"

if [ "${1:-}" = "stop" ]; then
  exec scripts/services.sh down app
fi

services_env="$(scripts/services.sh up app "$PG_PORT" "$REDIS_PORT")"
eval "$services_env"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# The first Admin and Operator: random passwords made once and kept under .data/app (git-ignored).
# Production refuses to start without them; set Seed__* yourself to choose other accounts.
accounts="$root/.data/app"
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
echo "[run] dashboard on http://127.0.0.1:5000 (Hangfire at /hangfire, audit log at /admin/audit: Admin only)"
echo "[run] sign in at /account/login as '$Seed__Admin__UserName' (Admin) or '$Seed__Operator__UserName' (Operator);"
echo "[run] their first passwords are in $accounts/admin.password and $accounts/operator.password"
echo "[run] /metrics wants 'Authorization: Bearer <token>' with the token in $accounts/metrics.token"
cd InvoiceMvc.Web
exec dotnet bin/Release/net10.0/InvoiceMvc.Web.dll --urls http://127.0.0.1:5000
