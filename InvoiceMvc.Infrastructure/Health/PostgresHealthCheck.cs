using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Health;

/// <summary>PostgreSQL holds the truth (invoices, runs, stats, Hangfire): without it the app cannot serve.</summary>
public sealed class PostgresHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var cmd = dataSource.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers.");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // The exception's message can name hosts and databases: only its kind goes into the report.
            var code = ex is PostgresException pg ? $" ({pg.SqlState})" : string.Empty;
            return new HealthCheckResult(context.Registration.FailureStatus, $"PostgreSQL unreachable: {ex.GetType().Name}{code}.");
        }
    }
}
