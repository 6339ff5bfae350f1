using System.Globalization;
using InvoiceMvc.Web.Models;
using InvoiceMvc.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Npgsql;

namespace InvoiceMvc.Web.Operations;

/// <summary>
/// A request that fails because PostgreSQL is gone or refuses connections answers 503 with
/// Retry-After and says so (the status page, or problem details for API clients), in every
/// environment; any other exception still goes to the generic 500 page (or the developer page).
/// Nothing to clear afterwards: the next request after recovery simply works.
/// </summary>
public static class DatabaseOutage
{
    public const int RetryAfterSeconds = 5;

    /// <summary>Catches database-unavailable failures of everything after it; call early, inside the generic exception handler.</summary>
    public static WebApplication UseDatabaseOutageAs503(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception ex) when (IsUnavailable(ex) && !context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseOutage))
                    .LogWarning(ex, "PostgreSQL unavailable: {Method} {Path} answered 503", context.Request.Method, context.Request.Path);
                await WriteAsync(context);
            }
        });
        return app;
    }

    /// <summary>
    /// True when the exception (or one it wraps) says the database cannot be reached or takes no more
    /// connections: a refused or broken connection, an exhausted pool, a server shutting down or starting.
    /// A bad query, a constraint or a serialization failure is a bug or a conflict, not an outage.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState is PostgresErrorCodes.TooManyConnections
            or PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
            || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        // Not a server error: the connection could not be opened or broke (sockets, timeouts, the pool exhausted).
        NpgsqlException npgsql => npgsql.IsTransient,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    private static async Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        response.Headers.CacheControl = "no-store";
        var code = StatusCodes.Status503ServiceUnavailable;
        if (ApiClients.PrefersJson(context.Request))
        {
            var problem = new ProblemDetails { Status = code, Title = StatusTexts.Title(code), Detail = StatusTexts.Text(code) };
            await response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", context.RequestAborted);
            return;
        }

        // The status page itself, rendered here: re-executing the request would meet the database again (sign-in checks).
        var services = context.RequestServices;
        var view = new ViewResult
        {
            ViewName = "~/Views/Shared/Status.cshtml",
            StatusCode = code,
            ViewData = new ViewDataDictionary<int>(services.GetRequiredService<IModelMetadataProvider>(), new ModelStateDictionary()) { Model = code },
        };
        await services.GetRequiredService<IActionResultExecutor<ViewResult>>()
            .ExecuteAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor()), view);
    }
}
