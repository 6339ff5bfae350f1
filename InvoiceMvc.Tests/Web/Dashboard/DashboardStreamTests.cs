using System.Globalization;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>The SSE stream read by a real HTTP client and the BCL's SseParser, against real PostgreSQL and Redis.</summary>
public sealed partial class DashboardStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stream_ResumesExactlyAfterTheLastRow_WithLastEventIdOrAfter()
    {
        await using var app = await DashboardApp.StartAsync(new Dictionary<string, string?> { ["Display:RatePerSecond"] = "50" }, seedInvoices: 60);
        var seen = new List<long>();

        await using (var first = await app.StreamAsync("/events?after=0"))
        {
            seen.AddRange(await RowsAsync(first, 10));
        }

        // The browser's own retry sends Last-Event-ID with the original URL: the header wins over ?after=.
        await using (var second = await app.StreamAsync("/events?after=3", lastEventId: seen[^1].ToString(CultureInfo.InvariantCulture)))
        {
            seen.AddRange(await RowsAsync(second, 15));
        }

        // htmx's reconnect opens a new EventSource without Last-Event-ID: the page's ?after= carries the cursor.
        await using (var third = await app.StreamAsync($"/events?after={seen[^1]}"))
        {
            seen.AddRange(await RowsAsync(third, 35));
            var (idle, _) = await third.UntilAsync(e => e.Type == "status", Wait, "the status after the last row");
            Assert.Contains("Idle", idle.Data, StringComparison.Ordinal);
        }

        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), seen);
    }

    [Fact]
    public async Task Stream_FromNow_StartsAtTheNewestInvoice_AndCarriesStatsAndStatus()
    {
        await using var app = await DashboardApp.StartAsync(seedInvoices: 20);
        await using var stream = await app.StreamAsync();

        var stats = await stream.UntilAsync(e => e.Type == "stats", Wait, "the first stats");
        Assert.Contains("data-last-invoice-id=\"20\"", stats.Match.Data, StringComparison.Ordinal);
        var status = await stream.UntilAsync(e => e.Type == "status", Wait, "the first status");
        Assert.Contains("Idle", status.Match.Data, StringComparison.Ordinal);
        Assert.DoesNotContain(stats.Seen.Concat(status.Seen), e => e.Type == "invoice");
    }

    [Fact]
    public async Task Stream_EndsItsLoop_WhenTheClientDisconnects()
    {
        await using var app = await DashboardApp.StartAsync(seedInvoices: 5);
        var metrics = app.Service<DashboardMetrics>();
        var streams = new List<SseStream>();
        for (var i = 0; i < 3; i++)
        {
            streams.Add(await app.StreamAsync());
        }

        foreach (var s in streams)
        {
            await s.UntilAsync(e => e.Type == "status", Wait, "the first status");
        }

        Assert.Equal(3, metrics.OpenStreams);
        foreach (var s in streams)
        {
            await s.DisposeAsync();
        }

        await Eventually.TrueAsync(() => Task.FromResult(metrics.OpenStreams == 0), TimeSpan.FromSeconds(10), "every stream loop to end");
    }

    [Fact]
    public async Task Rows_AreRenderedOncePerServer_NotOncePerViewer()
    {
        await using var app = await DashboardApp.StartAsync(new Dictionary<string, string?> { ["Display:RatePerSecond"] = "100" }, seedInvoices: 30);
        var metrics = app.Service<DashboardMetrics>();
        var viewers = new List<SseStream>();
        for (var i = 0; i < 4; i++)
        {
            viewers.Add(await app.StreamAsync("/events?after=0"));
        }

        foreach (var viewer in viewers)
        {
            Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), await RowsAsync(viewer, 30));
            await viewer.DisposeAsync();
        }

        Assert.Equal(30, metrics.RowsRendered);
    }

    [Fact]
    public async Task BadCursors_Get400WithAMessage_NeverA500()
    {
        await using var app = await DashboardApp.StartAsync(seedInvoices: 10);
        using var client = app.CreateClient();
        string[] urls =
        [
            "/events?after=abc", "/events?after=-1", "/events?after=1e3", "/events?after=%2B5", "/events?after=5.0",
            "/events?after=99999999999999999999999", "/events?after=11", "/events?after=9223372036854775807",
            "/invoices?before=abc", "/invoices?before=-1", "/invoices?before=0", "/invoices?before=99999999999999999999999",
            "/invoices?before=12", "/invoices?size=0", "/invoices?size=201", "/invoices?size=x", "/invoices?size=-5",
        ];
        foreach (var url in urls)
        {
            using var response = await client.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"{url} -> {(int)response.StatusCode} {body}");
            Assert.Contains("must be", body.Replace("is beyond", "must be", StringComparison.Ordinal), StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        }

        foreach (var lastEventId in new[] { "abc", "-3", "11", "1 2", "99999999999999999999999" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/events?after=2");
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.BadRequest, $"Last-Event-ID {lastEventId} -> {(int)response.StatusCode}");
            Assert.Contains("Last-Event-ID", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The edges that are valid.
        using var ok = await client.GetAsync("/invoices?before=11&size=200");
        Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
        await using var atNewest = await app.StreamAsync("/events?after=10");
    }

    [Fact]
    public async Task Paging_ReturnsEveryInvoiceExactlyOnce_NewestFirst_ThenTheEnd()
    {
        await using var app = await DashboardApp.StartAsync(seedInvoices: 237);
        using var client = app.CreateClient();
        var ids = new List<long>();
        var url = "/invoices?size=50";
        var pages = 0;
        while (true)
        {
            var html = await client.GetStringAsync(url);
            pages++;
            ids.AddRange(RowIds().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)));
            var next = NextPage().Match(html);
            if (!next.Success)
            {
                Assert.Contains("That's every invoice", html, StringComparison.Ordinal);
                break;
            }

            url = next.Groups[1].Value.Replace("&amp;", "&", StringComparison.Ordinal);
        }

        Assert.Equal(Enumerable.Range(1, 237).Reverse().Select(i => (long)i), ids);
        Assert.Equal(5, pages);
    }

    internal static async Task<List<long>> RowsAsync(SseStream stream, int count)
    {
        var rows = new List<long>();
        while (rows.Count < count)
        {
            var (row, _) = await stream.UntilAsync(e => e.Type == "invoice", Wait, $"row {rows.Count + 1} of {count}");
            Assert.Contains($"data-invoice-id=\"{row.Id}\"", row.Data, StringComparison.Ordinal);
            rows.Add(row.InvoiceId);
        }

        return rows;
    }

    internal static string StatusText(string html) =>
        WhiteSpace().Replace(Tags().Replace(html, " "), " ").Trim();

    [GeneratedRegex("data-invoice-id=\"(\\d+)\"")]
    private static partial Regex RowIds();

    [GeneratedRegex("hx-get=\"([^\"]+)\"")]
    private static partial Regex NextPage();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("\\s+")]
    private static partial Regex WhiteSpace();
}
