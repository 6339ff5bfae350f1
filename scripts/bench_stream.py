"""The live stream at scale. For each N: N viewers join /events?after=0 over a 3,000-invoice backlog
(every stream then sends a row every 500 ms) on the product and on the bare reference writer
(tools/InvoiceMvc.StreamBench: pre-rendered ~150-byte frames at 2/s per connection); then N viewers
watch a default-rate run (5/s) and each stats event's arrival is compared with its invoice's
commit time, and beside it the bare writer's /live (the same rows plus a stats frame published 5/s
to every stream, each carrying its publication time: the least any server does for that promise). Servers pinned to core 0 (taskset; the product as scripts/run.sh starts it, a web process
and its reniced generator), the load client to core 1. Per case: rows/s per viewer
(mean and 1st percentile), server CPU-seconds per 1,000 delivered rows (/proc), RSS per viewer,
stats latency p50/p99, errors, and in the live case the invoices generated in the window and the
run's worst deviation from its drift-free schedule. Written to docs/benchmarks.md.
    python3 scripts/bench_stream.py [N ...] [--receive-on-client-core]
With --receive-on-client-core, loopback's receiving side of TCP runs on the client's core, as a second
machine would take it (receive_on_client_core), and the figures go to a block of their own."""
import contextlib, datetime, json, os, re, resource, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_explorer as bx  # its HTTP client (sign-in, START) and psql helper, pointed at this benchmark's servers below

ROOT = bx.ROOT
NAME, PG_PORT, REDIS_PORT, HTTP_PORT, BARE_PORT = "stream-bench", "55496", "56496", "5496", "5601"
GENERATOR_URL = "http://127.0.0.1:5596"
DATA = os.path.join(ROOT, ".data", NAME)
TOOL = os.path.join(ROOT, "tools", "InvoiceMvc.StreamBench", "bin", "Release", "net10.0", "InvoiceMvc.StreamBench.dll")
WINDOW, WARMUP = int(os.environ.get("BENCH_WINDOW", "60")), int(os.environ.get("BENCH_WARMUP", "15"))
bx.PG_PORT, bx.REDIS_PORT, bx.DATA, bx.HTTP_PORT = PG_PORT, REDIS_PORT, DATA, HTTP_PORT
bx.BASE = f"http://127.0.0.1:{HTTP_PORT}"


