using Microsoft.Extensions.Logging;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// This process's view of the latest <see cref="LiveState"/>, fed by <see cref="PostgresEventListener"/>.
/// Waiters (SSE streams, the generation job's stop check) get woken on every change; a waiter costs
/// one shared Task, not a queue of its own.
/// </summary>
public sealed class LiveStateHub(ILogger<LiveStateHub> logger)
{
    private readonly Lock _gate = new();
    private LiveState _current = LiveState.Empty;
    private long _version;
    private TaskCompletionSource _changed = NewSignal();

    public event Action<LiveState>? Published;

    public LiveState Current
    {
        get { lock (_gate) { return _current; } }
    }

    public long Version
    {
        get { lock (_gate) { return _version; } }
    }

    /// <summary>Takes a newer state; an older one (a late poll after a notification) is ignored.</summary>
    public bool Publish(LiveState state)
    {
        TaskCompletionSource toRelease;
        lock (_gate)
        {
            if (!IsNewer(state, _current))
            {
                return false;
            }

            _current = state;
            _version++;
            toRelease = _changed;
            _changed = NewSignal();
        }

        toRelease.TrySetResult();
        try
        {
            Published?.Invoke(state);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "A live state subscriber failed");
        }

        return true;
    }

    /// <summary>Completes when the version moves past <paramref name="seenVersion"/> (at once if it already has).</summary>
    public Task WaitForChangeAsync(long seenVersion, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            if (_version != seenVersion)
            {
                return Task.CompletedTask;
            }

            signal = _changed.Task;
        }

        return signal.WaitAsync(cancellationToken);
    }

    private static bool IsNewer(LiveState candidate, LiveState current)
    {
        if (candidate.Stats.LastInvoiceId != current.Stats.LastInvoiceId)
        {
            return candidate.Stats.LastInvoiceId > current.Stats.LastInvoiceId;
        }

        if (candidate.Run is null)
        {
            return false;
        }

        if (current.Run is null || candidate.Run.Id != current.Run.Id)
        {
            return current.Run is null || candidate.Run.Id > current.Run.Id;
        }

        // Same run, same invoices: newer only if its state moved on (running -> stopped/completed/failed).
        return (current.Run.IsActive && !candidate.Run.IsActive) || candidate.Run.Produced > current.Run.Produced;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
