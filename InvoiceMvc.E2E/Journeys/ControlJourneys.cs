using System.Text.RegularExpressions;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>An operator's day: the dashboard idles, START runs the generator, STOP halts it and the backlog drains.</summary>
public sealed class ControlJourneys
{
    [Fact]
    public Task Idle_OnLoad_NothingGeneratesUntilStart_AndStopIsDisabled() => Journey.RunAsync(async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);

        await dashboard.ExpectStateAsync("idle");
        await Expect(dashboard.Status).ToContainTextAsync("Idle");
        await Expect(dashboard.StartButton).ToBeEnabledAsync();
        await Expect(dashboard.StopButton).ToBeDisabledAsync();
        await Expect(dashboard.NoInvoicesCell).ToBeVisibleAsync();
        Assert.Equal(0m, await dashboard.CardValueAsync("Total invoices"));

        // Loading and reloading the page, with its stream open, starts nothing.
        await dashboard.ReloadAsync();
        await dashboard.ExpectStateAsync("idle");
        Assert.Equal(0, await j.App.InvoiceCountAsync());
        Assert.Equal(0, await j.App.Database.ScalarAsync<long>("SELECT count(*) FROM generation_runs"));
        Assert.Equal(0, await j.App.Database.ScalarAsync<long>("SELECT count(*) FROM hangfire.job"));
        Assert.Empty(await dashboard.RowIdsAsync());

        // START is what makes it run.
        await dashboard.StartButton.ClickAsync();
        await dashboard.ExpectStateAsync("running");
        Assert.Equal(1, await j.App.Database.ScalarAsync<long>("SELECT count(*) FROM generation_runs"));
    });

    [Fact]
    public Task Start_ShowsRunning_TheCountRises_AndRowsArriveNewestFirstHighlighted() => Journey.RunAsync(async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);

        await dashboard.StartButton.ClickAsync();
        await dashboard.ExpectStateAsync("running");
        await Expect(dashboard.Status).ToContainTextAsync(new Regex(@"Running\s+\d+ of 100 invoices · \d+:\d\d left"));
        await Expect(dashboard.Flash).ToContainTextAsync("Run 1 started");
        await Expect(dashboard.StartButton).ToBeDisabledAsync();
        await Expect(dashboard.StopButton).ToBeEnabledAsync();

        // The count card rises while the run goes on.
        await dashboard.WaitForCardAsync("Total invoices", "v >= 1");
        var first = await dashboard.CardValueAsync("Total invoices");
        await dashboard.WaitForCardAsync("Total invoices", $"v > {first}");
        Assert.True(await dashboard.CardValueAsync("Total invoices") > first);

        // Rows arrive on top, newest first, and the newest is highlighted.
        await dashboard.WaitForTopRowAsync(5);
        await Expect(dashboard.Rows.First).ToHaveClassAsync(new Regex(@"\bis-new\b"));
        var ids = await dashboard.RowIdsAsync();
        Assert.True(ids.Length >= 5, $"{ids.Length} rows");
        Assert.Equal(ids.OrderByDescending(i => i), ids);
        Assert.Equal(ids.Length, ids.Distinct().Count());
        await Expect(dashboard.NoInvoicesCell).ToHaveCountAsync(0);
    });

    [Fact]
    public Task Stop_HaltsTheCount_ShowsTheBacklogDraining_ThenIdleWithStartEnabled() => Journey.RunAsync(new JourneySetup
    {
        // A long run shown slowly, so STOP lands mid-run with rows still waiting for the viewer.
        Settings = { ["Generation:DurationSeconds"] = "60", ["Display:RatePerSecond"] = "5" },
    }, async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);
        await dashboard.StartButton.ClickAsync();
        await dashboard.ExpectStateAsync("running");
        await dashboard.WaitForCardAsync("Total invoices", "v >= 30");

        await dashboard.StopButton.ClickAsync();
        await Expect(dashboard.Flash).ToContainTextAsync("stopped");
        var produced = await j.App.InvoiceCountAsync();
        Assert.InRange(produced, 30, 1199);

        await Expect(dashboard.Status).ToContainTextAsync(new Regex(@"Processing backlog \(\d+ waiting\)"));
        await dashboard.ExpectStateAsync("backlog");
        await dashboard.WaitForCardAsync("Total invoices", $"v === {produced}");
        await Expect(dashboard.StopButton).ToBeDisabledAsync();

        // The backlog drains at the display rate, then the dashboard is idle and START is offered again.
        await dashboard.ExpectStateAsync("idle", timeoutMs: 60_000);
        await Expect(dashboard.StartButton).ToBeEnabledAsync();
        await Expect(dashboard.StopButton).ToBeDisabledAsync();

        // The count stopped rising at STOP: nothing was generated after it, and the viewer saw every row.
        Assert.Equal(produced, await j.App.InvoiceCountAsync());
        Assert.Equal(produced, await dashboard.CardValueAsync("Total invoices"));
        Assert.Equal(Enumerable.Range(1, (int)produced).Reverse().Select(i => (long)i), await dashboard.RowIdsAsync());
    });
}
