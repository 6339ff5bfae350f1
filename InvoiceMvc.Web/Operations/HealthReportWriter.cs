using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace InvoiceMvc.Web.Operations;

/// <summary>
/// The health JSON: overall status, then each check's status, duration and description. Exception
/// messages and data are left out on purpose: they can carry host names or connection details (the
/// packaged checks put the exception's message into the description, so a failed check's
/// description is rebuilt here from the exception's type and SQLSTATE only).
/// </summary>
internal static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What each check's outcome means for this app, by check name.</summary>
    private static readonly Dictionary<string, (string Healthy, string Failed)> Meanings = new(StringComparer.Ordinal)
    {
        ["postgres"] = ("PostgreSQL answers.", "PostgreSQL unreachable"),
        ["redis"] = ("Redis answers.", "Redis unreachable: stats fall back to PostgreSQL"),
    };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = e.Value.Status.ToString(),
                    durationMs = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                    description = Describe(e.Key, e.Value),
                }),
        };
        return context.Response.WriteAsJsonAsync(body, Json, context.RequestAborted);
    }

    private static string? Describe(string name, HealthReportEntry entry)
    {
        if (!Meanings.TryGetValue(name, out var meaning))
        {
            // Our own checks (Hangfire) write fixed descriptions that name only an exception's type.
            return entry.Description;
        }

        if (entry.Status == HealthStatus.Healthy)
        {
            return meaning.Healthy;
        }

        var kind = entry.Exception switch
        {
            PostgresException pg => $"{pg.GetType().Name} ({pg.SqlState})",
            { } ex => ex.GetType().Name,
            null => "no answer",
        };
        return $"{meaning.Failed} ({kind}).";
    }
}
