using System.Threading.Tasks.Sources;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// One stream's wait, made once and reused for every wait of the stream: it completes at the hub's
/// next change, when its own timer fires, or when the stream's token is cancelled, whichever comes
/// first. A wait then costs no timer, token source or task of its own. With 10,000 viewers,
/// allocating those for every wait was a large share of the stream's CPU and garbage (issue 11,
/// docs/benchmarks.md).
/// </summary>
public sealed class LiveStateWaiter : IValueTaskSource, IDisposable
{
    /// <summary>
    /// A wait's own timer is due on this grid of the clock, rounded up: streams due within the same 10 ms
    /// are fired by one pass of the runtime's timer queue and run one after another, instead of each stream,
    /// paced on its own drift-free schedule, being due at an instant of its own. At 10,000 viewers on one core
    /// it took about a tenth off the stream's CPU per row (docs/benchmarks.md). A row goes out at most 10 ms
    /// later, and its schedule does not drift.
    /// </summary>
    public static readonly TimeSpan TimerGrid = TimeSpan.FromMilliseconds(10);

    private readonly LiveStateHub _hub;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly CancellationToken _cancellation;
    private readonly CancellationTokenRegistration _registration;
    private ManualResetValueTaskSourceCore<bool> _core;
    private int _pending;

    public LiveStateWaiter(LiveStateHub hub, TimeProvider time, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(hub);
        ArgumentNullException.ThrowIfNull(time);
        _hub = hub;
        _time = time;
        _cancellation = cancellation;
        // The timer's callback already runs on a thread-pool thread of its own, so the stream's next step runs
        // right there; the hub's wake-up (one thread waking every stream) and cancellation hand it to the pool.
        _timer = time.CreateTimer(static s => ((LiveStateWaiter)s!).Wake(inline: true), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _registration = cancellation.UnsafeRegister(static s => ((LiveStateWaiter)s!).Wake(), this);
    }

    // The hub's list of waiting streams (guarded by the hub's lock).
    internal LiveStateWaiter? Previous { get; set; }

    internal LiveStateWaiter? Next { get; set; }

    internal bool Enlisted { get; set; }

    /// <summary>
    /// Completes when the hub's version moves past <paramref name="seenVersion"/> (at once if it already
    /// has), after <paramref name="delay"/> rounded up to the <see cref="TimerGrid"/>, or on cancellation;
    /// it never throws. One wait at a time.
    /// </summary>
    public ValueTask WaitAsync(long seenVersion, TimeSpan delay)
    {
        _core.Reset();
        Volatile.Write(ref _pending, 1);
        _timer.Change(OnGrid(delay), Timeout.InfiniteTimeSpan);
        if (!_hub.Enlist(this, seenVersion) || _cancellation.IsCancellationRequested)
        {
            Wake();
        }

        return new ValueTask(this, _core.Version);
    }

    /// <summary>Ends the current wait, if there is one (from the hub, the timer or the cancellation; a late second call does nothing).</summary>
    internal void Wake(bool inline = false)
    {
        if (Interlocked.Exchange(ref _pending, 0) == 1)
        {
            _hub.Withdraw(this);
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _core.RunContinuationsAsynchronously = !inline;
            _core.SetResult(true);
        }
    }

    private TimeSpan OnGrid(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            return delay;
        }

        var past = (_time.GetUtcNow().UtcTicks + delay.Ticks) % TimerGrid.Ticks;
        return past == 0 ? delay : delay + TimeSpan.FromTicks(TimerGrid.Ticks - past);
    }

    public void Dispose()
    {
        _registration.Dispose();
        _timer.Dispose();
        _hub.Withdraw(this);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
