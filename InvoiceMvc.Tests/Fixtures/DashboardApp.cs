using InvoiceMvc.Infrastructure.Generation;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Fixtures;

/// <summary>The app on its own database, served on a real port: what the dashboard tests talk to.</summary>
public sealed class DashboardApp : IAsyncDisposable
{
    private DashboardApp(TestDatabase database, AppFactory factory, Uri baseAddress)
    {
        Database = database;
        Factory = factory;
        BaseAddress = baseAddress;
    }

    public TestDatabase Database { get; }
    public AppFactory Factory { get; }
    public Uri BaseAddress { get; }

    /// <param name="seedInvoices">Invoices written straight to the database before the app starts.</param>
    public static async Task<DashboardApp> StartAsync(IDictionary<string, string?>? settings = null, int seedInvoices = 0)
    {
        var db = await TestDatabase.CreateAsync();
        if (seedInvoices > 0)
        {
            await Seed.InvoicesAsync(db, seedInvoices);
        }

        var factory = await AppFactory.CreateAsync(db, settings);
        var address = factory.StartOnRealPort();
        return new DashboardApp(db, factory, address);
    }

    public HttpClient CreateClient() =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = BaseAddress };

    public Task<SseStream> StreamAsync(string pathAndQuery = "/events", string? lastEventId = null) =>
        SseStream.OpenAsync(BaseAddress, pathAndQuery, lastEventId);

    public async Task<StartResult> StartRunAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GenerationService>().StartAsync(CancellationToken.None);
    }

    public async Task<StopResult> StopRunAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<GenerationService>().StopAsync(CancellationToken.None);
    }

    public T Service<T>() where T : notnull => Factory.Services.GetRequiredService<T>();

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

/// <summary>Invoices written with SQL (valid under every CHECK), for tests that need known data fast.</summary>
public static class Seed
{
    public static async Task InvoicesAsync(TestDatabase db, int count)
    {
        await db.ExecuteAsync($"""
            WITH run AS (
                INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at, ended_at)
                VALUES (3, 1, {count}, {count}, now(), now()) RETURNING id),
            amounts AS (SELECT g, round(g * 1.23 + 1, 2)::numeric(12,2) AS subtotal FROM generate_series(1, {count}) g)
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_name, buyer_name,
                                  subtotal, vat_rate, vat_amount, total_amount)
            SELECT g, 'INV-' || lpad(g::text, 7, '0'), run.id, g, now() - make_interval(secs => {count} - g),
                   'Seller ' || g, 'Buyer ' || g, subtotal, 0.15, round(subtotal * 0.15, 2), subtotal + round(subtotal * 0.15, 2)
              FROM amounts, run;
            UPDATE invoice_stats SET invoice_count = {count},
                   total_amount = (SELECT sum(total_amount) FROM invoices),
                   vat_amount = (SELECT sum(vat_amount) FROM invoices),
                   last_invoice_id = {count};
            """);
    }
}
