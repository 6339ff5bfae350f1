#!/usr/bin/env python3
"""Fault suite driver, run by scripts/faults.sh (which starts PostgreSQL and Redis, builds the app
and passes everything in the environment). Black box: it drives the real app processes the way an
operator and a browser would (sign in, START, an SSE viewer), injects one fault per scenario, and
then counts what PostgreSQL, Redis and the viewers hold. Standard library only.

Every wait is a deadline on a condition; the only fixed sleeps are the faults' own durations.
"""
import datetime
import decimal
import http.client
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.environ["FAULTS_ROOT"]
DLL = os.environ["FAULTS_DLL"]
WEB_DIR = os.path.join(ROOT, "InvoiceMvc.Web")
DATA = os.environ["FAULTS_DATA"]              # .data/faults (PostgreSQL cluster, Redis dir, logs)
LOGS = os.path.join(DATA, "logs")
PG_PORT = os.environ["FAULTS_PG_PORT"]
REDIS_PORT = os.environ["FAULTS_REDIS_PORT"]
PG_PASSWORD = os.environ["FAULTS_PG_PASSWORD"]    # the invoicemvc role's
REDIS_PASSWORD = os.environ["FAULTS_REDIS_PASSWORD"]
APP_PORT_BASE = int(os.environ.get("FAULTS_APP_PORT", "5460"))
RATE = int(os.environ.get("FAULTS_RATE", "20"))
DURATION = int(os.environ.get("FAULTS_DURATION", "15"))
TARGET = RATE * DURATION
DISPLAY_RATE = int(os.environ.get("FAULTS_DISPLAY_RATE", "50"))
OUTAGE_S = float(os.environ.get("FAULTS_OUTAGE_SECONDS", "10"))
# The generator must not be disturbed by a Redis fault (issue 10 item 4): worst deviation of a
# commit from its schedule in the scenarios where the run is never interrupted. Generous for a
# busy 2-core machine; a stalled tick costs seconds, not this.
MAX_DEVIATION_MS = float(os.environ.get("FAULTS_MAX_DEVIATION_MS", "2500"))
ONLY = [s for s in os.environ.get("FAULTS_ONLY", "").split(",") if s]
DOC = os.environ.get("FAULTS_DOC", os.path.join(ROOT, "docs", "reliability.md"))
PGBIN = "/usr/lib/postgresql/15/bin"
ADVISORY_NS = 0x494E56  # GenerationJob.AdvisoryLockNamespace: "some process is producing run N"
OPERATOR = ("faults-operator", "Faults-Operator-Pass-1")
ADMIN = ("faults-admin", "Faults-Admin-Pass-1")

STARTED = []  # every app process this run started (Popen), killed on the way out whatever happens


def log(msg):
    print(f"[faults {time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Failure(Exception):
    pass


def until(what, predicate, timeout, interval=0.1):
    """Polls predicate until it returns something truthy (returned) or the deadline passes (Failure).
    Exceptions count as "not yet" (the database may be down on purpose)."""
    deadline = time.time() + timeout
    last_error = None
    while True:
        try:
            value = predicate()
            if value:
                return value
        except Failure:
            raise
        except Exception as e:  # noqa: BLE001 - "not yet"
            last_error = e
        if time.time() >= deadline:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))
        time.sleep(interval)


# ---------------------------------------------------------------- PostgreSQL and Redis

def sql(db, query, timeout=20):
    """Rows of a query as lists of strings (psql -At), or raises."""
    env = dict(os.environ, PGPASSWORD=PG_PASSWORD, PGCONNECT_TIMEOUT="3")
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", "invoicemvc", "-d", db, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", query],
        env=env, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"psql: {out.stderr.strip()}")
    return [line.split("|") for line in out.stdout.splitlines() if line != ""]


def sql1(db, query):
    rows = sql(db, query)
    return rows[0][0] if rows else None


def pg_ctl(*args):
    subprocess.run(["runuser", "-u", "postgres", "--", f"{PGBIN}/pg_ctl", "-D", os.path.join(DATA, "pg"), *args],
                   check=True, capture_output=True, timeout=60)


def services_up():
    """Starts whatever of PostgreSQL/Redis is not running, with scripts/services.sh's own settings
    (retried: on a busy machine an outgoing connection may hold the port for a moment)."""
    def up():
        return subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "up", "faults", PG_PORT, REDIS_PORT, "--fast"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120).returncode == 0
    until("PostgreSQL and Redis to start", up, 30, 0.5)


