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

dotnet build InvoiceMvc.Web/InvoiceMvc.Web.csproj -c Release -nologo -v q
echo "[run] applying database migrations"
dotnet InvoiceMvc.Web/bin/Release/net10.0/InvoiceMvc.Web.dll --migrate
echo "[run] dashboard on http://127.0.0.1:5000 (Hangfire at /hangfire)"
cd InvoiceMvc.Web
exec dotnet bin/Release/net10.0/InvoiceMvc.Web.dll --urls http://127.0.0.1:5000
