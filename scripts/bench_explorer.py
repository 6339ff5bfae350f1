#!/usr/bin/env python3
"""Explorer benchmark at scale (issue 12): loads BENCH_INVOICES invoices (default 10,000,000, spread
over 30 days, 40 sellers / 2,000 buyers skewed like the generator) into a PostgreSQL of its own,
consistent with the stats row and the rollups, starts the real app (Release, Production) and times,
through HTTP, p50 and p99 over BENCH_REQUESTS requests each: the first page of every sort, each
filter alone and a three-filter combination, a deep page, the detail page, count+sums (unfiltered,
one seller, one run, free text), the analytics JSON and page (issue 14: minute, hour, day buckets;
rankings from party_days and from party_totals), the export of ~1,100,000 rows (curl; time, rows/s, the app's peak RSS)
and a live run's schedule with all of that in the table. Writes the figures to docs/benchmarks.md.

    scripts/bench-explorer.sh                 # 10M; the load (~15-30 min on 2 cores) is kept for reruns
    BENCH_INVOICES=200000 scripts/bench-explorer.sh
    BENCH_LOAD_ONLY=1 scripts/bench-explorer.sh   # only the load (kept under .data/explorer-bench)
"""
import datetime
import http.cookiejar
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
N = int(os.environ.get("BENCH_INVOICES", "10000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
WARM = int(os.environ.get("BENCH_WARM", "40"))
PG_PORT, REDIS_PORT, HTTP_PORT = "55494", "56494", os.environ.get("BENCH_HTTP_PORT", "5494")
NAME = "explorer-bench"
DATA = os.path.join(ROOT, ".data", NAME)
DLL = os.path.join(ROOT, "InvoiceMvc.Web", "bin", "Release", "net10.0", "InvoiceMvc.Web.dll")
BASE = f"http://127.0.0.1:{HTTP_PORT}"
RUN_SIZE = 100_000
DAYS = 30
OPERATOR = ("bench-operator", "Bench-operator-password-1")


def log(msg):
    print(f"[bench-explorer {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def secret(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read().strip()


def psql(query, timeout=7200, user="invoicemvc"):
    env = dict(os.environ, PGPASSWORD=secret(f"{user}.password"))
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", PG_PORT, "-U", user, "-d", "invoicemvc", "-XAtq",
                          "-v", "ON_ERROR_STOP=1", "-c", query], env=env, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        sys.exit(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


def app_env():
    e = dict(os.environ)
    e.update({
        "ASPNETCORE_ENVIRONMENT": "Production", "ASPNETCORE_URLS": BASE,
        "ConnectionStrings__Postgres": f"Host=127.0.0.1;Port={PG_PORT};Database=invoicemvc;Username=invoicemvc;"
                                       f"Password={secret('invoicemvc.password')};Maximum Pool Size=40",
        "ConnectionStrings__Redis": f"127.0.0.1:{REDIS_PORT},password={secret('redis.password')}",
        "Seed__Admin__UserName": "bench-admin", "Seed__Admin__Password": "Bench-admin-password-1",
        "Seed__Operator__UserName": OPERATOR[0], "Seed__Operator__Password": OPERATOR[1],
        "Metrics__BearerToken": "bench-metrics-token",
        "Generation__DurationSeconds": "60",
        # The benchmark measures the pages, not the per-client limit every request would hit.
        "RateLimits__PagePermitLimit": "1000000",
    })
    return e


# ---------------------------------------------------------------- the load

def load():
    """N invoices in RUN_SIZE-invoice completed runs, ids 1..N, dates spread evenly over the last
    DAYS days (due 30 days after), each with one line of its subtotal and its issue journal entry
    (entry id = invoice id: Dr receivable total / Cr VAT / Cr sales); with the user triggers off and
    the secondary indexes dropped (rebuilt afterwards), then the rollups, runs' sums, the stats row,
    the ledger's running balances and the open balances computed by GROUP BY: what the triggers
    would have written one invoice at a time."""
    # An earlier benchmark's live runs add a few hundred invoices after the load: they may stay.
    if psql(f"SELECT count(*) FROM invoices WHERE id <= {N}") == str(N) and int(psql("SELECT invoice_count FROM invoice_stats")) >= N:
        log(f"{N:,} invoices already loaded")
        return
    log(f"loading {N:,} invoices")
    t0 = time.time()
    # From the migrations' schema afresh: the secondary indexes are read back from it below, and an
    # interrupted load would have left them dropped (a rerun then rebuilt none).
    psql("DROP SCHEMA public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS hangfire CASCADE")
    migrate()
    psql("TRUNCATE invoices, invoice_lines, payments, journal_entries, journal_lines, open_balances, open_balance_days, party_totals, party_days,"
         " invoice_buckets, generation_runs, parties RESTART IDENTITY CASCADE")
    psql("""
        INSERT INTO parties (name, kind) SELECT 'Seller ' || lpad(g::text, 2, '0') || ' Trading', 1 FROM generate_series(1, 40) g;
        INSERT INTO parties (name, kind) SELECT 'Buyer ' || lpad(g::text, 4, '0'), 2 FROM generate_series(1, 2000) g;""")
    runs = (N + RUN_SIZE - 1) // RUN_SIZE
    psql(f"""
        INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at, ended_at)
        SELECT 3, 5, least({RUN_SIZE}, {N} - (g - 1) * {RUN_SIZE}), least({RUN_SIZE}, {N} - (g - 1) * {RUN_SIZE}),
               now() - interval '{DAYS} days', now() - interval '{DAYS} days'
          FROM generate_series(1, {runs}) g""")
    indexes = psql("SELECT indexdef FROM pg_indexes WHERE tablename = 'invoices' AND indexname <> 'PK_invoices'").splitlines()
    psql("; ".join(f'DROP INDEX "{index_name(d)}"' for d in indexes))
    ledger_tables = ["invoices", "invoice_lines", "journal_entries", "journal_lines"]
    psql("; ".join(f"ALTER TABLE {t} DISABLE TRIGGER USER" for t in ledger_tables))
    chunk = 1_000_000
    for start in range(1, N + 1, chunk):
        end = min(N, start + chunk - 1)
        psql(f"""
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, due_date, seller_id, buyer_id, seller_name, buyer_name,
                                  subtotal, vat_rate, vat_amount, total_amount, created_at)
            SELECT g, 'INV-' || lpad(g::text, greatest(7, length(g::text)), '0'), (g - 1) / {RUN_SIZE} + 1, (g - 1) % {RUN_SIZE} + 1, d,
                   (d AT TIME ZONE 'UTC')::date + 30,
                   s, 40 + b, 'Seller ' || lpad(s::text, 2, '0') || ' Trading', 'Buyer ' || lpad(b::text, 4, '0'),
                   sub, 0.15, round(sub * 0.15, 2), sub + round(sub * 0.15, 2), d
              FROM generate_series({start}, {end}) g,
                   LATERAL (SELECT now() - make_interval(secs => ({N} - g)::float8 * {DAYS * 86400} / {N}) AS d,
                                   1 + floor(power(random(), 2) * 40)::int AS s,
                                   1 + floor(power(random(), 1.5) * 2000)::int AS b,
                                   round((5 + power(random(), 2) * 4995)::numeric, 2) AS sub) x;
            INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price, amount)
            SELECT id, 1, 'Goods and services', 1, subtotal, subtotal FROM invoices WHERE id BETWEEN {start} AND {end};
            INSERT INTO journal_entries (id, posted_at, kind, invoice_id, memo)
            SELECT id, created_at, 1, id, 'Issue ' || invoice_number FROM invoices WHERE id BETWEEN {start} AND {end};
            INSERT INTO journal_lines (entry_id, line_no, account_code, debit, credit)
            SELECT i.id, l.n, l.code, l.debit, l.credit FROM invoices i
             CROSS JOIN LATERAL (VALUES (1::smallint, '1100', i.total_amount, 0::numeric), (2::smallint, '2200', 0::numeric, i.vat_amount),
                                        (3::smallint, '4000', 0::numeric, i.subtotal)) l(n, code, debit, credit)
             WHERE i.id BETWEEN {start} AND {end}""")
        log(f"  {end:,} rows ({time.time() - t0:.0f} s)")
    for d in indexes:
        t = time.time()
        psql(d)
        log(f"  {d[:90]}... {time.time() - t:.0f} s")
    psql("""
        INSERT INTO party_totals (party_id, invoice_count, subtotal, vat_amount, total_amount, last_invoice_id)
        SELECT party_id, count(*), sum(subtotal), sum(vat_amount), sum(total_amount), max(id)
          FROM (SELECT seller_id AS party_id, id, subtotal, vat_amount, total_amount FROM invoices
                UNION ALL SELECT buyer_id, id, subtotal, vat_amount, total_amount FROM invoices) x GROUP BY party_id;
        UPDATE generation_runs r SET subtotal = t.s, vat_amount = t.v, total_amount = t.t
          FROM (SELECT run_id, sum(subtotal) s, sum(vat_amount) v, sum(total_amount) t FROM invoices GROUP BY run_id) t WHERE r.id = t.run_id;
        UPDATE invoice_stats SET invoice_count = x.n, total_amount = x.t, vat_amount = x.v, last_invoice_id = x.m
          FROM (SELECT count(*) n, sum(total_amount) t, sum(vat_amount) v, max(id) m FROM invoices) x;
        INSERT INTO invoice_buckets (grain, bucket_start, invoice_count, subtotal, vat_amount, total_amount, last_invoice_id)
        SELECT g.grain, date_trunc(g.unit, i.invoice_date, 'UTC'), count(*), sum(i.subtotal), sum(i.vat_amount), sum(i.total_amount), max(i.id)
          FROM invoices i CROSS JOIN (VALUES (1::smallint, 'minute'), (2::smallint, 'hour'), (3::smallint, 'day')) g(grain, unit) GROUP BY 1, 2;
        INSERT INTO party_days (kind, day, party_id, invoice_count, subtotal, vat_amount, total_amount)
        SELECT kind, (invoice_date AT TIME ZONE 'UTC')::date, party_id, count(*), sum(subtotal), sum(vat_amount), sum(total_amount)
          FROM (SELECT 1::smallint AS kind, seller_id AS party_id, invoice_date, subtotal, vat_amount, total_amount FROM invoices
                UNION ALL SELECT 2::smallint, buyer_id, invoice_date, subtotal, vat_amount, total_amount FROM invoices) x GROUP BY 1, 2, 3;
        DELETE FROM ledger_balances;
        INSERT INTO ledger_balances (account_code, debit_total, credit_total)
        SELECT '1000', 0, 0
        UNION ALL SELECT '1100', coalesce(sum(total_amount), 0), 0 FROM invoices
        UNION ALL SELECT '2200', 0, coalesce(sum(vat_amount), 0) FROM invoices
        UNION ALL SELECT '4000', 0, coalesce(sum(subtotal), 0) FROM invoices;
        INSERT INTO open_balances (buyer_id, due_date, balance, invoices)
        SELECT buyer_id, due_date, sum(total_amount), count(*) FROM invoices GROUP BY buyer_id, due_date;
        INSERT INTO open_balance_days (due_date, balance, invoices)
        SELECT due_date, sum(balance), sum(invoices) FROM open_balances GROUP BY due_date;
        SELECT setval(pg_get_serial_sequence('generation_runs', 'id'), (SELECT max(id) FROM generation_runs));
        SELECT setval(pg_get_serial_sequence('journal_entries', 'id'), greatest(1, (SELECT max(id) FROM journal_entries)));""")
    psql("; ".join(f"ALTER TABLE {t} ENABLE TRIGGER USER" for t in ledger_tables))
    # Every bulk-written table, as autovacuum would get to them in time: timing before that measures
    # hint-bit writes and planner guesses on tables without statistics, not the reads.
    psql("VACUUM ANALYZE invoices, invoice_buckets, party_days, party_totals, parties, generation_runs, invoice_stats,"
         " invoice_lines, journal_entries, journal_lines, ledger_balances, open_balances, open_balance_days")
    log(f"loaded in {time.time() - t0:.0f} s; table and indexes {table_size()}")


def lifecycle():
    """Some life in the ledger, written through the triggers as the app writes it (once per loaded
    database): 5% of the invoices paid in full, 2% in part, 0.1% (unpaid ones) void."""
    if psql("SELECT count(*) FROM payments") != "0":
        log("payments already recorded")
        return
    t0 = time.time()
    # In batches of 50,000 invoices (~3,500 payments), each its own transaction: every payment updates
    # the same two ledger balance rows, and one transaction updating a row 700,000 times walks an ever
    # longer chain of its own row versions (quadratic: the one-statement version ran for 1.5 h).
    batch = 50_000
    for start in range(1, N + 1, batch):
        psql(f"""
            INSERT INTO payments (invoice_id, amount, method, paid_on, recorded_by, idempotency_key)
            SELECT id, CASE WHEN id % 100 < 5 THEN total_amount ELSE round(total_amount / 3, 2) END, id % 4,
                   (invoice_date AT TIME ZONE 'UTC')::date, 'bench', gen_random_uuid()
              FROM invoices WHERE id BETWEEN {start} AND {start + batch - 1} AND id % 100 < 7""")
    psql("UPDATE invoices SET voided_at = now(), voided_by = 'bench', void_reason = 'benchmark' WHERE id % 1000 = 550")
    psql("VACUUM ANALYZE invoices, payments, journal_entries, journal_lines, ledger_balances, open_balances, open_balance_days")
    log(f"payments and voids recorded in {time.time() - t0:.0f} s")


def migrate():
    subprocess.run(["dotnet", DLL, "--migrate"], cwd=os.path.join(ROOT, "InvoiceMvc.Web"), env=app_env(), check=True, stdout=subprocess.DEVNULL)


def index_name(definition):
    return re.search(r"INDEX (\S+) ON", definition).group(1).strip('"')


def table_size():
    return psql("SELECT pg_size_pretty(pg_total_relation_size('invoices'))")


# ---------------------------------------------------------------- HTTP

class Client:
    TOKEN = re.compile(r'name="__RequestVerificationToken" type="hidden" value="([^"]+)"')

    def __init__(self):
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path, headers=None):
        req = urllib.request.Request(BASE + path, headers=headers or {"Accept": "text/html"})
        t = time.perf_counter()
        try:
            with self.opener.open(req, timeout=120) as r:
                body = r.read()
                return r.status, body, time.perf_counter() - t
        except urllib.error.HTTPError as e:
            return e.code, e.read(), time.perf_counter() - t
        except (urllib.error.URLError, ConnectionError) as e:
            return 0, str(e).encode(), time.perf_counter() - t

    def post(self, path, fields, headers=None):
        req = urllib.request.Request(BASE + path, data=urllib.parse.urlencode(fields).encode(), headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as r:
                return r.status
        except urllib.error.HTTPError as e:
            return e.code

    def token(self, path):
        _, body, _ = self.get(path)
        return self.TOKEN.search(body.decode()).group(1)

    def start_run(self):
        self.post("/account/login", {"UserName": OPERATOR[0], "Password": OPERATOR[1], "ReturnUrl": "",
                                     "__RequestVerificationToken": self.token("/account/login")})
        token = self.token("/")
        status = self.post("/generation/start", {"__RequestVerificationToken": token},
                           {"Accept": "application/json", "RequestVerificationToken": token})
        if status != 202:
            sys.exit(f"START answered {status}")


def warm(client, path, headers=None):
    # Plan cache, first-use pages, and the JIT's tiers (a method is re-compiled optimised after 30
    # calls): the figures are of the steady state a running product is in, not of its first minute.
    for _ in range(WARM):
        client.get(path, headers)


def timed(client, label, path, headers=None):
    warm(client, path, headers)
    times = []
    for _ in range(REQUESTS):
        status, _, t = client.get(path, headers)
        if status != 200:
            sys.exit(f"{label}: GET {path} answered {status}")
        times.append(t * 1000)
    times.sort()
    p99 = times[min(len(times) - 1, int(round(0.99 * len(times))) - 1)]
    row = (label, path, statistics.median(times), p99)
    log(f"  {label}: p50 {row[2]:.1f} ms, p99 {row[3]:.1f} ms")
    return row


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def export(pid, path):
    """Downloads the export with curl (a client none of us wrote, and fast enough not to be what is
    measured), counting its lines, while a thread samples the app's RSS every 50 ms."""
    peak, stop = [rss_kb(pid)], threading.Event()
    before = peak[0]

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_kb(pid))
            time.sleep(0.05)

    threading.Thread(target=sample, daemon=True).start()
    target = os.path.join(DATA, "export.csv")
    t0 = time.perf_counter()
    subprocess.run(["curl", "-sSf", "-o", target, BASE + path], check=True)
    elapsed = time.perf_counter() - t0
    stop.set()
    with open(target, "rb") as f:
        rows = sum(1 for _ in f) - 2  # header and totals
    os.remove(target)
    log(f"  export: {rows:,} rows in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s), RSS {before // 1024} -> peak {peak[0] // 1024} MB")
    return rows, elapsed, before // 1024, peak[0] // 1024


def live_run(client):
    client.start_run()
    run_id = int(psql("SELECT max(id) FROM generation_runs"))
    while psql(f"SELECT status FROM generation_runs WHERE id = {run_id}") != "3":
        time.sleep(1)
    deviation = schedule_deviation(run_id)
    log(f"  live run at 5/s x 60 s with {N:,} invoices in the table: worst deviation {deviation} ms")
    return deviation


def schedule_deviation(run_id):
    return float(psql(f"""
        WITH c AS (SELECT sequence, pg_xact_commit_timestamp(xmin) t FROM invoices WHERE run_id = {run_id}),
             l AS (SELECT t - make_interval(secs => (sequence - 1)::float8 / 5) AS late FROM c)
        SELECT round(extract(epoch FROM max(late) - min(late))::numeric * 1000, 1) FROM l"""))


def main():
    subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "up", NAME, PG_PORT, REDIS_PORT], stdout=subprocess.DEVNULL, check=True)
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "InvoiceMvc.Web", "InvoiceMvc.Web.csproj"), "-c", "Release", "-nologo", "-v", "q"],
                   check=True, stdout=subprocess.DEVNULL)
    migrate()
    load()
    lifecycle()
    if os.environ.get("BENCH_LOAD_ONLY") == "1":
        subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "down", NAME], capture_output=True)
        return
    app = subprocess.Popen(["dotnet", DLL], cwd=os.path.join(ROOT, "InvoiceMvc.Web"), env=app_env(),
                           stdout=open(os.path.join(DATA, "app.log"), "wb"), stderr=subprocess.STDOUT)
    try:
        client = Client()
        deadline = time.time() + 120
        while client.get("/health/live")[0] != 200:
            if time.time() > deadline:
                sys.exit("the app did not start")
            time.sleep(0.5)
        today = datetime.date.today()
        week = (today - datetime.timedelta(days=7)).isoformat()
        specs = []  # (label, path, headers): each warmed, then all timed
        log(f"timing {REQUESTS} requests each at {N:,} invoices")
        for sort in ["number", "date", "seller", "buyer", "subtotal", "vat", "total"]:
            for d in ["desc", "asc"]:
                specs.append((f"first page, sort {sort} {d}", f"/invoices?sort={sort}&dir={d}"))
        for label, q in [("q=Buyer 0042", "q=Buyer+0042"), ("q=Buyer 00 (99 buyers)", "q=Buyer+00"), ("q=INV-00420", "q=INV-00420"),
                         ("q=INV-1 (a wide number prefix)", "q=INV-1"), ("q=00420 (digits anywhere)", "q=00420"),
                         ("q=Buyer 0042, sort total", "q=Buyer+0042&sort=total"), ("seller", "seller=Seller+07+Trading"),
                         ("buyer", "buyer=Buyer+0042"), ("from/to (7 days)", f"from={week}&to={today}"), ("min/max", "min=1000&max=1200"),
                         ("run", "run=42"), ("seller + 7 days + min", f"seller=Seller+07+Trading&from={week}&min=500")]:
            specs.append((f"first page, {label}", f"/invoices?{q}"))
        specs.append((f"deep page (cursor {N // 2:,}), sort total", f"/invoices?sort=total&cursor={N // 2}"))
        specs.append(("htmx page (infinite scroll), sort date", f"/invoices?sort=date&cursor={N // 2}", {"HX-Request": "true"}))
        specs.append(("detail page", f"/invoices/INV-{N // 2:07d}"))
        for label, q in [("unfiltered", ""), ("one seller", "seller=Seller+07+Trading"), ("one run", "run=42"), ("free text q=Buyer 0042", "q=Buyer+0042")]:
            specs.append((f"count+sums, {label}", f"/invoices/summary?{q}"))
        # The lifecycle (issue 13): status filters on their partial indexes, the ledger and aging on running balances.
        for status in ["open", "partially-paid", "paid", "overdue", "void"]:
            specs.append((f"first page, status={status}", f"/invoices?status={status}"))
        specs.append(("first page, status=overdue + buyer", "/invoices?status=overdue&buyer=Buyer+0042"))
        specs.append(("trial balance + receivable journal (/ledger)", "/ledger"))
        specs.append(("cash journal (/ledger?account=1000)", "/ledger?account=1000"))
        specs.append((f"deep journal page (before entry {N // 2:,})", f"/ledger?account=1100&before={N // 2}"))
        specs.append(("aging report (/reports/aging)", "/reports/aging"))
        # Analytics (issue 14): every read is bounded by the buckets shown and the party pool, never by invoices.
        days29, days30, yesterday = ((today - datetime.timedelta(days=n)).isoformat() for n in (29, 30, 1))
        for label, q in [("today by minute", ""), ("yesterday by minute (1,440)", f"from={yesterday}&to={yesterday}&bucket=minute"),
                         ("7 days by hour", f"from={week}&to={today}"), ("30 days by day (party_days)", f"from={days29}&to={today}&bucket=day"),
                         ("all 31 days by day (party_totals)", f"from={days30}&to={today}&bucket=day")]:
            specs.append((f"analytics JSON, {label}", f"/api/analytics?{q}"))
        specs.append(("analytics page, 7 days by hour", f"/analytics?from={week}&to={today}"))
        specs.append(("analytics page, 30 days by day", f"/analytics?from={days29}&to={today}&bucket=day"))
        # The app's first seconds (Hangfire's server starting, the JIT compiling in the background) are
        # not the steady state: every path is warmed before any is timed, so the first one timed is not
        # the one that pays for them.
        for spec in specs:
            warm(client, *spec[1:])
        rows = [timed(client, *spec) for spec in specs]
        four_days = (today - datetime.timedelta(days=3)).isoformat()  # ~1,100,000 rows at 10M over 30 days
        exported = [export(app.pid, f"/invoices/export.csv?from={four_days}&to={today}") for _ in range(2)]
        # Twice: as the reads above left the caches, then with the invoices' indexes in shared buffers
        # (pg_prewarm), as on a server that has run a while: each insert writes a leaf at a random place
        # in the subtotal, VAT and total indexes (300 MB each at 10M), so the two show what cold reads cost.
        deviation = live_run(client)
        psql("CREATE EXTENSION IF NOT EXISTS pg_prewarm; "
             "SELECT sum(pg_prewarm(indexrelid::regclass)) FROM pg_index WHERE indrelid = 'invoices'::regclass", user="postgres")
        warm_deviation = live_run(client)
        write_doc(rows, exported, deviation, warm_deviation)
    finally:
        app.terminate()
        app.wait(timeout=60)
        subprocess.run([os.path.join(ROOT, "scripts", "services.sh"), "down", NAME], capture_output=True)


