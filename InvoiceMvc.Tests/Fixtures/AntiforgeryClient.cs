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

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, string token, bool asHtmx = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("__RequestVerificationToken", token)]),
        };
        if (asHtmx)
        {
            request.Headers.Add("HX-Request", "true");
        }

        return await client.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
