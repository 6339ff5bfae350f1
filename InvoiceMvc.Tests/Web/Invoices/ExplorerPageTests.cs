using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>The explorer's data, seeded once for the class, behind the real app (read-only tests).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes a class fixture through IAsyncLifetime.DisposeAsync.")]
public sealed class ExplorerApp : IAsyncLifetime
{
    private TestDatabase? _db;
    private AppFactory? _factory;

    public TestDatabase Database => _db!;
    public Uri BaseAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await ExplorerSeed.InvoicesAsync(_db);
        _factory = await AppFactory.CreateAsync(_db);
        BaseAddress = _factory.StartOnRealPort();
    }

    public HttpClient CreateClient(bool htmx = false)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (htmx)
        {
            client.DefaultRequestHeaders.Add("HX-Request", "true");
        }

        return client;
    }

    public async Task DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_db is not null)
        {
            await _db.DisposeAsync();
        }
    }
}

/// <summary>
/// GET /invoices as a page, as its htmx region and pages, with its count and sums: rows and sums equal
/// SQL, every validation message beside its field with the input kept, the URL carries the whole view.
/// </summary>
public sealed partial class ExplorerPageTests(ExplorerApp app) : IClassFixture<ExplorerApp>
{
    [Fact]
    public async Task ThePage_RendersTheForm_TheNewestMatches_AndTheLinksThatCarryTheFilter()
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync("/invoices");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<h1>Explore invoices</h1>", html, StringComparison.Ordinal);
        foreach (var (id, label) in new[] { ("q", "Search"), ("seller", "Seller"), ("buyer", "Buyer"), ("from", "From"), ("to", "To"),
                     ("min", "Minimum total"), ("max", "Maximum total"), ("run", "Run"), ("status", "Status"), ("sort", "Sort by"), ("dir", "Direction") })
        {
            Assert.Contains($"<label for=\"f-{id}\">{label}</label>", html, StringComparison.Ordinal);
            Assert.Matches($"id=\"f-{id}\" name=\"{id}\"", html);
        }

