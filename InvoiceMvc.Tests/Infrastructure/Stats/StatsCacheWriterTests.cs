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

        // Ticks that waited for a frozen Redis (1 s timeouts or longer) would all but stop during the
        // pause and burst after it. Counted from PostgreSQL's commit times: at least half of the ticks
        // the schedule had for the pause committed while Redis was frozen. (Not "no tick late": a
        // machine loaded past its cores stalls a process for up to a second anywhere in a run, which
        // costs 20 of the 60 ticks at most; Redis waits would cost nearly all of them.)
        var pausedFor = (resumedAt - pausedAt).TotalSeconds;
        var committedWhilePaused = await db.ScalarAsync<long>(
            "SELECT count(*) FROM invoices WHERE pg_xact_commit_timestamp(xmin) BETWEEN @from AND @to", ("from", pausedAt), ("to", resumedAt));
        Assert.True(committedWhilePaused >= pausedFor * rate / 2,
            $"only {committedWhilePaused} invoices committed in the {pausedFor:F1} s Redis was frozen ({pausedFor * rate:F0} scheduled); worst lateness {await WorstLatenessAsync(db, rate)}");

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

    // The 12 latest invoices relative to the drift-free schedule, for the failure message.
    private static Task<string> WorstLatenessAsync(TestDatabase db, int rate) =>
        db.ScalarAsync<string>("""
            WITH l AS (SELECT sequence, pg_xact_commit_timestamp(xmin) - make_interval(secs => (sequence - 1)::float8 / @rate) AS late FROM invoices),
            e AS (SELECT sequence, extract(epoch FROM late - min(late) OVER ())::float8 * 1000 AS ms FROM l)
            SELECT string_agg(sequence || ':' || round(ms::numeric, 1), ' ' ORDER BY ms DESC) FROM (SELECT * FROM e ORDER BY ms DESC LIMIT 12) t
            """, ("rate", rate));
}
