using InvoiceMvc.Infrastructure.Diagnostics;
using InvoiceMvc.Infrastructure.Health;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Prometheus;
using StackExchange.Redis;

namespace InvoiceMvc.Web.Operations;

/// <summary>Health endpoints, Prometheus metrics and log format: what an operator needs to run the app.</summary>
public static class OperationsServices
{
    private const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddOperations(this IHostApplicationBuilder builder)
    {
        var timeout = TimeSpan.FromSeconds(3);
        builder.Services.AddHealthChecks()
            // The app's own data source and multiplexer: the checks see the pools and settings the app uses.
            .AddNpgSql(sp => sp.GetRequiredService<NpgsqlDataSource>(), name: "postgres", failureStatus: HealthStatus.Unhealthy, tags: [ReadyTag], timeout: timeout)
            // Redis is only the stats cache (wake-ups travel through PostgreSQL LISTEN/NOTIFY): with it
            // down, stats are read from PostgreSQL and the app serves on, so it is Degraded, not down.
            .AddRedis(sp => sp.GetRequiredService<IConnectionMultiplexer>(), name: "redis", failureStatus: HealthStatus.Degraded, tags: [ReadyTag], timeout: timeout)
            .AddCheck<HangfireHealthCheck>("hangfire", HealthStatus.Unhealthy, [ReadyTag], timeout);
        builder.Services.AddSingleton<PrometheusExport>();
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();

        // One JSON object per line for log shippers outside Development, with scopes so job lines carry
        // their RunId; people reading a terminal in Development keep the plain console.
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        return builder;
    }

    /// <summary>Request metrics; call right after UseRouting, so request durations carry the matched route and cover everything after it.</summary>
    public static WebApplication UseOperations(this WebApplication app)
    {
        // Resolved now, not at the first scrape: the meter adapter must be listening before the first invoice.
        var registry = app.Services.GetRequiredService<PrometheusExport>().Registry;
        // Created now, not by the first job: the Redis fallback count is then exported from start-up on.
        app.Services.GetRequiredService<AppMetrics>();
        // Streams stay out: one lasts as long as its tab, so its "duration" would swamp the histogram, and
        // the middleware's per-request state would ride with each of thousands of viewers for hours.
        // Open streams have their own gauge (invoicemvc_dashboard_open_streams).
        app.UseWhen(context => !IsStream(context.GetEndpoint()),
            requests => requests.UseHttpMetrics(o => o.SetMetricFactory(Metrics.WithCustomRegistry(registry))));
        // Scrapers never sign in; /metrics asks for the scraper's bearer token instead (health stays open and cheap).
        app.UseMetricsAccess();
        return app;
    }

    private static bool IsStream(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<ServiceFilterAttribute<StreamAdmission>>() is not null;

    /// <summary>The /metrics and /health endpoints.</summary>
    public static WebApplication MapOperations(this WebApplication app)
    {
        var registry = app.Services.GetRequiredService<PrometheusExport>().Registry;
        // Probes and scrapers never sign in: these stay anonymous even under a fallback authorization policy.
        app.MapMetrics(MetricsAccess.Path, registry).AllowAnonymous();
        // Liveness checks nothing outside the process: a database outage must not get the app restarted.
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthReportWriter.WriteAsync }).AllowAnonymous();
        return app;
    }
}
