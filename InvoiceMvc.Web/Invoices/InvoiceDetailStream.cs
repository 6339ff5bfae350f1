using System.Runtime.CompilerServices;
using InvoiceMvc.Infrastructure.Events;
using InvoiceMvc.Web.Dashboard;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// The detail page's one stream: the invoice's standing and activity again, as an out-of-band swap,
/// each time a payment or void of THIS invoice commits (on any instance: the hub hears the database's
/// NOTIFY), and a heartbeat every 15 s. Detail pages are few next to dashboards, so each renders its own frame.
/// </summary>
public sealed class InvoiceDetailStream(LiveStateHub hub, InvoiceLifecyclePages pages, PartialRenderer renderer, TimeProvider time,
    IHostApplicationLifetime lifetime, ILogger<InvoiceDetailStream> logger)
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> RunAsync(long invoiceId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var ct = linked.Token;
        var changesSeen = hub.ChangeCount;
        var changes = new List<(long Number, long InvoiceId)>();
        var lastSent = time.GetUtcNow();
        yield return SseFrames.Retry();
        while (!ct.IsCancellationRequested)
        {
            var version = hub.Version;
            if (hub.ChangeCount != changesSeen)
            {
                changes.Clear();
                changesSeen = hub.ChangesSince(changesSeen, changes);
                if (changes.Exists(c => c.InvoiceId == invoiceId) && await FrameAsync(invoiceId, ct) is { } frame)
                {
                    yield return frame;
                    lastSent = time.GetUtcNow();
                }
            }

            if (time.GetUtcNow() - lastSent >= HeartbeatInterval)
            {
                yield return SseFrames.Heartbeat;
                lastSent = time.GetUtcNow();
            }

            var wait = lastSent + HeartbeatInterval - time.GetUtcNow();
            try
            {
                await hub.WaitForChangeAsync(version, ct).WaitAsync(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, ct);
            }
            catch (TimeoutException)
            {
                // time for a heartbeat
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                yield break;
            }
        }
    }

    private async Task<byte[]?> FrameAsync(long invoiceId, CancellationToken ct)
    {
        try
        {
            return await pages.LiveAsync(invoiceId, ct) is { } live
                ? await SseFrames.EncodeAsync(SseFrames.Changed, await renderer.RenderAsync(InvoiceLifecyclePages.LivePartial, live))
                : null;
        }
        catch (Exception ex) when (Operations.DatabaseOutage.IsUnavailable(ex))
        {
            logger.LogDebug(ex, "Invoice {InvoiceId} unavailable: PostgreSQL unreachable", invoiceId);
            return null;
        }
    }
}
