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

        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3, TimeSpan.FromSeconds(20), "the run completes");
        Assert.Equal(120L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));

        // Lateness of invoice n = its commit time - n / rate. On schedule, that is one constant (the
        // anchor plus the tick's own cost); its spread is the worst deviation from the drift-free
        // schedule. Had a tick waited for Redis (1 s timeouts), it would be about a second.
        var spread = await db.ScalarAsync<double>($"""
            SELECT extract(epoch FROM max(late) - min(late))::float8 FROM (
              SELECT pg_xact_commit_timestamp(xmin) - make_interval(secs => (sequence - 1)::float8 / {rate}) AS late
                FROM invoices) x
            """);
        var worst = await db.ScalarAsync<string>($"""
            SELECT string_agg(sequence || ':' || round(extract(epoch FROM late - first_late)::numeric * 1000, 1), ' ' ORDER BY late DESC) FROM (
              SELECT sequence, late, min(late) OVER () AS first_late FROM (
                SELECT sequence, pg_xact_commit_timestamp(xmin) - make_interval(secs => (sequence - 1)::float8 / {rate}) AS late
                  FROM invoices) x) y
            """);
        Assert.True(spread < 0.050, $"worst deviation from the schedule: {spread * 1000:F1} ms (invoice:ms late, latest first: {worst[..Math.Min(200, worst.Length)]})");

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
}
