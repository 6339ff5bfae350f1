#!/usr/bin/env python3
"""Past one machine (issue 11): `INSTANCES=3 scripts/run.sh` (three app instances behind nginx, its
own ports and .data/instances-bench), BENCH_VIEWERS raw SSE viewers (default 150) on the balancer's
/events?after=0, a 5/s x 60 s run (300 invoices) started through the balancer, and 20 s in, kill -9
of the instance that is producing it. Checks, and writes to docs/benchmarks.md: the viewers spread
over the three instances; every viewer sees rows 1..300 exactly once and in order, reconnecting by
itself with Last-Event-ID through the balancer (how long each was without its stream); generation
resumes on a survivor (the longest gap between two commits) and the run ends with exactly its target;
every viewer's last stats frame shows the totals PostgreSQL holds.

    scripts/bench-instances.sh
    BENCH_VIEWERS=600 scripts/bench-instances.sh
"""
import datetime
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_explorer  # noqa: E402  (its HTTP client: sign-in, antiforgery, START)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME, PG_PORT, REDIS_PORT, HTTP_PORT = "instances-bench", "55496", "56496", 5600
DATA = os.path.join(ROOT, ".data", NAME)
VIEWERS = int(os.environ.get("BENCH_VIEWERS", "150"))
TARGET, KILL_AFTER = 300, 20
LOCK_NAMESPACE = 0x494E56  # GenerationJob.AdvisoryLockNamespace


def log(msg):
    print(f"[bench-instances {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def psql(query):
    bench_explorer.PG_PORT, bench_explorer.DATA = PG_PORT, DATA
    return bench_explorer.psql(query)


class Viewer(threading.Thread):
    """A raw SSE client on the balancer: reconnects by itself with Last-Event-ID, as EventSource does."""

    def __init__(self, n):
        super().__init__(daemon=True)
        self.n, self.ids, self.instances, self.stats = n, [], [], None
        self.gaps, self.errors, self.stop = [], [], threading.Event()

    def run(self):
        last_id, dropped_at, retry = None, None, 1.0
        while not self.stop.is_set():
            try:
                sock = socket.create_connection(("127.0.0.1", HTTP_PORT), timeout=30)
                path = "/events?after=0"
                head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                if last_id:
                    head += f"Last-Event-ID: {last_id}\r\n"
                sock.sendall((head + "\r\n").encode())
                f = sock.makefile("rb")
                status = f.readline().decode()
                headers = {}
                while (line := f.readline().decode().rstrip("\r\n")):
                    k, _, v = line.partition(":")
                    headers[k.lower()] = v.strip()
                if " 200 " not in status:
                    self.errors.append(status.strip())
                    raise ConnectionError(status)
                self.instances.append(headers.get("x-instance", "?"))
                event, data, eid, first = "message", [], None, True
                for raw in chunked(f):
                    line = raw.rstrip("\r")
                    if line == "":
                        if data:
                            if first and dropped_at is not None:
                                self.gaps.append(time.monotonic() - dropped_at)
                                dropped_at = None
                            first = False
                            if event == "invoice":
                                self.ids.append(int(eid))
                                last_id = eid
                            elif event == "stats":
                                self.stats = "\n".join(data)
                        event, data, eid = "message", [], None
                    elif line.startswith("retry:"):
                        retry = int(line[6:]) / 1000
                    elif line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:"):
                        data.append(line[5:].lstrip(" ") if line.startswith("data: ") else line[5:])
                    elif line.startswith("id:"):
                        eid = line[3:].strip()
            except (OSError, ConnectionError, ValueError):
                pass
            if self.stop.is_set():
                return
            if dropped_at is None:
                dropped_at = time.monotonic()
            time.sleep(retry)


def chunked(f):
    """Lines of a chunked HTTP body."""
    buffer = b""
    while True:
        size_line = f.readline()
        if not size_line:
            return
        size = int(size_line.strip() or b"0", 16)
        if size == 0:
            return
        buffer += f.read(size)
        f.readline()
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            yield line.decode()


def producing_instance():
    return psql(f"""SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                     WHERE l.locktype = 'advisory' AND l.granted AND l.classid = {LOCK_NAMESPACE} LIMIT 1""")


def main():
    env = dict(os.environ, INSTANCES="3", INVOICEMVC_HTTP_PORT=str(HTTP_PORT), INVOICEMVC_PG_PORT=PG_PORT,
               INVOICEMVC_REDIS_PORT=REDIS_PORT, INVOICEMVC_DATA_NAME=NAME,
               Generation__DurationSeconds="60", Generation__RatePerSecond="5", Display__RatePerSecond="20",
               RateLimits__StreamsPerClient="100000", RateLimits__PagePermitLimit="100000")
    # A database of its own, empty each time: the run's invoices are then exactly 1..300.
    subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "down", NAME], capture_output=True)
    subprocess.run(["rm", "-rf", DATA], check=True)
    app = subprocess.Popen(["bash", os.path.join(ROOT, "scripts", "run.sh")], env=env, start_new_session=True,
                           stdout=open(os.path.join(ROOT, ".data", f"{NAME}.log"), "wb"), stderr=subprocess.STDOUT)
    viewers = []
    try:
        bench_explorer.BASE = f"http://127.0.0.1:{HTTP_PORT}"
        client = bench_explorer.Client()
        deadline = time.time() + 300
        while not all(client_ok(HTTP_PORT + i) for i in range(1, 4)):
            if time.time() > deadline or app.poll() is not None:
                sys.exit("the instances did not start")
            time.sleep(1)
        # Until now nginx may have found an instance not yet listening and set it aside for fail_timeout (2 s).
        time.sleep(3)
        log(f"{VIEWERS} viewers on the balancer")
        viewers = [Viewer(n) for n in range(VIEWERS)]
        for v in viewers:
            v.start()
            time.sleep(0.01)
        deadline = time.time() + 60
        while sum(1 for v in viewers if v.instances) < VIEWERS:
            if time.time() > deadline:
                sys.exit(f"only {sum(1 for v in viewers if v.instances)} of {VIEWERS} viewers connected")
            time.sleep(0.5)
        spread = {i: sum(1 for v in viewers if v.instances[0] == i) for i in sorted({v.instances[0] for v in viewers})}
        log(f"  spread over the instances: {spread}")

        bench_explorer.OPERATOR = ("operator", open(os.path.join(DATA, "operator.password")).read().strip())
        client.start_run()
        run_id = int(psql("SELECT max(id) FROM generation_runs"))
        time.sleep(KILL_AFTER)
        victim = producing_instance()
        if not victim.startswith("invoicemvc-"):
            sys.exit(f"no instance holds the run's lock ({victim!r})")
        number = victim.split("-")[1]
        # The instance dies whole, as a machine would: its web process and its generator.
        pids = [int(open(os.path.join(DATA, f"{part}-{number}.pid")).read()) for part in ("instance", "generator")]
        produced_at_kill = int(psql(f"SELECT produced FROM generation_runs WHERE id = {run_id}"))
        on_victim = sum(1 for v in viewers if v.instances[-1].endswith(f":{HTTP_PORT + int(number)}"))
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        log(f"  kill -9 instance {number} (pids {pids}) at {produced_at_kill} invoices; {on_victim} viewers were on it")

        deadline = time.time() + 240
        while psql(f"SELECT status FROM generation_runs WHERE id = {run_id}") != "3":
            if time.time() > deadline:
                sys.exit("the run did not end")
            time.sleep(1)
        resumed_by = psql(f"SELECT job_id FROM generation_runs WHERE id = {run_id}")
        produced = int(psql(f"SELECT produced FROM generation_runs WHERE id = {run_id}"))
        count = int(psql("SELECT count(*) FROM invoices"))
        gap = float(psql("""SELECT round(extract(epoch FROM max(d))::numeric * 1000) FROM (SELECT t - lag(t) OVER (ORDER BY id) d
                              FROM (SELECT id, pg_xact_commit_timestamp(xmin) t FROM invoices) c) g"""))
        deadline = time.time() + 120
        while any(len(v.ids) < count for v in viewers) and time.time() < deadline:
            time.sleep(0.5)
        time.sleep(2)  # the last stats frame after the last row
        for v in viewers:
            v.stop.set()
        expected = list(range(1, count + 1))
        complete = sum(1 for v in viewers if v.ids == expected)
        db_total = psql("SELECT total_amount FROM invoice_stats")
        totals = [re.search(r'aria-label="Total amount".*?data-value="([^"]+)"', v.stats or "", re.S) for v in viewers]
        same_totals = sum(1 for t in totals if t and t.group(1) == db_total)
        moved = [v for v in viewers if len(v.instances) > 1]
        gaps = sorted(g for v in viewers for g in v.gaps)
        errors = sorted({e for v in viewers for e in v.errors})
        log(f"  run ended: {produced} produced of {TARGET}, {count} invoices, longest gap between commits {gap:.0f} ms")
        log(f"  {complete}/{VIEWERS} viewers saw 1..{count} exactly once in order; {same_totals}/{VIEWERS} end on the totals PostgreSQL holds")
        if gaps:
            log(f"  {len(moved)} viewers moved instance; without their stream p50 {statistics.median(gaps):.1f} s, max {gaps[-1]:.1f} s; refusals {errors or 'none'}")
        write_doc(spread, number, produced_at_kill, on_victim, produced, count, gap, complete, same_totals, moved, gaps, errors, resumed_by)
        if produced != TARGET or count != TARGET or complete != VIEWERS or same_totals != VIEWERS:
            sys.exit("FAILED: see above")
    finally:
        for v in viewers:
            v.stop.set()
        os.killpg(app.pid, signal.SIGTERM)
        app.wait(timeout=60)
        subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "down", NAME], capture_output=True)


