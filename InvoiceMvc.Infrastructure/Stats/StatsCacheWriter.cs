using System.Threading.Channels;
using InvoiceMvc.Domain.Invoices;
using Microsoft.Extensions.Hosting;

namespace InvoiceMvc.Infrastructure.Stats;

/// <summary>
/// Copies committed totals into Redis off the generator's path. The tick only posts its snapshot
/// (never waits); this service writes the newest one. One slot, newest wins: each snapshot is the
/// whole state as of one invoice (versioned by its id), so skipping older ones loses nothing, and a
/// frozen Redis costs one pending snapshot of memory, not a queue. A snapshot Redis refused is
/// retried until it lands or a newer one replaces it.
/// </summary>
public sealed class StatsCacheWriter(StatsCache cache) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(500);

    private readonly Channel<InvoiceStats> _pending = Channel.CreateBounded<InvoiceStats>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Hands over the snapshot as of one commit; returns at once.</summary>
    public void Post(InvoiceStats snapshot) => _pending.Writer.TryWrite(snapshot);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        InvoiceStats? failed = null;
        try
        {
            while (true)
            {
                InvoiceStats snapshot;
                if (_pending.Reader.TryRead(out var next))
                {
                    snapshot = next;
                }
                else if (failed is null)
                {
                    await _pending.Reader.WaitToReadAsync(stoppingToken);
                    continue;
                }
                else if (await NewerArrivesWithinAsync(RetryDelay, stoppingToken))
                {
                    continue;
                }
                else
                {
                    snapshot = failed;
                }

                await cache.ApplyAsync(snapshot);
                failed = cache.ApplyFailing ? snapshot : null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: store what the last tick left, once (Redis's own timeouts bound this).
            var last = _pending.Reader.TryRead(out var posted) ? posted : failed;
            if (last is not null)
            {
                await cache.ApplyAsync(last);
            }
        }
    }

    private async Task<bool> NewerArrivesWithinAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        cts.CancelAfter(delay);
        try
        {
            return await _pending.Reader.WaitToReadAsync(cts.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
