namespace InvoiceMvc.Domain.Invoices;

/// <summary>Running totals over every invoice ever generated.</summary>
public sealed record InvoiceStats(long Count, decimal TotalAmount, decimal TotalVat, long LastInvoiceId)
{
    public static readonly InvoiceStats Empty = new(0, 0m, 0m, 0);

    /// <summary>Mean invoice total, rounded to cents half away from zero; 0 when there are no invoices.</summary>
    public decimal Average => Count == 0 ? 0m : Math.Round(TotalAmount / Count, 2, MidpointRounding.AwayFromZero);
}
