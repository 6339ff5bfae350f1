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
                Assert.Contains("its most streams (3) open", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            await CloseOneThenANewOneIsLetInAsync(streams, client);
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
    public async Task Streams_PastTheCapPerInstance_Answer503WithASpreadRetryAfter_PagesStillLoad_AndClosingOneLetsANewOneIn()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?>
        {
            ["RateLimits:StreamsPerInstance"] = "2",
            ["RateLimits:StreamRetryAfterSeconds"] = "3",
        });
        var address = app.StartOnRealPort();
        // One tab's own stream and a browser's shared one (two tabs over one connection): two connections.
        var streams = new List<SseStream>
        {
            await SseStream.OpenAsync(address, "/events"),
            await SseStream.OpenAsync(address, $"/events/shared?s={Uri.EscapeDataString("/events")}&l=&s={Uri.EscapeDataString("/events?status=open")}&l="),
        };
        try
        {
            using var client = new HttpClient { BaseAddress = address };
            var retryAfters = new HashSet<double>();
            for (var i = 0; i < 12; i++)
            {
                using var shed = await OpenAsync(client);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, shed.StatusCode);
                Assert.Contains("most streams (2)", await shed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                retryAfters.Add(shed.Headers.RetryAfter!.Delta!.Value.TotalSeconds);
            }

            // Drawn per request between 3 and 6 s: twelve refusals are not all told the same second.
            Assert.All(retryAfters, s => Assert.InRange(s, 3, 6));
            Assert.True(retryAfters.Count > 1, $"Retry-After was the same every time: {string.Join(", ", retryAfters)} s");
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);

            await CloseOneThenANewOneIsLetInAsync(streams, client);
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

    private static async Task CloseOneThenANewOneIsLetInAsync(List<SseStream> streams, HttpClient client)
    {
        await streams[0].DisposeAsync();
        streams.RemoveAt(0);
        await Eventually.TrueAsync(async () =>
        {
            using var again = await OpenAsync(client);
            return again.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(10), "a stream is let in once one is closed", TimeSpan.FromMilliseconds(100));
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        request.Headers.Accept.ParseAdd("text/event-stream");
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
