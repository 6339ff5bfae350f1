using System.Globalization;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace InvoiceMvc.Infrastructure.Stats;

/// <summary>
/// Running totals with Redis as the fast read path and PostgreSQL's one-row invoice_stats table as
/// the truth. Each write to Redis is the whole snapshot as of one invoice, versioned by that
/// invoice's (gapless) id and applied only if newer: repeating it, reordering it or losing one in
/// between cannot leave the cache double counted or behind for good.
/// </summary>
public sealed class StatsCache
{
    // KEYS[1] = hash; ARGV = version (last invoice id), count, total, vat. Returns 1 when applied.
    private const string SetIfNewerScript = """
        local current = tonumber(redis.call('HGET', KEYS[1], 'last_id') or '-1')
        if current >= tonumber(ARGV[1]) then return 0 end
        redis.call('HSET', KEYS[1], 'last_id', ARGV[1], 'count', ARGV[2], 'total', ARGV[3], 'vat', ARGV[4])
        return 1
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly GenerationRunStore _runs;
    private readonly ILogger<StatsCache> _logger;
    private readonly RedisKey _key;
    private long _fallbacks;
    private int _applyFailing;

    public StatsCache(IConnectionMultiplexer redis, GenerationRunStore runs, IOptions<CacheOptions> options, ILogger<StatsCache> logger)
    {
        _redis = redis;
        _runs = runs;
        _logger = logger;
        _key = options.Value.KeyPrefix + "stats";
        // Whatever Redis holds after an outage may be behind: rebuild it from the truth.
        _redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Interactive)
            {
                _ = RebuildSafelyAsync();
            }
        };
    }

    /// <summary>Times a read had to fall back to PostgreSQL because Redis was unreachable.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    public RedisKey Key => _key;

    /// <summary>True while the latest <see cref="ApplyAsync"/> could not reach Redis (its snapshot is not stored).</summary>
    public bool ApplyFailing => Volatile.Read(ref _applyFailing) == 1;

    /// <summary>Stores the snapshot as of one committed invoice, unless Redis already has a newer one.</summary>
    public async Task<bool> ApplyAsync(InvoiceStats snapshot)
    {
        try
        {
            var applied = await SetIfNewerAsync(snapshot);
            Interlocked.Exchange(ref _applyFailing, 0);
            return applied;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // PostgreSQL already holds the truth; StatsCacheWriter retries the latest snapshot. One
            // warning per outage, not one per invoice.
            var level = Interlocked.Exchange(ref _applyFailing, 1) == 0 ? LogLevel.Warning : LogLevel.Debug;
            _logger.Log(level, "Redis unavailable, stats cache not updated (from invoice {InvoiceId} on): {Error}", snapshot.LastInvoiceId, ex.Message);
            return false;
        }
    }

    /// <summary>Current totals: from Redis, rebuilt from PostgreSQL when Redis is empty, or read from PostgreSQL when Redis is down.</summary>
    public async Task<InvoiceStats> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var fields = await _redis.GetDatabase().HashGetAsync(_key, ["last_id", "count", "total", "vat"]);
            if (!fields[0].IsNull)
            {
                return new InvoiceStats(
                    (long)fields[1],
                    decimal.Parse(fields[2].ToString(), CultureInfo.InvariantCulture),
                    decimal.Parse(fields[3].ToString(), CultureInfo.InvariantCulture),
                    (long)fields[0]);
            }

            return await RebuildAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _fallbacks);
            _logger.LogWarning("Redis unavailable, reading stats from PostgreSQL: {Error}", ex.Message);
            return await ReadTruthAsync(cancellationToken);
        }
    }

    /// <summary>Copies PostgreSQL's totals into Redis (if Redis has nothing newer) and returns them.</summary>
    public async Task<InvoiceStats> RebuildAsync(CancellationToken cancellationToken)
    {
        var truth = await ReadTruthAsync(cancellationToken);
        await SetIfNewerAsync(truth, force: true);
        return truth;
    }

    /// <summary>PostgreSQL's totals, read by the run store's one reader of the stats row.</summary>
    public async Task<InvoiceStats> ReadTruthAsync(CancellationToken cancellationToken) =>
        (await _runs.ReadLiveStateAsync(cancellationToken)).Stats;

    private async Task<bool> SetIfNewerAsync(InvoiceStats s, bool force = false)
    {
        var db = _redis.GetDatabase();
        if (force)
        {
            // A rebuild replaces whatever is there when it is not strictly newer than the truth: a
            // cache that claims more invoices than PostgreSQL has (a restored old dump, a bug) is wrong.
            var stored = await db.HashGetAsync(_key, "last_id");
            if (!stored.IsNull && (long)stored > s.LastInvoiceId)
            {
                await db.KeyDeleteAsync(_key);
            }
        }

        var applied = await db.ScriptEvaluateAsync(SetIfNewerScript, [_key],
        [
            s.LastInvoiceId,
            s.Count,
            s.TotalAmount.ToString(CultureInfo.InvariantCulture),
            s.TotalVat.ToString(CultureInfo.InvariantCulture),
        ]);
        return (int)applied == 1;
    }

    private async Task RebuildSafelyAsync()
    {
        try
        {
            var stats = await RebuildAsync(CancellationToken.None);
            _logger.LogInformation("Redis is back; stats cache rebuilt from PostgreSQL at {Count} invoices", stats.Count);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or NpgsqlException)
        {
            _logger.LogWarning("Rebuilding the stats cache after reconnect failed: {Error}", ex.Message);
        }
    }
}