def client_ok(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
            s.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return b" 200 " in s.recv(64)
    except OSError:
        return False


def write_doc(spread, number, produced_at_kill, on_victim, produced, count, gap, complete, same_totals, moved, gaps, errors, resumed_by):
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, {os.cpu_count()} cores, "
             f"load average {os.getloadavg()[0]:.1f}: `INSTANCES=3 scripts/run.sh` (nginx, least_conn), {VIEWERS} raw SSE viewers "
             f"on `/events?after=0` through the balancer, a 5/s x 60 s run, `kill -9` of the producing instance {KILL_AFTER} s in.", "",
             "| | |", "|---|---|",
             f"| viewers per instance before the kill | {', '.join(f'{k}: {v}' for k, v in spread.items())} |",
             f"| killed | instance {number}, at {produced_at_kill} invoices, {on_victim} viewers on it |",
             f"| run | {produced} produced of {TARGET}, {count} invoices in PostgreSQL; resumed on a survivor (job {resumed_by}); longest gap between two commits {gap:.0f} ms |",
             f"| viewers with rows 1..{count} exactly once, in order | {complete} of {VIEWERS} |",
             f"| viewers whose last stats show PostgreSQL's total | {same_totals} of {VIEWERS} |",
             f"| viewers moved to another instance | {len(moved)}; without their stream p50 {statistics.median(gaps) if gaps else 0:.1f} s, max {gaps[-1] if gaps else 0:.1f} s |",
             f"| refused reconnections | {', '.join(errors) or 'none'} |"]
    bench_explorer.write_results("instances", "Three instances behind nginx, one killed mid-run (scripts/bench-instances.sh)", lines)


if __name__ == "__main__":
    main()
