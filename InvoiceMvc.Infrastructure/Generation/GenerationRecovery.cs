using Hangfire;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>
/// Resumes runs that are marked running but that no process is producing (the process that ran
/// the job was killed). Checks at start-up and every few seconds. "Nobody is producing" is read
/// from the job's advisory lock, which PostgreSQL releases as soon as the dead process's
/// connection closes, so recovery does not wait for Hangfire's 30-minute invisibility timeout.
/// </summary>
public sealed class GenerationRecovery(
    NpgsqlDataSource dataSource,
    IBackgroundJobClient jobs,
    ILogger<GenerationRecovery> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

    // Running, silent for a while (a fresh run's job may still be in the queue), and nobody holds its
    // lock. MATERIALIZED so the lock is only tried on those candidates: in a plain WHERE the planner
    // may call pg_try_advisory_lock first and leave locks behind on runs it then filters out.
    private const string OrphansSql = """
        WITH candidates AS MATERIALIZED (
            SELECT id FROM generation_runs
             WHERE status = 1
               AND coalesce(last_tick_at, started_at) < now() - make_interval(secs => greatest(2.0, 3.0 / rate_per_second)))
        SELECT id FROM candidates WHERE pg_try_advisory_lock(@ns, id::int)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval);
        do
        {
            try
            {
                await ResumeOrphansAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Could not check for orphaned runs: {Error}", ex.Message);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    public async Task<IReadOnlyList<long>> ResumeOrphansAsync(CancellationToken cancellationToken)
    {
        var resumed = new List<long>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var cmd = new NpgsqlCommand(OrphansSql, connection))
        {
            cmd.Parameters.AddWithValue("ns", GenerationJob.AdvisoryLockNamespace);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await r.ReadAsync(cancellationToken))
            {
                resumed.Add(r.GetInt64(0));
            }
        }

        // Let go of the probe locks before enqueuing, so the new jobs can take them.
        await using (var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", connection))
        {
            await unlock.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var runId in resumed)
        {
            var jobId = jobs.Enqueue<GenerationJob>(job => job.RunAsync(runId, CancellationToken.None));
            await using var update = new NpgsqlCommand("UPDATE generation_runs SET job_id = @job, last_tick_at = now() WHERE id = @run", connection);
            update.Parameters.AddWithValue("job", jobId);
            update.Parameters.AddWithValue("run", runId);
            await update.ExecuteNonQueryAsync(cancellationToken);
            logger.LogWarning("Run {RunId} was orphaned (its process died); resumed as job {JobId}", runId, jobId);
        }

        return resumed;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken token)
    {
        try
        {
            return await timer.WaitForNextTickAsync(token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
