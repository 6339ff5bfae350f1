using System.Runtime.CompilerServices;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Operations;

namespace InvoiceMvc.Web.Analytics;

/// <summary>
/// The analytics page's stream (the tab's one /events connection, with analytics=1): when the hub says
/// new invoices committed, the page's chart, table and figures again, at most once a second
/// (<see cref="AnalyticsFrames.MinInterval"/>), from the shared frames. Nothing else: no rows, no status.
/// </summary>
public sealed class AnalyticsStream(
    LiveStateHub hub,
    AnalyticsFrames frames,
    DashboardMetrics metrics,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<AnalyticsStream> logger)
{
    private static readonly TimeSpan HeartbeatAfter = TimeSpan.FromSeconds(15);

    /// <param name="asOf">The newest invoice the page's figures count: nothing is sent until a newer one commits.</param>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> RunAsync(AnalyticsInput input, long asOf, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var ct = linked.Token;
        var sent = asOf;
        var lastSentAt = DateTimeOffset.MinValue;
        var lastWriteAt = time.GetUtcNow();
        metrics.StreamOpened();
        try
        {
            yield return SseFrames.Retry();
            while (!ct.IsCancellationRequested)
            {
                var seen = hub.Version;
                var newest = hub.Current.Stats.LastInvoiceId;
                var now = time.GetUtcNow();
                var wakeAt = lastWriteAt + HeartbeatAfter;
                if (newest > sent && hub.DatabaseReachable)
                {
                    var dueAt = lastSentAt + AnalyticsFrames.MinInterval;
                    if (now >= dueAt)
                    {
                        var frame = await FrameAsync(input, newest);
                        if (frame is not null && frame.AsOf > sent)
                        {
                            yield return frame.Bytes;
                            sent = frame.AsOf;
                            // From when it went out, not from when it was asked for: a slow rendering never
                            // brings the next frame closer than MinInterval to this one.
                            now = time.GetUtcNow();
                            lastSentAt = lastWriteAt = now;
                        }

                        // Not yet the newest (shared within the second, or unreachable): look again in a second.
                        dueAt = now + AnalyticsFrames.MinInterval;
                    }

                    wakeAt = newest > sent && dueAt < wakeAt ? dueAt : wakeAt;
                }

                if (now >= lastWriteAt + HeartbeatAfter)
                {
                    yield return SseFrames.Heartbeat;
                    lastWriteAt = now;
                    wakeAt = now + HeartbeatAfter;
                }

                if (wakeAt > now)
                {
                    // A change before the next due time only matters once that time comes: wait for it, not the change.
                    await WaitAsync(newest > sent ? -1 : seen, wakeAt - now, ct);
                }
            }
        }
        finally
        {
            metrics.StreamClosed();
        }
    }

    private async Task<AnalyticsFrames.Frame?> FrameAsync(AnalyticsInput input, long newest)
    {
        try
        {
            return await frames.GetAsync(input, newest);
        }
        catch (Exception ex) when (DatabaseOutage.IsUnavailable(ex))
        {
            logger.LogDebug(ex, "Analytics unavailable: PostgreSQL unreachable");
            return null;
        }
    }

    /// <param name="seenVersion">-1: wait out the delay whatever changes.</param>
    private async Task WaitAsync(long seenVersion, TimeSpan delay, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var timer = Task.Delay(delay, time, cts.Token);
        var changed = seenVersion < 0 ? timer : hub.WaitForChangeAsync(seenVersion, cts.Token);
        await Task.WhenAny(changed, timer);
        await cts.CancelAsync();
        await Task.WhenAll(changed, timer).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }
}