def write_doc(rows, exported, deviation, warm_deviation):
    machine = f"{os.cpu_count()} cores (nproc), load average {os.getloadavg()[0]:.1f}"
    lines = [f"Run {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, commit "
             f"{subprocess.run(['git', 'describe', '--always', '--dirty'], cwd=ROOT, capture_output=True, text=True).stdout.strip()}, "
             f"{machine}, {N:,} invoices ({table_size()} with indexes), "
             f"{REQUESTS} requests each after {WARM} to warm up (and a first pass of {WARM} over every path before any is timed), one client, through HTTP (Kestrel, Production).", "",
             "| request | p50 ms | p99 ms |", "|---|---|---|"]
    lines += [f"| {label} (`{path}`) | {p50:.1f} | {p99:.1f} |" for label, path, p50, p99 in rows]
    lines += [""] + [f"Export ({which}, curl): {rows_n:,} rows in {secs:.1f} s = {rows_n / secs:,.0f} rows/s; the app's RSS {before} MB before, peak {peak} MB during."
                     for which, (rows_n, secs, before, peak) in zip(["first", "again"], exported)]
    lines += [
              f"Generation with the table at {N:,}: a 5/s x 60 s run's worst deviation from its drift-free schedule {deviation} ms "
              f"after the reads above; {warm_deviation} ms with the invoices' indexes in shared buffers (pg_prewarm)."]
    write_results("explorer", "Explorer at scale (scripts/bench-explorer.sh)", lines)


def write_results(name, heading, lines):
    """Replaces the block between <!-- NAME:results:begin/end --> in docs/benchmarks.md with LINES
    (appended under HEADING the first time): the one place every benchmark writes its figures."""
    path = os.path.join(ROOT, "docs", "benchmarks.md")
    with open(path) as f:
        doc = f.read()
    begin, end = f"<!-- {name}:results:begin -->", f"<!-- {name}:results:end -->"
    block = begin + "\n" + "\n".join(lines) + "\n" + end
    if begin in doc:
        doc = doc[:doc.index(begin)] + block + doc[doc.index(end) + len(end):]
    else:
        doc += f"\n## {heading}\n" + block + "\n"
    with open(path, "w") as f:
        f.write(doc)
    print(f"written to {path}", flush=True)


if __name__ == "__main__":
    main()
