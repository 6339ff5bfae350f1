using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;
using Npgsql;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>
/// Invoices reference parties, the database fills in the parties' names and keeps the per-party and
/// per-run rollups in the inserting transaction: after a real run they equal GROUP BY over invoices.
/// </summary>
public sealed class PartyRollupTests
{
    [Fact]
    public async Task AfterARun_EveryInvoiceNamesItsParties_AndThePartyAndRunRollupsEqualSql()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 100, seconds: 2));
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 3") == 1,
            TimeSpan.FromSeconds(30), "the run completes");

        Assert.Equal(40L, await db.ScalarAsync<long>("SELECT count(*) FROM parties WHERE kind = 1"));
        Assert.Equal(2_000L, await db.ScalarAsync<long>("SELECT count(*) FROM parties WHERE kind = 2"));
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM invoices i
              JOIN parties s ON s.id = i.seller_id JOIN parties b ON b.id = i.buyer_id
             WHERE s.kind <> 1 OR b.kind <> 2 OR i.seller_name <> s.name OR i.buyer_name <> b.name
            """));
        // More than one seller is used: the pool, not one name.
        Assert.True(await db.ScalarAsync<long>("SELECT count(DISTINCT seller_id) FROM invoices") > 5);

        Assert.Equal(0L, await db.ScalarAsync<long>("""
            WITH expected AS (
                SELECT party_id, count(*) AS n, sum(subtotal) AS s, sum(vat_amount) AS v, sum(total_amount) AS t, max(id) AS last
                  FROM (SELECT seller_id AS party_id, * FROM invoices UNION ALL SELECT buyer_id, * FROM invoices) x
                 GROUP BY party_id)
            SELECT count(*) FROM expected e FULL JOIN party_totals p ON p.party_id = e.party_id
             WHERE p.party_id IS NULL OR e.party_id IS NULL
                OR (e.n, e.s, e.v, e.t, e.last) IS DISTINCT FROM (p.invoice_count, p.subtotal, p.vat_amount, p.total_amount, p.last_invoice_id)
            """));
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM generation_runs r,
                   LATERAL (SELECT count(*)::int AS n, sum(subtotal) AS s, sum(vat_amount) AS v, sum(total_amount) AS t FROM invoices WHERE run_id = r.id) e
             WHERE (r.produced, r.subtotal, r.vat_amount, r.total_amount) IS DISTINCT FROM (e.n, e.s, e.v, e.t)
            """));
    }

    [Theory]
    [InlineData("seller_id", "buyer")]
    [InlineData("buyer_id", "seller")]
    public async Task AnInvoiceWhosePartyIsOfTheWrongKind_IsRefused(string column, string wrongKind)
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync($"""
            {Seed.PartiesSql("A", "B")}
            INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at) VALUES (1, 2, 1, 1, 0, now());
            """);
        var wrong = wrongKind == "buyer" ? Seed.BuyerId("B") : Seed.SellerId("A");
        var seller = column == "seller_id" ? wrong : Seed.SellerId("A");
        var buyer = column == "buyer_id" ? wrong : Seed.BuyerId("B");

        var error = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync($"""
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
            VALUES (1, 'INV-0000001', 1, 1, now(), {seller}, {buyer}, 100.00, 0.15, 15.00, 115.00)
            """));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM party_totals"));
    }

    [Fact]
    public async Task NamesOnTheInvoice_AreThePartys_WhateverTheInsertSays()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync($"""
            {Seed.PartiesSql("A", "B")}
            INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at) VALUES (1, 2, 1, 1, 0, now());
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, seller_name, buyer_name, subtotal, vat_rate, vat_amount, total_amount)
            VALUES (1, 'INV-0000001', 1, 1, now(), {Seed.SellerId("A")}, {Seed.BuyerId("B")}, 'Forged', 'Forged', 100.00, 0.15, 15.00, 115.00);
            {Seed.LinesSql}
            """);

        Assert.Equal("A|B", await db.ScalarAsync<string>("SELECT seller_name || '|' || buyer_name FROM invoices"));
        Assert.Equal(2L, await db.ScalarAsync<long>("SELECT count(*) FROM party_totals WHERE invoice_count = 1 AND total_amount = 115.00"));
    }
}
