using System.Globalization;
using System.Net;
using System.Text.Json;
using InvoiceMvc.Tests.Fixtures;
using InvoiceMvc.Tests.Web.Invoices;

namespace InvoiceMvc.Tests.Web.Analytics;

/// <summary>
/// The analytics page and its JSON over the explorer's seed (four days in March 2026, invoices at
/// midnight, noon and the last second): every figure equals SQL over the invoices themselves; bad
/// input is a 400 with the message beside the field (page) or keyed by field (API).
/// </summary>
public sealed class AnalyticsPageTests(ExplorerApp app) : IClassFixture<ExplorerApp>
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    [Fact]
    public async Task Json_DayBuckets_AndTotals_AndRankings_EqualSqlOverInvoices()
    {
        using var client = app.CreateClient();
        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/analytics?from=2026-03-01&to=2026-03-04&bucket=day"));
        var root = json.RootElement;

        var buckets = root.GetProperty("buckets").EnumerateArray().ToArray();
        Assert.Equal(4, buckets.Length);
        for (var d = 0; d < 4; d++)
        {
            var day = new DateTimeOffset(2026, 3, 1 + d, 0, 0, 0, TimeSpan.Zero);
            Assert.Equal(day, buckets[d].GetProperty("start").GetDateTimeOffset());
            Assert.Equal(await Sql<long>($"SELECT count(*) FROM invoices WHERE (invoice_date AT TIME ZONE 'UTC')::date = date '2026-03-0{1 + d}'"),
                buckets[d].GetProperty("count").GetInt64());
            Assert.Equal(await Sql<decimal>($"SELECT sum(total_amount) FROM invoices WHERE (invoice_date AT TIME ZONE 'UTC')::date = date '2026-03-0{1 + d}'"),
                buckets[d].GetProperty("total").GetDecimal());
        }

        Assert.Equal((long)ExplorerSeed.Count, root.GetProperty("current").GetProperty("count").GetInt64());
        Assert.Equal(await Sql<decimal>("SELECT sum(total_amount) FROM invoices"), root.GetProperty("current").GetProperty("total").GetDecimal());
        Assert.Equal(await Sql<decimal>("SELECT round(sum(total_amount) / count(*), 2) FROM invoices"), root.GetProperty("current").GetProperty("average").GetDecimal());
        Assert.Equal(0, root.GetProperty("previous").GetProperty("count").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("growth").GetProperty("revenue").ValueKind);

        var sellers = root.GetProperty("topSellers").EnumerateArray().ToArray();
        var expected = await Rows("SELECT seller_name || '|' || sum(total_amount) FROM invoices GROUP BY seller_name ORDER BY sum(total_amount) DESC, min(seller_id)");
        Assert.Equal(expected, sellers.Select(s => s.GetProperty("name").GetString() + "|" + s.GetProperty("total").GetDecimal().ToString(Invariant)));
        Assert.Equal(100.0m, sellers.Sum(s => s.GetProperty("share").GetDecimal()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("otherSellers").ValueKind);
        Assert.Equal(100.0m, root.GetProperty("topBuyers").EnumerateArray().Sum(s => s.GetProperty("share").GetDecimal()));
    }

    [Fact]
    public async Task Json_ADayRange_ComparesWithTheDayBefore_AndRanksByThatDayOnly()
    {
        using var client = app.CreateClient();
        using var json = JsonDocument.Parse(await client.GetStringAsync("/api/analytics?from=2026-03-02&to=2026-03-02&bucket=hour"));
        var root = json.RootElement;

        var buckets = root.GetProperty("buckets").EnumerateArray().ToArray();
        Assert.Equal(24, buckets.Length);
        Assert.Equal(await Sql<long>("SELECT count(*) FROM invoices WHERE invoice_date >= '2026-03-02 12:00+00' AND invoice_date < '2026-03-02 13:00+00'"),
            buckets[12].GetProperty("count").GetInt64());
        Assert.Equal(0, buckets[5].GetProperty("count").GetInt64());

        var current = await Sql<decimal>("SELECT sum(total_amount) FROM invoices WHERE invoice_date >= '2026-03-02+00' AND invoice_date < '2026-03-03+00'");
        var previous = await Sql<decimal>("SELECT sum(total_amount) FROM invoices WHERE invoice_date >= '2026-03-01+00' AND invoice_date < '2026-03-02+00'");
        Assert.Equal(previous, root.GetProperty("previous").GetProperty("total").GetDecimal());
        Assert.Equal(Math.Round((current - previous) / previous * 100m, 1, MidpointRounding.AwayFromZero), root.GetProperty("growth").GetProperty("revenue").GetDecimal());

        var expected = await Rows("""
            SELECT buyer_name || '|' || sum(total_amount) FROM invoices
             WHERE invoice_date >= '2026-03-02+00' AND invoice_date < '2026-03-03+00'
             GROUP BY buyer_name, buyer_id ORDER BY sum(total_amount) DESC, buyer_id
            """);
        Assert.Equal(expected, root.GetProperty("topBuyers").EnumerateArray()
            .Select(s => s.GetProperty("name").GetString() + "|" + s.GetProperty("total").GetDecimal().ToString(Invariant)));
    }

    [Theory]
    [InlineData("from=2026-02-30", "from", "From must be a date like 2026-12-31.")]
    [InlineData("from=2026-03-04&to=2026-03-01", "to", "To must be on or after From.")]
    [InlineData("bucket=week", "bucket", "Bucket must be minute, hour or day.")]
    [InlineData("from=2026-03-01&to=2026-03-04&bucket=minute", "bucket", "Minute buckets cover at most 1 day: choose a shorter range or a larger bucket.")]
    public async Task BadInput_IsA400_WithTheMessage_BesideTheFieldOrKeyedByIt(string query, string field, string message)
    {
        using var client = app.CreateClient();

        var api = await client.GetAsync("/api/analytics?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        Assert.Equal(message, problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString());

        var page = await client.GetAsync("/analytics?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains($"aria-describedby=\"a-{field}-error\"", html, StringComparison.Ordinal);
        Assert.Contains($"<p id=\"a-{field}-error\" class=\"field-error\">{WebUtility.HtmlEncode(message)}</p>", html, StringComparison.Ordinal);

        var stream = await client.GetAsync("/events?analytics=1&" + query, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, stream.StatusCode);
    }

    [Fact]
    public async Task ThePage_DrawsTheChart_WithItsTableLegendAndRankings_LinkedToTheExplorer()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/analytics?from=2026-03-01&to=2026-03-04");

        Assert.Contains("<svg viewBox=\"0 0 1000 380\" role=\"img\" aria-labelledby=\"chart-title chart-desc\"", html, StringComparison.Ordinal);
        Assert.Contains("<title id=\"chart-title\">Revenue, VAT and invoices per hour,", html, StringComparison.Ordinal);
        Assert.Contains("class=\"chart-legend\"", html, StringComparison.Ordinal);
        Assert.Contains("<summary>Data table</summary>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/invoices?seller=Gamma%20%26%20Co&amp;from=2026-03-01&amp;to=2026-03-04\">Gamma &amp; Co</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/analytics\" aria-current=\"page\">Analytics</a>", html, StringComparison.Ordinal);
        // A past range has no live stream.
        Assert.DoesNotContain("sse-connect=\"/events", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARangeWithoutInvoices_SaysSo()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/analytics?from=2025-01-01&to=2025-01-05");
        Assert.Contains("No invoices in this range.", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TodaysPage_OpensTheAnalyticsStream_AsOfItsNewestInvoice()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/analytics");
        Assert.Contains($"sse-connect=\"/events?analytics=1&amp;after={ExplorerSeed.Count}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOpenApiDocument_DescribesTheAnalyticsEndpoint()
    {
        using var client = app.CreateClient();
        var doc = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/api/analytics\"", doc, StringComparison.Ordinal);
        Assert.Contains("Analytics of a date range", doc, StringComparison.Ordinal);
    }

    private async Task<T> Sql<T>(string sql) => await app.Database.ScalarAsync<T>(sql);

    private async Task<List<string>> Rows(string sql)
    {
        var rows = new List<string>();
        await using var cmd = app.Database.DataSource.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            rows.Add(r.GetString(0));
        }

        return rows;
    }
}
