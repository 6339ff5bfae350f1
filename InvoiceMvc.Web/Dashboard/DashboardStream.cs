using System.Runtime.CompilerServices;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Web.Models;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// One viewer's stream: stats and status as soon as this server's <see cref="LiveStateHub"/> changes,
/// and the invoices after the viewer's cursor one at a time at Display:RatePerSecond. The per-viewer
/// state is a cursor, a tick counter and the last status sent; rows and cards come pre-rendered from
/// shared caches, so a viewer costs O(1) whatever the backlog.
/// </summary>
public sealed class DashboardStream(
    LiveStateHub hub,
    InvoiceFrameCache rows,
    LiveFrames frames,
    DashboardFormatter formatter,
    DashboardMetrics metrics,
    IOptions<DisplayOptions> display,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<DashboardStream> logger)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    // How long to wait before asking again when the hub announced a row the database did not return.
    private static readonly TimeSpan MissingRowRetry = TimeSpan.FromMilliseconds(250);

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> RunAsync(long cursor, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Server shutdown ends the stream too: the browser reconnects (to another instance) where it left off.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var ct = linked.Token;
        var pacer = new Pacer(display.Value.RatePerSecond);
        long sentStatsFor = -1;
        StatusView? sentStatus = null;
        var lastWrite = time.GetUtcNow();
        var firstStats = true;

        metrics.StreamOpened();
        try
        {
            yield return SseFrames.Retry;
            while (!ct.IsCancellationRequested)
            {
                // Version first: a change published after this read wakes the wait below at once.
                var seen = hub.Version;
                var state = hub.Current;

                if (state.Stats.LastInvoiceId != sentStatsFor)
                {
                    yield return await frames.StatsAsync(state.Stats);
                    sentStatsFor = state.Stats.LastInvoiceId;
                    lastWrite = time.GetUtcNow();
                    RecordLatency(state, lastWrite, firstStats);
                    firstStats = false;
                }

                var now = time.GetUtcNow();
                var waiting = Math.Max(0, state.Stats.LastInvoiceId - cursor);
                DateTimeOffset? wakeForRow = null;
                if (waiting == 0)
                {
                    pacer.Idle();
                }
                else if (pacer.NextDue(now) is var due && due > now)
                {
                    wakeForRow = due;
                }
                else
                {
                    var row = await rows.NextAfterAsync(cursor, ct);
                    if (row is null)
                    {
                        wakeForRow = now + MissingRowRetry;
                    }
                    else
                    {
                        yield return row.Bytes;
                        cursor = row.Id;
                        lastWrite = time.GetUtcNow();
                        pacer.Sent(lastWrite);
                        metrics.RowSent();
                        waiting = Math.Max(0, state.Stats.LastInvoiceId - cursor);
                        // Loop at once: the status may have changed, and the next row may be due.
                        wakeForRow = lastWrite;
                    }
                }

                var status = formatter.Status(state.Run, waiting);
                if (status != sentStatus)
                {
                    yield return await frames.StatusAsync(status);
                    sentStatus = status;
                    lastWrite = time.GetUtcNow();
                }

                now = time.GetUtcNow();
                if (now - lastWrite >= HeartbeatInterval)
                {
                    yield return SseFrames.Heartbeat;
                    lastWrite = now;
                }

                var wake = lastWrite + HeartbeatInterval;
                if (wakeForRow is { } w && w < wake)
                {
                    wake = w;
                }

                if (wake > now)
                {
                    await WaitAsync(seen, wake - now, ct);
                }
            }
        }
        finally
        {
            metrics.StreamClosed();
        }
    }

    private async Task WaitAsync(long seenVersion, TimeSpan delay, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var changed = hub.WaitForChangeAsync(seenVersion, cts.Token);
        var timer = Task.Delay(delay, time, cts.Token);
        await Task.WhenAny(changed, timer);
        await cts.CancelAsync();
        // Observe the loser's cancellation so it is not reported as unobserved.
        await Task.WhenAll(changed, timer).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private void RecordLatency(LiveState state, DateTimeOffset sentAt, bool firstOfStream)
    {
        // The first frame of a stream shows whatever committed long ago: not a latency.
        if (firstOfStream || state.CommittedAt == DateTimeOffset.MinValue)
        {
            return;
        }

        var latency = sentAt - state.CommittedAt;
        metrics.StatsLatency(latency);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Stats for invoice {InvoiceId} sent {LatencyMs:0.0} ms after commit", state.Stats.LastInvoiceId, latency.TotalMilliseconds);
        }
    }
}

/// <summary>
/// Drift-free pacing of one stream: row n after the anchor is due at anchor + n / rate. Idle time
/// earns no credit (the anchor moves up when there was nothing to send), and a stall of more than
/// one interval re-anchors instead of bursting, so a viewer never gets more than the rate.
/// </summary>
internal sealed class Pacer(int ratePerSecond)
{
    private readonly TimeSpan _interval = Due(1, ratePerSecond);
    private DateTimeOffset _anchor = DateTimeOffset.MinValue;
    private long _sent;
    private DateTimeOffset _lastSent = DateTimeOffset.MinValue;
    private bool _idle = true;

    public DateTimeOffset NextDue(DateTimeOffset now)
    {
        if (_idle)
        {
            // First row after a quiet spell: as soon as the rate allows, counted from the last row sent.
            _anchor = _lastSent == DateTimeOffset.MinValue || now - _lastSent >= _interval ? now : _lastSent + _interval;
            _sent = 0;
            _idle = false;
        }

        var due = _anchor + Due(_sent, ratePerSecond);
        if (now - due > _interval)
        {
            _anchor = now;
            _sent = 0;
            due = now;
        }

        return due;
    }

    public void Sent(DateTimeOffset at)
    {
        _sent++;
        _lastSent = at;
    }

    public void Idle() => _idle = true;

    // Computed from the anchor each time (n x 1 s / rate), so rounding never accumulates.
    private static TimeSpan Due(long n, int rate) => TimeSpan.FromTicks(n * TimeSpan.TicksPerSecond / rate);
}
