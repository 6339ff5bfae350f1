using Hangfire;
using InvoiceMvc.Infrastructure.Generation;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InvoiceMvc.Infrastructure.Health;

/// <summary>
/// Hangfire's storage must answer (it lives in PostgreSQL); a cluster with no live server on the
/// generation queue (Hangfire:Queues) can take START but never produce, which is Degraded rather than
/// down for this instance's readers.
/// </summary>
public sealed class HangfireHealthCheck(JobStorage storage, TimeProvider time) : IHealthCheck
{
    /// <summary>Hangfire servers heartbeat every 30 s by default; two missed beats means gone.</summary>
    private static readonly TimeSpan HeartbeatTolerance = TimeSpan.FromSeconds(75);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // The monitoring API is synchronous: keep it off the request thread so the check's timeout applies.
            var servers = await Task.Run(() => storage.GetMonitoringApi().Servers(), cancellationToken).WaitAsync(cancellationToken);
            var now = time.GetUtcNow().UtcDateTime;
            var live = servers.Where(s => s.Heartbeat is { } beat && now - beat < HeartbeatTolerance).ToList();
            var generating = live.Count(s => s.Queues.Contains(GenerationJob.Queue));
            return generating > 0
                ? HealthCheckResult.Healthy($"Hangfire storage answers; {live.Count} live server(s), {generating} on the {GenerationJob.Queue} queue.")
                : HealthCheckResult.Degraded($"Hangfire storage answers but no live server takes the {GenerationJob.Queue} queue: runs would not be produced.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Hangfire.PostgreSql wraps storage errors in its own types; any failure here means the job store is unreachable.
            return new HealthCheckResult(context.Registration.FailureStatus, $"Hangfire storage unreachable: {ex.GetType().Name}.");
        }
    }
}
