using System.Net;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>Real-socket clients for the security tests: one cookie jar each, no redirects followed, an optional forwarded address.</summary>
internal static class SecurityClients
{
    public static HttpClient Create(Uri baseAddress, string? forwardedFor = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }, disposeHandler: true) { BaseAddress = baseAddress };
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return client;
    }

    /// <summary>Settings that trust 127.0.0.1 as the reverse proxy, so each test client can be its own forwarded address.</summary>
    public static Dictionary<string, string?> BehindLoopbackProxy(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["ReverseProxy:KnownProxies:0"] = "127.0.0.1" };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return settings;
    }

    /// <summary>The same request again, carrying a saved Cookie header and nothing else of the original client.</summary>
    public static async Task<HttpResponseMessage> ReplayAsync(Uri baseAddress, string path, string cookieHeader)
    {
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookieHeader);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    public static Task<HttpResponseMessage> SignInAsync(HttpClient client, string userName, string password) =>
        AntiforgeryClient.PostSignInAsync(client, userName, password);
}
