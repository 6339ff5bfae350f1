using System.Diagnostics;
using System.Net;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Operations;

/// <summary>
/// A real outage for one app: its PostgreSQL connections go through a <see cref="PostgresLink"/> the
/// test cuts (every connection reset, new ones refused) and restores. Open dashboards say so within
/// 2 s; pages and new streams answer 503 with Retry-After; both clear by themselves afterwards.
/// </summary>
public sealed class DatabaseOutageTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(20);
    private const string LostHeadline = "Connection to the database lost — retrying";

    [Fact]
    public async Task AnOpenDashboard_SaysTheDatabaseIsLost_Within2Seconds_AndShowsItsStatusAgainAfterRecovery()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var link = new PostgresLink(db.ConnectionString);
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = link.ConnectionString });
        var address = app.StartOnRealPort();
        await using var stream = await SseStream.OpenAsync(address, "/events");
        var (first, _) = await stream.UntilAsync(e => e.Type == "status", Recovery, "the first status");
        Assert.Contains("Idle", first.Data, StringComparison.Ordinal);

        var cut = Stopwatch.StartNew();
        link.Cut();
        var (lost, _) = await stream.UntilAsync(e => e.Type == "status" && e.Data.Contains(LostHeadline, StringComparison.Ordinal), TimeSpan.FromSeconds(5), "the outage status");
        var shownAfter = cut.Elapsed;
        Assert.True(shownAfter < TimeSpan.FromSeconds(2), $"the outage status came {shownAfter.TotalMilliseconds:0} ms after the cut");
        Assert.Contains("data-can-start=\"false\"", lost.Data, StringComparison.Ordinal);
        Assert.Contains("data-can-stop=\"false\"", lost.Data, StringComparison.Ordinal);

        link.Restore();
        var restored = Stopwatch.StartNew();
        var (idle, _) = await stream.UntilAsync(e => e.Type == "status" && !e.Data.Contains(LostHeadline, StringComparison.Ordinal), Recovery, "the status after recovery");
        Assert.Contains("Idle", idle.Data, StringComparison.Ordinal);
        Console.WriteLine($"[outage] status shown {shownAfter.TotalMilliseconds:0} ms after the cut, cleared {restored.Elapsed.TotalMilliseconds:0} ms after recovery");
    }

    [Fact]
    public async Task PagesAndStreams_Answer503WithRetryAfter_WhileTheDatabaseIsGone_And200AfterRecovery()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var link = new PostgresLink(db.ConnectionString);
        await using var app = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["ConnectionStrings:Postgres"] = link.ConnectionString });
        app.Environment = "Production";
        var address = app.StartOnRealPort();
        using var client = new HttpClient { BaseAddress = address };
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);

        link.Cut();

        using var page = await Get(client, "/", "text/html");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), page.Headers.RetryAfter?.Delta);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("The database is unreachable — retrying", html, StringComparison.Ordinal);
        Assert.Contains("<html", html, StringComparison.Ordinal);

        using var api = await Get(client, "/", "application/json");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"status\":503", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A new stream: refused before it starts (the listener's view is stale, so the database is asked).
        await Eventually.TrueAsync(async () =>
        {
            using var events = await Get(client, "/events", "text/event-stream");
            return events.StatusCode == HttpStatusCode.ServiceUnavailable && events.Headers.RetryAfter?.Delta == TimeSpan.FromSeconds(5);
        }, TimeSpan.FromSeconds(5), "GET /events answering 503 with Retry-After");

        link.Restore();
        await Eventually.TrueAsync(async () => (await Get(client, "/", "text/html")).StatusCode == HttpStatusCode.OK, Recovery, "GET / answering 200 after recovery");
        await using var stream = await SseStream.OpenAsync(address, "/events");
        await stream.UntilAsync(e => e.Type == "status", Recovery, "a status on a stream opened after recovery");
    }

    private static async Task<HttpResponseMessage> Get(HttpClient client, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
