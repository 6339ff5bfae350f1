using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Dashboard;

[Collection(nameof(SerialCollection))]
public sealed class DashboardBacklogTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stream_DrainsTheBacklogAfterStop_ThenSaysIdle()
    {
        await using var app = await DashboardApp.StartAsync(new Dictionary<string, string?>
        {
            ["Generation:RatePerSecond"] = "100",
            ["Generation:DurationSeconds"] = "60",
            ["Display:RatePerSecond"] = "25",
        });
        await using var stream = await app.StreamAsync("/events?after=0");
        await app.StartRunAsync();
        await Eventually.TrueAsync(async () => await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 40, Wait, "40 invoices");
        await app.StopRunAsync();
        var produced = await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices");

        var rows = new List<long>();
        var statuses = new List<string>();
        while (rows.Count == 0 || rows[^1] < produced)
        {
            var e = await stream.NextAsync(Wait, "the backlog");
            if (e.Type == "invoice")
            {
                rows.Add(e.InvoiceId);
            }
            else if (e.Type == "status")
            {
                statuses.Add(StatusText(e.Data));
            }
        }

        var (final, between) = await stream.UntilAsync(e => e.Type == "status", Wait, "the status after the last row");
        Assert.DoesNotContain(between, e => e.Type == "invoice");
        Assert.StartsWith("Idle", StatusText(final.Data), StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, (int)produced).Select(i => (long)i), rows);
        Assert.Contains(statuses, s => s.StartsWith("Running", StringComparison.Ordinal));
        Assert.Contains(statuses, s => s.StartsWith("Processing backlog (", StringComparison.Ordinal) && s.Contains("waiting)", StringComparison.Ordinal));
        Assert.Equal(produced, await app.Database.ScalarAsync<long>("SELECT count(*) FROM invoices"));
    }

    private static string StatusText(string html) => DashboardStreamTests.StatusText(html);
}
