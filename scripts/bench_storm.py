"""A reconnect storm (issue 11): N raw SSE viewers on /events?after=0 over the 3,000-invoice backlog of
scripts/bench_stream.py (same servers, same placement: the product on core 0, the client on core 1), then
the web process is killed (kill -9) and started again while they watch. Every viewer comes back as a
browser does (tools/InvoiceMvc.StreamBench storm): it waits the retry its stream asked for (1-3 s,
drawn per stream) or the Retry-After of a 503, and reconnects with Last-Event-ID. Measured: how long
after the restart each viewer's stream delivered a row again, every connection attempt's outcome,
viewers that lost or saw a row twice, the restarted process's errors, RSS and CPU. Written to
docs/benchmarks.md.
    bash scripts/bench-storm.sh [viewers]      (default 10000)"""
import datetime, json, os, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_stream as bs

SETTLE, AFTER, CLIENT_SECONDS = 20, 120, 300


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, max(0, int(p * len(sorted_values) + 0.999999) - 1))] if sorted_values else float("nan")


def log_levels(path, offset):
    """The restarted process's log lines (JSON) by level, and its first error."""
    levels, first_error = {}, None
    with open(path, "rb") as f:
        f.seek(offset)
        for line in f:
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            level = entry.get("LogLevel", "?")
            levels[level] = levels.get(level, 0) + 1
            if level in ("Error", "Critical") and first_error is None:
                first_error = entry.get("Message", "")[:200]
    return levels, first_error


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    bs.prepare()
    url = f"http://127.0.0.1:{bs.HTTP_PORT}/events?after=0"
    out = os.path.join(bs.DATA, "storm.json")
    app_log = os.path.join(bs.DATA, "app.log")
    try:
        app, generator, _ = bs.start_app(5, 300)
        client_started = time.time()
        client = subprocess.Popen(["taskset", "-c", "1", "dotnet", bs.TOOL, "storm", "--url", url, "--viewers", str(n),
                                   "--seconds", str(CLIENT_SECONDS), "--out", out], stdout=subprocess.DEVNULL)
        deadline = time.time() + 120
        while bs.viewers(url) < n:
            if time.time() > deadline:
                sys.exit(f"{bs.viewers(url)} of {n} viewers connected")
            time.sleep(1)
        time.sleep(SETTLE)
        if time.time() + AFTER > client_started + CLIENT_SECONDS:
            sys.exit("the viewers took too long to connect to leave the storm its time")
        bs.log(f"{n:,} viewers streaming; kill -9 of the web process")
        app.kill()
        app.wait()
        offset = os.path.getsize(app_log)
        restarted = time.time()
        app = bs.start_web(bs.app_env(5, 300))
        client_http = bs.bx.Client()
        while client_http.get("/health/live")[0] != 200:
            if time.time() > restarted + 120 or app.poll() is not None:
                sys.exit("the web process did not come back")
            time.sleep(0.2)
        listening = time.time()
        bs.log(f"listening again after {listening - restarted:.1f} s; the viewers reconnect")
        client.wait()
        rss = bs.rss_kb(app.pid)
        with open(f"/proc/{app.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
            cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # since the restart: a new process
        alive = app.poll() is None
        bs.stop_app(app, generator)
    finally:
        subprocess.run([os.path.join(bs.ROOT, "scripts", "services.sh"), "down", bs.NAME], capture_output=True)

    with open(out) as f:
        r = json.load(f)
    back = sorted((t / 1000 - listening) for t in r["first_row_at_ms"] if t / 1000 > restarted)
    levels, first_error = log_levels(app_log, offset)
    result = {"viewers": n, "down_s": listening - restarted, "back": len(back), "back_p50": percentile(back, 0.5),
              "back_p99": percentile(back, 0.99), "back_max": back[-1] if back else float("nan"), "outcomes": r["outcomes"],
              "streaming_at_end": r["streaming_at_end"], "lost": r["viewers_with_lost_rows"], "repeated": r["viewers_with_repeated_rows"],
              "rss_mb": rss / 1024, "cpu_s": cpu, "alive": alive, "levels": levels, "first_error": first_error}
    bs.log(json.dumps(result))
    write_doc(result)


def write_doc(r):
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=bs.ROOT, capture_output=True, text=True).stdout.strip()
    outcomes = ", ".join(f"{k}: {v:,}" for k, v in r["outcomes"].items())
    levels = ", ".join(f"{k} {v}" for k, v in sorted(r["levels"].items()))
    lines = [f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, {os.cpu_count()} cores, the placement of the "
             f"stream benchmark: {r['viewers']:,} viewers on the backlog, streaming for {SETTLE} s, then `kill -9` of the web process and the "
             f"same command again at once; the viewers keep watching {AFTER}+ s.", "",
             "| | |", "|---|---|",
             f"| restart to listening | {r['down_s']:.1f} s |",
             f"| viewers with a row again after the restart | {r['back']:,} of {r['viewers']:,}; after listening p50 {r['back_p50']:.1f} s, p99 {r['back_p99']:.1f} s, last {r['back_max']:.1f} s |",
             f"| streaming at the end | {r['streaming_at_end']:,} of {r['viewers']:,} |",
             f"| viewers that lost a row / saw one twice | {r['lost']:,} / {r['repeated']:,} |",
             f"| connection attempts by outcome | {outcomes} |",
             f"| the restarted process | {'up' if r['alive'] else 'DIED'}, {r['rss_mb']:.0f} MB RSS, {r['cpu_s']:.0f} CPU-s; log lines {levels}"
             f"{'; first error: ' + r['first_error'] if r['first_error'] else ''} |"]
    bs.bx.write_results("storm", "A reconnect storm (scripts/bench-storm.sh)", lines)


if __name__ == "__main__":
    main()
