using System.Runtime.CompilerServices;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Infrastructure.Lifecycle;
using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Models;
using InvoiceMvc.Web.Operations;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// One viewer's stream: stats and status as soon as this server's <see cref="LiveStateHub"/> changes,
/// and the invoices after the viewer's cursor one at a time at Display:RatePerSecond. What to send
/// and when is decided by <see cref="ViewerState"/>; this loop only reads the hub, fetches the frames
/// from the shared caches (rendered once, so a viewer costs O(1) whatever the backlog), writes them
/// and waits. A filtered stream (the explorer's) sends only the rows its <see cref="InvoiceFilter"/>
/// matches, judged on the cached frames' invoices (no query per row), and after each one the filtered
/// set's count and sums: a summary read once, at the first match, plus each row sent. An invoice this
/// viewer was already sent (or passed over) that changes later is sent again as it is now, at once,
/// outside the row pacing (<see cref="ChangedRowFrames"/>).
/// </summary>
public sealed class DashboardStream(
    LiveStateHub hub,
    InvoiceFrameCache rows,
    LiveFrames frames,
    DashboardFormatter formatter,
    DashboardMetrics metrics,
    IOptions<DisplayOptions> display,
    TimeProvider time,
    LifecycleClock calendar,
    IHostApplicationLifetime lifetime,
    InvoiceSearch search,
    PartialRenderer renderer,
    ChangedRowFrames changedRows,
    ILogger<DashboardStream> logger)
{
    public const string SummaryPartial = "~/Views/Invoices/_Summary.cshtml";

    /// <summary>
    /// Rows read and skipped per step at most: a long stretch of non-matching invoices is worked through
    /// in slices (each from the shared cache, filled 100 rows per query), so one viewer never holds a thread long.
    /// </summary>
    internal const int MaxSkipsPerStep = 500;

    public IAsyncEnumerable<ReadOnlyMemory<byte>> RunAsync(long cursor, CancellationToken cancellationToken) =>
        RunAsync(cursor, filter: null, cancellationToken);

    /// <param name="filter">Null for the dashboard (every row); else only the matching rows, each followed by a summary frame.</param>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> RunAsync(long cursor, InvoiceFilter? filter, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        InvoiceSummary? summary = null;
        // Server shutdown ends the stream too: the browser reconnects (to another instance) where it left off.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var ct = linked.Token;
        using var waiter = new LiveStateWaiter(hub, time, ct);
        var viewer = new ViewerState(cursor, display.Value.RatePerSecond, frames.Status, time.GetUtcNow());
        var changesSeen = hub.ChangeCount;
        List<(long Number, long InvoiceId)>? changes = null;

        metrics.StreamOpened();
        try
        {
            yield return SseFrames.Retry();
            while (!ct.IsCancellationRequested)
            {
                // Version first: a change published after this read wakes the wait below at once.
                var seen = hub.Version;
                var state = hub.Current;

                var start = viewer.Begin(state, time.GetUtcNow(), hub.DatabaseReachable);
                if (start.SendStats)
                {
                    yield return await frames.StatsAsync(state.Stats);
                    if (start.MeasureStatsLatency)
                    {
                        RecordLatency(state, time.GetUtcNow());
                    }
                }

                if (hub.ChangeCount != changesSeen)
                {
                    (changes ??= []).Clear();
                    changesSeen = hub.ChangesSince(changesSeen, changes);
                    foreach (var (number, invoiceId) in changes)
                    {
                        // Rows after the cursor are still to come, and will come as they are now.
                        if (invoiceId <= viewer.Cursor && await ChangedRowAsync(number, invoiceId) is { } changed)
                        {
                            yield return changed;
                        }
                    }
                }

                var row = start.FetchRow ? await NextRowAsync(viewer.Cursor, ct) : null;
                if (filter is not null)
                {
                    var today = calendar.Today;
                    for (var skipped = 0; row is not null && !filter.Matches(row.Invoice, today); skipped++)
                    {
                        viewer.Skip(row.Id);
                        row = skipped < MaxSkipsPerStep ? await NextRowAsync(viewer.Cursor, ct) : null;
                    }
                }

                var end = viewer.End(time.GetUtcNow(), row?.Id);
                if (end.SendRow)
                {
                    yield return row!.Bytes;
                    metrics.RowSent();
                    if (filter is not null)
                    {
                        summary = await SummaryWithAsync(summary, filter, row.Invoice, ct);
                        if (summary is not null)
                        {
                            yield return await SseFrames.EncodeAsync(SseFrames.Summary, await renderer.RenderAsync(SummaryPartial, formatter.Summary(summary)));
                        }
                    }
                }

                if (end.Status is { } status)
                {
                    yield return await frames.StatusAsync(status);
                }

                if (end.Heartbeat)
                {
                    yield return SseFrames.Heartbeat;
                }

                var now = time.GetUtcNow();
                if (end.WakeAt > now)
                {
                    await waiter.WaitAsync(seen, end.WakeAt - now);
                }
            }
        }
        finally
        {
            metrics.StreamClosed();
        }
    }

    private async ValueTask<InvoiceFrame?> NextRowAsync(long cursor, CancellationToken ct)
    {
        try
        {
            return await rows.NextAfterAsync(cursor, ct);
        }
        catch (Exception ex) when (DatabaseOutage.IsUnavailable(ex))
        {
            // The stream stays open through an outage: the listener marks it within about a second, and
            // until then the row is simply not there yet (asked again shortly, like a row not yet visible).
            logger.LogDebug(ex, "Row after {Cursor} unavailable: PostgreSQL unreachable", cursor);
            return null;
        }
    }

    private async Task<byte[]?> ChangedRowAsync(long changeNumber, long invoiceId)
    {
        try
        {
            return await changedRows.RowAsync(changeNumber, invoiceId);
        }
        catch (Exception ex) when (DatabaseOutage.IsUnavailable(ex))
        {
            // Missed, not wrong: the row stays as it was shown until the page is reloaded.
            logger.LogDebug(ex, "Changed invoice {InvoiceId} unavailable: PostgreSQL unreachable", invoiceId);
            return null;
        }
    }

    private async ValueTask<InvoiceSummary?> SummaryWithAsync(InvoiceSummary? summary, InvoiceFilter filter, Invoice sent, CancellationToken ct)
    {
        try
        {
            // Read once, at the first match; With() ignores a row that read already counted.
            return (summary ?? await search.SummaryAsync(filter, ct)).With(sent);
        }
        catch (Exception ex) when (DatabaseOutage.IsUnavailable(ex))
        {
            // No summary frame this time; the next match reads it again.
            logger.LogDebug(ex, "Summary unavailable: PostgreSQL unreachable");
            return null;
        }
    }

    private void RecordLatency(LiveState state, DateTimeOffset sentAt)
    {
        var latency = sentAt - state.CommittedAt;
        metrics.StatsLatency(latency);
        if (logger.IsEnabled(LogLevel.Debug))
        {
            logger.LogDebug("Stats for invoice {InvoiceId} sent {LatencyMs:0.0} ms after commit", state.Stats.LastInvoiceId, latency.TotalMilliseconds);
        }
    }
}
