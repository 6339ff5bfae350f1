"""Where a viewer's memory goes (issue 11). The product and the bare writer as scripts/bench-stream.sh
runs them (servers on core 0, the load client on core 1), N viewers on the backlog: a heap snapshot of
each server (dotnet-gcdump) before the viewers join and once they all stream, and the servers' RSS.
Prints, per viewer, the RSS and the heap growth, and the types that grew most (bytes and objects per
viewer), the product beside the bare writer.
    python3 scripts/profile_stream.py [N]      (default 10000; writes nothing to docs)"""
import os, re, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_stream as bs

ROW = re.compile(r"^\s*([\d,]+)\s+([\d,]+)\s+(.+?)\s*$")
TOOLS = os.path.expanduser("~/.dotnet/tools")


def install_gcdump():
    """dotnet-gcdump as a global tool, once: the script installs what it needs."""
    if not os.path.exists(os.path.join(TOOLS, "dotnet-gcdump")):
        subprocess.run(["dotnet", "tool", "install", "--global", "dotnet-gcdump", "--version", "10.0.750501"], check=True, stdout=subprocess.DEVNULL)


def heap(pid, name):
    """Bytes and objects per type in a heap snapshot of the process."""
    path = os.path.join(bs.DATA, f"{name}.gcdump")
    subprocess.run([os.path.join(TOOLS, "dotnet-gcdump"), "collect", "-p", str(pid), "-o", path], check=True, stdout=subprocess.DEVNULL)
    return types_in(path)


def types_in(path):
    """The report's rows: an object's size, the count, the type (arrays bucketed by size), summed per type."""
    report = subprocess.run([os.path.join(TOOLS, "dotnet-gcdump"), "report", path], check=True, capture_output=True, text=True).stdout
    types = {}
    for line in report.splitlines():
        if m := ROW.match(line):
            size, count, name = int(m[1].replace(",", "")), int(m[2].replace(",", "")), re.sub(r"\s+(\(Bytes > .*\)\s+)?\[.*\]$", "", m[3])
            before = types.get(name, (0, 0))
            types[name] = (before[0] + size * count, before[1] + count)
    return types


OWNER = re.compile(r"(Microsoft\.AspNetCore\.\w+|Microsoft\.Extensions\.\w+|InvoiceMvc\.\w+\.\w+|System\.Diagnostics|System\.IO\.Pipelines|System\.Net\.Sockets|Prometheus)")


def by_owner(grown):
    """The growth summed by the namespace that owns each type (the rest by type): the split in docs/benchmarks.md."""
    owners = {}
    for t, (b, _) in grown.items():
        key = m[1] if (m := OWNER.search(t)) else t
        owners[key] = owners.get(key, 0) + b
    return owners


def profile(label, url, pid, n):
    rss_before, before = bs.rss_kb(pid), heap(pid, f"{label}-0")
    client = subprocess.Popen(["taskset", "-c", "1", "dotnet", bs.TOOL, "load", "--url", url, "--viewers", str(n), "--warmup", "5",
                               "--seconds", "60", "--out", os.path.join(bs.DATA, f"{label}-profile.json")], stdout=subprocess.DEVNULL)
    deadline = time.time() + 120
    while bs.viewers(url) < n:
        if time.time() > deadline:
            sys.exit(f"{label}: {bs.viewers(url)} of {n} viewers connected")
        time.sleep(1)
    time.sleep(15)  # every stream past its first frames, the heap at its working size
    rss_after, after = bs.rss_kb(pid), heap(pid, f"{label}-{n}")  # RSS first: the snapshot forces a full GC
    client.terminate()
    client.wait()
    grown = {t: (after[t][0] - before.get(t, (0, 0))[0], after[t][1] - before.get(t, (0, 0))[1]) for t in after}
    total = sum(b for b, _ in grown.values())
    bs.log(f"{label}: RSS {rss_before // 1024} -> {rss_after // 1024} MB, {(rss_after - rss_before) / n:.1f} KB per viewer; "
           f"heap grew {total / n / 1024:.1f} KB per viewer")
    for t, (b, c) in sorted(grown.items(), key=lambda kv: -kv[1][0])[:30]:
        print(f"    {b / n:8.0f} B {c / n:6.2f} obj  {t}", flush=True)
    print("  by owner:")
    for owner, b in sorted(by_owner(grown).items(), key=lambda kv: -kv[1])[:20]:
        print(f"    {b / n:8.0f} B  {owner}", flush=True)


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    install_gcdump()
    bs.prepare()
    try:
        app, generator, _ = bs.start_app(5, 300)
        try:
            profile("product", f"http://127.0.0.1:{bs.HTTP_PORT}/events?after=0", app.pid, n)
        finally:
            bs.stop_app(app, generator)
        bare = subprocess.Popen(["taskset", "-c", "0", "dotnet", bs.TOOL, "bare", "--port", bs.BARE_PORT], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            deadline = time.time() + 30
            while subprocess.run(["curl", "-s", "-o", "/dev/null", "-m", "1", f"http://127.0.0.1:{bs.BARE_PORT}/"]).returncode == 7:  # 7: refused, not up yet
                if time.time() > deadline or bare.poll() is not None:
                    sys.exit("the bare writer did not start")
                time.sleep(0.2)
            profile("bare", f"http://127.0.0.1:{bs.BARE_PORT}/events", bare.pid, n)
        finally:
            bare.terminate()
            bare.wait()
    finally:
        subprocess.run([os.path.join(bs.ROOT, "scripts", "services.sh"), "down", bs.NAME], capture_output=True)


if __name__ == "__main__":
    main()
