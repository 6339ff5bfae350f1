"""The machine's floor for the live stats promise (issue 11): N raw SSE viewers on the load client's core,
and on the server's core not a server but the least one can do, one thread sending each stats frame to
every connection with plain non-blocking socket writes (tools/InvoiceMvc.StreamBench FloorWriter).
Prints the client's publication-to-arrival p50/p99 and the writer's own fan-out time (first send to last).
No server on this machine can deliver a frame to N viewers on one core faster than this.
Also prints how busy each core was over the load client's run (/proc/stat, softirq included).
--receive-on-client-core runs loopback's receiving side of TCP on core 1 (bench_stream.receive_on_client_core),
as a second machine would take it: the writer's core then does only its own sends.
    python3 scripts/bench_floor.py [N] [--receive-on-client-core]      (default 10000; writes nothing to docs)"""
import json, os, re, resource, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_stream as bs

PORT = "5602"


def busy():
    """Per core: (busy, total) jiffies so far."""
    with open("/proc/stat") as f:
        cores = [line.split() for line in f if re.match(r"cpu\d", line)]
    return [(sum(map(int, c[1:])) - int(c[4]) - int(c[5]), sum(map(int, c[1:]))) for c in cores]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10000
    steer = "--receive-on-client-core" in sys.argv
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    subprocess.run(["dotnet", "build", os.path.join(bs.ROOT, "tools", "InvoiceMvc.StreamBench", "InvoiceMvc.StreamBench.csproj"),
                    "-c", "Release", "-nologo", "-v", "q"], check=True, stdout=subprocess.DEVNULL)
    floor = subprocess.Popen(["taskset", "-c", "0", "dotnet", bs.TOOL, "floor", "--port", PORT], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while subprocess.run(["curl", "-s", "-o", "/dev/null", "-m", "1", f"http://127.0.0.1:{PORT}/"]).returncode == 7:  # 7: refused
            if time.time() > deadline or floor.poll() is not None:
                sys.exit("the floor writer did not start")
            time.sleep(0.2)
        out = os.path.join(bs.DATA, "floor.json")
        os.makedirs(bs.DATA, exist_ok=True)
        with bs.receive_on_client_core(steer):
            before = busy()
            subprocess.run(["taskset", "-c", "1", "dotnet", bs.TOOL, "load", "--url", f"http://127.0.0.1:{PORT}/live", "--viewers", str(n),
                            "--warmup", str(bs.WARMUP), "--seconds", str(bs.WINDOW), "--out", out, "--pid", str(floor.pid)], check=True, stdout=subprocess.DEVNULL)
            after = busy()
        with open(out) as f:
            client = json.load(f)
    finally:
        floor.terminate()
        writer = json.loads(floor.communicate(timeout=30)[0].strip().splitlines()[-1])
    bs.log(f"floor, {n:,} viewers: stats p50 / p99 {client['stats_latency_ms_p50']:.0f} / {client['stats_latency_ms_p99']:.0f} ms "
           f"({client['stats_events']:,} events, {client['ok']:,} ok); fan-out p50 / p99 / max {writer['fan_out_ms_p50']:.0f} / "
           f"{writer['fan_out_ms_p99']:.0f} / {writer['fan_out_ms_max']:.0f} ms; server CPU {client['server_cpu_seconds']} s in {client['window_seconds']} s; "
           f"cores busy over the client's run {', '.join(f'{(a[0] - b[0]) / (a[1] - b[1]):.0%}' for a, b in zip(after, before))}"
           f"{'; receiving side of TCP on core 1' if steer else ''}")


if __name__ == "__main__":
    main()
