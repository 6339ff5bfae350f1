namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>
/// One party's running totals over the invoices it is on (as seller or as buyer), kept by the
/// database in the tick's transaction: a party's count and sums are one row read, whatever the table holds.
/// </summary>
public sealed class PartyTotalsRow
{
    public long PartyId { get; init; }
    public long InvoiceCount { get; init; }
    public decimal Subtotal { get; init; }
    public decimal VatAmount { get; init; }
    public decimal TotalAmount { get; init; }
    public long LastInvoiceId { get; init; }
}
