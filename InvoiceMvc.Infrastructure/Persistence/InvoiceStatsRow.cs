namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>The one-row table of running totals: the source of truth the Redis cache is rebuilt from.</summary>
public sealed class InvoiceStatsRow
{
    public int Id { get; init; }
    public long InvoiceCount { get; init; }
    public decimal TotalAmount { get; init; }
    public decimal VatAmount { get; init; }
    public long LastInvoiceId { get; init; }
}
