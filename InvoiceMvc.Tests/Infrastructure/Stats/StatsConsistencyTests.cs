using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Infrastructure.Stats;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace InvoiceMvc.Tests.Infrastructure.Stats;

public sealed class StatsConsistencyTests
{
    [Fact]
    public async Task AfterARun_RedisAndTheStatsRowEqualTheSumsOverTheInvoicesTable()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 100, seconds: 1));
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3, TimeSpan.FromSeconds(20), "the run completes");

        var cache = app.Services.GetRequiredService<StatsCache>();
        // Redis is written just after each commit, so it may trail the last commit by that one write.
        var stats = await Eventually.ValueAsync(() => cache.GetAsync(CancellationToken.None), s => s.Count == 100,
            TimeSpan.FromSeconds(5), "Redis has the last invoice");

        Assert.Equal(100, stats.Count);
        Assert.Equal(await db.ScalarAsync<decimal>("SELECT sum(total_amount) FROM invoices"), stats.TotalAmount);
        Assert.Equal(await db.ScalarAsync<decimal>("SELECT sum(vat_amount) FROM invoices"), stats.TotalVat);
        Assert.Equal(Math.Round(stats.TotalAmount / 100, 2, MidpointRounding.AwayFromZero), stats.Average);
        Assert.Equal(await db.ScalarAsync<decimal>("SELECT total_amount FROM invoice_stats"), stats.TotalAmount);
        // Read from Redis itself, not the fallback: the job kept it current after each commit.
        var redisCount = (string?)await app.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().HashGetAsync(cache.Key, "count");
        Assert.Equal("100", redisCount);
        Assert.Equal(0, cache.Fallbacks);
    }

    [Fact]
    public async Task GenerationCarriesOn_WhileRedisIsDown()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var redis = await RedisServer.StartAsync();
        await using var app = new AppFactory(db, redis.ConnectionString, "g:", GenerationSettings.Fast(rate: 100, seconds: 1));
        _ = app.Services; // the app starts while Redis is up, as in production; it goes down afterwards
        await redis.StopAsync();

        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3, TimeSpan.FromSeconds(30), "the run completes without Redis");

        Assert.Equal(100L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        var stats = await app.Services.GetRequiredService<StatsCache>().GetAsync(CancellationToken.None);
        Assert.Equal(100, stats.Count); // served from PostgreSQL
        Assert.True(app.Services.GetRequiredService<StatsCache>().Fallbacks >= 1);
    }
}
