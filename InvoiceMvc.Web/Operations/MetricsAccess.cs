using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace InvoiceMvc.Web.Operations;

/// <summary>
/// /metrics for the scraper only: with a configured token, a request without `Authorization: Bearer
/// &lt;token&gt;` (or with another token) gets 401 before the exporter runs. The comparison takes the
/// same time whatever the guess, so the token cannot be found one character at a time.
/// </summary>
internal static class MetricsAccess
{
    public const string Path = "/metrics";

    public static IApplicationBuilder UseMetricsAccess(this IApplicationBuilder app)
    {
        var token = app.ApplicationServices.GetRequiredService<IOptions<MetricsOptions>>().Value.BearerToken;
        if (string.IsNullOrEmpty(token))
        {
            return app; // Development or Testing without a token: open, as the validator allows only there
        }

        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        return app.UseWhen(c => c.Request.Path.StartsWithSegments(Path), branch => branch.Use(async (context, next) =>
        {
            if (IsAuthorized(context.Request, expected))
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
            context.Response.Headers.CacheControl = "no-store";
            // A body of our own, so the status-code pages leave this plain answer alone.
            await context.Response.WriteAsync("A bearer token is required.", context.RequestAborted);
        }));
    }

    private static bool IsAuthorized(HttpRequest request, byte[] expected)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashes have one length, so FixedTimeEquals never returns early on a shorter guess.
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
