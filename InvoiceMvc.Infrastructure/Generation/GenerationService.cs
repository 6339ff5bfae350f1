using Hangfire;
using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Infrastructure.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Generation;

public abstract record StartResult
{
    public sealed record Started(RunSnapshot Run) : StartResult;
    public sealed record AlreadyRunning(long RunId) : StartResult;
}

public abstract record StopResult
{
    public sealed record Stopped(RunSnapshot Run) : StopResult;
    public sealed record NothingRunning : StopResult;
}

/// <summary>START and STOP. Both are decided by PostgreSQL, so they hold across web instances.</summary>
public sealed class GenerationService(
    NpgsqlDataSource dataSource,
    IBackgroundJobClient jobs,
    IOptions<GenerationOptions> options,
    TimeProvider time,
    ILogger<GenerationService> logger)
{
    public async Task<StartResult> StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        long runId;
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var tx = await connection.BeginTransactionAsync(cancellationToken))
        {
            try
            {
                await using var insert = new NpgsqlCommand("""
                    INSERT INTO generation_runs (status, rate_per_second, target, produced, started_at)
                    VALUES (1, @rate, @target, 0, @now) RETURNING id
                    """, connection, tx);
                insert.Parameters.AddWithValue("rate", o.RatePerSecond);
                insert.Parameters.AddWithValue("target", o.Target);
                insert.Parameters.AddWithValue("now", time.GetUtcNow());
                runId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "ux_generation_runs_single_active" })
            {
                await tx.RollbackAsync(cancellationToken);
                return new StartResult.AlreadyRunning(await ActiveRunIdAsync(cancellationToken) ?? 0);
            }

            await NotifyAsync(connection, tx, cancellationToken);
            await tx.CommitAsync(cancellationToken);
        }

        string jobId;
        try
        {
            jobId = jobs.Enqueue<GenerationJob>(job => job.RunAsync(runId, CancellationToken.None));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not enqueue the generation job for run {RunId}; marking it failed", runId);
            await EndAsync(runId, RunStatus.Failed, CancellationToken.None);
            throw;
        }

        await using (var update = dataSource.CreateCommand("UPDATE generation_runs SET job_id = @job WHERE id = @run"))
        {
            update.Parameters.AddWithValue("job", jobId);
            update.Parameters.AddWithValue("run", runId);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        logger.LogInformation("Run {RunId} started: {Target} invoices at {Rate}/s, job {JobId}", runId, o.Target, o.RatePerSecond, jobId);
        var state = await new LiveStateStore(dataSource, time).ReadAsync(cancellationToken);
        return new StartResult.Started(state.Run!);
    }

    /// <summary>
    /// Stops the active run. When this returns, no further invoice of that run can commit: every
    /// tick re-checks the status under the same row lock this update takes.
    /// </summary>
    public async Task<StopResult> StopAsync(CancellationToken cancellationToken)
    {
        var runId = await ActiveRunIdAsync(cancellationToken);
        if (runId is null)
        {
            return new StopResult.NothingRunning();
        }

        var run = await EndAsync(runId.Value, RunStatus.Stopped, cancellationToken);
        if (run is null)
        {
            return new StopResult.NothingRunning();
        }

        logger.LogInformation("Run {RunId} stopped at {Produced} of {Target}", run.Id, run.Produced, run.Target);
        return new StopResult.Stopped(run);
    }

    /// <summary>Moves a running run to a final state, atomically with the wake-up; null if it was not running.</summary>
    public async Task<RunSnapshot?> EndAsync(long runId, RunStatus status, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var update = new NpgsqlCommand(
            "UPDATE generation_runs SET status = @status, ended_at = now() WHERE id = @run AND status = 1", connection, tx))
        {
            update.Parameters.AddWithValue("status", (short)status);
            update.Parameters.AddWithValue("run", runId);
            if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await tx.RollbackAsync(cancellationToken);
                return null;
            }
        }

        var state = await NotifyAsync(connection, tx, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return state.Run;
    }

    public async Task<long?> ActiveRunIdAsync(CancellationToken cancellationToken)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id FROM generation_runs WHERE status = 1");
        return await cmd.ExecuteScalarAsync(cancellationToken) is long id ? id : null;
    }

    private async Task<LiveState> NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        var state = await LiveStateStore.ReadAsync(connection, tx, time.GetUtcNow(), cancellationToken);
        await LiveStateStore.NotifyAsync(connection, tx, state, cancellationToken);
        return state;
    }
}
