using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>
/// Fails start-up when this instance's connection pools could outgrow what PostgreSQL accepts: the
/// app's pool (EF Core, the event listener, the caches) and Hangfire's own pool over the same
/// connection string, each up to its Maximum Pool Size. Past max_connections the server refuses
/// with "remaining connection slots are reserved" under load, far from the setting that caused it.
/// A server unreachable at start-up is only logged: an outage must not stop the app from starting.
/// See docs/operations.md (pool sizing) for how many instances fit.
/// </summary>
public sealed class ConnectionBudget(NpgsqlDataSource dataSource, ILogger<ConnectionBudget> logger) : IHostedService
{
    /// <summary>Pools that open connections with ConnectionStrings:Postgres: the app's data source and Hangfire's.</summary>
    public const int PoolsPerInstance = 2;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var poolSize = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize;
        ServerLimits limits;
        try
        {
            limits = await ReadLimitsAsync(cancellationToken);
        }
        catch (NpgsqlException ex)
        {
            logger.LogWarning(ex, "PostgreSQL unreachable at start-up: the connection budget ({Pools} pools of Maximum Pool Size {PoolSize}) was not checked against max_connections", PoolsPerInstance, poolSize);
            return;
        }

        if (Problem(poolSize, limits) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        logger.LogInformation("Connection budget: up to {Needed} of the {Available} connections PostgreSQL accepts", PoolsPerInstance * poolSize, limits.Available);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The start-up error for a pool size the server cannot take, or null when it fits.</summary>
    public static string? Problem(int maxPoolSize, ServerLimits limits)
    {
        var needed = PoolsPerInstance * maxPoolSize;
        return needed <= limits.Available
            ? null
            : $"ConnectionStrings:Postgres has Maximum Pool Size={maxPoolSize}: this instance may open {needed} connections " +
              $"({PoolsPerInstance} pools: the app's and Hangfire's), but PostgreSQL accepts only {limits.Available} " +
              $"(max_connections {limits.MaxConnections} minus {limits.Reserved} reserved). Set Maximum Pool Size to at most " +
              $"{limits.Available / PoolsPerInstance} divided by the number of instances, or raise max_connections.";
    }

    private async Task<ServerLimits> ReadLimitsAsync(CancellationToken cancellationToken)
    {
        // reserved_connections exists from PostgreSQL 16 on; missing_ok makes it null before that.
        await using var cmd = dataSource.CreateCommand(
            "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, " +
            "COALESCE(current_setting('reserved_connections', true)::int, 0)");
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ServerLimits(reader.GetInt32(0), reader.GetInt32(1) + reader.GetInt32(2));
    }

    /// <summary>What the server accepts: <see cref="Available"/> connections for roles that are not superusers.</summary>
    public sealed record ServerLimits(int MaxConnections, int Reserved)
    {
        public int Available => MaxConnections - Reserved;
    }
}
