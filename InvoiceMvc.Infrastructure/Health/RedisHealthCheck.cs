using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace InvoiceMvc.Infrastructure.Health;

/// <summary>
/// Redis is a cache and a wake-up bus: when it is down stats are read from PostgreSQL and streams
/// poll, so the app still serves. Registered with failure status Degraded, never Unhealthy, so a
/// load balancer keeps sending traffic.
/// </summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Redis answers (ping {latency.TotalMilliseconds:0.#} ms).");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus,
                $"Redis unreachable ({ex.GetType().Name}): stats fall back to PostgreSQL.");
        }
    }
}
