using System.Net;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.AspNetCore.Mvc.Testing;

namespace InvoiceMvc.Tests.Web.Security;

/// <summary>One client cannot hold unbounded streams or fetch pages without bound; static files and health stay open.</summary>
public sealed class LoadLimitTests
{
    [Fact]
    public async Task Streams_PastTheCapPerClient_Answer429WithRetryAfter_AndClosingOneLetsANewOneIn()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["RateLimits:StreamsPerClient"] = "3" });
        var address = app.StartOnRealPort();
        var streams = new List<SseStream>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                streams.Add(await SseStream.OpenAsync(address, "/events"));
            }

            using var client = new HttpClient { BaseAddress = address };
            using (var refused = await OpenAsync(client))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
            }

            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            await Eventually.TrueAsync(async () =>
            {
                using var again = await OpenAsync(client);
                return again.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(10), "a stream is let in once one is closed", TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Pages_PastTheLimitPerClient_Answer429WithRetryAfter_WhileStaticFilesAndHealthStayOpen()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["RateLimits:PagePermitLimit"] = "5", ["RateLimits:WindowSeconds"] = "60" });
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        }

        var limited = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.InRange(limited.Headers.RetryAfter!.Delta!.Value.TotalSeconds, 1, 60);
        foreach (var open in new[] { "/css/site.css", "/favicon.svg", "/health/live" })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(open)).StatusCode);
        }
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
