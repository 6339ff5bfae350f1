using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Tests.Web.Dashboard;

/// <summary>A reconnect storm's stream openings share one database read instead of one each.</summary>
public sealed class SharedReadTests
{
    [Fact]
    public async Task CallersWhileAReadRuns_ShareIt_AndTheNextCallerReadsAgain()
    {
        var reads = 0;
        var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = new SharedRead<int>(() =>
        {
            Interlocked.Increment(ref reads);
            return pending.Task;
        });

        var waiting = Enumerable.Range(0, 1000).Select(_ => shared.GetAsync(CancellationToken.None)).ToArray();
        Assert.Equal(1, reads);
        pending.SetResult(42);

        Assert.All(await Task.WhenAll(waiting), v => Assert.Equal(42, v));
        pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var next = shared.GetAsync(CancellationToken.None);
        Assert.Equal(2, reads);
        pending.SetResult(43);
        Assert.Equal(43, await next);
    }

    [Fact]
    public async Task OneCallerGivingUp_FailsNoOther_AndAFailedReadIsNotKept()
    {
        var reads = 0;
        var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = new SharedRead<int>(() =>
        {
            Interlocked.Increment(ref reads);
            return pending.Task;
        });
        using var leaving = new CancellationTokenSource();

        var gone = shared.GetAsync(leaving.Token);
        var staying = shared.GetAsync(CancellationToken.None);
        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        pending.SetException(new InvalidOperationException("the database is down"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => staying);
        pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        pending.SetResult(7);
        Assert.Equal(7, await shared.GetAsync(CancellationToken.None));
        Assert.Equal(2, reads);
    }
}
