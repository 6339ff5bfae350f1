namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// This process's view of the latest <see cref="LiveState"/>. One way in: only
/// <see cref="PostgresEventListener"/> publishes (each NOTIFY, and its reads after a reconnect or
/// while polling), so every process sees the same committed states in the same order. Waiters (SSE
/// streams, the generation job's stop check) get woken on every change: a dashboard stream through
/// its reusable <see cref="LiveStateWaiter"/> on the hub's list, others through one shared Task.
/// Beside the state it keeps a short log of the invoices that changed after they were issued (payments, voids: <see cref="InvoiceChangedChannel"/>), numbered in the order
/// this process heard them, so each stream re-sends the rows it already showed once per change.
/// </summary>
public sealed class LiveStateHub
{
    /// <summary>How many invoice changes are remembered: a stream further behind than this misses the oldest (never a wrong row, only a stale one).</summary>
    public const int ChangeLogCapacity = 1024;

    private readonly Lock _gate = new();
    private readonly long[] _changeLog = new long[ChangeLogCapacity];
    private long _changeCount;
    private readonly TaskCompletionSource _ready = NewSignal();
    private LiveState _current = LiveState.Empty;
    private bool _databaseReachable = true;
    private long _version;
    private TaskCompletionSource _changed = NewSignal();
    private LiveStateWaiter? _waiters;
    private int _waiterCount;

    public LiveState Current
    {
        get { lock (_gate) { return _current; } }
    }

    public long Version
    {
        get { lock (_gate) { return _version; } }
    }

    /// <summary>
    /// False while the listener has lost PostgreSQL (its connection failed and its polls fail too):
    /// <see cref="Current"/> is then the last state seen, not the truth, and dashboards say so.
    /// </summary>
    public bool DatabaseReachable
    {
        get { lock (_gate) { return _databaseReachable; } }
    }

    /// <summary>How many invoice changes this process has heard; a stream starts from here and reads those after it.</summary>
    public long ChangeCount
    {
        get { lock (_gate) { return _changeCount; } }
    }

    /// <summary>Completes once the listener has delivered its first state (until then <see cref="Current"/> is <see cref="LiveState.Empty"/>).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Takes a newer state; an older one (a late poll after a notification) is ignored.</summary>
    internal bool Publish(LiveState state)
    {
        TaskCompletionSource toRelease;
        (LiveStateWaiter[] Array, int Count) waiters;
        lock (_gate)
        {
            if (!IsNewer(state, _current))
            {
                // Still the database's state: on an empty database the first read equals Empty, and the
                // hub is ready all the same (else every page would wait out Cursors' timeout until the first invoice).
                _ready.TrySetResult();
                return false;
            }

            _current = state;
            _version++;
            toRelease = _changed;
            _changed = NewSignal();
            waiters = TakeWaiters();
        }

        Release(toRelease, waiters);
        _ready.TrySetResult();
        return true;
    }

    /// <summary>Logs that an existing invoice changed; wakes every waiter like a new state.</summary>
    internal void PublishInvoiceChanged(long invoiceId)
    {
        TaskCompletionSource toRelease;
        (LiveStateWaiter[] Array, int Count) waiters;
        lock (_gate)
        {
            _changeLog[_changeCount % ChangeLogCapacity] = invoiceId;
            _changeCount++;
            _version++;
            toRelease = _changed;
            _changed = NewSignal();
            waiters = TakeWaiters();
        }

        Release(toRelease, waiters);
    }

    /// <summary>
    /// Adds the ids of the changes after the first <paramref name="seen"/> ones to <paramref name="into"/>,
    /// oldest first, with each change's number (1-based), and returns how many have been heard now. Changes
    /// older than the log's capacity are skipped.
    /// </summary>
    public long ChangesSince(long seen, List<(long Number, long InvoiceId)> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_gate)
        {
            for (var n = Math.Max(seen, _changeCount - ChangeLogCapacity); n < _changeCount; n++)
            {
                into.Add((n + 1, _changeLog[n % ChangeLogCapacity]));
            }

            return _changeCount;
        }
    }

    /// <summary>Records whether the listener reaches PostgreSQL; a change wakes every waiter like a new state.</summary>
    internal bool SetDatabaseReachable(bool reachable)
    {
        TaskCompletionSource toRelease;
        (LiveStateWaiter[] Array, int Count) waiters;
        lock (_gate)
        {
            if (_databaseReachable == reachable)
            {
                return false;
            }

            _databaseReachable = reachable;
            _version++;
            toRelease = _changed;
            _changed = NewSignal();
            waiters = TakeWaiters();
        }

        Release(toRelease, waiters);
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

    /// <summary>How many <see cref="LiveStateWaiter"/>s the next change wakes.</summary>
    internal int WaiterCount
    {
        get { lock (_gate) { return _waiterCount; } }
    }

    /// <summary>Adds <paramref name="waiter"/> to those the next change wakes; false when the version already moved past <paramref name="seenVersion"/>.</summary>
    internal bool Enlist(LiveStateWaiter waiter, long seenVersion)
    {
        lock (_gate)
        {
            if (_version != seenVersion)
            {
                return false;
            }

            if (!waiter.Enlisted)
            {
                waiter.Enlisted = true;
                waiter.Previous = null;
                waiter.Next = _waiters;
                _waiters?.Previous = waiter;
                _waiters = waiter;
                _waiterCount++;
            }

            return true;
        }
    }

    /// <summary>Takes <paramref name="waiter"/> off the list, if it is on it.</summary>
    internal void Withdraw(LiveStateWaiter waiter)
    {
        lock (_gate)
        {
            if (!waiter.Enlisted)
            {
                return;
            }

            waiter.Enlisted = false;
            waiter.Previous?.Next = waiter.Next;
            waiter.Next?.Previous = waiter.Previous;
            if (_waiters == waiter)
            {
                _waiters = waiter.Next;
            }

            waiter.Previous = waiter.Next = null;
            _waiterCount--;
        }
    }

    // Under the lock: empties the list into a pooled array, woken outside the lock by Release.
    private (LiveStateWaiter[] Array, int Count) TakeWaiters()
    {
        var taken = System.Buffers.ArrayPool<LiveStateWaiter>.Shared.Rent(Math.Max(1, _waiterCount));
        var count = 0;
        for (var w = _waiters; w is not null;)
        {
            var next = w.Next;
            w.Enlisted = false;
            w.Previous = w.Next = null;
            taken[count++] = w;
            w = next;
        }

        _waiters = null;
        _waiterCount = 0;
        return (taken, count);
    }

    private static void Release(TaskCompletionSource signal, (LiveStateWaiter[] Array, int Count) waiters)
    {
        signal.TrySetResult();
        for (var i = 0; i < waiters.Count; i++)
        {
            waiters.Array[i].Wake();
        }

        System.Buffers.ArrayPool<LiveStateWaiter>.Shared.Return(waiters.Array, clearArray: true);
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
