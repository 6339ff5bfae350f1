using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

/// <summary>Timing-sensitive: runs in the serial collection, not beside dozens of other apps.</summary>
[Collection(nameof(SerialCollection))]
public sealed class CatchUpTests
{
    [Fact]
    public async Task AfterASlowCommit_TheJobCatchesUp_WithoutExceedingTheTargetOrMovingTheEnd()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 50, seconds: 4)); // 200 invoices over 3.98 s
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 20, TimeSpan.FromSeconds(20), "the run is under way");

        // Hold the stats row for a second: the next commit waits, as behind a slow disk.
        await using (var blocker = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await blocker.BeginTransactionAsync())
        {
            await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT 1 FROM invoice_stats WHERE id = 1 FOR UPDATE", blocker, tx))
            {
                await lockRow.ExecuteNonQueryAsync();
            }

            await Task.Delay(TimeSpan.FromSeconds(1)); // the stall being simulated, not a wait for a result
            await tx.CommitAsync();
        }

        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3, TimeSpan.FromSeconds(20), "the run completes");
        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        // The end stays where the schedule put it (first + 199/50 = 3.98 s): had the 1 s stall shifted
        // the schedule, it would be ~4.98 s. The upper bound sits between the two, leaving room for a
        // busy machine's scheduling noise.
        var span = await db.ScalarAsync<double>("SELECT extract(epoch FROM max(pg_xact_commit_timestamp(xmin)) - min(pg_xact_commit_timestamp(xmin)))::float8 FROM invoices");
        Assert.InRange(span, 3.98 - 0.15, 3.98 + 0.85);
        // ...because the stalled ticks were produced back to back afterwards (a burst of >= 20 in 200 ms).
        var burst = await db.ScalarAsync<long>("""
            SELECT max(n) FROM (
              SELECT count(*) OVER (ORDER BY pg_xact_commit_timestamp(xmin) RANGE BETWEEN CURRENT ROW AND interval '200 milliseconds' FOLLOWING) AS n
                FROM invoices) x
            """);
        Assert.True(burst >= 20, $"largest number of commits within 200 ms: {burst}");
    }

}
