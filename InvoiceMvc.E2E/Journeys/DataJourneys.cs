using System.Globalization;
using InvoiceMvc.E2E.Infrastructure;
using InvoiceMvc.E2E.Pages;
using InvoiceMvc.Tests.Fixtures;
using static Microsoft.Playwright.Assertions;

namespace InvoiceMvc.E2E.Journeys;

/// <summary>What the dashboard shows is what PostgreSQL holds: the cards' totals and every row's money.</summary>
public sealed class DataJourneys
{
    [Fact]
    public Task Cards_EqualTheDatabaseSums_AndEveryRowShowsItsVatAndTotalCorrectly() => Journey.RunAsync(async j =>
    {
        var dashboard = await j.OpenDashboardAsync(signInAs: TestAccounts.Operator);
        await dashboard.StartButton.ClickAsync();
        await dashboard.ExpectStateAsync("running");
        // 100 invoices; the viewer sees the last one ~10 s after START, then the dashboard idles.
        await dashboard.ExpectStateAsync("idle", timeoutMs: 60_000);

        var db = j.App.Database;
        var count = await db.ScalarAsync<long>("SELECT count(*) FROM invoices");
        var total = await db.ScalarAsync<decimal>("SELECT sum(total_amount) FROM invoices");
        var vat = await db.ScalarAsync<decimal>("SELECT sum(vat_amount) FROM invoices");
        Assert.Equal(100, count);
        var average = Math.Round(total / count, 2, MidpointRounding.AwayFromZero);

        Assert.Equal(count, await dashboard.CardValueAsync("Total invoices"));
        Assert.Equal(total, await dashboard.CardValueAsync("Total amount"));
        Assert.Equal(vat, await dashboard.CardValueAsync("Total VAT"));
        Assert.Equal(average, await dashboard.CardValueAsync("Average invoice"));
        // What the user reads, not only the raw attribute: en-US currency and grouping.
        var us = DashboardPage.Culture;
        await Expect(dashboard.Card("Total invoices")).ToContainTextAsync(count.ToString("N0", us));
        await Expect(dashboard.Card("Total amount")).ToContainTextAsync(total.ToString("C2", us));
        await Expect(dashboard.Card("Total VAT")).ToContainTextAsync(vat.ToString("C2", us));
        await Expect(dashboard.Card("Average invoice")).ToContainTextAsync(average.ToString("C2", us));

        // Every row: VAT is 15 % of the subtotal rounded half away from zero to the cent, total = subtotal + VAT,
        // and the row shows exactly what the database holds for that invoice.
        var rows = await dashboard.ReadRowsAsync();
        Assert.Equal(Enumerable.Range(1, 100).Reverse().Select(i => (long)i), rows.Select(r => r.Id));
        var stored = await StoredAsync(db);
        foreach (var row in rows)
        {
            Assert.Equal(Math.Round(row.Subtotal * 0.15m, 2, MidpointRounding.AwayFromZero), row.Vat);
            Assert.Equal(row.Subtotal + row.Vat, row.Total);
            var s = stored[row.Id];
            Assert.Equal((s.Number, s.Seller, s.Buyer, s.Subtotal, s.Vat, s.Total), (row.Number, row.Seller, row.Buyer, row.Subtotal, row.Vat, row.Total));
            Assert.Equal(s.Date.ToString("HH:mm:ss", CultureInfo.InvariantCulture), row.Date[^8..]);
        }

        Assert.Equal(total, rows.Sum(r => r.Total));
        Assert.Equal(vat, rows.Sum(r => r.Vat));
    });

    private static async Task<Dictionary<long, (string Number, DateTime Date, string Seller, string Buyer, decimal Subtotal, decimal Vat, decimal Total)>> StoredAsync(TestDatabase db)
    {
        var result = new Dictionary<long, (string, DateTime, string, string, decimal, decimal, decimal)>();
        await using var cmd = db.DataSource.CreateCommand(
            "SELECT id, invoice_number, invoice_date, seller_name, buyer_name, subtotal, vat_amount, total_amount FROM invoices");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetInt64(0)] = (reader.GetString(1), reader.GetDateTime(2).ToUniversalTime(), reader.GetString(3), reader.GetString(4),
                reader.GetDecimal(5), reader.GetDecimal(6), reader.GetDecimal(7));
        }

        return result;
    }
}
