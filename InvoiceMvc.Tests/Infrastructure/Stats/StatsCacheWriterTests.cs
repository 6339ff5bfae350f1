using InvoiceMvc.Infrastructure.Stats;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace InvoiceMvc.Tests.Infrastructure.Stats;

/// <summary>Timing-sensitive: runs in the serial collection, not beside dozens of other apps.</summary>
[Collection(nameof(SerialCollection))]
public sealed class StatsCacheWriterTests
{
    [Fact]
    public async Task AFrozenRedis_NeverDelaysATick_AndCatchesUpWithPostgreSqlAfterItResumes()
    {
        const int rate = 20;
        await using var db = await TestDatabase.CreateAsync();
        // A Redis of this test's own: the shared one must not freeze under the other tests.
        await using var redis = await RedisServer.StartAsync();
        await using var app = new AppFactory(db, redis.ConnectionString, "w:", GenerationSettings.Fast(rate, seconds: 6)); // 120 invoices
        var client = app.CreateClient();
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);
        await AntiforgeryClient.PostFormAsync(client, "/generation/start", await AntiforgeryClient.FetchTokenAsync(client));
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 30, TimeSpan.FromSeconds(20), "the run is under way");

        var pausedAt = await db.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await redis.PauseAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(3)); // the outage being simulated, not a wait for a result
            Assert.True(await db.ScalarAsync<long>("SELECT count(*) FROM invoices") < 120, "Redis resumes while the run is still producing");
        }
        finally
        {
            await redis.ResumeAsync();
        }

        var resumedAt = await db.ScalarAsync<DateTime>("SELECT clock_timestamp()");
        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3, TimeSpan.FromSeconds(20), "the run completes");
        Assert.Equal(120L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));

        // Lateness of invoice n = its commit time - n / rate. On schedule that is one constant (the anchor
        // plus the tick's own cost), so its excess over the run's minimum is the deviation from the
        // drift-free schedule. Ticks that waited for Redis (1 s timeouts) would be about a second late
        // during the pause and burst right after it (hence the window runs to 1 s past the resume). The
        // same run's ticks outside that window give the machine's own jitter, so a busy CPU cannot fail
        // the test: the pause may add at most 50 ms to it.
        var (during, outside, worst) = await LatenessAsync(db, rate, pausedAt, resumedAt.AddSeconds(1));
        Assert.True(during < outside + 50,
            $"the pause delayed ticks: worst {during:F1} ms late during it, {outside:F1} ms outside it (invoice:ms late, latest first: {worst})");

        // Once Redis answers again, it holds PostgreSQL's totals (not a snapshot from before the pause).
        var truth = await db.ScalarAsync<string>("SELECT concat_ws('|', invoice_count, total_amount, vat_amount, last_invoice_id) FROM invoice_stats");
        var key = app.Services.GetRequiredService<StatsCache>().Key;
        var redisDb = app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        await Eventually.TrueAsync(async () =>
        {
            var f = await redisDb.HashGetAsync(key, ["count", "total", "vat", "last_id"]);
            return string.Join('|', f.Select(v => (string?)v)) == truth;
        }, TimeSpan.FromSeconds(10), $"Redis holds PostgreSQL's totals {truth}");
        Assert.StartsWith("120|", truth, StringComparison.Ordinal);
    }

    private static async Task<(double During, double Outside, string Worst)> LatenessAsync(TestDatabase db, int rate, DateTime from, DateTime to)
    {
        const string Lateness = """
            WITH l AS (
              SELECT sequence, pg_xact_commit_timestamp(xmin) AS committed,
                     pg_xact_commit_timestamp(xmin) - make_interval(secs => (sequence - 1)::float8 / @rate) AS late
                FROM invoices),
            e AS (SELECT sequence, committed, extract(epoch FROM late - min(late) OVER ())::float8 * 1000 AS ms FROM l)
            """;
        var during = await db.ScalarAsync<double>(Lateness + "SELECT coalesce(max(ms), 0) FROM e WHERE committed BETWEEN @from AND @to",
            ("rate", rate), ("from", from), ("to", to));
        var outside = await db.ScalarAsync<double>(Lateness + "SELECT coalesce(max(ms), 0) FROM e WHERE committed NOT BETWEEN @from AND @to",
            ("rate", rate), ("from", from), ("to", to));
        var worst = await db.ScalarAsync<string>(Lateness + "SELECT string_agg(sequence || ':' || round(ms::numeric, 1), ' ' ORDER BY ms DESC) FROM (SELECT * FROM e ORDER BY ms DESC LIMIT 12) t",
            ("rate", rate));
        return (during, outside, worst);
    }
}
