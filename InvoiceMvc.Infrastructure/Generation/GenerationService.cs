using Hangfire;
using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>START and STOP. Both are decided by PostgreSQL, so they hold across web instances.</summary>
public sealed class GenerationService(
    GenerationRunStore runs,
    IBackgroundJobClient jobs,
    IOptions<GenerationOptions> options,
    ILogger<GenerationService> logger)
{
    public async Task<StartResult> StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var run = await runs.StartAsync(o.RatePerSecond, o.Target, cancellationToken);
        if (run is null)
        {
            return new StartResult.AlreadyRunning(await runs.ActiveRunIdAsync(cancellationToken) ?? 0);
        }

        string jobId;
        try
        {
            jobId = jobs.Enqueue<GenerationJob>(job => job.RunAsync(run.Id, run.RatePerSecond, run.Target, CancellationToken.None));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not enqueue the generation job for run {RunId}; marking it failed", run.Id);
            await runs.EndAsync(run.Id, RunStatus.Failed, CancellationToken.None);
            throw;
        }

        await runs.SetJobIdAsync(run.Id, jobId, cancellationToken);
        logger.LogInformation("Run {RunId} started: {Target} invoices at {Rate}/s, job {JobId}", run.Id, o.Target, o.RatePerSecond, jobId);
        return new StartResult.Started(run);
    }

    /// <summary>
    /// Stops the active run. When this returns, no further invoice of that run can commit: every
    /// tick re-checks the status under the same row lock this update takes.
    /// </summary>
    public async Task<StopResult> StopAsync(CancellationToken cancellationToken)
    {
        var runId = await runs.ActiveRunIdAsync(cancellationToken);
        var run = runId is null ? null : await runs.EndAsync(runId.Value, RunStatus.Stopped, cancellationToken);
        if (run is null)
        {
            return new StopResult.NothingRunning();
        }

        logger.LogInformation("Run {RunId} stopped at {Produced} of {Target}", run.Id, run.Produced, run.Target);
        return new StopResult.Stopped(run);
    }
}
