using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.E2E.Infrastructure;

/// <summary>
/// The app under test: the built InvoiceMvc.Web as its own process, in the Production environment,
/// on a free port, with a database of its own on the real PostgreSQL, the real Redis (own key
/// prefix) and short generation settings. Every journey gets a fresh one, so it starts from idle.
/// </summary>
public sealed class E2EApp : IAsyncDisposable
{
    /// <summary>Generation 20/s for 5 s (100 invoices), shown at 10 rows/s: a whole run in ~10 s.</summary>
    public static readonly IReadOnlyDictionary<string, string?> ShortRun = new Dictionary<string, string?>
    {
        ["Generation:RatePerSecond"] = "20",
        ["Generation:DurationSeconds"] = "5",
        ["Display:RatePerSecond"] = "10",
    };

    private E2EApp(TestDatabase database, AppProcess process)
    {
        Database = database;
        Process = process;
    }

    public TestDatabase Database { get; }
    public AppProcess Process { get; }
    public Uri BaseAddress => Process.BaseAddress;

    public string Url(string path) => new Uri(BaseAddress, path).ToString();

    /// <param name="settings">Overrides on top of <see cref="ShortRun"/>.</param>
    /// <param name="seedInvoices">Invoices written to the database (one completed run) before the app starts.</param>
    public static async Task<E2EApp> StartAsync(IDictionary<string, string?>? settings = null, int seedInvoices = 0)
    {
        var database = await TestDatabase.CreateAsync();
        try
        {
            if (seedInvoices > 0)
            {
                await Seed.InvoicesAsync(database, seedInvoices);
            }

            // Production refuses to start without the scraper's token (the journeys never scrape).
            var all = new Dictionary<string, string?>(ShortRun) { ["Metrics:BearerToken"] = AppFactory.MetricsToken };
            foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            {
                all[key] = value;
            }

            var process = await AppProcess.StartAsync(database, await TestServers.RedisAsync(), $"e2e{Guid.NewGuid():N}:", all, "Production");
            return new E2EApp(database, process);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    public Task<long> InvoiceCountAsync() => Database.ScalarAsync<long>("SELECT count(*) FROM invoices");

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        await Database.DisposeAsync();
    }
}
