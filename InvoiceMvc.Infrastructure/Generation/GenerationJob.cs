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
    IOptions<GenerationOptions> generation,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<GenerationJob> logger)
{
    /// <summary>First key of the two-part advisory lock that marks "some process is producing run N".</summary>
    public const int AdvisoryLockNamespace = 0x494E56; // "INV"

    /// <summary>The Hangfire queue of generation jobs (a process may serve it alone: Hangfire:Queues).</summary>
    public const string Queue = "generation";

    [DisplayName("Generate run {0}: {2} invoices at {1}/s")]
    [AutomaticRetry(Attempts = 5, DelaysInSeconds = [1, 2, 5, 10, 30], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [Queue(Queue)]
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
            logger.LogInformation("Producing run {RunId} from {Produced} to {Target} at {Rate}/s", runId, run.Produced, run.Target, run.RatePerSecond);
            await ProduceAsync(connection, run, pool, cancellationToken);
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

    private async Task ProduceAsync(NpgsqlConnection connection, GenerationRun run, PartyPoolSnapshot pool, CancellationToken cancellationToken)
    {
        // The ticks run on a thread of their own with blocking I/O: however many viewers keep the
        // thread pool's queue long, no tick waits in it (docs/decisions/020-generation-thread.md).
        var done = new TaskCompletionSource<PostgresException?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var backendRaised = false;
            try
            {
                backendRaised = RaisePriority(run.Id, connection);
                done.SetResult(ProduceTicks(connection, run, pool, cancellationToken));
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
            finally
            {
                if (backendRaised)
                {
                    // Before the connection goes back to the pool: it may serve ordinary work next.
                    RealtimeTicks.Lower(connection);
                }
            }
        })
        {
            IsBackground = true,
            Name = $"Generation run {run.Id}",
        };
        thread.Start();
        if (await done.Task is { } refused)
        {
            // The database refused the invoice itself (a constraint or a bad value): retrying cannot
            // help, so the run ends "failed" instead of looping. Lost connections are not caught here:
            // they end the job, and Hangfire's retry or GenerationRecovery resumes the run later.
            logger.LogError(refused, "Run {RunId} failed: PostgreSQL refused an invoice ({SqlState} {Constraint})",
                run.Id, refused.SqlState, refused.ConstraintName);
            await runs.EndAsync(run.Id, RunStatus.Failed, CancellationToken.None);
        }
    }

    /// <returns>Whether the run's PostgreSQL backend was raised (and must be lowered when the run ends).</returns>
    private bool RaisePriority(long runId, NpgsqlConnection connection)
    {
        if (!generation.Value.RealtimeTicks)
        {
            return false;
        }

        if (RealtimeTicks.TryRaiseCurrentThread() is { } why)
        {
            logger.LogWarning("Run {RunId}'s ticks run at normal priority, not real-time as Generation:RealtimeTicks asks: {Reason}", runId, why);
            return false;
        }

        if (RealtimeTicks.TryRaiseBackend(connection) is { } notBackend)
        {
            logger.LogInformation("Run {RunId}'s ticks run real-time (SCHED_FIFO), its PostgreSQL backend at normal priority: {Reason}", runId, notBackend);
            return false;
        }

        logger.LogInformation("Run {RunId}'s ticks and its PostgreSQL backend {BackendPid} run real-time (SCHED_FIFO)", runId, connection.ProcessID);
        return true;
    }

    /// <returns>Null when the run reached its target or was seen to end; the refusal when PostgreSQL refused an invoice.</returns>
    private PostgresException? ProduceTicks(NpgsqlConnection connection, GenerationRun run, PartyPoolSnapshot pool, CancellationToken cancellationToken)
    {
        var produced = run.Produced;
        var vatRate = invoicing.Value.VatRate;
        var paymentTermsDays = invoicing.Value.PaymentTermsDays;
        using var wake = new ManualResetEventSlim();
        // Each invoice is drawn before its tick is due, so a tick only writes; and the first tick is
        // rehearsed (rolled back) before the schedule starts, or it would be late by what a first run
        // of its code and its statements costs (53 ms at 10 million invoices, docs/benchmarks.md).
        var draft = faker.Next(pool);
        try
        {
            runs.Rehearse(connection, run.Id, draft, vatRate, paymentTermsDays);
        }
        catch (PostgresException ex) when (IsRefusal(ex))
        {
            return ex;
        }

        // Anchored so that the next tick is due now: a fresh run starts at once, and a resumed run
        // keeps its own pace instead of bursting out the ticks it missed while nobody ran it.
        var schedule = new GenerationSchedule(
            GenerationSchedule.AnchorForResume(time.GetUtcNow(), run.Produced, run.RatePerSecond), run.RatePerSecond, run.Target);
        while (produced < run.Target)
        {
            var due = schedule.DueAt(produced);
            if (!WaitUntilDue(run.Id, due, wake, cancellationToken))
            {
                return null;
            }

            ProducedInvoice? result;
            try
            {
                // Not cancellable: a tick either commits whole or not at all.
                result = runs.Advance(connection, run.Id, draft, vatRate, paymentTermsDays);
            }
            catch (PostgresException ex) when (IsRefusal(ex))
            {
                return ex;
            }

            if (result is null)
            {
                return null;
            }

            produced = result.Invoice.Sequence;
            metrics.InvoiceGenerated(time.GetUtcNow() - due);
            // Never awaited: a slow or frozen Redis must not delay the next tick. The hub hears of this
            // commit from its own NOTIFY, like every other process's hub.
            statsCache.Post(result.State.Stats);
            draft = faker.Next(pool);
        }

        return null;
    }

    /// <summary>A constraint (23) or a bad value (22): the database refused the invoice itself.</summary>
    private static bool IsRefusal(PostgresException ex) =>
        ex.SqlState.StartsWith("23", StringComparison.Ordinal) || ex.SqlState.StartsWith("22", StringComparison.Ordinal);

    /// <summary>
    /// Blocks until the tick's due time; returns false early when the run is seen to end (STOP on any
    /// instance). The blocking wait's own timeout keeps the real clock's time; the timer made on
    /// <see cref="time"/> wakes it when a fake clock is moved past <paramref name="due"/>.
    /// </summary>
    private bool WaitUntilDue(long runId, DateTimeOffset due, ManualResetEventSlim wake, CancellationToken cancellationToken)
    {
        while (true)
        {
            wake.Reset();
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

            using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            hub.WaitForChangeAsync(seen, stopWaiting.Token).ContinueWith(
                static (_, state) => ((ManualResetEventSlim)state!).Set(), wake, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            using var timer = time.CreateTimer(static state => ((ManualResetEventSlim)state!).Set(), wake, wait, Timeout.InfiniteTimeSpan);
            wake.Wait(wait, cancellationToken);
            stopWaiting.Cancel();
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
