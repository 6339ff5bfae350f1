using System.Globalization;
using System.Net;
using System.Text;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Web.Invoices;

/// <summary>
/// A 100,000-row export (about 40 MB: long party names) streams in constant memory. The check is
/// built to hold on a loaded machine, with no clock in it: the test reads the first 64 KiB and then
/// stops reading. An export that streams must then stall with almost all rows unsent, and two
/// things can be seen while it does: (1) PostgreSQL itself waits for the app to take rows
/// (pg_stat_activity: the export's query active, wait_event ClientWrite), so the app is not
/// draining the result set into memory; (2) the live managed heap (after a full GC) is larger than
/// before the request by far less than the file. A buffering export would have read every row
/// (the query finished) and hold them all (more than the file) before its first byte.
/// Then the rest is read and the totals row checked against SQL.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class InvoiceCsvStreamingTests
{
    private const int Rows = 100_000;
    private const long HeapBound = 16L * 1024 * 1024;

    [Fact]
    public async Task A100kRowExport_StreamsWithoutHoldingTheRows_AndEndsWithTotalsEqualToSql()
    {
        await using var db = await TestDatabase.CreateAsync();
        // Without the rollup trigger: 100,000 updates of the same run and party rows in one transaction grow a
        // version chain each later update walks (quadratic). The export reads no rollup; the names are still filled.
        await using (var seed = db.DataSource.CreateCommand($"""
            INSERT INTO parties (name, kind)
            SELECT 'Seller ' || g || ' ' || repeat('s', 200), 1 FROM generate_series(1, 10) g
            UNION ALL SELECT 'Buyer ' || g || ' ' || repeat('b', 200), 2 FROM generate_series(1, 10) g;
            INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at, ended_at)
            VALUES (1, 3, 1, {Rows}, {Rows}, now(), now());
            -- The export reads invoices only: the rollups' and the ledger's per-row work (and the lines' commit-time
            -- check of 100,000 invoices) is left out of the bulk load; the lines written do sum to each subtotal.
            ALTER TABLE invoices DISABLE TRIGGER trg_invoices_rollups;
            ALTER TABLE invoices DISABLE TRIGGER trg_invoices_post_issue;
            ALTER TABLE invoices DISABLE TRIGGER trg_invoices_lines_sum;
            ALTER TABLE invoice_lines DISABLE TRIGGER trg_invoice_lines_sum;
            INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
            WITH p AS (SELECT array(SELECT id FROM parties WHERE kind = 1 ORDER BY id) AS sellers,
                              array(SELECT id FROM parties WHERE kind = 2 ORDER BY id) AS buyers)
            SELECT g, 'INV-' || lpad(g::text, 7, '0'), 1, g, now() - make_interval(secs => {Rows} - g),
                   p.sellers[g % 10 + 1], p.buyers[g % 10 + 1], s, 0.15, round(s * 0.15, 2), s + round(s * 0.15, 2)
              FROM p, generate_series(1, {Rows}) g, LATERAL (SELECT round((g % 997) * 1.37 + 1, 2)::numeric(12,2) AS s) a;
            {Seed.LinesSql}
            ALTER TABLE invoices ENABLE TRIGGER trg_invoices_rollups;
            ALTER TABLE invoices ENABLE TRIGGER trg_invoices_post_issue;
            ALTER TABLE invoices ENABLE TRIGGER trg_invoices_lines_sum;
            ALTER TABLE invoice_lines ENABLE TRIGGER trg_invoice_lines_sum;
            """))
        {
            seed.CommandTimeout = 300;
            await seed.ExecuteNonQueryAsync();
        }

        await using var app = await AppFactory.CreateAsync(db);
        var address = app.StartOnRealPort();
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(5) };
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        using var response = await client.GetAsync("/invoices/export.csv?sort=number&dir=asc", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync();
        var first = new byte[64 * 1024];
        await body.ReadExactlyAsync(first);
        var start = Encoding.UTF8.GetString(first);
        Assert.StartsWith("invoice_number,invoice_date,seller,buyer,", start, StringComparison.Ordinal);

        // (1) The database is held back by the unread response: the rows are still in PostgreSQL, not in the app.
        await Eventually.TrueAsync(
            async () => await db.ScalarAsync<long>($"""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = '{db.Name}' AND state = 'active' AND wait_event = 'ClientWrite' AND query LIKE '%FROM invoices i%ORDER BY i.id ASC%'
                """) == 1,
            TimeSpan.FromSeconds(60), "PostgreSQL waits for the app to take more of the export's rows");
        // (2) Meanwhile the app holds a few buffers, not the rows.
        var held = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        Assert.True(held < HeapBound, $"the live heap grew by {held:N0} bytes during the export (bound {HeapBound:N0}; the file is ~40 MB)");

        // The rest: every row once, in order, and the totals row equals SQL.
        using var reader = new StreamReader(body, Encoding.UTF8);
        var rest = await reader.ReadToEndAsync();
        var records = Rfc4180.Parse(start + rest);
        Assert.True(Encoding.UTF8.GetByteCount(start + rest) > 30_000_000, "the file is far larger than the heap bound");
        Assert.Equal(Rows + 2, records.Count);
        Assert.Equal("INV-0000001", records[1][0]);
        Assert.Equal("INV-0100000", records[^2][0]);
        var subtotal = await db.ScalarAsync<decimal>("SELECT sum(subtotal) FROM invoices");
        var vat = await db.ScalarAsync<decimal>("SELECT sum(vat_amount) FROM invoices");
        var total = await db.ScalarAsync<decimal>("SELECT sum(total_amount) FROM invoices");
        var due = await db.ScalarAsync<decimal>("SELECT sum(total_amount - paid_amount) FROM invoices WHERE voided_at IS NULL");
        Assert.Equal(["TOTAL", Rows.ToString(CultureInfo.InvariantCulture), "", "", subtotal.ToString(CultureInfo.InvariantCulture), "",
                      vat.ToString(CultureInfo.InvariantCulture), total.ToString(CultureInfo.InvariantCulture), "", "", "", "0.00",
                      due.ToString(CultureInfo.InvariantCulture), ""], records[^1]);
    }
}
