using System.Globalization;
using System.Text.RegularExpressions;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>Finding invoices: a seller's alone, sorted by total, back and forward, live during a run, accessible.</summary>
public sealed class ExplorerJourneys
{
    [Fact]
    public Task TypeASeller_SeeOnlyTheirs_SortByTotal_AndBackRestoresEachFilter() => Journey.RunAsync(new JourneySetup { SeedInvoices = 60 }, async j =>
    {
        var explorer = new ExplorerPage(await j.NewPageAsync(label: "explorer"));
        await explorer.GotoAsync();
        Assert.Equal(Enumerable.Range(11, 50).Reverse().Select(i => (long)i), await explorer.RowIdsAsync());
        await Expect(explorer.Figure("Matches").Locator("[data-value]")).ToHaveAttributeAsync("data-value", "60");

        // A seller typed and submitted with Enter: only theirs, the count says so, the URL carries it.
        await explorer.Seller.FillAsync("Seller 42");
        await explorer.Seller.PressAsync("Enter");
        await Expect(explorer.Page).ToHaveURLAsync(new Regex("seller=Seller(\\+|%20)42"));
        await Expect(explorer.Rows).ToHaveCountAsync(1);
        Assert.Equal(new long[] { 42 }, await explorer.RowIdsAsync());
        Assert.Equal("Seller 42", (await explorer.CellsAsync())[0][2]);
        await Expect(explorer.Figure("Matches").Locator("[data-value]")).ToHaveAttributeAsync("data-value", "1");
        await Expect(explorer.DownloadCsv).ToHaveAttributeAsync("href", new Regex("^/invoices/export\\.csv\\?seller=Seller%2042&sort=number&dir=desc$"));

        // Cleared, then sorted by total, lowest first: the seed's totals rise with the number.
        await explorer.Seller.FillAsync("");
        await explorer.SortBy.SelectOptionAsync("total");
        await explorer.Direction.SelectOptionAsync("asc");
        await explorer.ApplyAsync();
        await Expect(explorer.Page).ToHaveURLAsync(new Regex("sort=total&dir=asc$"));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), await explorer.RowIdsAsync());
        var totals = (await explorer.CellsAsync()).Select(c => decimal.Parse(c[6], NumberStyles.Currency, DashboardPage.Culture)).ToList();
        Assert.Equal(totals.Order(), totals);
        // Not newest first: no live rows, and the page says so.
        await Expect(explorer.Page.GetByText("Live updates only in a newest-first order")).ToBeVisibleAsync();

        // Back: the seller's filter again, form and results; back again: everything.
        await explorer.Page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Expect(explorer.Page).ToHaveURLAsync(new Regex("seller=Seller(\\+|%20)42"));
        await Expect(explorer.Seller).ToHaveValueAsync("Seller 42");
        await Expect(explorer.SortBy).ToHaveValueAsync("number");
        await Expect(explorer.Rows).ToHaveCountAsync(1);
        await explorer.Page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Expect(explorer.Seller).ToHaveValueAsync("");
        await Expect(explorer.Rows).ToHaveCountAsync(50);
        await explorer.Page.GoForwardAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Expect(explorer.Seller).ToHaveValueAsync("Seller 42");
        await Expect(explorer.Rows).ToHaveCountAsync(1);

