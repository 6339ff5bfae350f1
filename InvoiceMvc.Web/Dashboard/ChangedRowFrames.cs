using System.Collections.Concurrent;
using InvoiceMvc.Infrastructure.Persistence;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// The row of an invoice that changed after it was issued (a payment, a void), as a "changed" frame
/// that replaces the row of the same id wherever a page shows it. Rendered once per change per server
/// (every stream of this process hears the same numbered changes from <see cref="Infrastructure.Events.LiveStateHub"/>),
/// read afresh from PostgreSQL, so it shows the invoice as committed, whichever instance changed it.
/// </summary>
public sealed class ChangedRowFrames(InvoiceSearch search, PartialRenderer renderer, DashboardFormatter formatter, InvoiceFrameCache rows)
{
    private const int Capacity = 256;
    private readonly ConcurrentDictionary<long, Lazy<Task<byte[]?>>> _byChange = new();

    /// <summary>The frame for change number <paramref name="changeNumber"/> (of invoice <paramref name="invoiceId"/>); null if the invoice is gone.</summary>
    public async Task<byte[]?> RowAsync(long changeNumber, long invoiceId)
    {
        if (_byChange.Count > Capacity)
        {
            foreach (var old in _byChange.Keys.Where(k => k < changeNumber - Capacity))
            {
                _byChange.TryRemove(old, out _);
            }
        }

        var frame = _byChange.GetOrAdd(changeNumber, _ => new Lazy<Task<byte[]?>>(() => RenderAsync(invoiceId)));
        try
        {
            return await frame.Value;
        }
        catch
        {
            // A failed read (PostgreSQL unreachable) is not kept: the next stream to ask tries again.
            _byChange.TryRemove(new KeyValuePair<long, Lazy<Task<byte[]?>>>(changeNumber, frame));
            throw;
        }
    }

    private async Task<byte[]?> RenderAsync(long invoiceId)
    {
        rows.Forget(invoiceId);
        var invoice = await search.FindAsync(invoiceId, CancellationToken.None);
        if (invoice is null)
        {
            return null;
        }

        var html = await renderer.RenderAsync(InvoiceFrameCache.RowPartial, formatter.Row(invoice) with { SwapOob = true });
        return await SseFrames.EncodeAsync(SseFrames.Changed, html);
    }
}
