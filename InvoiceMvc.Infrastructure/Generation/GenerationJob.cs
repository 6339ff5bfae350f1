using System.ComponentModel;
using Hangfire;
using InvoiceMvc.Domain.Generation;
using InvoiceMvc.Infrastructure.Diagnostics;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Infrastructure.Stats;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Generation;

/// <summary>
/// The Hangfire job that produces one run's invoices on a drift-free schedule. The run's row is its
/// only input (the rate and target arguments are there for the Hangfire dashboard's name of the job
/// and are not read), and it is reentrant: a retry, a resume after a crash or a duplicate enqueue all continue from
/// the run's committed count, and a session advisory lock keeps a second execution from producing
/// at the same time (PostgreSQL drops that lock the moment a killed process's connection closes).
/// </summary>
public sealed class GenerationJob(
    NpgsqlDataSource dataSource,
    GenerationRunStore runs,
    InvoiceFaker faker,
    PartyPool parties,
    StatsCacheWriter statsCache,
    LiveStateHub hub,
    AppMetrics metrics,
    IOptions<InvoicingOptions> invoicing,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<GenerationJob> logger)
{
    /// <summary>First key of the two-part advisory lock that marks "some process is producing run N".</summary>
    public const int AdvisoryLockNamespace = 0x494E56; // "INV"

    [DisplayName("Generate run {0}: {2} invoices at {1}/s")]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [1, 2, 5, 10, 30], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [Queue("generation")]
    public async Task RunAsync(long runId, int ratePerSecond, int target, CancellationToken cancellationToken)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RunId"] = runId });
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await TryLockAsync(connection, runId, cancellationToken))
        {
            logger.LogInformation("Run {RunId} is already being produced by another execution; nothing to do", runId);
            return;
        }

        try
        {
            var run = await runs.LoadAsync(runId, cancellationToken);
            if (run is not { Status: RunStatus.Running })
            {
                logger.LogInformation("Run {RunId} is {Status}; nothing to do", runId, run?.Status.ToString() ?? "missing");
                return;
            }

            // The parties first (a process's first run makes and stores them): the schedule starts once
            // the job can produce, or its first tick would be late by that work.
            var pool = await parties.GetAsync(cancellationToken);
            // Anchored so that the next tick is due now: a fresh run starts at once, and a resumed run
            // keeps its own pace instead of bursting out the ticks it missed while nobody ran it.
            var schedule = new GenerationSchedule(
                GenerationSchedule.AnchorForResume(time.GetUtcNow(), run.Produced, run.RatePerSecond), run.RatePerSecond, run.Target);
            logger.LogInformation("Producing run {RunId} from {Produced} to {Target} at {Rate}/s", runId, run.Produced, run.Target, run.RatePerSecond);
            await ProduceAsync(connection, run, pool, schedule, cancellationToken);
            var final = await runs.LoadAsync(runId, CancellationToken.None);
            logger.LogInformation("Run {RunId} ended {Status} with {Produced} of {Target} invoices", runId, final?.Status, final?.Produced, final?.Target);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Hangfire cancels a job's token when it is deleted from the dashboard: treat that as STOP.
            logger.LogInformation("Job for run {RunId} was cancelled from Hangfire; stopping the run", runId);
            await runs.EndAsync(runId, RunStatus.Stopped, CancellationToken.None);
        }
        finally
        {
            // Pooled connections are reset lazily, so release the lock now, not on return to the pool.
            await UnlockAsync(connection, runId);
        }
    }

    private async Task ProduceAsync(NpgsqlConnection connection, GenerationRun run, PartyPoolSnapshot pool, GenerationSchedule schedule, CancellationToken cancellationToken)
    {
        var produced = run.Produced;
        var vatRate = invoicing.Value.VatRate;
        var paymentTermsDays = invoicing.Value.PaymentTermsDays;
        while (produced < run.Target)
        {
            var due = schedule.DueAt(produced);
            if (!await WaitUntilDueAsync(run.Id, due, cancellationToken))
            {
                return;
            }

            ProducedInvoice? result;
            try
            {
                // Not cancellable: a tick either commits whole or not at all.
                result = await runs.AdvanceAsync(connection, run.Id, faker.Next(pool), vatRate, paymentTermsDays, CancellationToken.None);
            }
            catch (PostgresException ex) when (ex.SqlState.StartsWith("23", StringComparison.Ordinal) || ex.SqlState.StartsWith("22", StringComparison.Ordinal))
            {
                // The database refused the invoice itself (a constraint or a bad value): retrying cannot
                // help, so the run ends "failed" instead of looping. Lost connections are not caught here:
                // they end the job, and Hangfire's retry or GenerationRecovery resumes the run later.
                logger.LogError(ex, "Run {RunId} failed: PostgreSQL refused invoice {Sequence} ({SqlState} {Constraint})",
                    run.Id, produced + 1, ex.SqlState, ex.ConstraintName);
                await runs.EndAsync(run.Id, RunStatus.Failed, CancellationToken.None);
                return;
            }

            if (result is null)
            {
                return;
            }

            produced = result.Invoice.Sequence;
            metrics.InvoiceGenerated(time.GetUtcNow() - due);
            // Never awaited: a slow or frozen Redis must not delay the next tick. The hub hears of this
            // commit from its own NOTIFY, like every other process's hub.
            statsCache.Post(result.State.Stats);
        }
    }

    /// <summary>Waits for the tick's due time; returns false early when the run is seen to end (STOP on any instance).</summary>
    private async Task<bool> WaitUntilDueAsync(long runId, DateTimeOffset due, CancellationToken cancellationToken)
    {
        while (true)
        {
            var seen = hub.Version;
            if (hub.Current.Run is { } r && r.Id == runId && !r.IsActive)
            {
                return false;
            }

            var wait = due - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return true;
            }

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delay = Task.Delay(wait, time, cts.Token);
            var changed = hub.WaitForChangeAsync(seen, cts.Token);
            // A delay counts from when it is made: had the clock passed `due` since `wait` was read, it
            // would fire a whole wait late (with a fake clock: never). Look again before sleeping on it.
            if (time.GetUtcNow() < due)
            {
                await Task.WhenAny(delay, changed);
            }

            await cts.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private async Task UnlockAsync(NpgsqlConnection connection, long runId)
    {
        try
        {
            await using var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@ns, @run)", connection);
            cmd.Parameters.AddWithValue("ns", AdvisoryLockNamespace);
            cmd.Parameters.AddWithValue("run", unchecked((int)runId));
            await cmd.ExecuteScalarAsync(CancellationToken.None);
        }
        catch (NpgsqlException ex)
        {
            // The connection is broken, and with it the session that held the lock.
            logger.LogDebug(ex, "Could not release the lock of run {RunId}", runId);
        }
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, long runId, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(@ns, @run)", connection);
        cmd.Parameters.AddWithValue("ns", AdvisoryLockNamespace);
        cmd.Parameters.AddWithValue("run", unchecked((int)runId));
        return (bool)(await cmd.ExecuteScalarAsync(cancellationToken))!;
    }
}
