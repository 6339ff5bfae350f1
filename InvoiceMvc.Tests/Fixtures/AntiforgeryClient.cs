using System.Net;
using System.Text.RegularExpressions;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>Posts forms the way a browser does: fetch the dashboard for the antiforgery cookie and token first.</summary>
public static partial class AntiforgeryClient
{
    public static async Task<string> FetchTokenAsync(HttpClient client)
    {
        var html = await client.GetStringAsync("/");
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "the dashboard renders an antiforgery token");
        return match.Groups[1].Value;
    }

    /// <summary>Posts the form with only its token: as htmx, or plainly (an API client; a browser with <paramref name="accept"/> "text/html").</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string token, bool asHtmx = true, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("__RequestVerificationToken", token)]),
        };
        if (asHtmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        return await client.SendAsync(request);
    }

    /// <summary>
    /// Signs in through the form as one of <see cref="TestAccounts"/> ("admin", "operator"); the client keeps
    /// the cookie. Fetch antiforgery tokens afterwards: a token is bound to the user it was issued to.
    /// </summary>
    public static async Task SignInAsync(HttpClient client, string userName)
    {
        var response = await PostSignInAsync(client, userName, TestAccounts.PasswordOf(userName));
        Assert.True(response.StatusCode == HttpStatusCode.OK && response.RequestMessage?.RequestUri?.AbsolutePath == "/"
                    || response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString == "/",
            $"signing in as {userName} leads to the dashboard (got {(int)response.StatusCode})");
    }

    /// <summary>Posts the sign-in form with the given credentials; returns the raw answer.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string userName, string password)
    {
        var html = await client.GetStringAsync("/account/login");
        var match = TokenPattern().Match(html);
        Assert.True(match.Success, "the sign-in page renders an antiforgery token");
        using var content = new FormUrlEncodedContent([
            new KeyValuePair<string, string>("__RequestVerificationToken", match.Groups[1].Value),
            new KeyValuePair<string, string>("UserName", userName),
            new KeyValuePair<string, string>("Password", password),
        ]);
        return await client.PostAsync("/account/login", content);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
