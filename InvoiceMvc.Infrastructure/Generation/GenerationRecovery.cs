using Hangfire;
using InvoiceMvc.Infrastructure.Persistence;
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
    GenerationRunStore runs,
    IBackgroundJobClient jobs,
    ILogger<GenerationRecovery> logger) : BackgroundService
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(2);

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
        var orphans = await runs.OrphansAsync(GenerationJob.AdvisoryLockNamespace, cancellationToken);
        foreach (var runId in orphans)
        {
            if (await runs.LoadAsync(runId, cancellationToken) is not { } run)
            {
                continue;
            }

            var jobId = jobs.Enqueue<GenerationJob>(job => job.RunAsync(runId, run.RatePerSecond, run.Target, CancellationToken.None));
            await runs.SetJobIdAsync(runId, jobId, cancellationToken);
            logger.LogWarning("Run {RunId} was orphaned (its process died); resumed as job {JobId}", runId, jobId);
        }

        return orphans;
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
