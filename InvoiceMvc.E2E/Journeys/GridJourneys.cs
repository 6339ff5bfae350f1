using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>Reading the grid: older rows on scroll, the newest kept in view, the "N new" button.</summary>
public sealed class GridJourneys
{
    [Fact]
    public Task InfiniteScroll_LoadsOlderRowsAtTheBottom_BackToTheFirstInvoice() => Journey.RunAsync(new JourneySetup { SeedInvoices = 230 }, async j =>
    {
        var dashboard = await j.OpenDashboardAsync();
        // The page opens with the newest page of rows only.
        var first = await dashboard.RowIdsAsync();
        Assert.Equal(230, first[0]);
        Assert.True(first.Length < 230, $"the first page has {first.Length} rows");
        await Expect(dashboard.EveryInvoiceCell).ToHaveCountAsync(0);

        await dashboard.ScrollToTheFirstInvoiceAsync();

        // Older rows were appended at the bottom, each exactly once, down to invoice 1.
        var all = await dashboard.RowIdsAsync();
        Assert.Equal(Enumerable.Range(1, 230).Reverse().Select(i => (long)i), all);
        await Expect(dashboard.Page.GetByRole(Microsoft.Playwright.AriaRole.Cell, new() { Name = "INV-0000001", Exact = true })).ToBeVisibleAsync();
    });

    [Fact]
    public Task AutoScroll_KeepsTheNewestVisible_AndTheNewInvoicesButton_ReturnsToTheTop() => Journey.RunAsync(new JourneySetup
    {
        SeedInvoices = 60,
        Settings = { ["Generation:DurationSeconds"] = "10", ["Display:RatePerSecond"] = "5" },
    }, async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);
        await dashboard.StartButton.ClickAsync();

        // At the top, each new row lands in view.
        await dashboard.WaitForTopRowAsync(63);
        await Expect(dashboard.Rows.First).ToBeInViewportAsync();
        await dashboard.WaitForTopRowAsync(66);
        await Expect(dashboard.Rows.First).ToBeInViewportAsync();
        Assert.Equal(0, await dashboard.Page.EvaluateAsync<int>("() => window.scrollY"));
        await Expect(dashboard.NewInvoicesButton).ToBeHiddenAsync();

        // Scrolled away to read older rows: new rows don't pull the page, a button counts them.
        await dashboard.Page.Mouse.MoveAsync(640, 600);
        await dashboard.Page.Mouse.WheelAsync(0, 900);
        await dashboard.Page.WaitForFunctionAsync("() => window.scrollY > 300");
        await Expect(dashboard.NewInvoicesButton).ToBeVisibleAsync();
        await Expect(dashboard.Rows.First).Not.ToBeInViewportAsync();

        await dashboard.NewInvoicesButton.ClickAsync();
        await Expect(dashboard.NewInvoicesButton).ToBeHiddenAsync();
        await Expect(dashboard.Rows.First).ToBeInViewportAsync();
        await dashboard.Page.WaitForFunctionAsync("() => window.scrollY === 0");

        // Back at the top, it keeps following the newest row.
        var top = (await dashboard.RowIdsAsync())[0];
        await dashboard.WaitForTopRowAsync(top + 2);
        await Expect(dashboard.Rows.First).ToBeInViewportAsync();
        await Expect(dashboard.NewInvoicesButton).ToBeHiddenAsync();
    });
}
