using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>A database with invoices from before parties existed keeps them all, now referencing parties, with rollups.</summary>
public sealed class PartiesMigrationTests
{
    [Fact]
    public async Task InvoicesMadeBeforeParties_GetPartiesFromTheirNames_AndRollupsThatEqualSql()
    {
        await using var db = await TestDatabase.CreateAsync(upToMigration: "20261123071314_SignInAuditAndKeys");
        await db.ExecuteAsync("""
            INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at, ended_at) VALUES (1, 3, 1, 3, 3, now(), now());
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_name, buyer_name, subtotal, vat_rate, vat_amount, total_amount)
            VALUES (1, 'INV-0000001', 1, 1, now(), 'Acme', 'Bob', 100.00, 0.15, 15.00, 115.00),
                   (2, 'INV-0000002', 1, 2, now(), 'Acme', 'Carol', 10.00, 0.15, 1.50, 11.50),
                   (3, 'INV-0000003', 1, 3, now(), 'Bob', 'Bob', 20.00, 0.15, 3.00, 23.00);
            """);

        await db.MigrateAsync();

        // "Bob" buys and sells: one party of each kind.
        Assert.Equal("1:Acme,1:Bob,2:Bob,2:Carol", await db.ScalarAsync<string>("SELECT string_agg(kind || ':' || name, ',' ORDER BY kind, name) FROM parties"));
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM invoices i JOIN parties s ON s.id = i.seller_id JOIN parties b ON b.id = i.buyer_id
             WHERE s.kind <> 1 OR b.kind <> 2 OR s.name <> i.seller_name OR b.name <> i.buyer_name
            """));
        Assert.Equal("1:Acme:2:126.50:2,1:Bob:1:23.00:3,2:Bob:2:138.00:3,2:Carol:1:11.50:2", await db.ScalarAsync<string>("""
            SELECT string_agg(p.kind || ':' || p.name || ':' || t.invoice_count || ':' || t.total_amount || ':' || t.last_invoice_id, ',' ORDER BY p.kind, p.name)
              FROM party_totals t JOIN parties p ON p.id = t.party_id
            """));
        Assert.Equal("130.00|19.50|149.50", await db.ScalarAsync<string>("SELECT concat_ws('|', subtotal, vat_amount, total_amount) FROM generation_runs"));
    }
}
