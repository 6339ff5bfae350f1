using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;
using Npgsql;

namespace InvoiceMvc.Tests.Infrastructure.Persistence;

/// <summary>
/// The per-minute/hour/day buckets and the per-party-per-day rollup are kept by the invoices trigger in
/// the inserting transaction: after a run, after STOP, after a rolled-back insert and after the
/// migration's backfill they equal GROUP BY over invoices (no double count, no gap).
/// </summary>
public sealed class AnalyticsRollupTests
{
    /// <summary>Rows where the rollups and GROUP BY over invoices disagree (0 = equal), for every grain and both party kinds.</summary>
    internal const string MismatchSql = """
        WITH g(grain, unit) AS (VALUES (1::smallint, 'minute'), (2::smallint, 'hour'), (3::smallint, 'day')),
        expected AS (
            SELECT g.grain, date_trunc(g.unit, i.invoice_date, 'UTC') AS bucket_start, count(*) AS n,
                   sum(subtotal) AS s, sum(vat_amount) AS v, sum(total_amount) AS t, max(i.id) AS last
              FROM invoices i CROSS JOIN g GROUP BY 1, 2),
        buckets AS (
            SELECT count(*) AS bad FROM expected e FULL JOIN invoice_buckets b ON (b.grain, b.bucket_start) = (e.grain, e.bucket_start)
             WHERE (e.n, e.s, e.v, e.t, e.last) IS DISTINCT FROM (b.invoice_count, b.subtotal, b.vat_amount, b.total_amount, b.last_invoice_id)),
        party_expected AS (
            SELECT kind, (invoice_date AT TIME ZONE 'UTC')::date AS day, party_id, count(*) AS n,
                   sum(subtotal) AS s, sum(vat_amount) AS v, sum(total_amount) AS t
              FROM (SELECT 1::smallint AS kind, seller_id AS party_id, * FROM invoices
                    UNION ALL SELECT 2::smallint, buyer_id, * FROM invoices) x
             GROUP BY 1, 2, 3),
        parties AS (
            SELECT count(*) AS bad FROM party_expected e FULL JOIN party_days d ON (d.kind, d.day, d.party_id) = (e.kind, e.day, e.party_id)
             WHERE (e.n, e.s, e.v, e.t) IS DISTINCT FROM (d.invoice_count, d.subtotal, d.vat_amount, d.total_amount))
        SELECT (SELECT bad FROM buckets) + (SELECT bad FROM parties)
        """;

    [Fact]
    public async Task AfterARunAndAfterStop_TheBucketsAndPartyDays_EqualGroupByOverInvoices()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using (var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 100, seconds: 2)))
        {
            Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
            await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 3") == 1,
                TimeSpan.FromSeconds(30), "the run completes");
        }

        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT invoice_count FROM invoice_buckets WHERE grain = 3"));
        Assert.Equal(0L, await db.ScalarAsync<long>(MismatchSql));

        // A second run stopped part way: the rollups still equal the invoices that did commit.
        await using var slow = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 20, seconds: 60));
        Assert.IsType<StartResult.Started>(await slow.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 220,
            TimeSpan.FromSeconds(30), "the second run produces some invoices");
        await slow.StopGenerationAsync();
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 1") == 0,
            TimeSpan.FromSeconds(30), "the second run is stopped");

        var count = await db.ScalarAsync<long>("SELECT count(*) FROM invoices");
        Assert.InRange(count, 220L, 1399L);
        Assert.Equal(count, await db.ScalarAsync<long>("SELECT sum(invoice_count)::bigint FROM invoice_buckets WHERE grain = 1"));
        Assert.Equal(0L, await db.ScalarAsync<long>(MismatchSql));
    }

    [Fact]
    public async Task AnInsertThatRollsBack_LeavesNoTraceInTheRollups()
    {
        // A kill -9 mid-tick is a transaction that never commits: the rollups' rows go with the invoice.
        await using var db = await TestDatabase.CreateAsync();
        await ExplorerSeed.InvoicesAsync(db);
        var before = await db.ScalarAsync<string>("SELECT string_agg(grain || ':' || bucket_start || ':' || invoice_count, ',' ORDER BY grain, bucket_start) FROM invoice_buckets");

        await using (var connection = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO generation_runs (id, status, rate_per_second, target, produced, started_at) VALUES (3, 1, 1, 1, 0, now());
                INSERT INTO invoices (id, invoice_number, run_id, sequence, invoice_date, seller_id, buyer_id, subtotal, vat_rate, vat_amount, total_amount)
                SELECT 91, 'INV-0000091', 3, 1, timestamptz '2026-03-01 00:00:30+00', s.id, b.id, 100.00, 0.15, 15.00, 115.00
                  FROM parties s, parties b WHERE s.kind = 1 AND b.kind = 2 LIMIT 1;
                """, connection, tx);
            await cmd.ExecuteNonQueryAsync();
            Assert.True(await new NpgsqlCommand("SELECT count(*) FROM invoice_buckets WHERE last_invoice_id = 91", connection, tx).ExecuteScalarAsync() is 3L);
            await tx.RollbackAsync();
        }

        Assert.Equal(before, await db.ScalarAsync<string>("SELECT string_agg(grain || ':' || bucket_start || ':' || invoice_count, ',' ORDER BY grain, bucket_start) FROM invoice_buckets"));
        Assert.Equal(0L, await db.ScalarAsync<long>(MismatchSql));
    }

    [Fact]
    public async Task TheMigration_BackfillsTheRollups_FromInvoicesMadeBeforeIt()
    {
        await using var db = await TestDatabase.CreateAsync("20261202065640_InvoiceNumberIndexFastUpdateOff");
        await ExplorerSeed.InvoicesAsync(db);
        await db.MigrateAsync();

        Assert.Equal((long)ExplorerSeed.Count, await db.ScalarAsync<long>("SELECT sum(invoice_count)::bigint FROM invoice_buckets WHERE grain = 2"));
        Assert.Equal(0L, await db.ScalarAsync<long>(MismatchSql));
    }

    [Fact]
    public async Task ABucketThatIsNotAlignedToItsGrain_IsRefused()
    {
        await using var db = await TestDatabase.CreateAsync();
        var error = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync("""
            INSERT INTO invoice_buckets (grain, bucket_start, invoice_count, subtotal, vat_amount, total_amount, last_invoice_id)
            VALUES (2, timestamptz '2026-03-01 10:30:00+00', 1, 1.00, 0.15, 1.15, 1)
            """));
        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
    }
}
