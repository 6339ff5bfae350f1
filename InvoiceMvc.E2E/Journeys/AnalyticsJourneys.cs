using System.Text.RegularExpressions;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>Analytics: the chart and the rankings follow a run live; a seller opens the filtered explorer; accessible, light and dark.</summary>
public sealed class AnalyticsJourneys
{
    [Fact]
    public Task TheChartAndTopSellers_ChangeDuringARun_AndASellerOpensTheFilteredExplorer() => Journey.RunAsync(new JourneySetup
    {
        // 10/s for 20 s: long enough to see several updates at the page's at-most-once-a-second pace.
        Settings = { ["Generation:RatePerSecond"] = "10", ["Generation:DurationSeconds"] = "20", ["Display:RatePerSecond"] = "10" },
    }, async j =>
    {
        var analytics = new AnalyticsPage(await j.NewPageAsync(label: "analytics"));
        await analytics.GotoAsync();
        await Expect(analytics.Empty).ToBeVisibleAsync();
        await analytics.WaitForStreamAsync();

        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);
        await dashboard.StartButton.ClickAsync();

        // The chart appears without a reload, then moves on: its figures count newer invoices.
        await Expect(analytics.Chart).ToBeVisibleAsync(new() { Timeout = Journey.Deadline });
        var first = await analytics.ChartAsOfAsync();
        Assert.True(first > 0);
        await Expect(analytics.TopSellers).ToBeVisibleAsync();
        var sellersBefore = await analytics.TopSellers.InnerTextAsync();
        await analytics.Page.WaitForFunctionAsync("n => +document.querySelector('#analytics-chart [data-as-of]').dataset.asOf > n", first,
            new() { Timeout = Journey.Deadline });
        await analytics.Page.WaitForFunctionAsync("t => document.querySelector('#top-sellers').innerText !== t", sellersBefore,
            new() { Timeout = Journey.Deadline });
        await Expect(analytics.Page.Locator(".series-revenue")).ToHaveCountAsync(1);

        // Once the run is over the page settles on exactly what PostgreSQL holds.
        await dashboard.ExpectStateAsync("idle", 90_000);
        var total = await j.App.Database.ScalarAsync<long>("SELECT count(*) FROM invoices");
        await analytics.Page.WaitForFunctionAsync("n => +document.querySelector('#analytics-chart [data-as-of]').dataset.asOf === n", total,
            new() { Timeout = Journey.Deadline });
        var invoicesCard = analytics.Page.GetByRole(AriaRole.Article, new() { Name = "Invoices" });
        await Expect(invoicesCard.Locator(".card-value")).ToHaveTextAsync(total.ToString("N0", DashboardPage.Culture));

        // The top seller's name opens the explorer with that seller and those days.
        var top = analytics.TopSellers.Locator("tbody tr").First.GetByRole(AriaRole.Link);
        var name = await top.InnerTextAsync();
        await top.ClickAsync();
        await Expect(analytics.Page).ToHaveURLAsync(new Regex("/invoices\\?seller=[^&]+&from=\\d{4}-\\d\\d-\\d\\d&to="));
        var explorer = new ExplorerPage(analytics.Page);
        await Expect(explorer.Seller).ToHaveValueAsync(name);
        var expected = await j.App.Database.ScalarAsync<long>("SELECT count(*) FROM invoices WHERE seller_name = @name", ("name", name));
        await Expect(explorer.Figure("Matches").Locator("[data-value]")).ToHaveAttributeAsync("data-value", expected.ToString(System.Globalization.CultureInfo.InvariantCulture));
    });

    [Theory]
    [InlineData(ColorScheme.Light)]
    [InlineData(ColorScheme.Dark)]
    public Task TheAnalyticsPage_WithFigures_AndWithMessages_HasNoSeriousOrCriticalViolations(ColorScheme scheme) => Journey.RunAsync(new JourneySetup { SeedInvoices = 60 }, async j =>
    {
        var analytics = new AnalyticsPage(await j.NewPageAsync(new() { ColorScheme = scheme }, $"analytics-{scheme}"));
        await analytics.GotoAsync();
        await Expect(analytics.Chart).ToBeVisibleAsync();

        // Keyboard: the disclosure opens with Enter and shows the data table.
        await analytics.DataTableToggle.FocusAsync();
        await analytics.Page.Keyboard.PressAsync("Enter");
        await Expect(analytics.DataTable).ToBeVisibleAsync();
        await AccessibilityJourneys.AssertAccessibleAsync(analytics.Page, "analytics, today");

        // A refused range (400): the message beside its field.
        j.AllowConsoleError(new Regex(@"status of 400 \(Bad Request\)"));
        await analytics.GotoAsync("bucket=minute&from=2026-01-01&to=2026-01-05");
        await Expect(analytics.Page.GetByText("Minute buckets cover at most 1 day")).ToBeVisibleAsync();
        await Expect(analytics.Bucket).ToHaveAttributeAsync("aria-invalid", "true");
        await AccessibilityJourneys.AssertAccessibleAsync(analytics.Page, "analytics with a message");

        // Phone: no sideways scroll.
        await analytics.Page.SetViewportSizeAsync(390, 844);
        await analytics.GotoAsync();
        await Expect(analytics.Chart).ToBeVisibleAsync();
        Assert.True(await analytics.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "no horizontal scroll on a phone");
        await AccessibilityJourneys.AssertAccessibleAsync(analytics.Page, "analytics on a phone");
    });
}
