using System.Collections.Concurrent;
using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Persistence;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// One invoice row as a ready-to-write SSE frame (event: invoice, id: the invoice id), with the invoice
/// it was rendered from, so a filtered stream can match it (<see cref="InvoiceFilter.Matches"/>) without a query.
/// </summary>
public sealed record InvoiceFrame(long Id, ReadOnlyMemory<byte> Bytes, Invoice Invoice);

/// <summary>
/// The render-once cache behind every viewer's row stream. Entries are keyed by the id that comes
/// BEFORE them, so "the next row after my cursor" is one dictionary read for a viewer, with no
/// per-viewer queue. A miss loads a range from PostgreSQL and renders each row once; loads are
/// serialised, so viewers missing at the same moment wait for one query and one rendering.
/// Bounded: the oldest entries go first, and a viewer far behind simply refills from the database.
/// </summary>
public sealed class InvoiceFrameCache(
    IServiceScopeFactory scopes,
    PartialRenderer renderer,
    DashboardFormatter formatter,
    DashboardMetrics metrics) : IDisposable
{
    public const int Capacity = 4096;
    public const int BatchSize = 100;
    public const string RowPartial = "~/Views/Shared/_InvoiceRow.cshtml";

    private readonly ConcurrentDictionary<long, InvoiceFrame> _byPrevious = new();
    private readonly Queue<long> _insertionOrder = new();
    private readonly SemaphoreSlim _fill = new(1, 1);

    public int Count => _byPrevious.Count;

    public void Dispose() => _fill.Dispose();

    /// <summary>The first invoice after <paramref name="cursor"/>, or null when the database has none yet.</summary>
    public ValueTask<InvoiceFrame?> NextAfterAsync(long cursor, CancellationToken cancellationToken) =>
        _byPrevious.TryGetValue(cursor, out var frame)
            ? ValueTask.FromResult<InvoiceFrame?>(frame)
            : new ValueTask<InvoiceFrame?>(FillAsync(cursor, cancellationToken));

    /// <summary>
    /// Drops the cached row of an invoice that changed after it was issued, so a viewer who reaches it
    /// later gets it as it is now (ids are gapless: its entry is keyed by the id before it).
    /// </summary>
    public void Forget(long invoiceId)
    {
        if (_byPrevious.TryGetValue(invoiceId - 1, out var frame) && frame.Id == invoiceId)
        {
            _byPrevious.TryRemove(new KeyValuePair<long, InvoiceFrame>(invoiceId - 1, frame));
        }
    }

    private async Task<InvoiceFrame?> FillAsync(long cursor, CancellationToken cancellationToken)
    {
        await _fill.WaitAsync(cancellationToken);
        try
        {
            if (_byPrevious.TryGetValue(cursor, out var cached))
            {
                return cached;
            }

            await using var scope = scopes.CreateAsyncScope();
            var invoices = await scope.ServiceProvider.GetRequiredService<InvoiceQueries>()
                .AfterAsync(cursor, BatchSize, cancellationToken);

            InvoiceFrame? first = null;
            var previous = cursor;
            foreach (var invoice in invoices)
            {
                if (!_byPrevious.TryGetValue(previous, out var frame) || frame.Id != invoice.Id)
                {
                    var html = await renderer.RenderAsync(RowPartial, formatter.Row(invoice, isNew: true));
                    frame = new InvoiceFrame(invoice.Id, await SseFrames.EncodeAsync(SseFrames.Invoice, html, invoice.Id), invoice);
                    _byPrevious[previous] = frame;
                    _insertionOrder.Enqueue(previous);
                    metrics.RowRendered();
                }

                first ??= frame;
                previous = invoice.Id;
            }

            while (_insertionOrder.Count > Capacity)
            {
                _byPrevious.TryRemove(_insertionOrder.Dequeue(), out _);
            }

            return first;
        }
        finally
        {
            _fill.Release();
        }
    }
}
