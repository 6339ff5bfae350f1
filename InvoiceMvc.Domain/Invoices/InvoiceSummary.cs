namespace InvoiceMvc.Domain.Invoices;

/// <summary>
/// How many invoices a filter selects and what they add up to, exactly, as of
/// <see cref="LastInvoiceId"/>: the newest invoice counted. Invoices commit in id order, so an
/// invoice with a larger id is one the summary has not seen yet.
/// </summary>
public sealed record InvoiceSummary(long Count, decimal Subtotal, decimal Vat, decimal Total, long LastInvoiceId)
{
    public static readonly InvoiceSummary None = new(0, 0m, 0m, 0m, 0);

    /// <summary>The summary with <paramref name="invoice"/> counted, unless it already is.</summary>
    public InvoiceSummary With(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        return invoice.Id <= LastInvoiceId
            ? this
            : new(Count + 1, Subtotal + invoice.Subtotal, Vat + invoice.VatAmount, Total + invoice.TotalAmount, invoice.Id);
    }
}
