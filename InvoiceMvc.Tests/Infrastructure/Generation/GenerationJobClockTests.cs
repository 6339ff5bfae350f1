using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

/// <summary>
/// The generation job on a fake clock: every invoice's date is the clock's time when it committed,
/// so the drift-free schedule and the catch-up after a stall are checked exact to the tick. The
/// wall-clock catch-up test stays as the real-time smoke test.
/// </summary>
public sealed class GenerationJobClockTests
{
    private const int Rate = 50; // a tick every 20 ms
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(20);

    [Fact]
    public async Task TicksCommitExactlyWhenDue_AStallIsCaughtUpInOneBurst_AndTheEndStaysOnSchedule()
    {
        var anchor = new DateTimeOffset(DateTimeOffset.UtcNow.Year, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var clock = new FakeTimeProvider(anchor);
        await using var db = await TestDatabase.CreateAsync();
        var settings = GenerationSettings.Fast(Rate, seconds: 4); // 200 invoices, the last due at +3.98 s
        settings["Hangfire:ServerEnabled"] = "false"; // the test runs the job itself, on its clock
        await using var app = new AppFactory(db, await TestServers.RedisAsync(), $"c{Guid.NewGuid():N}:", settings) { Clock = clock };
        var services = app.Services;

        long runId;
        await using (var scope = services.CreateAsyncScope())
        {
            var started = await scope.ServiceProvider.GetRequiredService<GenerationService>().StartAsync(CancellationToken.None);
            runId = started.Match(s => s.Run.Id, a => throw new InvalidOperationException($"run {a.RunId} was already active"));
        }

        await using var jobScope = services.CreateAsyncScope();
        var job = jobScope.ServiceProvider.GetRequiredService<GenerationJob>().RunAsync(runId, 5, 1500, CancellationToken.None);

        // Ticks 1-20 one at a time: each commits when the clock reaches its due time, not before.
        for (var n = 1; n <= 20; n++)
        {
            clock.SetUtcNow(anchor + (n - 1) * Tick);
            await WaitForCountAsync(db, n);
        }

        // A one-second stall (nothing ran while the clock moved on): every tick due by now commits at
        // once, and not one more.
        var afterStall = anchor + (19 * Tick) + TimeSpan.FromSeconds(1);
        clock.SetUtcNow(afterStall);
        var due = (int)((afterStall - anchor).Ticks / Tick.Ticks) + 1; // 70
        await WaitForCountAsync(db, due);

        for (var n = due + 1; n <= 200; n++)
        {
            clock.SetUtcNow(anchor + (n - 1) * Tick);
            await WaitForCountAsync(db, n);
        }

        await job.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(3, await db.ScalarAsync<short>("SELECT status FROM generation_runs WHERE id = @id", ("id", runId)));

        var dates = await InvoiceDatesAsync(db);
        Assert.Equal(200, dates.Count);
        for (var n = 1; n <= 200; n++)
        {
            var expected = n is > 20 and <= 70 ? afterStall : anchor + (n - 1) * Tick;
            Assert.True(dates[n - 1] == expected, $"invoice {n} committed at +{(dates[n - 1] - anchor).TotalMilliseconds} ms, expected +{(expected - anchor).TotalMilliseconds} ms");
        }

        // The stall moved nothing after it: the last invoice is where the schedule put it.
        Assert.Equal(anchor + TimeSpan.FromMilliseconds(3980), dates[^1]);
    }

    private static Task WaitForCountAsync(TestDatabase db, long n) =>
        Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= n, TimeSpan.FromSeconds(30), $"invoice {n} committed", TimeSpan.FromMilliseconds(5));

    private static async Task<List<DateTimeOffset>> InvoiceDatesAsync(TestDatabase db)
    {
        await using var cmd = db.DataSource.CreateCommand("SELECT invoice_date FROM invoices ORDER BY sequence");
        await using var r = await cmd.ExecuteReaderAsync();
        var dates = new List<DateTimeOffset>();
        while (await r.ReadAsync())
        {
            dates.Add(r.GetFieldValue<DateTimeOffset>(0));
        }

        return dates;
    }
}
