using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>
/// Several tabs' streams over one connection: the re-tagging and merging on their own, then
/// /events/shared read by a real HTTP client against real PostgreSQL and Redis.
/// </summary>
public sealed class SharedStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Tag_CarriesTheTabsPosition_TheEventsTypeAndId_AndEveryDataLine()
    {
        var frame = await SseFrames.EncodeAsync(SseFrames.Invoice, "<tr id=\"invoice-7\">\n<td>7</td></tr>", 7);

        var tagged = Text(SharedStream.Tag(3, frame));

        Assert.Equal("event: frame\ndata: 3 invoice 7\ndata: <tr id=\"invoice-7\">\ndata: <td>7</td></tr>\n\n", tagged);
    }

    [Fact]
    public async Task Tag_MarksAFrameWithoutId_PassesHeartbeats_AndDropsRetryHints()
    {
        Assert.Equal("event: frame\ndata: 0 stats -\ndata: <b>1</b>\n\n", Text(SharedStream.Tag(0, await SseFrames.EncodeAsync(SseFrames.Stats, "<b>1</b>"))));
        Assert.Equal(": keep-alive\n\n", Text(SharedStream.Tag(0, SseFrames.Heartbeat)));
        Assert.Null(SharedStream.Tag(0, SseFrames.Retry()));
    }

    [Fact]
    public async Task Tag_TagsEveryEventOfAFrameThatHoldsSeveral()
    {
        var first = await SseFrames.EncodeAsync("analytics-chart", "<svg/>");
        var second = await SseFrames.EncodeAsync("analytics-figures", "<p>1</p>\n<p>2</p>");

        var tagged = Text(SharedStream.Tag(1, (byte[])[.. first, .. second]));

        Assert.Equal("event: frame\ndata: 1 analytics-chart -\ndata: <svg/>\n\nevent: frame\ndata: 1 analytics-figures -\ndata: <p>1</p>\ndata: <p>2</p>\n\n", tagged);
    }

    [Theory]
    [InlineData("/events", true)]
    [InlineData("/events?after=5&status=open", true)]
    [InlineData("/events/shared?s=x", false)]
    [InlineData("/eventsx", false)]
    [InlineData("https://elsewhere.example/events", false)]
    [InlineData("", false)]
    public void TryParseAddress_TakesOnlyATabsStream(string address, bool valid)
    {
        Assert.Equal(valid, SharedStream.TryParseAddress(address, out var query));
        if (valid && address.Contains('?', StringComparison.Ordinal))
        {
            Assert.Equal("5", query["after"].ToString());
            Assert.Equal("open", query["status"].ToString());
        }
    }

    [Fact]
    public async Task Merge_SendsARefusalFirst_InterleavesTheOthers_AndEndsWhenOneEnds()
    {
        // The first stream sends a1 and then goes on forever; the second starts once a1 is on its way,
        // sends b1 and b2 and ends: that ends the whole, as one stream's end ends its response.
        var a1Sent = new TaskCompletionSource();
        var openings = new StreamOpening[]
        {
            new StreamOpening.Opened(Frames(["a1"], after: a1Sent.SetResult, before: null)),
            new StreamOpening.Refused("Bad", "status must be one of open, paid."),
            new StreamOpening.Opened(Frames(["b1", "b2"], after: null, before: a1Sent.Task)),
        };

        var received = new List<string>();
        await foreach (var frame in SharedStream.Merge(openings, CancellationToken.None).WithCancellation(new CancellationTokenSource(Wait).Token))
        {
            received.Add(Text(frame));
        }

        Assert.Equal("event: frame\ndata: 1 refused -\ndata: status must be one of open, paid.\n\n", received[0]);
        Assert.Equal(["0 invoice a1", "2 invoice b1", "2 invoice b2"], received.Skip(1).Select(Head).ToList());
    }

    [Fact]
    public async Task SharedStream_CarriesEachTabsOwnStream_AndRefusesOnlyTheBadOne()
    {
        await using var app = await DashboardApp.StartAsync(new Dictionary<string, string?> { ["Display:RatePerSecond"] = "50" }, seedInvoices: 12);
        var dashboard = Uri.EscapeDataString("/events?after=0");
        var resumed = Uri.EscapeDataString("/events?after=0");
        var bad = Uri.EscapeDataString("/events?status=bogus");
        await using var stream = await app.StreamAsync($"/events/shared?s={dashboard}&l=&s={bad}&l=&s={resumed}&l=8");

        var refused = await stream.UntilAsync(e => e.Data.StartsWith("1 ", StringComparison.Ordinal), Wait, "the bad tab's refusal");
        Assert.Equal("frame", refused.Match.Type);
        Assert.StartsWith("1 refused -\n", refused.Match.Data, StringComparison.Ordinal);
        Assert.Contains("status", refused.Match.Data, StringComparison.OrdinalIgnoreCase);

        // Tab 0 from the start, tab 2 after its last event id (8): each its own rows, in order, once.
        var rows = new Dictionary<string, List<long>> { ["0"] = [], ["2"] = [] };
        while (rows["0"].Count < 12 || rows["2"].Count < 4)
        {
            var (e, _) = await stream.UntilAsync(e => e.Data.Contains(" invoice ", StringComparison.Ordinal), Wait, "rows of both tabs");
            var head = e.Data[..e.Data.IndexOf('\n', StringComparison.Ordinal)].Split(' ');
            Assert.Contains($"data-invoice-id=\"{head[2]}\"", e.Data, StringComparison.Ordinal);
            rows[head[0]].Add(long.Parse(head[2], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), rows["0"]);
        Assert.Equal([9L, 10, 11, 12], rows["2"]);
    }

    [Theory]
    [InlineData("/events/shared")]
    [InlineData("/events/shared?s=%2Fevents&l=&l=")]
    [InlineData("/events/shared?s=%2Fadmin&l=")]
    public async Task SharedStream_RefusesAMalformedRequest_With400AndAMessage(string path)
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("/events?", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Text(ReadOnlyMemory<byte>? frame) => Encoding.UTF8.GetString(frame!.Value.Span);

    private static string Head(string tagged) => tagged.Split('\n')[1]["data: ".Length..];

    // Rows with the given ids; before: what to wait for first; after: called once they are sent (then the stream never ends).
    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Frames(string[] ids, Action? after, Task? before, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (before is not null)
        {
            await before.WaitAsync(cancellationToken);
        }

        foreach (var id in ids)
        {
            yield return Encoding.UTF8.GetBytes($"event: invoice\ndata: row {id}\nid: {id}\n\n");
        }

        if (after is not null)
        {
            after();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
    }
}