def redis(*args):
    out = subprocess.run(["redis-cli", "-p", REDIS_PORT, "-a", REDIS_PASSWORD, "--no-auth-warning", *args],
                         capture_output=True, text=True, timeout=5)
    if out.returncode != 0:
        raise RuntimeError(f"redis-cli: {out.stderr.strip()}")
    return out.stdout.splitlines()


def redis_pid():
    with open(os.path.join(DATA, "redis", "redis.pid")) as f:
        return int(f.read().strip())


def redis_stats(prefix):
    lines = redis("HGETALL", prefix + "stats")
    return dict(zip(lines[0::2], lines[1::2]))


# ---------------------------------------------------------------- the app

class App:
    """One app process on 127.0.0.1:port. Its PostgreSQL connections carry an Application Name, so
    the process holding the generation job's advisory lock can be named from pg_stat_activity."""

    def __init__(self, name, port, db, prefix):
        self.name, self.port, self.db, self.prefix = name, port, db, prefix
        self.proc = None
        self.starts = 0

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        e = dict(os.environ)
        e.update({
            "ASPNETCORE_ENVIRONMENT": "Production",
            "ASPNETCORE_URLS": self.url,
            "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
            "DOTNET_NOLOGO": "1",
            "ConnectionStrings__Postgres": f"Host=127.0.0.1;Port={PG_PORT};Database={self.db};Username=invoicemvc;"
                                           f"Password={PG_PASSWORD};Maximum Pool Size=30;Application Name={self.name}",
            "ConnectionStrings__Redis": f"127.0.0.1:{REDIS_PORT},password={REDIS_PASSWORD}",
            "Cache__KeyPrefix": self.prefix,
            "Generation__RatePerSecond": str(RATE),
            "Generation__DurationSeconds": str(DURATION),
            "Display__RatePerSecond": str(DISPLAY_RATE),
            "Seed__Admin__UserName": ADMIN[0],
            "Seed__Admin__Password": ADMIN[1],
            "Seed__Operator__UserName": OPERATOR[0],
            "Seed__Operator__Password": OPERATOR[1],
            # Production wants a scraper token; the suite never scrapes.
            "Metrics__BearerToken": "faults-suite-metrics-token",
        })
        return e

    def migrate(self):
        out = subprocess.run(["dotnet", DLL, "--migrate"], cwd=WEB_DIR, env=self.env(), capture_output=True, text=True, timeout=180)
        if out.returncode != 0:
            raise Failure(f"migration failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")

    def start(self):
        self.starts += 1
        self.log_path = os.path.join(LOGS, f"{self.db}-{self.name}-{self.starts}.log")
        logf = open(self.log_path, "wb")
        self.proc = subprocess.Popen(["dotnet", DLL], cwd=WEB_DIR, env=self.env(), stdout=logf, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        logf.close()
        STARTED.append(self.proc)
        self.started_at = time.time()
        return self.started_at

    def wait_ready(self, timeout=90):
        def live():
            if self.proc.poll() is not None:
                raise Failure(f"{self.name} exited with {self.proc.returncode} during start-up; see {self.log_path}")
            with urllib.request.urlopen(self.url + "/health/live", timeout=2) as r:
                return r.status == 200
        try:
            until(f"{self.name} to answer /health/live", live, timeout, 0.1)
        except Failure:
            if self.proc.poll() is not None:
                raise Failure(f"{self.name} exited with {self.proc.returncode} during start-up; see {self.log_path}")
            raise
        return time.time()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def terminate(self, timeout=60):
        """SIGTERM and wait for the exit; returns seconds taken and the exit code."""
        t0 = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure(f"{self.name} did not exit within {timeout} s of SIGTERM")
        return time.time() - t0, code

    def stop(self):
        if self.alive():
            try:
                self.terminate(30)
            except Failure:
                pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Operator:
    """A signed-in operator's cookie jar, posting forms with the antiforgery token like the page does."""

    TOKEN = re.compile(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"')

    def __init__(self, app):
        self.base = app.url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def _send(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=15) as r:
                return r.status, dict(r.headers), r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode("utf-8", "replace")

    def _token(self, path):
        status, _, html = self._send(path, headers={"Accept": "text/html"})
        m = self.TOKEN.search(html)
        if status != 200 or not m:
            raise Failure(f"GET {path}: {status}, no antiforgery token")
        return m.group(1)

    def try_sign_in(self):
        """True once signed in (the seeder may still be creating the account right after start-up)."""
        token = self._token("/account/login")
        status, _, _ = self._send("/account/login", {
            "UserName": OPERATOR[0], "Password": OPERATOR[1], "ReturnUrl": "", "__RequestVerificationToken": token,
        }, {"Accept": "text/html"})
        return status in (302, 303)

    def start_run(self):
        token = self._token("/")  # the token is bound to the signed-in user
        status, _, body = self._send("/generation/start", {"__RequestVerificationToken": token},
                                     {"Accept": "application/json", "RequestVerificationToken": token})
        if status != 202:
            raise Failure(f"START answered {status}: {body[:300]}")
        return int(json.loads(body)["runId"])


# ---------------------------------------------------------------- the viewer

class Viewer(threading.Thread):
    """A browser tab's EventSource on GET /events: reads event/id/data lines, records every invoice
    id, and after a drop reconnects (after the server's retry: delay) with Last-Event-ID. With
    several URLs it moves to the next when one refuses connections, like a load balancer would."""

    def __init__(self, name, urls):
        super().__init__(name=name, daemon=True)
        self.urls = urls
        self.ids = []
        self.last_event_id = None
        self.retry_s = 1.0
        self.connects = 0
        self.drops = 0
        self.refusals = 0
        self.out_of_order = 0
        self.connected = threading.Event()
        self._halt = threading.Event()
        self._conn = None

    def run(self):
        index = 0
        while not self._halt.is_set():
            host, port = self.urls[index % len(self.urls)]
            streaming = False
            try:
                self._conn = http.client.HTTPConnection(host, port, timeout=5)
                headers = {"Accept": "text/event-stream", "Cache-Control": "no-cache"}
                if self.last_event_id is not None:
                    headers["Last-Event-ID"] = self.last_event_id
                self._conn.request("GET", "/events", headers=headers)
                resp = self._conn.getresponse()
                if resp.status != 200:
                    resp.read()
                    raise ConnectionError(f"/events answered {resp.status}")
                self._conn.sock.settimeout(45)  # heartbeats come every 15 s
                streaming = True
                self.connects += 1
                self.connected.set()
                self._read(resp)
                if not self._halt.is_set():
                    self.drops += 1
            except (OSError, http.client.HTTPException):
                if self._halt.is_set():
                    break
                if streaming:
                    self.drops += 1       # a dropped stream: retry the same server first
                else:
                    self.refusals += 1    # refused or not 200: the "balancer" tries the next server
                    index += 1
            finally:
                try:
                    self._conn.close()
                except Exception:  # noqa: BLE001
                    pass
            self._halt.wait(self.retry_s)

    def _read(self, resp):
        event, data, event_id = "", [], None
        while not self._halt.is_set():
            raw = resp.readline()
            if not raw:
                return  # server closed the stream
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line == "":
                if event == "invoice" and event_id is not None:
                    n = int(event_id)
                    if self.ids and n <= self.ids[-1]:
                        self.out_of_order += 1
                    self.ids.append(n)
                event, data, event_id = "", [], None
                continue
            if line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                event = value
            elif field == "data":
                data.append(value)
            elif field == "id":
                event_id = value
                self.last_event_id = value
            elif field == "retry" and value.isdigit():
                self.retry_s = int(value) / 1000

    def last(self):
        return self.ids[-1] if self.ids else 0

    def close(self):
        self._halt.set()
        try:
            if self._conn is not None and self._conn.sock is not None:
                self._conn.sock.shutdown(2)
        except OSError:
            pass

    def count(self, expected_n):
        """(lost, duplicated) against the ids 1..expected_n."""
        seen = set(self.ids)
        lost = sum(1 for i in range(1, expected_n + 1) if i not in seen)
        return lost, len(self.ids) - len(seen)


# ---------------------------------------------------------------- one scenario

class Scenario:
    def __init__(self, key, title, instances=1):
        self.key, self.title = key, title
        self.db = f"faults_{key}"
        self.prefix = f"faults:{key}:"
        self.apps = [App(f"{key}-{i + 1}", APP_PORT_BASE + i, self.db, self.prefix) for i in range(instances)]
        self.viewers = []
        self.run_id = None
        self.result = {"scenario": title, "key": key, "failures": [], "notes": []}

    @property
    def app(self):
        return self.apps[0]

    def fail(self, msg):
        self.result["failures"].append(msg)

    def setup(self):
        sql("postgres", f"DROP DATABASE IF EXISTS {self.db} WITH (FORCE)")
        # A copy of the migrated template: a fresh database without another migration process per scenario.
        sql("postgres", f"CREATE DATABASE {self.db} OWNER invoicemvc TEMPLATE {TEMPLATE_DB}")
        redis("DEL", self.prefix + "stats")
        for a in self.apps:
            a.start()
            a.wait_ready()
        for i, a in enumerate(self.apps):
            # Viewer i watches instance i; behind the "balancer" it falls over to the others.
            others = [(("127.0.0.1", b.port)) for b in self.apps[i:] + self.apps[:i]]
            v = Viewer(f"viewer-{a.name}", others)
            v.start()
            self.viewers.append(v)
        for v in self.viewers:
            if not v.connected.wait(30):
                raise Failure(f"{v.name} could not open /events")

    def start_run(self):
        op = Operator(self.app)
        until("the operator to sign in", op.try_sign_in, 30, 1)
        self.start_time = time.time()
        self.run_id = op.start_run()
        log(f"{self.key}: run {self.run_id} started, {TARGET} invoices at {RATE}/s")

    def produced(self):
        return int(sql1(self.db, f"SELECT produced FROM generation_runs WHERE id = {self.run_id}"))

    def wait_produced(self, n, timeout=None):
        return until(f"{n} invoices", lambda: self.produced() >= n, timeout or (DURATION + 60), 0.05)

    def wait_first_commit_after(self, t, timeout):
        """Polls until an invoice committed after t exists; the exact commit time is read afterwards."""
        q = f"SELECT count(*) FROM invoices WHERE pg_xact_commit_timestamp(xmin) > to_timestamp({t})"
        until("the first commit after the fault", lambda: int(sql1(self.db, q)) > 0, timeout, 0.05)

    def first_commit_after(self, t):
        v = sql1(self.db, f"SELECT extract(epoch FROM min(pg_xact_commit_timestamp(xmin))) FROM invoices "
                          f"WHERE pg_xact_commit_timestamp(xmin) > to_timestamp({t})")
        return float(v) if v else None

    def at_fault(self, what):
        """Notes where in the run the fault hit (under load the script may be late to the mark)."""
        try:
            self.result["notes"].append(f"{what} at invoice {self.produced()} of {TARGET}")
        except Exception:  # noqa: BLE001 - PostgreSQL may be the fault
            pass

    def finish(self, deviation=False, window=None):
        """Waits for the run to end and the viewers to catch up, then counts everything."""
        r = self.result

        def ended():
            rows = sql(self.db, f"SELECT status, produced, target FROM generation_runs WHERE id = {self.run_id}")
            return rows and rows[0][0] != "1" and rows[0]
        status, produced, target = until("the run to end", ended, DURATION + 120, 0.2)
        if status != "3":
            self.fail(f"run ended with status {status} (3 = completed) at {produced}/{target}")

        rows = sql(self.db, "SELECT id, invoice_number, run_id, sequence, "
                            "extract(epoch FROM pg_xact_commit_timestamp(xmin)), total_amount, vat_amount FROM invoices ORDER BY id")
        ids = [int(x[0]) for x in rows]
        numbers = [x[1] for x in rows]
        count = len(rows)
        r["invoices"] = count
        r["target"] = TARGET
        r["duplicates"] = (count - len(set(numbers))) + (count - len(set(ids))) + \
                          (count - len({(x[2], x[3]) for x in rows}))
        top = max(ids) if ids else 0
        r["gaps"] = (top - len(set(ids))) + (0 if not ids or min(ids) == 1 else 1)
        if count != TARGET:
            self.fail(f"{count} invoices, target {TARGET}")
        if r["duplicates"]:
            self.fail(f"{r['duplicates']} duplicate numbers/ids/sequences")
        if r["gaps"]:
            self.fail(f"{r['gaps']} gaps in the ids 1..{top}")
        seqs = sorted(int(x[3]) for x in rows if int(x[2]) == self.run_id)
        if seqs != list(range(1, TARGET + 1)):
            self.fail("the run's sequences are not exactly 1..target")

        total = sum((decimal.Decimal(x[5]) for x in rows), decimal.Decimal(0))
        vat = sum((decimal.Decimal(x[6]) for x in rows), decimal.Decimal(0))
        truth = {"count": count, "total": total, "vat": vat, "last_id": top}
        s = sql(self.db, "SELECT invoice_count, total_amount, vat_amount, last_invoice_id FROM invoice_stats WHERE id = 1")[0]
        stats = {"count": int(s[0]), "total": decimal.Decimal(s[1]), "vat": decimal.Decimal(s[2]), "last_id": int(s[3])}
        r["stats_ok"] = stats == truth
        if not r["stats_ok"]:
            self.fail(f"stats row {stats} != SUM over invoices {truth}")

        def redis_equal():
            h = redis_stats(self.prefix)
            got = {"count": int(h["count"]), "total": decimal.Decimal(h["total"]), "vat": decimal.Decimal(h["vat"]),
                   "last_id": int(h["last_id"])}
            return got == truth
        try:
            until("Redis stats to equal PostgreSQL", redis_equal, 15, 0.2)
            r["redis_ok"] = True
        except Failure:
            r["redis_ok"] = False
            try:
                self.fail(f"Redis {redis_stats(self.prefix)} != SQL {truth}")
            except Exception as e:  # noqa: BLE001
                self.fail(f"Redis unreadable: {e}")

        try:
            until("the viewers to receive every invoice", lambda: all(v.last() >= top for v in self.viewers), 60, 0.1)
        except Failure as e:
            self.fail(str(e))
        r["viewer_lost"] = r["viewer_dup"] = 0
        for v in self.viewers:
            lost, dup = v.count(TARGET)
            r["viewer_lost"] += lost
            r["viewer_dup"] += dup
            if lost or dup or v.out_of_order:
                self.fail(f"{v.name}: lost {lost}, duplicated {dup}, out of order {v.out_of_order}")
            r["notes"].append(f"{v.name}: {len(v.ids)} rows over {v.connects} stream(s), {v.refusals} refused reconnect(s)")
        r["viewers"] = len(self.viewers)

        if deviation:
            commits = [(int(x[3]), float(x[4])) for x in rows if int(x[2]) == self.run_id and x[4]]
            if commits:
                commits.sort()
                t0 = commits[0][1]
                worst = max(abs(t - (t0 + (seq - 1) / RATE)) for seq, t in commits)
                gap = max((b[1] - a[1] for a, b in zip(commits, commits[1:])), default=0)
                r["deviation_ms"] = worst * 1000
                r["notes"].append(f"longest gap between commits {gap * 1000:.0f} ms (schedule {1000 / RATE:.0f} ms)")
                checked = worst
                if window:
                    # The fault's own effect: commits from the fault until 2 s after it ended. A busy
                    # machine's noise elsewhere in the run is reported, not held against the fault.
                    inside = [abs(t - (t0 + (seq - 1) / RATE)) for seq, t in commits if window[0] <= t <= window[1] + 2]
                    checked = max(inside, default=0)
                    r["window_deviation_ms"] = checked * 1000
                    r["notes"].append(f"worst deviation during the fault {checked * 1000:.0f} ms, over the whole run {worst * 1000:.0f} ms")
                if checked * 1000 > MAX_DEVIATION_MS:
                    self.fail(f"worst deviation from schedule {checked * 1000:.0f} ms > {MAX_DEVIATION_MS:.0f} ms"
                              + (" during the fault" if window else ""))

    def teardown(self):
        for v in self.viewers:
            v.close()
        for a in self.apps:
            a.stop()


def mid_run():
    return TARGET // 3


# ---------------------------------------------------------------- the scenarios

def baseline(s):
    s.start_run()
    s.finish(deviation=True)


def kill9(s):
    s.start_run()
    s.wait_produced(mid_run())
    s.app.kill9()
    t_dead = time.time()
    s.at_fault("killed")
    t_restart = s.app.start()
    t_ready = s.app.wait_ready()
    s.wait_first_commit_after(t_dead, 90)
    first = s.first_commit_after(t_dead)
    s.result["recovery_s"] = first - t_restart
    s.result["notes"].append(f"killed at {t_dead - s.start_time:.1f} s into the run; restart to /health/live "
                             f"{t_ready - t_restart:.2f} s, then {first - t_ready:.2f} s to the first new commit")
    s.finish()


def postgres_stop(s):
    s.start_run()
    s.wait_produced(mid_run())
    s.at_fault("stopped")
    pg_ctl("-m", "fast", "-w", "stop")
    t_stop = time.time()
    time.sleep(OUTAGE_S)  # the fault itself
    services_up()
    # PostgreSQL's own start time: services_up returns a little after it accepts connections.
    t_back = float(sql1(s.db, "SELECT extract(epoch FROM pg_postmaster_start_time())"))
    s.wait_first_commit_after(t_back, 90)
    first = s.first_commit_after(t_back)
    s.result["recovery_s"] = first - t_back
    s.result["notes"].append(f"down {t_back - t_stop:.1f} s; recovery = PostgreSQL's start to the first new commit")
    if not s.app.alive():
        s.fail("the app exited while PostgreSQL was down")
    s.finish()


def redis_refuses():
    try:
        socket.create_connection(("127.0.0.1", int(REDIS_PORT)), timeout=1).close()
        return False
    except ConnectionRefusedError:
        return True


def redis_caught_up(s, t_back):
    """Seconds from Redis's return until its stats reach PostgreSQL's as of that moment."""
    want = int(sql1(s.db, "SELECT last_invoice_id FROM invoice_stats WHERE id = 1"))
    until("Redis to catch up", lambda: int(redis_stats(s.prefix).get("last_id", "-1")) >= want, 30, 0.05)
    return time.time() - t_back


def redis_kill(s):
    s.start_run()
    s.wait_produced(mid_run())
    t_kill = time.time()
    os.kill(redis_pid(), signal.SIGKILL)
    s.at_fault("Redis killed")
    until("Redis to refuse connections", redis_refuses, 10, 0.05)
    time.sleep(2)  # a short outage: then Redis comes back empty (no persistence)
    services_up()
    t_back = time.time()
    s.result["recovery_s"] = redis_caught_up(s, t_back)
    s.result["notes"].append(f"Redis down {t_back - t_kill:.1f} s, back empty; recovery = Redis back to its stats reaching SQL")
    s.finish(deviation=True, window=(t_kill, t_back))


def redis_pause(s):
    s.start_run()
    s.wait_produced(mid_run())
    pid = redis_pid()
    t_pause = time.time()
    os.kill(pid, signal.SIGSTOP)
    PAUSED.append(pid)
    s.at_fault("Redis paused")
    try:
        time.sleep(OUTAGE_S)  # the fault itself
    finally:
        os.kill(pid, signal.SIGCONT)
        PAUSED.remove(pid)
    t_back = time.time()
    s.result["recovery_s"] = redis_caught_up(s, t_back)
    s.result["notes"].append(f"paused {OUTAGE_S:.0f} s; recovery = SIGCONT to Redis stats reaching SQL")
    s.finish(deviation=True, window=(t_pause, t_back))


def sigterm(s):
    s.start_run()
    s.wait_produced(mid_run())
    took, code = s.app.terminate()
    t_term = time.time()
    s.at_fault("exited")
    s.result["notes"].append(f"SIGTERM: exited with {code} after {took:.1f} s")
    if code not in (0, 143):
        s.fail(f"exit code {code} after SIGTERM")
    t_restart = s.app.start()
    t_ready = s.app.wait_ready()
    s.wait_first_commit_after(t_term, 90)
    first = s.first_commit_after(t_term)
    s.result["recovery_s"] = first - t_restart
    s.result["notes"].append(f"restart to /health/live {t_ready - t_restart:.2f} s, then {first - t_ready:.2f} s to the first new commit")
    s.finish()


def job_owner(s):
    """The instance whose process is producing the run. First from PostgreSQL: the session holding
    the run's advisory lock, named by its Application Name (GenerationRecovery's probe may hold it
    for a moment too, so the same answer three times in a row). Then from Hangfire: the processing
    job's ServerId is "<machine>:<pid>:<guid>". Last from the logs: only the producer says
    "Producing run <id>"."""
    q = (f"SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
         f"WHERE l.locktype = 'advisory' AND l.classid = {ADVISORY_NS} AND l.objid = {s.run_id} AND l.granted")
    seen = []

    def stable():
        name = sql1(s.db, q)
        seen.append(name)
        return name if name and seen[-3:] == [name] * 3 else None
    try:
        name = until("the job owner's lock", stable, 10, 0.05)
        return next(a for a in s.apps if a.name == name), "advisory lock"
    except (Failure, StopIteration):
        pass
    try:
        rows = sql(s.db, "SELECT st.data::text FROM hangfire.job j JOIN hangfire.state st ON st.id = j.stateid "
                         "WHERE j.statename = 'Processing'")
        pids = {int(m.group(1)) for (data,) in rows for m in [re.search(r'"ServerId"\s*:\s*"[^":]*:(\d+):', data)] if m}
        owners = [a for a in s.apps if a.proc.pid in pids]
        if len(owners) == 1:
            return owners[0], "Hangfire server name"
    except Exception:  # noqa: BLE001 - the schema is Hangfire's, not ours
        pass
    owners = [a for a in s.apps if f"Producing run {s.run_id}" in open(a.log_path, errors="replace").read()]
    if len(owners) != 1:
        raise Failure("cannot tell which instance produces the run")
    return owners[0], "log"


def two_instances(s):
    s.start_run()
    s.wait_produced(mid_run())
    owner, how = job_owner(s)
    survivor = next(a for a in s.apps if a is not owner)
    owner.kill9()
    t_kill = time.time()
    s.at_fault("owner killed")
    s.result["notes"].append(f"job owner {owner.name} (pid {owner.proc.pid}, found by {how}) killed; {survivor.name} takes over")
    s.wait_first_commit_after(t_kill, 90)
    s.result["recovery_s"] = s.first_commit_after(t_kill) - t_kill
    s.finish()


def selftest(s):
    """Proves the counting can fail: after a clean run, removes invoice 5 behind the app's back and
    makes the viewer have missed row 7 and got row 8 twice; every one of those must be reported."""
    s.start_run()
    until("the run to end", lambda: sql1(s.db, f"SELECT status FROM generation_runs WHERE id = {s.run_id}") == "3", DURATION + 120, 0.2)
    v = s.viewers[0]
    until("the viewer to receive every invoice", lambda: v.last() >= TARGET, 60, 0.1)
    v.close()
    v.join(10)
    # With everything that references it (lines, its journal entry), as a careless hand would.
    sql(s.db, "DELETE FROM journal_lines WHERE entry_id IN (SELECT id FROM journal_entries WHERE invoice_id = 5);"
              " DELETE FROM journal_entries WHERE invoice_id = 5; DELETE FROM invoice_lines WHERE invoice_id = 5;"
              " DELETE FROM invoices WHERE id = 5")
    v.ids = [i for i in v.ids if i != 7]
    v.ids.insert(v.ids.index(8) + 1, 8)
    s.finish()
    r = s.result
    expected = {
        "count": r.get("invoices") == TARGET - 1, "gaps": r.get("gaps") == 1, "stats": r.get("stats_ok") is False,
        "redis": r.get("redis_ok") is False, "lost": r.get("viewer_lost") == 1, "dup": r.get("viewer_dup") == 1,
    }
    missed = [k for k, ok in expected.items() if not ok]
    r["failures"] = [f"the checks missed: {', '.join(missed)}"] if missed else []
    r["notes"].append("tampered on purpose; passes when every tampering was reported")


SCENARIOS = [
    ("baseline", "no fault (reference)", baseline, 1),
    ("kill9", "kill -9 mid-run, restart", kill9, 1),
    ("pgstop", f"PostgreSQL stopped {OUTAGE_S:.0f} s", postgres_stop, 1),
    ("rediskill", "Redis killed, back empty", redis_kill, 1),
    ("redispause", f"Redis paused {OUTAGE_S:.0f} s (SIGSTOP)", redis_pause, 1),
    ("sigterm", "SIGTERM mid-run, restart", sigterm, 1),
    ("twoinst", "2 instances, job owner kill -9", two_instances, 2),
    # Not a fault: FAULTS_ONLY=selftest checks that the checks themselves can fail.
    ("selftest", "self-test of the checks", selftest, 1),
]
PAUSED = []
TEMPLATE_DB = "faults_template"
LOAD_AT_START = os.getloadavg()[0]


def make_template():
    """Migrates one database once; every scenario's database is a copy of it (CREATE DATABASE ... TEMPLATE)."""
    sql("postgres", f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)")
    sql("postgres", f"CREATE DATABASE {TEMPLATE_DB} OWNER invoicemvc")
    App("migrate", APP_PORT_BASE, TEMPLATE_DB, "faults:template:").migrate()


# ---------------------------------------------------------------- report

def cell(r, key, fmt="{}"):
    return fmt.format(r[key]) if key in r else "-"


def yes_no(r, key):
    return "-" if key not in r else ("yes" if r[key] else "**NO**")


def table(results):
    head = ("| scenario | invoices/target | duplicates | gaps | stats=SQL | redis=SQL | viewer lost | viewer dup "
            "| recovery s | worst deviation ms | result |\n|---|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for r in results:
        lines.append("| " + " | ".join([
            r["scenario"],
            f"{r['invoices']}/{r['target']}" if "invoices" in r else "-",
            cell(r, "duplicates"), cell(r, "gaps"), yes_no(r, "stats_ok"), yes_no(r, "redis_ok"),
            cell(r, "viewer_lost"), cell(r, "viewer_dup"),
            cell(r, "recovery_s", "{:.2f}"),
            cell(r, "deviation_ms", "{:.0f}") + (f" (fault {r['window_deviation_ms']:.0f})" if "window_deviation_ms" in r else ""),
            "pass" if not r["failures"] else "**FAIL**",
        ]) + " |")
    return "\n".join(lines)


def machine():
    rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "InvoiceMvc.Domain", "InvoiceMvc.Infrastructure", "InvoiceMvc.Web"],
                           capture_output=True, text=True).stdout.strip()
    load = os.getloadavg()[0]
    return (f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {rev}{' + local changes' if dirty else ''}, "
            f"{os.cpu_count()} cores (nproc), kernel {os.uname().release}, load average {LOAD_AT_START:.1f} at the start, {load:.1f} at the end; "
            f"{RATE}/s x {DURATION} s = {TARGET} invoices per run, display {DISPLAY_RATE}/s, outages {OUTAGE_S:.0f} s")


def write_doc(results, header):
    begin, end = "<!-- faults:results:begin -->", "<!-- faults:results:end -->"
    notes = []
    for r in results:
        extra = "; ".join(r["notes"] + [f"FAILED: {f}" for f in r["failures"]])
        notes.append(f"- {r['scenario']}: {extra}")
    block = f"{begin}\n{header}\n\n{table(results)}\n\n" + "\n".join(notes) + f"\n{end}"
    text = open(DOC).read() if os.path.exists(DOC) else ""
    if begin in text and end in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n## Latest results\n\n" + block + "\n"
    with open(DOC, "w") as f:
        f.write(text)


def main():
    os.makedirs(LOGS, exist_ok=True)
    log("migrating the template database")
    make_template()
    results = []
    chosen = [x for x in SCENARIOS if (x[0] in ONLY if ONLY else x[0] != "selftest")]
    for key, title, body, instances in chosen:
        s = Scenario(key, title, instances)
        log(f"=== {title}")
        t0 = time.time()
        try:
            s.setup()
            body(s)
        except Failure as e:
            s.fail(str(e))
        except Exception as e:  # noqa: BLE001 - a broken scenario is a failed one, the others still run
            s.fail(f"{type(e).__name__}: {e}")
        finally:
            for pid in list(PAUSED):
                os.kill(pid, signal.SIGCONT)
                PAUSED.remove(pid)
            s.teardown()
            try:
                services_up()  # whatever a scenario left stopped
            except Exception as e:  # noqa: BLE001
                s.fail(f"services did not come back: {e}")
        r = s.result
        log(f"{key}: {'pass' if not r['failures'] else 'FAIL: ' + '; '.join(r['failures'])} ({time.time() - t0:.0f} s)"
            + (f", recovery {r['recovery_s']:.2f} s" if "recovery_s" in r else "")
            + (f", worst deviation {r['deviation_ms']:.0f} ms" if "deviation_ms" in r else ""))
        results.append(r)

    header = f"Run {machine()}."
    print()
    print(header)
    print(table(results))
    for r in results:
        for f in r["failures"]:
            print(f"FAIL {r['key']}: {f}")
    with open(os.path.join(DATA, "results.json"), "w") as f:
        json.dump(results, f, indent=2, default=str)
    if os.environ.get("FAULTS_WRITE_DOC", "1") == "1" and not ONLY:
        write_doc(results, header)
        log(f"results written to {os.path.relpath(DOC, ROOT)}")
    return 1 if any(r["failures"] for r in results) else 0


def cleanup(*_):
    for pid in list(PAUSED):
        try:
            os.kill(pid, signal.SIGCONT)
        except OSError:
            pass
    for proc in STARTED:
        if proc.poll() is None:  # only our own children that are still running
            proc.kill()
            proc.wait()


if __name__ == "__main__":
    def on_signal(signum, _):
        cleanup()
        sys.exit(128 + signum)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        sys.exit(main())
    finally:
        cleanup()
