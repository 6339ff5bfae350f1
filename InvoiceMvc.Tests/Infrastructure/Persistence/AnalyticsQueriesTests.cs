using InvoiceMvc.Domain.Analytics;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>The analytics reads after a real run (40 sellers, 2,000 buyers): each equals SQL over the invoices.</summary>
public sealed class AnalyticsQueriesTests
{
    [Fact]
    public async Task AfterARun_TheBucketsTotalsAndTopTen_EqualSqlOverInvoices_ByEitherRankingPath()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 100, seconds: 3));
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 3") == 1,
            TimeSpan.FromSeconds(30), "the run completes");
        // One older invoice on another day, so "today" is not all time and the ranking reads party_days.
        await db.ExecuteAsync("""
            INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at, ended_at) VALUES (99, 3, 1, 1, 1, now(), now());
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
            SELECT 1000000, 'INV-1000000', 99, 1, now() - interval '3 days', s.id, b.id, 9999.00, 0.15, 1499.85, 11498.85
              FROM parties s, parties b WHERE s.kind = 1 AND b.kind = 2 ORDER BY s.id, b.id LIMIT 1;
            INSERT INTO invoice_lines (invoice_id, line_no, description, quantity, unit_price, amount) SELECT i.id, 1, 'Goods', 1, i.subtotal, i.subtotal FROM invoices i WHERE NOT EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id);
            """);
        var queries = app.Services.GetRequiredService<AnalyticsQueries>();
        var today = DateOnly.FromDateTime(await db.ScalarAsync<DateTime>("SELECT (now() AT TIME ZONE 'UTC')::date::timestamp"));

        foreach (var (range, where) in new[]
        {
            (new AnalyticsRange(today, today), "invoice_date >= (now() AT TIME ZONE 'UTC')::date::timestamp AT TIME ZONE 'UTC'"),
            (new AnalyticsRange(today.AddDays(-5), today), "true"),
        })
        {
            var data = await queries.ReadAsync(range, Bucket.Minute, CancellationToken.None);
            Assert.Equal(await db.ScalarAsync<long>($"SELECT count(*) FROM invoices WHERE {where}"), data.Current.Count);
            Assert.Equal(await db.ScalarAsync<decimal>($"SELECT sum(total_amount) FROM invoices WHERE {where}"), data.Current.Total);
            Assert.Equal(data.Current.Count, data.Buckets.Sum(b => b.Totals.Count));
            Assert.Equal(await db.ScalarAsync<long>("SELECT last_invoice_id FROM invoice_stats"), data.AsOf);

            foreach (var (ranks, column) in new[] { (data.TopSellers, "seller_id"), (data.TopBuyers, "buyer_id") })
            {
                var expected = await db.ScalarAsync<string>($"""
                    SELECT string_agg(p || ':' || t, ',' ORDER BY t DESC, p) FROM (
                        SELECT {column} AS p, sum(total_amount) AS t FROM invoices WHERE {where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10) x
                    """);
                Assert.Equal(expected, string.Join(',', ranks.Select(r => FormattableString.Invariant($"{r.PartyId}:{r.Total}"))));
            }
        }
    }
}
