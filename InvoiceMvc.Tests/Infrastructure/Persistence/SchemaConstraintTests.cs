using InvoiceMvc.Tests.Fixtures;
using Npgsql;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>PostgreSQL itself refuses invoices and runs that break the rules, whatever code writes them.</summary>
public sealed class SchemaConstraintTests : IAsyncLifetime
{
    private TestDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await TestDatabase.CreateAsync();
        await _db.ExecuteAsync("INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at) VALUES (1, 2, 5, 1500, 0, now())");
        await _db.ExecuteAsync("SELECT setval(pg_get_serial_sequence('generation_runs', 'id'), 1)");
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task AValidInvoice_IsAccepted()
    {
        await InsertInvoice(1, "INV-0000001", 1, subtotal: "100.00", vat: "15.00", total: "115.00");

        // The row reads back exactly as written: no trigger or default rewrote it, no rounding moved a cent.
        Assert.Equal("1|INV-0000001|1|1|A|B|100.00|0.1500|15.00|115.00", await _db.ScalarAsync<string>("""
            SELECT concat_ws('|', id, invoice_number, run_id, sequence, seller_name, buyer_name, subtotal, vat_rate, vat_amount, total_amount)
              FROM invoices
            """));
    }

    [Theory]
    [InlineData("100.00", "15.01", "115.01", "ck_invoices_vat_rounding")]
    [InlineData("0.30", "0.04", "0.34", "ck_invoices_vat_rounding")] // banker's rounding is wrong here
    [InlineData("100.00", "15.00", "115.01", "ck_invoices_total")]
    [InlineData("-100.00", "-15.00", "-115.00", "ck_invoices_subtotal_positive")]
    [InlineData("0.01", "0.00", "0.01", "ck_invoices_vat_positive")]
    public async Task AnInvoiceWithWrongAmounts_IsRejected(string subtotal, string vat, string total, string constraint)
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertInvoice(1, "INV-0000001", 1, subtotal, vat, total));
        Assert.Equal(PostgresErrorCodes.CheckViolation, ex.SqlState);
        Assert.Equal(constraint, ex.ConstraintName);
    }

    [Fact]
    public async Task AnInvoiceNumberThatDoesNotMatchItsId_IsRejected()
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertInvoice(2, "INV-0000001", 1));
        Assert.Equal("ck_invoices_number_matches_id", ex.ConstraintName);
    }

    [Fact]
    public async Task TheSameSequenceTwiceInARun_IsRejected()
    {
        await InsertInvoice(1, "INV-0000001", 1);
        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertInvoice(2, "INV-0000002", 1));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, ex.SqlState);
    }

    [Fact]
    public async Task TheSameNumberTwice_IsRejected()
    {
        await InsertInvoice(1, "INV-0000001", 1);
        var ex = await Assert.ThrowsAsync<PostgresException>(() => InsertInvoice(1, "INV-0000001", 2));
        Assert.Equal(PostgresErrorCodes.UniqueViolation, ex.SqlState);
    }

    [Fact]
    public async Task ASecondActiveRun_IsRejectedByTheDatabase()
    {
        await _db.ExecuteAsync("INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at) VALUES (1, 5, 1500, 0, now())");
        var ex = await Assert.ThrowsAsync<PostgresException>(() =>
            _db.ExecuteAsync("INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at) VALUES (1, 5, 1500, 0, now())"));
        Assert.Equal("ux_generation_runs_single_active", ex.ConstraintName);
    }

    [Fact]
    public async Task ARunCannotProduceMoreThanItsTarget()
    {
        var ex = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync("UPDATE generation_runs SET produced = 1501 WHERE id = 1"));
        Assert.Equal("ck_runs_produced_range", ex.ConstraintName);
    }

    [Fact]
    public async Task MoneyColumnsAreNumericTwelveTwo_NotFloatingPoint()
    {
        var types = await _db.ScalarAsync<string>("""
            SELECT string_agg(column_name || ':' || data_type || '(' || numeric_precision || ',' || numeric_scale || ')', ',' ORDER BY column_name)
              FROM information_schema.columns
             WHERE table_name = 'invoices' AND column_name IN ('subtotal', 'vat_amount', 'total_amount')
            """);
        Assert.Equal("subtotal:numeric(12,2),total_amount:numeric(12,2),vat_amount:numeric(12,2)", types);
    }

    private Task InsertInvoice(long id, string number, int sequence, string subtotal = "100.00", string vat = "15.00", string total = "115.00") =>
        _db.ExecuteAsync($"""
            {Seed.PartiesSql("A", "B")}
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
            VALUES ({id}, '{number}', 1, {sequence}, now(), {Seed.SellerId("A")}, {Seed.BuyerId("B")}, {subtotal}, 0.15, {vat}, {total});
            {Seed.LinesSql}
            """);
}
