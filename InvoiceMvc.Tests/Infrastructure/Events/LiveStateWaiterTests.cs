using InvoiceMvc.Infrastructure.Events;
using Microsoft.Extensions.Time.Testing;

namespace InvoiceMvc.Tests.Infrastructure.Events;

/// <summary>A stream's reusable wait, on a fake clock: whichever comes first of its delay, the hub's change and cancellation ends it, exactly once.</summary>
public sealed class LiveStateWaiterTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task TheDelay_EndsTheWait_ExactlyWhenItIsDue()
    {
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        using var waiter = new LiveStateWaiter(hub, clock, CancellationToken.None);

        var wait = waiter.WaitAsync(hub.Version, Delay).AsTask();
        clock.Advance(Delay - TimeSpan.FromTicks(1));
        Assert.False(wait.IsCompleted);
        Assert.Equal(1, hub.WaiterCount);

        clock.Advance(TimeSpan.FromTicks(1));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, hub.WaiterCount);
    }

    [Fact]
    public async Task StreamsDueWithinTheSameTimerGridStep_AreWokenTogether_AtItsEnd()
    {
        // The fake clock starts on the grid (2000-01-01). Two streams wait 500 ms from 3 ms and from 8 ms:
        // both are due at 510 ms, one pass of the timer queue.
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        using var early = new LiveStateWaiter(hub, clock, CancellationToken.None);
        using var late = new LiveStateWaiter(hub, clock, CancellationToken.None);
        clock.Advance(TimeSpan.FromMilliseconds(3));
        var first = early.WaitAsync(hub.Version, Delay).AsTask();
        clock.Advance(TimeSpan.FromMilliseconds(5));
        var second = late.WaitAsync(hub.Version, Delay).AsTask();

        clock.Advance(TimeSpan.FromMilliseconds(502) - TimeSpan.FromTicks(1));
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        clock.Advance(TimeSpan.FromTicks(1));
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(LiveStateWaiter.TimerGrid * 51, clock.GetUtcNow() - clock.Start);
    }

    [Fact]
    public void TheDelay_RunsTheStreamsNextStep_OnTheTimersThread()
    {
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        using var waiter = new LiveStateWaiter(hub, clock, CancellationToken.None);
        var step = new Step(waiter, hub);

        // The fake clock fires the timer on this thread, inside Advance.
        Assert.True(step.RunsInside(() => clock.Advance(Delay)));
    }

    [Fact]
    public async Task AChange_HandsEachStreamsNextStep_ToTheThreadPool()
    {
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        using var waiter = new LiveStateWaiter(hub, clock, CancellationToken.None);
        var step = new Step(waiter, hub);

        // One thread wakes every stream: none of them runs on it.
        Assert.False(step.RunsInside(() => hub.PublishInvoiceChanged(1)));
        await step.Resumed.WaitAsync(TimeSpan.FromSeconds(5));
    }

    /// <summary>A stream's step after its wait: whether it ran on the calling thread while the call that woke it was still running.</summary>
    private sealed class Step
    {
        private readonly TaskCompletionSource<bool> _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _caller;
        private volatile bool _inCall;

        public Step(LiveStateWaiter waiter, LiveStateHub hub) => _ = WaitThenRecordAsync(waiter, hub);

        public Task Resumed => _resumed.Task;

        public bool RunsInside(Action wake)
        {
            _caller = Environment.CurrentManagedThreadId;
            _inCall = true;
            wake();
            _inCall = false;
            return _resumed.Task.IsCompletedSuccessfully && _resumed.Task.Result;
        }

        private async Task WaitThenRecordAsync(LiveStateWaiter waiter, LiveStateHub hub)
        {
            // As in the app, which has no synchronization context (xunit's would take the continuation elsewhere).
            await waiter.WaitAsync(hub.Version, Delay).ConfigureAwait(false);
            _resumed.SetResult(_inCall && Environment.CurrentManagedThreadId == _caller);
        }
    }

    [Fact]
    public async Task AChange_EndsTheWait_AndItsTimerNoLongerCounts()
    {
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        using var waiter = new LiveStateWaiter(hub, clock, CancellationToken.None);

        var first = waiter.WaitAsync(hub.Version, Delay).AsTask();
        hub.PublishInvoiceChanged(1);
        await first.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, hub.WaiterCount);

        // The next wait is the first one's full delay, not what was left of the first one's timer.
        var second = waiter.WaitAsync(hub.Version, Delay).AsTask();
        clock.Advance(Delay - TimeSpan.FromTicks(1));
        Assert.False(second.IsCompleted);
        clock.Advance(TimeSpan.FromTicks(1));
        await second.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void AChangeBeforeTheWait_EndsItAtOnce()
    {
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        using var waiter = new LiveStateWaiter(hub, clock, CancellationToken.None);
        var seen = hub.Version;
        hub.PublishInvoiceChanged(1);

        Assert.True(waiter.WaitAsync(seen, Delay).AsTask().IsCompleted);
        Assert.Equal(0, hub.WaiterCount);
    }

    [Fact]
    public async Task Cancellation_EndsTheWait_BeforeOrDuringIt()
    {
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        using var cts = new CancellationTokenSource();
        using var waiter = new LiveStateWaiter(hub, clock, cts.Token);

        var wait = waiter.WaitAsync(hub.Version, Delay).AsTask();
        await cts.CancelAsync();
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(waiter.WaitAsync(hub.Version, Delay).AsTask().IsCompleted);
        Assert.Equal(0, hub.WaiterCount);
    }

    [Fact]
    public async Task ManyWaiters_AreAllWokenByOneChange_AndLeaveTheHubsListEmpty()
    {
        var (hub, clock) = (new LiveStateHub(), new FakeTimeProvider());
        var waiters = Enumerable.Range(0, 1000).Select(_ => new LiveStateWaiter(hub, clock, CancellationToken.None)).ToList();
        try
        {
            for (var round = 0; round < 3; round++)
            {
                var seen = hub.Version;
                var waits = waiters.Select(w => w.WaitAsync(seen, Delay).AsTask()).ToList();
                Assert.Equal(1000, hub.WaiterCount);
                hub.PublishInvoiceChanged(round);
                await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(0, hub.WaiterCount);
            }

            // One left waiting when its stream ends is taken off the list.
            var last = waiters[0].WaitAsync(hub.Version, Delay).AsTask();
            Assert.False(last.IsCompleted);
            waiters[0].Dispose();
            Assert.Equal(0, hub.WaiterCount);
        }
        finally
        {
            waiters.ForEach(w => w.Dispose());
        }
    }
}
