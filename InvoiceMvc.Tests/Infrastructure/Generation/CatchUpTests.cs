using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

/// <summary>
/// The real-time companion of GenerationJobClockTests (which pins the catch-up exactly on a fake
/// clock): a real 3 s stall of a real commit at 10/s. The rate is low and the stall long so that a
/// machine loaded far past its cores (which slows a 50/s run by seconds) cannot be mistaken for a
/// schedule that moved. Runs in the serial collection, not beside dozens of other apps.
/// </summary>
[Collection(nameof(SerialCollection))]
public sealed class CatchUpTests
{
    [Fact]
    public async Task AfterASlowCommit_TheJobCatchesUp_WithoutExceedingTheTargetOrMovingTheEnd()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 10, seconds: 8)); // 80 invoices over 7.9 s
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 10, TimeSpan.FromSeconds(20), "the run is under way");

        // Hold the stats row for 3 s: the next commit waits, as behind a slow disk.
        await using (var blocker = await db.DataSource.OpenConnectionAsync())
        await using (var tx = await blocker.BeginTransactionAsync())
        {
            await using (var lockRow = new Npgsql.NpgsqlCommand("SELECT 1 FROM invoice_stats WHERE id = 1 FOR UPDATE", blocker, tx))
            {
                await lockRow.ExecuteNonQueryAsync();
            }

            await Task.Delay(TimeSpan.FromSeconds(3)); // the stall being simulated, not a wait for a result
            await tx.CommitAsync();
        }

        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 3, TimeSpan.FromSeconds(20), "the run completes");
        Assert.Equal(80L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        // The end stays where the schedule put it (first + 79/10 = 7.9 s): had the 3 s stall shifted
        // the schedule, it would be ~10.9 s. The upper bound sits between the two, leaving 1.5 s for a
        // busy machine's scheduling noise; the lower one allows a late first commit (the span is measured
        // from it, the schedule from the anchor) and still refuses a run that outpaces its rate.
        var span = await db.ScalarAsync<double>("SELECT extract(epoch FROM max(pg_xact_commit_timestamp(xmin)) - min(pg_xact_commit_timestamp(xmin)))::float8 FROM invoices");
        Assert.InRange(span, 7.9 - 1.0, 7.9 + 1.5);
        // ...because the ~30 stalled ticks were produced back to back afterwards: 20 or more within one
        // second, where the schedule alone allows 10.
        var burst = await db.ScalarAsync<long>("""
            SELECT max(n) FROM (
              SELECT count(*) OVER (ORDER BY pg_xact_commit_timestamp(xmin) RANGE BETWEEN CURRENT ROW AND interval '1 second' FOLLOWING) AS n
                FROM invoices) x
            """);
        Assert.True(burst >= 20, $"largest number of commits within 1 s: {burst}");
    }

}
