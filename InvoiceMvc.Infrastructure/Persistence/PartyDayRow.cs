namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>
/// One party's invoices on one UTC day, as seller (<see cref="Kind"/> 1) or buyer (2), kept by the
/// database in the tick's transaction: a ranking over a date range reads parties x days rows, never invoices.
/// </summary>
public sealed class PartyDayRow
{
    public short Kind { get; init; }
    public DateOnly Day { get; init; }
    public long PartyId { get; init; }
    public long InvoiceCount { get; init; }
    public decimal Subtotal { get; init; }
    public decimal VatAmount { get; init; }
    public decimal TotalAmount { get; init; }
}
