using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Analytics;

/// <summary>
/// The analytics page's stream (/events?analytics=1) during a real run: the chart, table and figures
/// again as invoices commit, never more than once a second, each frame as of a newer invoice, the
/// last one equal to what PostgreSQL holds; the dashboard stream beside it is unchanged.
/// </summary>
public sealed partial class AnalyticsStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task DuringARun_TheFiguresFollow_AtMostOnceASecond_AndEndAsOfTheLastInvoice()
    {
        var settings = GenerationSettings.Fast(rate: 20, seconds: 6); // 120 invoices over 6 s
        await using var app = await DashboardApp.StartAsync(settings);
        await using var stream = await app.StreamAsync("/events?analytics=1&after=0");
        await app.StartRunAsync();

        var frames = new List<(long AsOf, DateTimeOffset At)>();
        var expected = 120L;
        while (frames.Count == 0 || frames[^1].AsOf < expected)
        {
            var (chart, _) = await stream.UntilAsync(e => e.Type == "analytics-chart", Wait, $"frame {frames.Count + 1}");
            var (table, between) = await stream.UntilAsync(e => e.Type == "analytics-table", Wait, "its table");
            Assert.Empty(between);
            var (figures, _) = await stream.UntilAsync(e => e.Type == "analytics-figures", Wait, "its figures");
            var asOf = long.Parse(AsOf().Match(chart.Data).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.Equal(asOf.ToString(CultureInfo.InvariantCulture), AsOf().Match(figures.Data).Groups[1].Value);
            Assert.Contains("<svg", chart.Data, StringComparison.Ordinal);
            Assert.Contains("<table", table.Data, StringComparison.Ordinal);
            Assert.Contains("id=\"top-sellers\"", figures.Data, StringComparison.Ordinal);
            Assert.True(frames.Count == 0 || asOf > frames[^1].AsOf, $"frame as of {asOf} after one as of {frames.LastOrDefault().AsOf}");
            frames.Add((asOf, chart.ReceivedAt));
        }

        // Frames at most once a second (the client sees them with some jitter; unthrottled they would be 50 ms apart at 20/s), and several of them during the run.
        Assert.True(frames.Count >= 2, $"{frames.Count} frames");
        for (var i = 1; i < frames.Count; i++)
        {
            Assert.True(frames[i].At - frames[i - 1].At >= TimeSpan.FromMilliseconds(500), $"frames {i} and {i + 1} {(frames[i].At - frames[i - 1].At).TotalMilliseconds} ms apart");
        }

        Assert.Equal(expected, await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices"));
    }

    [Theory]
    [InlineData("analytics=yes")]
    [InlineData("analytics=1&after=-3")]
    [InlineData("analytics=1&from=2026-03-04&to=2026-03-01")]
    public async Task BadStreamInput_IsA400(string query)
    {
        await using var app = await DashboardApp.StartAsync();
        using var client = new HttpClient { BaseAddress = app.BaseAddress };
        using var response = await client.GetAsync("/events?" + query, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [GeneratedRegex("data-as-of=\"(\\d+)\"")]
    private static partial Regex AsOf();
}
