using InvoiceMvc.Domain.Invoices;
using Microsoft.EntityFrameworkCore;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>Read side of the invoices table; every query walks the primary key, never scans.</summary>
public sealed class InvoiceQueries(InvoiceDbContext db)
{
    public const int MaxPageSize = 200;

    /// <summary>Newest first, strictly older than <paramref name="beforeId"/> (keyset paging; null = from the newest).</summary>
    public Task<List<Invoice>> PageNewestFirstAsync(long? beforeId, int pageSize, CancellationToken cancellationToken)
    {
        var size = Math.Clamp(pageSize, 1, MaxPageSize);
        var query = db.Invoices.AsNoTracking();
        if (beforeId is { } before)
        {
            query = query.Where(i => i.Id < before);
        }

        return query.OrderByDescending(i => i.Id).Take(size).ToListAsync(cancellationToken);
    }

    /// <summary>Oldest first, strictly after <paramref name="afterId"/>: what a viewer at that cursor has not seen yet.</summary>
    public Task<List<Invoice>> AfterAsync(long afterId, int count, CancellationToken cancellationToken) =>
        db.Invoices.AsNoTracking()
            .Where(i => i.Id > afterId)
            .OrderBy(i => i.Id)
            .Take(Math.Clamp(count, 1, MaxPageSize))
            .ToListAsync(cancellationToken);
}
