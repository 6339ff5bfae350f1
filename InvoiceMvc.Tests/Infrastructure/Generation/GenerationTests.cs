using System.Diagnostics;
using Hangfire;
using InvoiceMvc.Infrastructure.Generation;
using InvoiceMvc.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace InvoiceMvc.Tests.Infrastructure.Generation;

/// <summary>
/// The generation pipeline after START: the real app, its Hangfire server, PostgreSQL and Redis, with
/// START and STOP called on <see cref="GenerationService"/> as the controller calls them (their HTTP
/// answers are tested in Web/Controllers).
/// </summary>
public sealed class GenerationTests
{
    [Fact]
    public async Task TwoRuns_ProduceGaplessSequentialNumbersAcrossRuns()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 100, seconds: 1));

        for (var run = 1; run <= 2; run++)
        {
            Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
            var expected = run * 100L;
            await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM generation_runs WHERE status = 3") == run,
                TimeSpan.FromSeconds(20), $"run {run} completes");
            Assert.Equal(expected, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        }

        // START begins generating at once: each run's first invoice within a few of the queue's 500 ms
        // polls of the press, never after Hangfire's default 15 s poll. (How fast exactly is a
        // benchmark's figure; a loaded CI machine can delay a pickup past one second.)
        var slowestStart = await db.ScalarAsync<double>("""
            SELECT max(extract(epoch FROM f.first - r.started_at))::float8
              FROM generation_runs r, LATERAL (SELECT min(created_at) AS first FROM invoices WHERE run_id = r.id) f
            """);
        Assert.InRange(slowestStart, 0, 5.0);

        // ids 1..200, numbers INV-0000001..INV-0000200, each run's sequences 1..100: no gap, no duplicate.
        Assert.Equal(0L, await db.ScalarAsync<long>("""
            SELECT count(*) FROM (
              SELECT id, invoice_number, sequence, run_id,
                     row_number() OVER (ORDER BY id) AS n,
                     row_number() OVER (PARTITION BY run_id ORDER BY id) AS s
                FROM invoices) x
             WHERE id <> n OR invoice_number <> 'INV-' || lpad(n::text, 7, '0') OR sequence <> s
            """));
        Assert.Equal(200L, await db.ScalarAsync<long>("SELECT invoice_count FROM invoice_stats"));
    }

    [Fact]
    public async Task Stop_NoInvoiceCommitsAfterStopReturns_AndTheJobEndsWellUnderASecond()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 50, seconds: 30));
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 25,
            TimeSpan.FromSeconds(20), "some invoices are produced");

        var stop = await app.StopGenerationAsync();
        var stoppedAt = Stopwatch.StartNew();

        Assert.IsType<StopResult.Stopped>(stop);
        var jobId = await db.ScalarAsync<string>("SELECT job_id FROM generation_runs");
        var monitoring = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Eventually.TrueAsync(() => Task.FromResult(monitoring.JobDetails(jobId).History.FirstOrDefault()?.StateName == "Succeeded"),
            TimeSpan.FromSeconds(5), "the Hangfire job ends");
        var jobEnded = stoppedAt.Elapsed;

        // Every invoice's commit precedes the commit of the STOP (track_commit_timestamp is on).
        Assert.True(await db.ScalarAsync<bool>("SELECT current_setting('track_commit_timestamp') = 'on'"));
        var committedAfterStop = await db.ScalarAsync<long>("""
            SELECT count(*) FROM invoices i, generation_runs r
             WHERE pg_xact_commit_timestamp(i.xmin) > pg_xact_commit_timestamp(r.xmin)
            """);
        Assert.Equal(0L, committedAfterStop);
        Assert.Equal(2, await db.ScalarAsync<short>("SELECT status FROM generation_runs"));
        var produced = await db.ScalarAsync<int>("SELECT produced FROM generation_runs");
        Assert.Equal((long)produced, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        Assert.True(produced < 1500);
        Assert.True(jobEnded < TimeSpan.FromSeconds(1), $"the job ended {jobEnded.TotalMilliseconds:0} ms after STOP returned");
    }

    [Fact]
    public async Task TwoAppsInOneProcess_EachRunTheirOwnJobsOnTheirOwnDatabase()
    {
        // Hangfire keeps a static JobStorage.Current; each app must still use its own storage.
        await using var dbA = await TestDatabase.CreateAsync();
        await using var dbB = await TestDatabase.CreateAsync();
        await using var appA = await AppFactory.CreateAsync(dbA, GenerationSettings.Fast(rate: 100, seconds: 1));
        await using var appB = await AppFactory.CreateAsync(dbB, GenerationSettings.Fast(rate: 50, seconds: 1));
        Assert.NotSame(appA.Services.GetRequiredService<JobStorage>(), appB.Services.GetRequiredService<JobStorage>());

        var starts = await Task.WhenAll(appA.StartGenerationAsync(), appB.StartGenerationAsync());
        Assert.All(starts, start => Assert.IsType<StartResult.Started>(start));

        await Eventually.TrueAsync(async () => await dbA.ScalarAsync<long>("SELECT count(*) FROM invoices") == 100
                && await dbB.ScalarAsync<long>("SELECT count(*) FROM invoices") == 50,
            TimeSpan.FromSeconds(20), "each app completes its own run");
    }

    [Fact]
    public async Task ARunWhoseInvoicesTheDatabaseRefuses_EndsFailed_AndIsNotResumedForever()
    {
        await using var db = await TestDatabase.CreateAsync();
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 50, seconds: 30));
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
        await Eventually.TrueAsync(async () => await db.ScalarAsync<long>("SELECT count(*) FROM invoices") >= 10, TimeSpan.FromSeconds(20), "invoices are produced");

        // From now on every insert breaks a rule, as a bug in the generator would.
        await db.ExecuteAsync("ALTER TABLE invoices ADD CONSTRAINT ck_test_refuse_all CHECK (false) NOT VALID");

        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 4, TimeSpan.FromSeconds(10), "the run ends failed");
        var produced = await db.ScalarAsync<int>("SELECT produced FROM generation_runs");
        Assert.Equal((long)produced, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        Assert.Equal((long)produced, await db.ScalarAsync<long>("SELECT invoice_count FROM invoice_stats"));
        // A failed run frees the slot: START works again.
        await db.ExecuteAsync("ALTER TABLE invoices DROP CONSTRAINT ck_test_refuse_all");
        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());
    }

    [Fact]
    public async Task ARunWhoseFirstInvoiceTheDatabaseRefuses_EndsFailedFromTheRehearsal_WithoutARetry()
    {
        await using var db = await TestDatabase.CreateAsync();
        await db.ExecuteAsync("ALTER TABLE invoices ADD CONSTRAINT ck_test_refuse_all CHECK (false) NOT VALID");
        await using var app = await AppFactory.CreateAsync(db, GenerationSettings.Fast(rate: 50, seconds: 30));

        Assert.IsType<StartResult.Started>(await app.StartGenerationAsync());

        await Eventually.TrueAsync(async () => await db.ScalarAsync<short>("SELECT status FROM generation_runs") == 4, TimeSpan.FromSeconds(20), "the run ends failed");
        Assert.Equal(0, await db.ScalarAsync<int>("SELECT produced FROM generation_runs"));
        Assert.Equal(0L, await db.ScalarAsync<long>("SELECT count(*) FROM invoices"));
        // The job itself succeeded (it ended the run): Hangfire has nothing to retry.
        var jobId = await db.ScalarAsync<string>("SELECT job_id FROM generation_runs");
        var monitoring = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Eventually.TrueAsync(() => Task.FromResult(monitoring.JobDetails(jobId).History.FirstOrDefault()?.StateName == "Succeeded"),
            TimeSpan.FromSeconds(10), "the Hangfire job succeeds");
        Assert.DoesNotContain(monitoring.JobDetails(jobId).History, h => h.StateName is "Failed" or "Scheduled");
    }
}