def log(msg):
    print(f"[bench-stream {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def app_env(rate, seconds):
    e = bx.app_env()
    e.update({"Generation__RatePerSecond": str(rate), "Generation__DurationSeconds": str(seconds),
              "RateLimits__StreamsPerClient": "100000", "RateLimits__StreamsPerInstance": "100000",
              "ServerLimits__MaxConcurrentConnections": "100000", "DOTNET_GCHeapAffinitizeMask": "1"})
    # A setting to try on the product alone, e.g. BENCH_PRODUCT_ENV="DOTNET_GCConserveMemory=5".
    e.update(pair.split("=", 1) for pair in os.environ.get("BENCH_PRODUCT_ENV", "").split())
    return e


def start_app(rate, seconds):
    """The product as scripts/run.sh starts one instance: the web process and its generator (the generation
    queue alone, reniced, its tick thread real-time), both on core 0. Returns the web process, the generator and a client."""
    env = app_env(rate, seconds)
    generator = subprocess.Popen(["nice", "-n", "-10", "taskset", "-c", "0", "dotnet", bx.DLL], cwd=os.path.join(ROOT, "InvoiceMvc.Web"),
                                 env=dict(env, Hangfire__Queues="generation", Generation__RealtimeTicks="true", ASPNETCORE_URLS=GENERATOR_URL),
                                 stdout=open(os.path.join(DATA, "generator.log"), "ab"), stderr=subprocess.STDOUT)
    app = start_web(env)
    client = bx.Client()
    deadline = time.time() + 120
    # Ready (200) once both Hangfire servers beat; the generation queue's must be among them.
    while b"on the generation queue" not in client.get("/health/ready")[1]:
        if time.time() > deadline or app.poll() is not None or generator.poll() is not None:
            sys.exit("the app did not start")
        time.sleep(0.5)
    return app, generator, client


def start_web(env):
    """The web process alone (the default queue: no generation), on core 0."""
    return subprocess.Popen(["taskset", "-c", "0", "dotnet", bx.DLL], cwd=os.path.join(ROOT, "InvoiceMvc.Web"), env=dict(env, Hangfire__Queues="default"),
                            stdout=open(os.path.join(DATA, "app.log"), "ab"), stderr=subprocess.STDOUT)


@contextlib.contextmanager
def receive_on_client_core(enabled):
    """With enabled, loopback's receiving side of TCP runs on the load client's core 1 (RPS on lo, with a
    backlog deep enough for a fan-out to 20,000 sockets), as a second machine would take it; put back after."""
    settings = {"/sys/class/net/lo/queues/rx-0/rps_cpus": "2", "/proc/sys/net/core/netdev_max_backlog": "65536"}
    before = {}
    try:
        for path, value in settings.items() if enabled else ():
            with open(path) as f:
                before[path] = f.read().strip()
            with open(path, "w") as f:
                f.write(value)
        yield
    finally:
        for path, value in before.items():
            with open(path, "w") as f:
                f.write(value)


def viewers(url):
    """Established connections on the server's port: the viewers it holds."""
    port = re.search(r":(\d+)/", url)[1]
    out = subprocess.run(["ss", "-Htn", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True).stdout
    return len(out.splitlines())


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def stop_app(app, generator):
    for p in (app, generator):
        p.terminate()
        p.wait()


def wait_run_done(deadline_s):
    deadline = time.time() + deadline_s
    while bx.psql("SELECT count(*) FROM generation_runs WHERE status = 1") != "0":
        if time.time() > deadline:
            sys.exit("the run did not end")
        time.sleep(1)


def load(url, n, pid, pg=None):
    cmd = ["taskset", "-c", "1", "dotnet", TOOL, "load", "--url", url, "--viewers", str(n), "--warmup", str(WARMUP),
           "--seconds", str(WINDOW), "--out", os.path.join(DATA, "load.json"), "--pid", str(pid)]
    if pg:
        cmd += ["--pg", pg]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(DATA, "load.json")) as f:
        return json.load(f)


def late_ticks(run_id):
    """How many of the run's ticks committed more than 50 ms off the schedule (measured like bx.schedule_deviation)."""
    return int(bx.psql(f"""
        WITH l AS (SELECT pg_xact_commit_timestamp(xmin) - make_interval(secs => (sequence - 1)::float8 / 5) AS late
                   FROM invoices WHERE run_id = {run_id})
        SELECT count(*) FILTER (WHERE late - (SELECT min(late) FROM l) > interval '50 ms') FROM l"""))


def per_1000(r):
    return r["server_cpu_seconds"] / r["rows_delivered"] * 1000 if r["rows_delivered"] else float("nan")


def prepare():
    """The servers' PostgreSQL and Redis, both projects built, the schema, and the backlog: 3,000 invoices
    made by the product itself (500/s for 6 s). Returns the load client's connection string."""
    # Every viewer is a socket on both sides: the client and the servers inherit this limit.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "up", NAME, PG_PORT, REDIS_PORT], stdout=subprocess.DEVNULL, check=True)
    for project in ["InvoiceMvc.Web/InvoiceMvc.Web.csproj", "tools/InvoiceMvc.StreamBench/InvoiceMvc.StreamBench.csproj"]:
        subprocess.run(["dotnet", "build", os.path.join(ROOT, project), "-c", "Release", "-nologo", "-v", "q"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["dotnet", bx.DLL, "--migrate"], cwd=os.path.join(ROOT, "InvoiceMvc.Web"), env=app_env(5, 300), check=True, stdout=subprocess.DEVNULL)
    if int(bx.psql("SELECT count(*) FROM invoices")) < 3000:
        app, generator, client = start_app(500, 6)
        client.start_run()
        wait_run_done(120)
        stop_app(app, generator)
    return f"Host=127.0.0.1;Port={PG_PORT};Database=invoicemvc;Username=invoicemvc;Password={bx.secret('invoicemvc.password')}"


def main():
    counts = [int(a) for a in sys.argv[1:] if not a.startswith("--")] or [1000, 5000, 10000]
    steer = "--receive-on-client-core" in sys.argv
    pg = prepare()
    results = []
    try:
        with receive_on_client_core(steer):
            bare = subprocess.Popen(["taskset", "-c", "0", "dotnet", TOOL, "bare", "--port", BARE_PORT], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
            for n in counts:
                app, generator, client = start_app(5, WINDOW + WARMUP + 60)
                log(f"{n:,} viewers, backlog: product")
                product = load(f"http://127.0.0.1:{HTTP_PORT}/events?after=0", n, app.pid)
                log(f"  {json.dumps(product)}")
                log(f"{n:,} viewers, backlog: bare writer")
                reference = load(f"http://127.0.0.1:{BARE_PORT}/events", n, bare.pid)
                log(f"  {json.dumps(reference)}")
                log(f"{n:,} viewers, live run at 5/s")
                newest = int(bx.psql("SELECT coalesce(max(id), 0) FROM invoices"))
                client.start_run()
                run_id = int(bx.psql("SELECT max(id) FROM generation_runs"))
                live = load(f"http://127.0.0.1:{HTTP_PORT}/events?after={newest}", n, app.pid, pg)
                made = int(bx.psql(f"SELECT count(*) FROM invoices WHERE id > {newest}"))
                deviation = f"{bx.schedule_deviation(run_id)} ms, {late_ticks(run_id)} over 50 ms"
                log(f"  {json.dumps(live)}; {made} invoices generated, worst deviation {deviation}")
                token = client.token("/")
                client.post("/generation/stop", {"__RequestVerificationToken": token}, {"Accept": "application/json", "RequestVerificationToken": token})
                stop_app(app, generator)
                log(f"{n:,} viewers, live: bare writer (stats published 5/s)")
                bare_live = load(f"http://127.0.0.1:{BARE_PORT}/live", n, bare.pid)
                log(f"  {json.dumps(bare_live)}")
                results.append((n, product, reference, live, bare_live, made, deviation))
            bare.terminate(); bare.wait()
    finally:
        subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "down", NAME], capture_output=True)
    write_doc(results, steer)


def write_doc(results, steer):
    steered = "; loopback's receiving side of TCP on core 1 as well (--receive-on-client-core)" if steer else ""
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit {commit}, {os.cpu_count()} cores; servers on core 0 (the product as "
             f"scripts/run.sh starts it: a web process and its generator, reniced), the load client on core 1 (taskset){steered}; {WARMUP} s to settle, then a {WINDOW} s window.", "",
             "| viewers | rows/s per viewer, product mean (p1) | bare mean (p1) | CPU-s per 1,000 rows, product / bare | RSS per viewer, product / bare | errors product / bare | live: CPU-s per 1,000 rows, product / bare | live: stats p50 / p99 ms, product (bare) | live: invoices from START to the window's end (5/s), worst deviation, ticks over 50 ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n, p, b, live, bare_live, made, dev in results:
        rss = lambda r: (r["server_rss_kb_end"] - r["server_rss_kb_before"]) / max(1, r["viewers"])
        lines.append(f"| {n:,} | {p['rows_per_viewer_mean']:.2f} ({p['rows_per_viewer_p1']:.2f}) | {b['rows_per_viewer_mean']:.2f} ({b['rows_per_viewer_p1']:.2f}) | "
                     f"{per_1000(p):.3f} / {per_1000(b):.3f} ({per_1000(p) / per_1000(b):.1f}x) | {rss(p):.0f} / {rss(b):.0f} KB | "
                     f"{sum(p['errors'].values())} / {sum(b['errors'].values())} | "
                     f"{per_1000(live):.3f} / {per_1000(bare_live):.3f} ({per_1000(live) / per_1000(bare_live):.1f}x) | {live['stats_latency_ms_p50']:.0f} / {live['stats_latency_ms_p99']:.0f} ({bare_live['stats_latency_ms_p50']:.0f} / {bare_live['stats_latency_ms_p99']:.0f}) | {made} in {WARMUP + live['window_seconds'] + live['connect_seconds']:.0f} s, {dev} |")
    if steer:
        bx.write_results("stream-receive-on-client", "The stream with the receiving side of TCP on the client's core (bench_stream.py --receive-on-client-core)", lines)
    else:
        bx.write_results("stream", "The stream at scale (scripts/bench-stream.sh)", lines)


if __name__ == "__main__":
    main()
