using Htmx;

namespace InvoiceMvc.Web.Security;

/// <summary>Tells API clients from browsers and htmx by what they ask for.</summary>
public static class ApiClients
{
    /// <summary>
    /// True when the Accept header's most preferred type is JSON (application/json, application/problem+json, any +json).
    /// Browsers put text/html first, htmx sends HX-Request, and "*/*" alone prefers nothing: those keep the HTML pages.
    /// </summary>
    public static bool PrefersJson(HttpRequest request)
    {
        if (request.IsHtmx())
        {
            return false;
        }

        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return false;
        }

        // OrderByDescending is stable: among equal qualities the client's own order decides.
        var preferred = accept.OrderByDescending(a => a.Quality ?? 1.0).First();
        var subType = preferred.SubTypeWithoutSuffix.Value ?? "";
        return preferred.MatchesAllTypes is false &&
               (subType.Equals("json", StringComparison.OrdinalIgnoreCase) ||
                preferred.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A browser navigating (not htmx, not an API client): it gets redirects to the sign-in page.</summary>
    public static bool IsBrowserNavigation(HttpRequest request) =>
        !request.IsHtmx() &&
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);
}
