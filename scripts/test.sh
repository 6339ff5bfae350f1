#!/usr/bin/env bash
# Runs every test: installs what is missing (PostgreSQL, Redis, Chromium), starts a private
# PostgreSQL and Redis on ports that don't clash with scripts/run.sh, runs `dotnet test` on the
# whole solution, and stops what it started, also on failure. Extra arguments go to dotnet test.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
PG_PORT="${INVOICEMVC_TEST_PG_PORT:-55442}"
REDIS_PORT="${INVOICEMVC_TEST_REDIS_PORT:-56389}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium >/dev/null
fi

trap 'scripts/services.sh down test' EXIT
services_env="$(scripts/services.sh up test "$PG_PORT" "$REDIS_PORT" --fast)"
eval "$services_env"
unset ConnectionStrings__Postgres ConnectionStrings__Redis

results="$root/artifacts/test-results"
rm -rf "$results" "$root/artifacts/e2e"
set +e
# Built once; then the integration tests and the browser journeys one after the other, so the
# timing tests never share the two cores with a dozen Chromium tabs. Both always run.
dotnet build InvoiceMvc.sln -c Release -nologo -v q
status=$?
if [ $status -eq 0 ]; then
  for project in InvoiceMvc.Tests InvoiceMvc.E2E; do
    echo "[test] $project"
    dotnet test "$project" -c Release --no-build --logger "trx;LogFilePrefix=$project" --logger "console;verbosity=normal" --results-directory "$results" "$@"
    rc=$?
    [ $rc -ne 0 ] && status=$rc
  done
fi
set -e
if [ -d "$root/artifacts/e2e" ]; then
  echo "[test] failed journeys left screenshots, traces and logs in $root/artifacts/e2e"
fi
# One plain summary line over every test project, and after it each failed test with the first
# lines of its message, so the last lines of a long log say what broke.
python3 - "$results" <<'PY' || true
import glob, sys, xml.etree.ElementTree as ET
p = f = s = 0
failures = []
for trx in glob.glob(sys.argv[1] + "/*.trx"):
    tree = ET.parse(trx).getroot()
    c = tree.find(".//{*}Counters")
    if c is not None:
        p += int(c.get("passed", 0)); f += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
        s += int(c.get("notExecuted", 0))
    for r in tree.findall(".//{*}UnitTestResult"):
        if r.get("outcome") not in ("Passed", "NotExecuted"):
            message = r.find(".//{*}Message")
            failures.append((r.get("testName"), (message.text or "") if message is not None else ""))
print(f"{p} passed, {f} failed, {s} skipped")
for name, message in failures:
    print(f"[test] FAILED {name}")
    for line in message.strip().splitlines()[:6]:
        print(f"[test]   {line[:300]}")
PY
exit $status
