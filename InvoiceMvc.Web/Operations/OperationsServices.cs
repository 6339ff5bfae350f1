using InvoiceMvc.Infrastructure.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace InvoiceMvc.Web.Operations;

/// <summary>Health endpoints, Prometheus metrics and log format: what an operator needs to run the app.</summary>
public static class OperationsServices
{
    private const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        var timeout = TimeSpan.FromSeconds(3);
        builder.Services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", HealthStatus.Unhealthy, [ReadyTag], timeout)
            // Stats fall back to PostgreSQL and streams to polling: Redis down is Degraded, not down.
            .AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded, [ReadyTag], timeout)
            .AddCheck<HangfireHealthCheck>("hangfire", HealthStatus.Unhealthy, [ReadyTag], timeout);
        return builder;
    }

    public static WebApplication MapOperations(this WebApplication app)
    {
        // Liveness checks nothing outside the process: a database outage must not get the app restarted.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthReportWriter.WriteAsync });
        return app;
    }
}
