using System.Text.RegularExpressions;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>The live stream under real conditions: several viewers, reloads, a lost network.</summary>
public sealed class StreamJourneys
{
    private static readonly long[] AllHundred = [.. Enumerable.Range(1, 100).Reverse().Select(i => (long)i)];

    [Fact]
    public Task TwoBrowserContexts_BothReceiveEveryRow() => Journey.RunAsync(async j =>
    {
        var viewer = await j.OpenDashboardAsync(label: "anonymous-viewer");
        var controller = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);
        await Expect(viewer.StartButton).ToBeDisabledAsync();

        await controller.StartButton.ClickAsync();
        await Task.WhenAll(viewer.WaitForTopRowAsync(100, timeoutMs: 60_000), controller.WaitForTopRowAsync(100, timeoutMs: 60_000));
        await Task.WhenAll(viewer.ExpectStateAsync("idle"), controller.ExpectStateAsync("idle"));

        Assert.Equal(AllHundred, await viewer.RowIdsAsync());
        Assert.Equal(AllHundred, await controller.RowIdsAsync());
        Assert.Equal(100m, await viewer.CardValueAsync("Total invoices"));
    });

    [Fact]
    public Task EightTabsInOneBrowser_AllLoad_AndEveryOneReceivesEveryRow() => Journey.RunAsync(new JourneySetup
    {
        Settings = { ["Generation:DurationSeconds"] = "2" },
    }, async j =>
    {
        // A browser opens at most six connections to one origin: with a stream of its own per tab, the
        // seventh tab's page would never load. Each tab here waits until its stream is open.
        var tabs = new List<DashboardPage> { await j.OpenDashboardAsync(signInAs: TestAccounts.Operator) };
        for (var i = 2; i <= 8; i++)
        {
            tabs.Add(await j.OpenTabAsync(tabs[0], $"tab{i}"));
        }

        await tabs[0].StartButton.ClickAsync();
        await Task.WhenAll(tabs.Select(t => t.WaitForTopRowAsync(40, timeoutMs: 60_000)));
        await Task.WhenAll(tabs.Select(t => t.ExpectStateAsync("idle")));

        var allForty = Enumerable.Range(1, 40).Reverse().Select(i => (long)i).ToArray();
        foreach (var tab in tabs)
        {
            Assert.Equal(allForty, await tab.RowIdsAsync());
            Assert.Equal(40m, await tab.CardValueAsync("Total invoices"));
        }
    });

    [Fact]
    public Task ReloadMidRun_ResumesTheStream_WithoutDuplicates() => Journey.RunAsync(async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);
        await dashboard.StartButton.ClickAsync();
        await dashboard.WaitForTopRowAsync(15);

        await dashboard.ReloadAsync();
        await dashboard.ExpectStateAsync("idle", timeoutMs: 60_000);
        await dashboard.WaitForTopRowAsync(100);
        await AssertUniqueNumbersAsync(dashboard);

        // The reloaded page shows a contiguous run of the newest rows; scrolling fills in the rest, once each.
        var ids = await dashboard.RowIdsAsync();
        Assert.Equal(Enumerable.Range((int)ids[^1], ids.Length).Reverse().Select(i => (long)i), ids);
        await dashboard.ScrollToTheFirstInvoiceAsync();
        Assert.Equal(AllHundred, await dashboard.RowIdsAsync());
        await AssertUniqueNumbersAsync(dashboard);
    });

    [Fact]
    public Task OfflineThenOnline_ResumesWithoutLoss() => Journey.RunAsync(new JourneySetup
    {
        Settings = { ["Generation:DurationSeconds"] = "8" },
    }, async j =>
    {
        // While offline the browser's requests fail and htmx reports the broken stream: expected here.
        j.AllowConsoleError(new Regex("ERR_INTERNET_DISCONNECTED|ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_CONNECTION_RESET|ERR_EMPTY_RESPONSE|\\[object Event\\]"));
        await using var link = new NetworkLink(j.App.BaseAddress);
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator, options: new() { BaseURL = link.Address.ToString() });
        await dashboard.StartButton.ClickAsync();
        await dashboard.WaitForTopRowAsync(10);

        // The network goes: new requests fail (offline) and open connections die (the link is cut).
        var context = dashboard.Page.Context;
        var errorsBefore = await dashboard.StreamErrorsAsync();
        await context.SetOfflineAsync(true);
        link.Refusing = true;
        Assert.True(link.SeverAll() >= 1, "the stream's connection was open");
        await dashboard.Page.WaitForFunctionAsync("n => window.__sse.errors > n", errorsBefore);
        var shownWhenCut = (await dashboard.RowIdsAsync())[0];

        // The server goes on generating; the cut-off viewer sees nothing new, however its EventSource retries.
        await Eventually.TrueAsync(async () => await j.App.InvoiceCountAsync() >= shownWhenCut + 30, TimeSpan.FromMilliseconds(Journey.Deadline), "30 invoices generated while offline");
        await dashboard.Page.WaitForFunctionAsync("n => window.__sse.errors > n", errorsBefore + 1);
        Assert.Equal(shownWhenCut, (await dashboard.RowIdsAsync())[0]);

        // Back online: the stream reconnects by itself and resumes after the last row shown, losing and repeating nothing.
        var opens = await dashboard.StreamOpensAsync();
        await context.SetOfflineAsync(false);
        link.Refusing = false;
        await dashboard.WaitForStreamAsync(opens + 1);
        await dashboard.ExpectStateAsync("idle", timeoutMs: 60_000);
        await dashboard.WaitForTopRowAsync(160);

        Assert.Equal(Enumerable.Range(1, 160).Reverse().Select(i => (long)i), await dashboard.RowIdsAsync());
        await AssertUniqueNumbersAsync(dashboard);
    });

    private static async Task AssertUniqueNumbersAsync(DashboardPage dashboard)
    {
        var numbers = (await dashboard.ReadRowsAsync()).Select(r => r.Number).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct(StringComparer.Ordinal).Count());
    }
}
