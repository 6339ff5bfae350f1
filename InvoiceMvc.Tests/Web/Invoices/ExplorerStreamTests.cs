using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>
/// The explorer's live stream (/events with a filter) during a real run: only the rows the filter
/// matches, each once, in order, each followed by the filtered set's count and sums, which end equal to SQL.
/// </summary>
public sealed partial class ExplorerStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AFilteredStream_DuringARun_DeliversOnlyTheMatchingRows_ExactlyOnceInOrder_WithLiveSums()
    {
        var settings = GenerationSettings.Fast(rate: 100, seconds: 3);
        settings["Display:RatePerSecond"] = "50";
        await using var app = await DashboardApp.StartAsync(settings);
        // Totals of 1,000 and more: about half of what the generator makes.
        await using var stream = await app.StreamAsync("/events?min=1000&sort=number&dir=desc&after=0");
        await app.StartRunAsync();

        // Read while the run produces: the rows and summaries arrive as invoices commit.
        var rows = new List<long>();
        var summaries = new List<(long AsOf, string Html)>();
        while (true)
        {
            // Read on only while a matching row is there to come (the run's last invoices may all miss the filter).
            var ended = false;
            await Eventually.TrueAsync(async () =>
            {
                ended = await app.Database.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 3") == 1;
                var matching = await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE total_amount >= 1000");
                ended &= matching == rows.Count;
                return ended || matching > rows.Count;
            }, Wait, $"matching row {rows.Count + 1} or the run's end");
            if (ended)
            {
                break;
            }

            var (row, _) = await stream.UntilAsync(e => e.Type == "invoice", Wait, $"matching row {rows.Count + 1}");
            rows.Add(row.InvoiceId);
            Assert.Contains("class=\"is-new\"", row.Data, StringComparison.Ordinal);
            var (summary, between) = await stream.UntilAsync(e => e.Type == "summary", Wait, $"the summary after row {row.InvoiceId}");
            Assert.DoesNotContain(between, e => e.Type == "invoice");
            // The whole filtered set as of some invoice at or after the row just sent (like the dashboard's
            // cards it may be ahead of the paced rows), never going back.
            var asOf = long.Parse(AsOf().Match(summary.Data).Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(asOf >= row.InvoiceId, $"summary as of {asOf} after row {row.InvoiceId}");
            Assert.True(summaries.Count == 0 || asOf >= summaries[^1].AsOf, $"summary as of {asOf} after one as of {summaries.LastOrDefault().AsOf}");
            summaries.Add((asOf, summary.Data));
        }

        var expected = (await app.Database.ScalarAsync<long[]>("SELECT array_agg(id ORDER BY id) FROM invoices WHERE total_amount >= 1000")).ToList();
        var total = await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices");
        Assert.InRange(expected.Count, 1, total - 1);
        // Each summary is exact as of its invoice: base read once plus each row sent, never a row twice.
        foreach (var (asOf, html) in summaries)
        {
            Assert.Equal(expected.Count(id => id <= asOf).ToString(CultureInfo.InvariantCulture), Figure(html, "Matches"));
            Assert.Equal(await app.Database.ScalarAsync<decimal>($"SELECT coalesce(sum(total_amount), 0) FROM invoices WHERE total_amount >= 1000 AND id <= {asOf}"),
                decimal.Parse(Figure(html, "Total"), CultureInfo.InvariantCulture));
        }

        // Live, not all at the end: the summaries moved while the rows came.
        Assert.True(summaries.Select(s => s.AsOf).Distinct().Count() > 1, "the count and sums followed the run");
        var lastSummary = summaries[^1].Html;
        Assert.Equal(expected, rows);
        Assert.Equal(await app.Database.ScalarAsync<decimal>("SELECT sum(total_amount) FROM invoices WHERE total_amount >= 1000"),
            decimal.Parse(Figure(lastSummary!, "Total"), CultureInfo.InvariantCulture));
        Assert.Equal(await app.Database.ScalarAsync<decimal>("SELECT sum(vat_amount) FROM invoices WHERE total_amount >= 1000"),
            decimal.Parse(Figure(lastSummary!, "VAT"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task AStreamWithABadFilter_OrAnOrderWithoutLiveRows_Gets400()
    {
        await using var app = await DashboardApp.StartAsync(seedInvoices: 3);
        using var client = app.CreateClient();
        foreach (var (url, message) in new[]
                 {
                     ("/events?min=abc&after=0", "Minimum total must be an amount"),
                     ("/events?from=2026-03-04&to=2026-03-01", "To must be on or after From."),
                     ("/events?sort=total&after=0", "only newest-first orders"),
                     ("/events?sort=number&dir=asc", "only newest-first orders"),
                 })
        {
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url} -> {(int)response.StatusCode} {body}");
            Assert.Contains(message, body, StringComparison.Ordinal);
        }

        // The dashboard's own stream (no filter) still opens, and date order newest first is live too.
        await using var dashboard = await app.StreamAsync("/events?after=0");
        await using var byDate = await app.StreamAsync("/events?sort=date&dir=desc&after=0");
        var (first, _) = await byDate.UntilAsync(e => e.Type == "invoice", Wait, "a row by date");
        Assert.Equal(1, first.InvoiceId);
    }

    [GeneratedRegex("data-as-of=\"(\\d+)\"")]
    private static partial Regex AsOf();

    private static string Figure(string html, string label) =>
        Regex.Match(html, $"aria-label=\"{label}\">\\s*<span class=\"card-label\">[^<]+</span>\\s*<span class=\"card-value\" data-value=\"([^\"]+)\"").Groups[1].Value;
}