        // A copied link opens the same view in a fresh tab; Clear filters returns to all.
        var copy = new ExplorerPage(await j.NewPageAsync(label: "copied-link"));
        await copy.GotoAsync(new Uri(explorer.Page.Url).Query.TrimStart('?'));
        await Expect(copy.Seller).ToHaveValueAsync("Seller 42");
        Assert.Equal(new long[] { 42 }, await copy.RowIdsAsync());
        await copy.ClearLink.ClickAsync();
        await Expect(copy.Page).ToHaveURLAsync(new Regex("/invoices$"));
        await Expect(copy.Rows).ToHaveCountAsync(50);
    });

    [Fact]
    public Task OpenAnInvoice_ComeBackWithTheFilterIntact_AndDownloadItsCsv() => Journey.RunAsync(new JourneySetup { SeedInvoices = 60 }, async j =>
    {
        var explorer = new ExplorerPage(await j.NewPageAsync(label: "explorer"));
        await explorer.GotoAsync();
        await explorer.MaxTotal.FillAsync("40");
        await explorer.ApplyAsync();
        var expected = await j.App.Database.ScalarAsync<string>("SELECT string_agg(id::text, ',' ORDER BY id DESC) FROM invoices WHERE total_amount <= 40");
        Assert.Equal(expected, string.Join(',', await explorer.RowIdsAsync()));

        // The first match's number opens its page; the browser's back button returns to the same view.
        var first = (await explorer.CellsAsync())[0][0];
        await explorer.Grid.GetByRole(AriaRole.Link, new() { Name = first, Exact = true }).ClickAsync();
        var detail = new InvoiceDetailPage(explorer.Page);
        await Expect(detail.Heading).ToHaveTextAsync($"Invoice {first}");
        // Known and not yet explained: Chromium logs one "404" on this cross-document Back although every
        // request Playwright sees (and its trace) answered 200; the restored view itself is checked below.
        j.AllowConsoleError(new Regex("Failed to load resource: the server responded with a status of 404"));
        await explorer.Page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Expect(explorer.Page).ToHaveURLAsync(new Regex("max=40"));
        await Expect(explorer.MaxTotal).ToHaveValueAsync("40");
        await Expect(explorer.Rows).ToHaveCountAsync(expected.Split(',').Length);

        // Download CSV carries the filter: its rows and its totals row are the database's.
        var download = await explorer.Page.RunAndWaitForDownloadAsync(() => explorer.DownloadCsv.ClickAsync());
        Assert.Matches("^invoices-\\d{4}-\\d{2}-\\d{2}\\.csv$", download.SuggestedFilename);
        var lines = (await File.ReadAllLinesAsync(await download.PathAsync())).Where(l => l.Length > 0).ToList();
        Assert.StartsWith("invoice_number,", lines[0], StringComparison.Ordinal);
        var numbers = lines.Skip(1).SkipLast(1).Select(l => l.Split(',')[0].Trim('"')).ToList();
        Assert.Equal(expected.Split(',').Select(id => $"INV-{long.Parse(id, CultureInfo.InvariantCulture):0000000}"), numbers);
        var sums = await j.App.Database.ScalarAsync<string>("SELECT count(*) || '|' || sum(total_amount) FROM invoices WHERE total_amount <= 40");
        var totalsRow = lines[^1].Split(',').Select(c => c.Trim('"')).ToList();
        Assert.Equal(["TOTAL", sums.Split('|')[0]], totalsRow[..2]);
        Assert.Equal(sums.Split('|')[1], totalsRow[7]); // under total_amount
    });

    [Fact]
    public Task AMatchingInvoice_ArrivesLiveAtTheTop_DuringARun() => Journey.RunAsync(new JourneySetup
    {
        SeedInvoices = 30,
        Settings = { ["Generation:RatePerSecond"] = "20", ["Generation:DurationSeconds"] = "5", ["Display:RatePerSecond"] = "10" },
    }, async j =>
    {
        // The seed is run 1: run 2 has nothing yet.
        var explorer = new ExplorerPage(await j.NewPageAsync(label: "explorer"));
        await explorer.GotoAsync("run=2");
        await explorer.WaitForStreamAsync();
        await Expect(explorer.NoMatchCell).ToBeVisibleAsync();

        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);
        await dashboard.StartButton.ClickAsync();

        // Its rows arrive at the top, highlighted, and the count follows.
        await explorer.Page.WaitForFunctionAsync("() => document.querySelectorAll('#explorer-rows > tr[data-invoice-id]').length >= 3");
        await Expect(explorer.NoMatchCell).ToBeHiddenAsync();
        var ids = await explorer.RowIdsAsync();
        Assert.All(ids, id => Assert.True(id > 30, $"row {id} is of the new run"));
        Assert.Equal(ids.OrderDescending(), ids);
        await explorer.Page.WaitForFunctionAsync("() => +document.querySelector('[aria-label=Matches] [data-value]').dataset.value >= 3");
        Assert.True(await j.App.Database.ScalarAsync<long>($"SELECT count(*) FROM invoices WHERE run_id = 2 AND id <= {ids.Max()}") == ids.Length,
            "every row of run 2 up to the newest shown is on the page, once");
    });

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public Task TheExplorer_WithResults_AndWithMessages_HasNoSeriousOrCriticalViolations(ColorScheme scheme) => Journey.RunAsync(new JourneySetup { SeedInvoices = 60 }, async j =>
    {
        var explorer = new ExplorerPage(await j.NewPageAsync(new() { ColorScheme = scheme }, $"explorer-{scheme}"));
        await explorer.GotoAsync();
        await AccessibilityJourneys.AssertAccessibleAsync(explorer.Page, "explorer, every invoice");

        // A refused filter (400): each message beside its field, announced to screen readers.
        j.AllowConsoleError(new Regex(@"status of 400 \(Bad Request\)"));
        await explorer.MinTotal.FillAsync("500");
        await explorer.MaxTotal.FillAsync("abc");
        await explorer.ApplyButton.ClickAsync();
        await Expect(explorer.Page.GetByText("Maximum total must be an amount like 1250.50")).ToBeVisibleAsync();
        await Expect(explorer.MaxTotal).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(explorer.MaxTotal).ToHaveValueAsync("abc");
        await AccessibilityJourneys.AssertAccessibleAsync(explorer.Page, "explorer with a message");

        // Phone: one column, no sideways scroll.
        await explorer.Page.SetViewportSizeAsync(390, 844);
        await explorer.GotoAsync("sort=total");
        Assert.True(await explorer.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll on a phone");
        await AccessibilityJourneys.AssertAccessibleAsync(explorer.Page, "explorer on a phone");
    });
}
