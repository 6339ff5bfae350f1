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
    /// <summary>
    /// SQL that makes sure a seller and a buyer of these names exist; afterwards <see cref="SellerId"/>
    /// and <see cref="BuyerId"/> name them in an INSERT INTO invoices (the database fills in the names).
    /// </summary>
    public static string PartiesSql(string seller, string buyer) =>
        $"INSERT INTO parties (name, kind) VALUES ({Literal(seller)}, 1), ({Literal(buyer)}, 2) ON CONFLICT DO NOTHING;";

    public static string SellerId(string name) => $"(SELECT id FROM parties WHERE kind = 1 AND name = {Literal(name)})";

    public static string BuyerId(string name) => $"(SELECT id FROM parties WHERE kind = 2 AND name = {Literal(name)})";

    /// <summary>
    /// SQL giving every invoice without lines one line of its whole subtotal: the database refuses, at
    /// commit, an invoice whose lines do not sum to its subtotal, so a seed's INSERT INTO invoices is
    /// followed by this in the same batch (one implicit transaction).
    /// Before the Lifecycle migration (a migration test's seed) there are no lines to write.
    /// </summary>
    public const string LinesSql = """
        DO $$ BEGIN
            IF to_regclass('invoice_lines') IS NOT NULL THEN
                INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price, amount)
                SELECT i.id, 1, 'Goods', 1, i.subtotal, i.subtotal FROM invoices i
                 WHERE NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id);
            END IF;
        END $$;
        """;

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static async Task InvoicesAsync(TestDatabase db, int count)
    {
        await db.ExecuteAsync($"""
            INSERT INTO parties (name, kind)
            SELECT name, kind FROM generate_series(1, {count}) g, LATERAL (VALUES ('Seller ' || g, 1), ('Buyer ' || g, 2)) p(name, kind)
            ON CONFLICT DO NOTHING;
            WITH run AS (
                INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at, ended_at)
                VALUES (3, 1, {count}, {count}, now(), now()) RETURNING id),
            amounts AS (SELECT g, round(g * 1.23 + 1, 2)::numeric(12,2) AS subtotal FROM generate_series(1, {count}) g)
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id,
                                  subtotal, vat_rate, vat_amount, total_amount)
            SELECT g, 'INV-' || lpad(g::text, 7, '0'), run.id, g, now() - make_interval(secs => {count} - g),
                   s.id, b.id, subtotal, 0.15, round(subtotal * 0.15, 2), subtotal + round(subtotal * 0.15, 2)
              FROM amounts
              JOIN parties s ON s.kind = 1 AND s.name = 'Seller ' || g
              JOIN parties b ON b.kind = 2 AND b.name = 'Buyer ' || g, run;
            {Seed.LinesSql}
            UPDATE invoice_stats SET invoice_count = {count},
                   total_amount = (SELECT sum(total_amount) FROM invoices),
                   vat_amount = (SELECT sum(vat_amount) FROM invoices),
                   last_invoice_id = {count};
            """);
    }
}
