using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Infrastructure.Stats;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace InvoiceMvc.Tests.Infrastructure.Stats;

/// <summary>Redis as a cache of PostgreSQL's stats row: idempotent, rebuilt when empty or stale, bypassed when down.</summary>
public sealed class StatsCacheTests : IAsyncLifetime
{
    private TestDatabase _db = null!;
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _mux = null!;
    private StatsCache _cache = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        _redis = await RedisServer.StartAsync();
        var options = ConfigurationOptions.Parse(_redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true; // FLUSHALL in a test
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = options.SyncTimeout = options.AsyncTimeout = 1000;
        options.ReconnectRetryPolicy = new LinearRetry(200);
        _mux = await ConnectionMultiplexer.ConnectAsync(options);
        _cache = new StatsCache(_mux, new GenerationRunStore(_db.DataSource, TimeProvider.System), Options.Create(new CacheOptions { KeyPrefix = "s:" }), NullLogger<StatsCache>.Instance);
        await SetTruth(new InvoiceStats(3, 345.00m, 45.00m, 3));
    }

    public async Task DisposeAsync()
    {
        await _mux.DisposeAsync();
        await _redis.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task Apply_IsIdempotent_AndIgnoresAnOlderSnapshot()
    {
        var four = new InvoiceStats(4, 460.00m, 60.00m, 4);
        Assert.True(await _cache.ApplyAsync(four));
        Assert.False(await _cache.ApplyAsync(four)); // the same invoice again: no double count
        Assert.False(await _cache.ApplyAsync(new InvoiceStats(3, 345.00m, 45.00m, 3))); // late and older

        Assert.Equal(four, await _cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Get_WhenRedisIsEmpty_RebuildsFromPostgres()
    {
        await _mux.GetDatabase().KeyDeleteAsync(_cache.Key);

        var stats = await _cache.GetAsync(CancellationToken.None);

        Assert.Equal(new InvoiceStats(3, 345.00m, 45.00m, 3), stats);
        Assert.Equal("3", (string?)await _mux.GetDatabase().HashGetAsync(_cache.Key, "count"));
    }

    [Fact]
    public async Task Get_WhenRedisIsFlushed_RebuildsFromPostgres()
    {
        await _cache.ApplyAsync(new InvoiceStats(3, 345.00m, 45.00m, 3));
        await _mux.GetServers()[0].FlushAllDatabasesAsync();

        Assert.Equal(new InvoiceStats(3, 345.00m, 45.00m, 3), await _cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Get_WhenRedisHoldsMoreThanPostgres_TrustsPostgresOnRebuild()
    {
        await _cache.ApplyAsync(new InvoiceStats(9, 999.00m, 99.00m, 9)); // e.g. a restored old dump of another database

        var rebuilt = await _cache.RebuildAsync(CancellationToken.None);

        Assert.Equal(new InvoiceStats(3, 345.00m, 45.00m, 3), rebuilt);
        Assert.Equal(rebuilt, await _cache.GetAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Get_WhenRedisIsDown_FallsBackToPostgres_AndRebuildsWhenItIsBack()
    {
        await _cache.ApplyAsync(new InvoiceStats(3, 345.00m, 45.00m, 3));
        await _redis.StopAsync();

        // Invoices keep being committed while Redis is away; applying to Redis fails quietly.
        await SetTruth(new InvoiceStats(5, 575.00m, 75.00m, 5));
        Assert.False(await _cache.ApplyAsync(new InvoiceStats(5, 575.00m, 75.00m, 5)));
        var during = await _cache.GetAsync(CancellationToken.None);

        Assert.Equal(new InvoiceStats(5, 575.00m, 75.00m, 5), during);
        Assert.True(_cache.Fallbacks >= 1);

        // Redis comes back empty (no persistence): the next read rebuilds it from PostgreSQL.
        await _redis.StartAgainAsync();
        var after = await Eventually.ValueAsync(() => _cache.GetAsync(CancellationToken.None),
            _ => _mux.IsConnected, TimeSpan.FromSeconds(10), "the multiplexer reconnects");
        Assert.Equal(new InvoiceStats(5, 575.00m, 75.00m, 5), after);
        await Eventually.TrueAsync(async () => (string?)await _mux.GetDatabase().HashGetAsync(_cache.Key, "count") == "5",
            TimeSpan.FromSeconds(10), "Redis holds the rebuilt totals");
    }

    private Task SetTruth(InvoiceStats s) =>
        _db.ExecuteAsync($"UPDATE invoice_stats SET invoice_count = {s.Count}, total_amount = {s.TotalAmount.ToString(System.Globalization.CultureInfo.InvariantCulture)}, vat_amount = {s.TotalVat.ToString(System.Globalization.CultureInfo.InvariantCulture)}, last_invoice_id = {s.LastInvoiceId}");
}
