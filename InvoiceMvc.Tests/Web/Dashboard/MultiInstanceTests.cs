using System.Net;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>Two web instances on one PostgreSQL and one Redis prefix, as behind a load balancer.</summary>
[Collection(nameof(SerialCollection))]
public sealed class MultiInstanceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ViewerOnB_SeesTheRunStartedOnA_AndStopOnB_EndsIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        var redis = await TestServers.RedisAsync();
        var prefix = $"t{Guid.NewGuid():N}:";
        var settings = new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "20",
            ["Generation:DurationSeconds"] = "60",
            ["Display:RatePerSecond"] = "50",
        };
        await using var a = new AppFactory(db, redis, prefix, settings);
        await using var b = new AppFactory(db, redis, prefix, settings);
        var addressA = a.StartOnRealPort();
        var addressB = b.StartOnRealPort();
        Assert.NotEqual(addressA, addressB);

        await using var viewerOnB = await SseStream.OpenAsync(addressB, "/events");
        await viewerOnB.UntilAsync(e => e.Type == "status" && e.Data.Contains("Idle", StringComparison.Ordinal), Wait, "Idle on B");

        using var clientA = Browser(addressA);
        await AntiforgeryClient.SignInAsync(clientA, TestAccounts.Operator);
        var started = await AntiforgeryClient.PostFormAsync(clientA, "/generation/start", await AntiforgeryClient.FetchTokenAsync(clientA));
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);

        await viewerOnB.UntilAsync(e => e.Type == "status" && e.Data.Contains("Running", StringComparison.Ordinal), Wait, "Running on B");
        var rows = await DashboardStreamTests.RowsAsync(viewerOnB, 10);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), rows);
        await viewerOnB.UntilAsync(e => e.Type == "stats" && !e.Data.Contains("data-last-invoice-id=\"0\"", StringComparison.Ordinal), Wait, "stats on B");

        using var clientB = Browser(addressB);
        await AntiforgeryClient.SignInAsync(clientB, TestAccounts.Operator);
        var stopped = await AntiforgeryClient.PostFormAsync(clientB, "/generation/stop", await AntiforgeryClient.FetchTokenAsync(clientB));
        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Equal((short)2, await db.ScalarAsync<short>("SELECT status FROM generation_runs"));
        var produced = await db.ScalarAsync<long>("SELECT count(*) FROM invoices");

        await viewerOnB.UntilAsync(e => e.Type == "status" && e.Data.Contains("Idle", StringComparison.Ordinal), Wait, "Idle on B once its backlog drained");
        // Both pages show the same totals: nothing comes from one instance's memory alone.
        var totalsA = Cards(await clientA.GetStringAsync("/"));
        var totalsB = Cards(await clientB.GetStringAsync("/"));
        Assert.Equal(totalsA, totalsB);
        Assert.Contains($"data-value=\"{produced}\"", totalsA, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvoiceThatChanges_IsSentAgainToViewersOnEveryInstance_WhoWereShownIt()
    {
        await using var db = await TestDatabase.CreateAsync();
        await Seed.InvoicesAsync(db, 20);
        var redis = await TestServers.RedisAsync();
        var prefix = $"t{Guid.NewGuid():N}:";
        await using var a = new AppFactory(db, redis, prefix);
        await using var b = new AppFactory(db, redis, prefix);
        var addressA = a.StartOnRealPort();
        var addressB = b.StartOnRealPort();

        // Both viewers start at the newest invoice (20): invoices 1-20 are on their pages.
        await using var onA = await SseStream.OpenAsync(addressA, "/events");
        await using var onB = await SseStream.OpenAsync(addressB, "/events");
        foreach (var viewer in new[] { onA, onB })
        {
            await viewer.UntilAsync(e => e.Type == "status", Wait, "the first status");
        }

        // What a payment's or a void's trigger sends on commit: 25 is not on their pages (yet), 7 is.
        await db.ExecuteAsync("SELECT pg_notify('invoice_changed', '25'); SELECT pg_notify('invoice_changed', '7');");

        foreach (var viewer in new[] { onA, onB })
        {
            var (changed, seen) = await viewer.UntilAsync(e => e.Type == "changed", Wait, "the changed row");
            Assert.Contains("id=\"invoice-7\"", changed.Data, StringComparison.Ordinal);
            Assert.Contains("hx-swap-oob=\"true\"", changed.Data, StringComparison.Ordinal);
            Assert.Contains("INV-0000007", changed.Data, StringComparison.Ordinal);
            Assert.Null(changed.Id); // never an id: Last-Event-ID must keep naming the newest row
            Assert.DoesNotContain(seen, e => e.Type is "changed" or "invoice");
        }
    }

    private static HttpClient Browser(Uri address) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = address };

    private static string Cards(string html)
    {
        var start = html.IndexOf("<div class=\"cards\"", StringComparison.Ordinal);
        var end = html.IndexOf("</section>", start, StringComparison.Ordinal);
        return html[start..end];
    }
}