        Assert.Matches("<form id=\"filters\"[^>]*method=\"get\" action=\"/invoices\"[^>]*hx-get=\"/invoices\" hx-target=\"#explorer\" hx-push-url=\"true\"", html);
        Assert.Equal(Enumerable.Range(41, 50).Reverse().Select(i => (long)i), RowIds(html));
        Assert.Contains("<a href=\"/invoices/INV-0000090\">INV-0000090</a>", html, StringComparison.Ordinal);
        Assert.Contains("hx-get=\"/invoices?cursor=41\" hx-trigger=\"revealed\"", html, StringComparison.Ordinal);
        Assert.Contains("sse-connect=\"/events?sort=number&amp;dir=desc&amp;after=90\"", html, StringComparison.Ordinal);
        Assert.Contains("hx-get=\"/invoices/summary\" hx-trigger=\"load\"", html, StringComparison.Ordinal);
        Assert.Contains("<a class=\"download-csv\" href=\"/invoices/export.csv\">Download CSV</a>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"/invoices\" aria-current=\"page\">Explore invoices</a>", html, StringComparison.Ordinal);
        Assert.Contains("\"historyEnabled\":true", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"Beta Goods\">", html, StringComparison.Ordinal);
        // CSP-ready: no inline script, style or handler.
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", html);
        Assert.DoesNotMatch("\\sstyle=\"|\\son[a-z]+=\"|<style", html);
    }

    [Fact]
    public async Task TheHtmxVariant_IsTheResultsRegionAlone_WithOnlyTheMatches()
    {
        using var client = app.CreateClient(htmx: true);
        var html = await client.GetStringAsync("/invoices?seller=Beta+Goods&sort=total&dir=asc");

        Assert.DoesNotContain("<html", html, StringComparison.Ordinal);
        Assert.Contains("<form id=\"filters\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"f-seller\" name=\"seller\" type=\"text\" value=\"Beta Goods\"", html, StringComparison.Ordinal);
        Assert.Equal(await ExpectedIdsAsync("seller_name = 'Beta Goods'", "total_amount ASC, id ASC"), RowIds(html));
        // Not newest first: no stream, and the page says why.
        Assert.DoesNotContain("sse-connect", html, StringComparison.Ordinal);
        Assert.Contains("Live updates only in a newest-first order", html, StringComparison.Ordinal);
        Assert.Contains("That's every match", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sort=total&dir=asc", "total_amount ASC, id ASC", "true")]
    [InlineData("buyer=Bolt%20Ltd&sort=date&dir=desc", "invoice_date DESC, id DESC", "buyer_name = 'Bolt Ltd'")]
    [InlineData("q=a&from=2026-03-02&max=114.99&sort=seller", "seller_name DESC, id DESC",
        "(invoice_number ILIKE '%a%' OR seller_name ILIKE '%a%' OR buyer_name ILIKE '%a%') AND invoice_date >= '2026-03-02T00:00:00Z' AND total_amount <= 114.99")]
    public async Task InfiniteScroll_FollowsTheLoaderRows_ToEveryMatchOnceInOrder(string query, string orderBy, string where)
    {
        using var page = app.CreateClient();
        using var htmx = app.CreateClient(htmx: true);
        var html = await page.GetStringAsync("/invoices?" + query);
        var ids = RowIds(html).ToList();
        var pages = 1;
        while (Loader().Match(html) is { Success: true } next)
        {
            var url = WebUtility.HtmlDecode(next.Groups[1].Value);
            Assert.StartsWith("/invoices?" + query + "&cursor=", url, StringComparison.Ordinal);
            html = await htmx.GetStringAsync(url);
            Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
            ids.AddRange(RowIds(html));
            Assert.True(++pages < 10, "paging ends");
        }

        Assert.Contains("That's every match", html, StringComparison.Ordinal);
        Assert.Equal(await ExpectedIdsAsync(where, orderBy), ids);
    }

    [Theory]
    [InlineData("", "true")]
    [InlineData("seller=Gamma+%26+Co", "seller_name = 'Gamma & Co'")]
    [InlineData("run=2", "run_id = 2")]
    [InlineData("q=delta_50%25", "buyer_name ILIKE '%delta\\_50\\%%'")]
    [InlineData("from=2026-03-02&to=2026-03-03&min=20", "invoice_date >= '2026-03-02T00:00:00Z' AND invoice_date < '2026-03-04T00:00:00Z' AND total_amount >= 20")]
    public async Task TheCountAndSums_EqualSql(string query, string where)
    {
        using var client = app.CreateClient(htmx: true);
        var html = await client.GetStringAsync("/invoices/summary?" + query);

        var expected = await app.Database.ScalarAsync<string>(
            $"SELECT count(*) || '|' || coalesce(sum(subtotal), 0) || '|' || coalesce(sum(vat_amount), 0) || '|' || coalesce(sum(total_amount), 0) FROM invoices WHERE {where}");
        var figures = Regex.Matches(html, "aria-label=\"(Matches|Subtotal|VAT|Total)\">\\s*<span class=\"card-label\">[^<]+</span>\\s*<span class=\"card-value\" data-value=\"([^\"]+)\"")
            .Select(m => m.Groups[2].Value);
        Assert.Equal(expected.Split('|').Select(v => decimal.Parse(v, CultureInfo.InvariantCulture)), figures.Select(v => decimal.Parse(v, CultureInfo.InvariantCulture)));
        Assert.True(decimal.Parse(expected.Split('|')[0], CultureInfo.InvariantCulture) > 0, "the filter selects something");
    }

    public static TheoryData<string, string, string, string> BadInputs => new()
    {
        { "from=2026-03-04&to=2026-03-02", "to", "To must be on or after From.", "2026-03-02" },
        { "min=500&max=100", "max", "Maximum total must not be below the minimum total.", "100" },
        { "min=-5", "min", "Minimum total must not be negative.", "-5" },
        { "max=12abc", "max", "Maximum total must be an amount like 1250.50 (digits and a decimal point).", "12abc" },
        { "min=1.234", "min", "Minimum total has at most 2 decimals.", "1.234" },
        { "from=2026-02-30", "from", "From must be a date like 2026-12-31.", "2026-02-30" },
        { "to=yesterday", "to", "To must be a date like 2026-12-31.", "yesterday" },
        { "q=" + new string('x', 201), "q", "Search text can be at most 200 characters.", new string('x', 201) },
        { "run=0", "run", "Run must be a run number: a whole number from 1 up.", "0" },
        { "sort=price", "sort", "Sort must be one of number, date, seller, buyer, subtotal, vat, total.", "price" },
        { "dir=up", "dir", "Direction must be asc or desc.", "up" },
        { "status=late", "status", "Status must be one of open, partially-paid, paid, overdue, void.", "late" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task EveryBadFilter_Gets400_WithItsMessageBesideItsField_AndTheInputKept(string query, string field, string message, string kept)
    {
        foreach (var htmx in new[] { false, true })
        {
            using var client = app.CreateClient(htmx);
            using var response = await client.GetAsync("/invoices?" + query + "&seller=Beta+Goods");
            var html = await response.Content.ReadAsStringAsync();

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains($"<p id=\"f-{field}-error\" class=\"field-error\">{WebUtility.HtmlEncode(message)}</p>", html, StringComparison.Ordinal);
            Assert.Matches($"id=\"f-{field}\" name=\"{field}\"[^>]*aria-invalid=\"true\" aria-describedby=\"f-{field}-error\"", html);
            var keptValue = field is "sort" or "dir" or "status" ? $"<option value=\"{kept}\" selected=\"selected\">" : $"value=\"{kept}\"";
            Assert.Contains(keptValue, html, StringComparison.Ordinal);
            // The other fields keep theirs too, and only the bad field is marked.
            Assert.Contains("value=\"Beta Goods\"", html, StringComparison.Ordinal);
            Assert.Single(Regex.Matches(html, "aria-invalid=\"true\""));
            Assert.Equal(htmx, !html.Contains("<html", StringComparison.Ordinal));
            Assert.Empty(RowIds(html));
        }

        using var api = app.CreateClient(htmx: true);
        using var summary = await api.GetAsync("/invoices/summary?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, summary.StatusCode);
        Assert.Contains($"\"{field}\":[", await summary.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cursor=abc", "cursor must be the id of an invoice")]
    [InlineData("cursor=-3", "cursor must be the id of an invoice")]
    [InlineData("sort=total&cursor=91", "there is no invoice 91")]
    [InlineData("cursor=99999999999999999999", "cursor must be the id of an invoice")]
    public async Task ATamperedCursor_Gets400ProblemDetails_NeverA500(string query, string message)
    {
        foreach (var htmx in new[] { true, false })
        {
            using var client = app.CreateClient(htmx);
            using var response = await client.GetAsync("/invoices?" + query);
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(message, body, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TheUrl_RoundTrips_TheFormShowsItAndEveryLinkCarriesIt()
    {
        const string query = "q=o&seller=Gamma+%26+Co&buyer=Cobalt+Inc&from=2026-03-01&to=2026-03-04&min=10.5&max=300&run=1&status=overdue&sort=vat&dir=asc";
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/invoices?" + query);

        // What the form would submit (its fields in order, as a browser encodes a GET form) is the URL itself.
        var values = new List<string>();
        foreach (var name in new[] { "q", "seller", "buyer", "from", "to", "min", "max", "run" })
        {
            var value = Regex.Match(html, $"id=\"f-{name}\" name=\"{name}\" type=\"[a-z]+\" value=\"([^\"]*)\"").Groups[1].Value;
            values.Add(name + "=" + WebUtility.UrlEncode(WebUtility.HtmlDecode(value)));
        }

        foreach (var name in new[] { "status", "sort", "dir" })
        {
            var select = Regex.Match(html, $"<select id=\"f-{name}\" name=\"{name}\"[\\s\\S]*?</select>").Value;
            values.Add(name + "=" + Regex.Match(select, "<option value=\"([^\"]+)\" selected=\"selected\">").Groups[1].Value);
        }

        Assert.Equal(query, string.Join("&", values));
        var encoded = WebUtility.HtmlEncode("?q=o&seller=Gamma%20%26%20Co&buyer=Cobalt%20Inc&from=2026-03-01&to=2026-03-04&min=10.5&max=300&run=1&status=overdue&sort=vat&dir=asc");
        Assert.Contains($"href=\"/invoices/export.csv{encoded}\"", html, StringComparison.Ordinal);
        Assert.Contains($"hx-get=\"/invoices/summary{encoded}\"", html, StringComparison.Ordinal);
        Assert.Equal(await ExpectedIdsAsync(
            "invoice_number ILIKE '%o%' OR seller_name ILIKE '%o%' OR buyer_name ILIKE '%o%'", "vat_amount ASC, id ASC",
            "seller_name = 'Gamma & Co' AND buyer_name = 'Cobalt Inc' AND total_amount BETWEEN 10.5 AND 300 AND run_id = 1"
            + " AND voided_at IS NULL AND paid_amount < total_amount AND due_date < (now() AT TIME ZONE 'UTC')::date"), RowIds(html));
    }

    [Fact]
    public async Task NoMatch_ShowsTheEmptyState_WithAWayBackToAll()
    {
        using var client = app.CreateClient();
        var html = await client.GetStringAsync("/invoices?q=nothing-like-this");

        Assert.Contains("No invoice matches these filters.", html, StringComparison.Ordinal);
        Assert.Matches("<tr class=\"empty-row\">.*<a href=\"/invoices\"[^>]*>Clear filters</a>", html);
        Assert.DoesNotContain("That's every match", html, StringComparison.Ordinal);
        Assert.Empty(RowIds(html));
    }

    [Fact]
    public async Task TheBuyerTypeahead_OffersTheNamesContainingWhatIsTyped()
    {
        using var client = app.CreateClient(htmx: true);
        var html = await client.GetStringAsync("/invoices/parties/buyer?buyer=bolt");
        Assert.Equal(["Bolt Ltd"], Regex.Matches(html, "<option value=\"([^\"]+)\">").Select(m => m.Groups[1].Value));
        using var tooLong = await client.GetAsync("/invoices/parties/seller?seller=" + new string('x', 300));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }

    [Fact]
    public async Task TheDashboardGridsPages_AreUnchanged_ButEachNumberLinksToItsInvoice()
    {
        using var client = app.CreateClient(htmx: true);
        var html = await client.GetStringAsync("/invoices?before=3&size=50");
        Assert.Equal([2L, 1L], RowIds(html));
        Assert.Contains("<a href=\"/invoices/INV-0000001\">INV-0000001</a>", html, StringComparison.Ordinal);
        Assert.Contains("That's every invoice", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", html, StringComparison.Ordinal);
    }

    private async Task<List<long>> ExpectedIdsAsync(string where, string orderBy, string andWhere = "true")
    {
        var ids = await app.Database.ScalarAsync<long[]?>($"SELECT array_agg(id ORDER BY {orderBy}) FROM invoices WHERE ({where}) AND ({andWhere})");
        return [.. ids ?? []];
    }

    private static List<long> RowIds(string html) =>
        RowId().Matches(html).Select(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();

    [GeneratedRegex("<tr data-invoice-id=\"(\\d+)\"")]
    private static partial Regex RowId();

    [GeneratedRegex("<tr class=\"load-more\" hx-get=\"([^\"]+)\"")]
    private static partial Regex Loader();
}
