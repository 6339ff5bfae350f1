using System.Net;
using System.Text.RegularExpressions;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>
/// The server-rendered page and partials, against docs/ui-contract.md. Tests that need only an empty,
/// idle app share one (<see cref="SharedApp"/>); those with their own settings or seed data start their own.
/// </summary>
public sealed partial class DashboardPageTests(SharedApp shared) : IClassFixture<SharedApp>, IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public Task InitializeAsync() => shared.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string?, string, string, string, string> Cultures => new()
    {
        // culture, currency, subtotal, VAT, total, date
        { "en-US", null, "$1,234.56", "$185.18", "$1,419.74", "3/4/2026 05:06:07" },
        { "de-DE", null, "1.234,56 €", "185,18 €", "1.419,74 €", "04.03.2026 05:06:07" },
        { "de-DE", "USD", "1.234,56 $", "185,18 $", "1.419,74 $", "04.03.2026 05:06:07" },
        { "en-GB", "EUR", "€1,234.56", "€185.18", "€1,419.74", "04/03/2026 05:06:07" },
    };

    [Theory]
    [MemberData(nameof(Cultures))]
    public async Task RowPartials_FormatAmountsAndDates_InTheDisplayCulture(string culture, string? currency, string subtotal, string vat, string total, string date)
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync($"""
            {Seed.PartiesSql("Müller & Söhne GmbH", "Acme <Corp>")}
            WITH run AS (INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at, ended_at)
                         VALUES (3, 1, 1, 1, now(), now()) RETURNING id)
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
            SELECT 1, 'INV-0000001', run.id, 1, '2026-03-04T05:06:07Z', {Seed.SellerId("Müller & Söhne GmbH")}, {Seed.BuyerId("Acme <Corp>")}, 1234.56, 0.15, 185.18, 1419.74 FROM run;
            {Seed.LinesSql}
            UPDATE invoice_stats SET invoice_count = 1, total_amount = 1419.74, vat_amount = 185.18, last_invoice_id = 1;
            """);
        await using var factory = await AppFactory.CreateAsync(db, new Dictionary<string, string?> { ["Display:Culture"] = culture, ["Display:Currency"] = currency });
        var address = factory.StartOnRealPort();
        using var client = new HttpClient { BaseAddress = address };

        var paged = await client.GetStringAsync("/invoices?before=2");
        await using var stream = await SseStream.OpenAsync(address, "/events?after=0");
        var (streamed, _) = await stream.UntilAsync(e => e.Type == "invoice", Wait, "the row");
        var page = await client.GetStringAsync("/");

        foreach (var html in new[] { paged, streamed.Data, page })
        {
            var row = Row().Match(html);
            Assert.True(row.Success, html);
            var cells = Cells().Matches(row.Value).Select(m => Regex.Replace(m.Groups[1].Value, "<[^>]+>", "")).ToList();
            Assert.Equal(["INV-0000001", date, "Müller &amp; Söhne GmbH", "Acme &lt;Corp&gt;", subtotal, vat, total, total, "Overdue"], cells); // unpaid and dated March 2026 with 30 days to pay: all of it due, and late
        }

        Assert.Contains("class=\"is-new\"", streamed.Data, StringComparison.Ordinal);
        Assert.DoesNotContain("is-new", paged, StringComparison.Ordinal);
        // Cards: the same culture, and the raw invariant value for machines.
        Assert.Matches($"aria-label=\"Total amount\">\\s*<span class=\"card-label\">Total amount</span>\\s*<span class=\"card-value\" data-value=\"1419.74\">{Regex.Escape(total)}</span>", page);
        Assert.Matches($"data-value=\"185.18\">{Regex.Escape(vat)}<", page);
    }

    [Fact]
    public async Task Dashboard_RendersTheContract_AndContinuesTheStreamAfterTheNewestRow()
    {
        await using var app = await DashboardApp.StartAsync(seedInvoices: 60);
        using var client = app.CreateClient();
        // Anonymous viewers watch: both controls disabled, with a way to sign in.
        var anonymous = await client.GetStringAsync("/");
        Assert.Matches("<button type=\"submit\" id=\"start-button\" class=\"btn btn-start\" disabled=\"disabled\">START</button>", anonymous);
        Assert.Contains("Sign in to control", anonymous, StringComparison.Ordinal);
        await AntiforgeryClient.SignInAsync(client, TestAccounts.Operator);

        var html = await client.GetStringAsync("/");

        Assert.Contains("<h1>Invoices</h1>", html, StringComparison.Ordinal);
        Assert.Matches("<button type=\"submit\" id=\"start-button\" class=\"btn btn-start\">START</button>", html);
        Assert.Matches("<button type=\"submit\" id=\"stop-button\" class=\"btn btn-stop\" disabled=\"disabled\">STOP</button>", html);
        Assert.Matches("<form method=\"post\" action=\"/generation/start\"[^>]*hx-post=\"/generation/start\"[^>]*hx-headers=\"\\{&quot;RequestVerificationToken&quot;:&quot;[^&]+&quot;\\}\"", html);
        Assert.Single(Regex.Matches(html, "role=\"status\""));
        Assert.Contains("Idle", StatusOf(html), StringComparison.Ordinal);
        foreach (var label in new[] { "Total invoices", "Total amount", "Total VAT", "Average invoice" })
        {
            Assert.Contains($"role=\"group\" aria-label=\"{label}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("<caption class=\"visually-hidden\">Invoices</caption>", html, StringComparison.Ordinal);
        var headers = Regex.Matches(html, "<th scope=\"col\"[^>]*>([^<]+)</th>").Select(m => m.Groups[1].Value);
        Assert.Equal(["Invoice number", "Date", "Seller", "Buyer", "Subtotal", "VAT", "Total", "Amount due", "Status"], headers);
        var ids = Regex.Matches(html, "<tr data-invoice-id=\"(\\d+)\"").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Enumerable.Range(11, 50).Reverse(), ids);
        Assert.Contains("sse-connect=\"/events?after=60\"", html, StringComparison.Ordinal);
        Assert.Contains("hx-get=\"/invoices?before=11&amp;size=50\" hx-trigger=\"revealed\" hx-swap=\"outerHTML\"", html, StringComparison.Ordinal);
        Assert.Contains("sse-swap=\"invoice\" hx-swap=\"afterbegin\"", html, StringComparison.Ordinal);
        // CSP-ready: no inline script, style or handler.
        Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)", html);
        Assert.DoesNotMatch("\\sstyle=\"|\\son[a-z]+=\"|<style", html);
    }

    [Fact]
    public async Task EmptyDatabase_ShowsTheEmptyState_AndStreamsFromTheFirstInvoice()
    {
        using var client = shared.CreateClient();

        var html = await client.GetStringAsync("/");

        Assert.Contains("No invoices yet", html, StringComparison.Ordinal);
        Assert.Contains("That's every invoice", html, StringComparison.Ordinal);
        Assert.Contains("sse-connect=\"/events?after=0\"", html, StringComparison.Ordinal);
        Assert.Contains("Press START", StatusOf(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoutes_GetAFriendly404_AndErrorsShowARequestId()
    {
        using var client = shared.CreateClient();

        using var missing = await client.GetAsync("/no/such/page");
        var body = await missing.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("Page not found", body, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", body, StringComparison.Ordinal);

        var error = await client.GetStringAsync("/Home/Error");
        Assert.Matches("request id: <code class=\"request-id\">[^<]+</code>", error);
    }

    [Fact]
    public async Task StaticClientLibraries_AreServedLocally_WithThePinnedVersions()
    {
        using var client = shared.CreateClient();

        var htmx = await client.GetStringAsync("/lib/htmx.org/dist/htmx.min.js");
        var sse = await client.GetStringAsync("/lib/htmx-ext-sse/dist/sse.min.js");
        var js = await client.GetStringAsync("/js/dashboard.js");

        Assert.Contains("version:\"2.0.11\"", htmx, StringComparison.Ordinal);
        Assert.Contains("defineExtension(\"sse\"", sse, StringComparison.Ordinal);
        Assert.Contains("sse-connect", js, StringComparison.Ordinal);
        var libman = await File.ReadAllTextAsync(Path.Combine(RepoRoot(), "libman.json"));
        Assert.Contains("\"htmx.org@2.0.11\"", libman, StringComparison.Ordinal);
        Assert.Contains("\"htmx-ext-sse@2.2.4\"", libman, StringComparison.Ordinal);
    }

    internal static string StatusOf(string html)
    {
        var m = StatusBlock().Match(html);
        Assert.True(m.Success, "the page has a role=status element");
        return DashboardStreamTests.StatusText(m.Groups[1].Value);
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "InvoiceMvc.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [GeneratedRegex("<tr data-invoice-id=\"1\"[^>]*>.*?</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex("<td[^>]*>(.*?)</td>", RegexOptions.Singleline)]
    private static partial Regex Cells();

    [GeneratedRegex("role=\"status\"[^>]*>(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex StatusBlock();
}
