namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>
/// The invoices of one UTC minute, hour or day (<see cref="Grain"/> 1, 2, 3): count and sums, kept by
/// the database in the tick's transaction, so a chart of N buckets reads N rows whatever the table holds.
/// </summary>
public sealed class InvoiceBucketRow
{
    public short Grain { get; init; }
    public DateTimeOffset BucketStart { get; init; }
    public long InvoiceCount { get; init; }
    public decimal Subtotal { get; init; }
    public decimal VatAmount { get; init; }
    public decimal TotalAmount { get; init; }
    public long LastInvoiceId { get; init; }
}
